import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../src/index.js';
import { toFtsQuery } from '../src/sql/fts-query.js';
import { axis, rawConnection, removeTmpFiles, tmpFile } from './temp-db.js';

afterEach(removeTmpFiles);

async function openStore() {
  const store = new SqliteStore({ path: tmpFile(), embeddingDimension: 8 });
  await store.init();
  const project = await store.projects.create({ name: 'search', path: '/search' });
  return { store, project };
}

describe('toFtsQuery()', () => {
  it('quotes every word and ORs them; returns null without words', () => {
    expect(toFtsQuery('Use pnpm, NOT npm!')).toBe('"use" OR "pnpm" OR "not" OR "npm"');
    expect(toFtsQuery('say "hi" hi')).toBe('"say" OR "hi"');
    expect(toFtsQuery('café über')).toBe('"café" OR "über"');
    expect(toFtsQuery(' -*:()" ')).toBeNull();
  });
});

describe('search on SQLite', () => {
  it('keyword search treats FTS5 syntax in user text as plain words', async () => {
    const { store, project } = await openStore();
    const memory = await store.memories.store(project.id, {
      content: 'NEAR the AND gate',
      embedding: axis(0),
    });
    for (const text of ['NEAR(', 'AND', '"unbalanced', 'col:umn', 'a* OR -b', 'gate)']) {
      await expect(store.search.keyword(project.id, text)).resolves.toBeInstanceOf(Array);
    }
    expect((await store.search.keyword(project.id, 'AND')).map((h) => h.memory.id)).toEqual([
      memory.id,
    ]);
    expect(await store.search.keyword(project.id, '?!')).toEqual([]);
    await store.close();
  });

  it('stems and folds diacritics (porter unicode61 remove_diacritics 2)', async () => {
    const { store, project } = await openStore();
    const memory = await store.memories.store(project.id, {
      content: 'Running the résumé tests',
      embedding: axis(0),
    });
    expect((await store.search.keyword(project.id, 'run resume')).map((h) => h.memory.id)).toEqual([
      memory.id,
    ]);
    await store.close();
  });

  it('a selective filter still returns limit rows (exact scan), nearest first', async () => {
    const { store, project } = await openStore();
    const inputs = Array.from({ length: 300 }, (_, i) => ({
      content: `memory ${i}`,
      // The tagged rows are the farthest from the query, so a KNN-then-filter plan would miss them.
      embedding:
        i % 50 === 0 ? [0.1 + i / 1000, 0, 1, 0, 0, 0, 0, 0] : [1, (i % 7) / 10, 0, 0, 0, 0, 0, 0],
      tags: i % 50 === 0 ? ['rare'] : ['common'],
    }));
    await store.memories.storeMany(project.id, inputs);
    const hits = await store.search.semantic(project.id, axis(0), {
      limit: 5,
      filters: { tags: ['rare'] },
    });
    expect(hits).toHaveLength(5);
    expect(hits.map((h) => h.memory.content)).toEqual([
      'memory 250',
      'memory 200',
      'memory 150',
      'memory 100',
      'memory 50',
    ]);
    const hybrid = await store.search.hybrid(
      project.id,
      { embedding: axis(0), text: 'memory' },
      { limit: 6, filters: { tags: ['rare'] } },
    );
    expect(hybrid).toHaveLength(6);
    await store.close();
  });

  it('hybrid candidates above the vec0 k limit fall back to the exact scan', async () => {
    const { store, project } = await openStore();
    await store.memories.storeMany(project.id, [
      { content: 'alpha', embedding: axis(0) },
      { content: 'beta', embedding: axis(1) },
    ]);
    const hits = await store.search.hybrid(
      project.id,
      { embedding: axis(0), text: 'beta' },
      { candidates: 5000 },
    );
    expect(hits.map((h) => h.memory.content)).toEqual(['alpha', 'beta']);
    await store.close();
  });
});

describe('bulkLoad() and the keyword index', () => {
  /** The FTS5 segments of the keyword index (one per flush until merged). */
  const segments = (path: string) => {
    const db = rawConnection(path);
    try {
      return db.prepare('SELECT count(DISTINCT segid) FROM memory_fts_idx').pluck().get() as number;
    } finally {
      db.close();
    }
  };
  const load = (store: SqliteStore, projectId: number, from: number, count: number) =>
    store.bulkLoad(
      (tx) =>
        tx.memories.storeMany(
          projectId,
          Array.from({ length: count }, (_, i) => ({
            content: `memory ${from + i} about keyword segments`,
            embedding: axis((from + i) % 8),
          })),
        ),
      { memories: count },
    );

  it('merges it into one segment when the load at least doubles the memories, and not otherwise', async () => {
    const path = tmpFile();
    const store = new SqliteStore({ path, embeddingDimension: 8 });
    await store.init();
    try {
      const project = await store.projects.create({ name: 'bulk', path: '/bulk' });
      await store.memories.storeMany(project.id, [{ content: 'first memory', embedding: axis(0) }]);
      await store.memories.storeMany(project.id, [
        { content: 'second memory', embedding: axis(1) },
      ]);
      expect(segments(path)).toBeGreaterThan(1);
      // 2 → 12 memories: merged, and every memory is still found.
      await load(store, project.id, 0, 10);
      expect(segments(path)).toBe(1);
      expect(await store.search.keyword(project.id, 'segments', { limit: 50 })).toHaveLength(10);
      // 12 → 17: FTS5's own merging only.
      await load(store, project.id, 10, 5);
      expect(segments(path)).toBeGreaterThan(1);
      expect(await store.search.keyword(project.id, 'segments', { limit: 50 })).toHaveLength(15);
    } finally {
      await store.close();
    }
  });
});
