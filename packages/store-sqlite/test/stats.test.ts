import { existsSync } from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, SqliteStore } from '../src/index.js';
import { EXPECTED_INDEXES } from '../src/stats.js';
import { axis, rawConnection, removeTmpFiles, tmpFile } from './temp-db.js';

const stores: SqliteStore[] = [];

async function open(path = tmpFile()): Promise<SqliteStore> {
  const store = new SqliteStore({ path, embeddingDimension: 8 });
  stores.push(store);
  await store.init();
  return store;
}

afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
});
afterAll(removeTmpFiles);

describe('SQLite stats and migration status', () => {
  it('expects exactly the indexes the migrations create', async () => {
    const path = tmpFile();
    await open(path);
    const db = rawConnection(path);
    try {
      const created = (
        db
          .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
          .pluck()
          .all() as string[]
      ).filter((name) => !name.startsWith('vec_memories'));
      expect(created.sort()).toEqual(Object.keys(EXPECTED_INDEXES).sort());
    } finally {
      db.close();
    }
  });

  it('reports a dropped index as missing and a derived index out of step as invalid', async () => {
    const path = tmpFile();
    const store = await open(path);
    const project = await store.projects.create({ name: 'p', path: '/p' });
    await store.memories.storeMany(project.id, [
      { content: 'one', embedding: axis(0) },
      { content: 'two', embedding: axis(1) },
    ]);
    const db = rawConnection(path);
    try {
      db.exec('DROP INDEX memory_relationships_to');
      db.exec('DELETE FROM memory_bits WHERE memory_id = (SELECT min(memory_id) FROM memory_bits)');
    } finally {
      db.close();
    }
    const { indexes, sizeBytes } = await store.stats();
    expect(indexes.find((index) => index.name === 'memory_relationships_to')).toMatchObject({
      present: false,
      valid: false,
      problem: 'missing',
    });
    expect(indexes.find((index) => index.name === 'memory_bits')).toMatchObject({
      present: true,
      valid: false,
      problem: '1 entries for 2 memories',
    });
    expect(indexes.find((index) => index.name === 'memory_fts')).toMatchObject({ valid: true });
    expect(indexes.find((index) => index.name === 'vec_memories')).toMatchObject({ valid: true });
    expect(sizeBytes).toBeGreaterThan(16_384);
  });

  it('migrationStatus() before init() creates no file', async () => {
    const path = tmpFile();
    const store = new SqliteStore({ path });
    stores.push(store);
    const status = await store.migrationStatus();
    expect(status).toMatchObject({ backend: 'sqlite', initialised: false, currentVersion: 0 });
    expect(status.pending.map((migration) => migration.version)).toEqual(
      MIGRATIONS.map((migration) => migration.version),
    );
    expect(existsSync(path)).toBe(false);
  });

  it('health() names the SQLite and sqlite-vec versions', async () => {
    const report = await (await open()).health();
    expect(report.versions?.['sqlite']).toMatch(/^3\.\d+\.\d+$/);
    expect(report.versions?.['sqlite-vec']).toMatch(/^v?\d+\.\d+/);
    expect(report.pool).toBeUndefined();
  });
});
