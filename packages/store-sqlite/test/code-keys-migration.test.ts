import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, SqliteStore } from '../src/index.js';
import { rawConnection, removeTmpFiles, tmpFile } from './temp-db.js';

afterEach(removeTmpFiles);

/** A file at schema version 2 (before qualified code names), as databases in the field are. */
function versionTwoFile(): string {
  const path = tmpFile();
  const db = rawConnection(path);
  db.pragma('foreign_keys = ON');
  db.exec(
    `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`,
  );
  for (const migration of MIGRATIONS.filter((m) => m.version <= 2)) {
    migration.up(db, { embeddingDimension: 8 });
    db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(
      migration.version,
      migration.name,
      0,
    );
  }
  const now = Date.now();
  db.prepare(
    `INSERT INTO projects (id, name, path, created_at, last_accessed_at) VALUES (1, 'p', '/p', ?, ?)`,
  ).run(now, now);
  const entity = db.prepare(
    `INSERT INTO code_metadata (id, project_id, file_path, name, entity_type, created_at, updated_at)
     VALUES (?, 1, 'src/a.ts', ?, 'function', ?, ?)`,
  );
  entity.run(5, 'parse', now, now);
  entity.run(9, 'main', now, now);
  entity.run(12, 'gone', now, now);
  db.prepare('DELETE FROM code_metadata WHERE id = 12').run();
  db.prepare(
    `INSERT INTO code_dependencies (project_id, from_entity_id, to_entity_id, dependency_type, created_at)
     VALUES (1, 9, 5, 'calls', ?)`,
  ).run(now);
  db.prepare(
    `INSERT INTO episodic_events (project_id, session_id, timestamp, event_type, content, created_at)
     VALUES (1, 's', ?, 'tool_call', 'ran the linter', ?)`,
  ).run(now, now);
  db.close();
  return path;
}

describe('migration 3 (qualified code names, pending edges, event vocabulary)', () => {
  it('keeps ids, edges and the id sequence; names become qualified names; tool_call becomes tool_execution', async () => {
    const path = versionTwoFile();
    const store = new SqliteStore({ path });
    await store.init();
    try {
      const entities = await store.code.findEntities(1);
      expect(entities.map((e) => [e.id, e.name, e.qualifiedName])).toEqual([
        [5, 'parse', 'parse'],
        [9, 'main', 'main'],
      ]);
      expect((await store.code.dependenciesOf(1, 9)).map((e) => e.id)).toEqual([5]);
      const [fresh] = await store.code.upsertEntities(1, [
        {
          filePath: 'src/a.ts',
          name: 'parse',
          qualifiedName: 'Parser.parse',
          entityType: 'function',
        },
      ]);
      expect(fresh?.id).toBe(13);
      const events = await store.episodes.list(1);
      expect(events.items.map((e) => e.eventType)).toEqual(['tool_execution']);
      // Deleting an entity still cascades to its edges: the foreign keys name the new table.
      await store.code.deleteEntity(1, 5);
      expect(await store.code.dependenciesOf(1, 9)).toEqual([]);
    } finally {
      await store.close();
    }
    const raw = rawConnection(path);
    expect(raw.pragma('foreign_key_check')).toEqual([]);
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    raw.close();
  });
});
