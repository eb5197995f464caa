import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, LATEST_SCHEMA_VERSION, SqliteStore } from '../src/index.js';
import { rawConnection, removeTmpFiles, tmpFile } from './temp-db.js';

afterEach(removeTmpFiles);

/** A file at schema version 3 (before the code graph's columns), with code rows written then. */
function versionThreeFile(): string {
  const path = tmpFile();
  const db = rawConnection(path);
  db.pragma('foreign_keys = ON');
  db.exec(
    `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`,
  );
  for (const migration of MIGRATIONS.filter((m) => m.version <= 3)) {
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
    `INSERT INTO code_metadata (id, project_id, file_path, name, qualified_name, entity_type, created_at, updated_at)
     VALUES (?, 1, 'src/a.ts', ?, ?, 'function', ?, ?)`,
  );
  entity.run(5, 'parse', 'parse', now, now);
  entity.run(9, 'main', 'main', now, now);
  db.prepare(
    `INSERT INTO code_dependencies (project_id, from_entity_id, to_entity_id, dependency_type, created_at)
     VALUES (1, 9, 5, 'calls', ?)`,
  ).run(now);
  db.close();
  return path;
}

describe('migration 4 (code graph: exported entities, unresolved references)', () => {
  it('keeps entities and edges, with exported unknown; references can be stored afterwards', async () => {
    const store = new SqliteStore({ path: versionThreeFile() });
    await store.init();
    try {
      expect((await store.health()).schemaVersion).toBe(LATEST_SCHEMA_VERSION);
      const entities = await store.code.findEntities(1);
      expect(entities.map((e) => [e.id, e.name, e.exported])).toEqual([
        [5, 'parse', null],
        [9, 'main', null],
      ]);
      expect((await store.code.impact(1, 5)).map((i) => i.path)).toEqual([[5, 9]]);
      const replaced = await store.code.replaceFile(1, 'src/a.ts', {
        entities: [
          { name: 'parse', entityType: 'function', exported: true },
          { name: 'main', entityType: 'function' },
        ],
        unresolved: [{ from: { qualifiedName: 'main' }, dependencyType: 'calls', target: 'x.y' }],
      });
      expect(replaced.entities.map((e) => [e.id, e.exported])).toEqual([
        [5, true],
        [9, null],
      ]);
      expect((await store.code.unresolvedReferences(1)).map((r) => r.target)).toEqual(['x.y']);
    } finally {
      await store.close();
    }
  });
});
