import { AthenaError, StoreClosedError, ValidationError } from '@athena/core-types';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../src/index.js';
import { ReaderPool } from '../src/readers.js';
import { removeTmpFiles, tmpFile } from './temp-db.js';

afterEach(removeTmpFiles);

/** `count` pseudo-random unit vectors (an LCG from `seed`). */
function vectors(count: number, dimension: number, seed: number): number[][] {
  let state = seed;
  const next = () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648 - 0.5;
  };
  return Array.from({ length: count }, () => {
    const vector = Array.from({ length: dimension }, next);
    const norm = Math.hypot(...vector);
    return vector.map((x) => x / norm);
  });
}

const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf'];

/** A store on a file holding `count` memories of 128 dimensions in one project. */
async function filled(count: number, readers: number, path = tmpFile()) {
  const store = new SqliteStore({ path, embeddingDimension: 128, readers });
  await store.init();
  const project =
    (await store.projects.getByPath('/r')) ??
    (await store.projects.create({ name: 'r', path: '/r' }));
  if ((await store.memories.count(project.id)) === 0) {
    const all = vectors(count, 128, 5);
    for (let start = 0; start < count; start += 2_000) {
      await store.memories.storeMany(
        project.id,
        all.slice(start, start + 2_000).map((embedding, i) => ({
          content: `${WORDS[(start + i) % WORDS.length]} memory ${start + i}`,
          embedding,
          tags: (start + i) % 3 === 0 ? ['third'] : [],
        })),
      );
    }
  }
  return { store, project: project.id, path };
}

describe('reader threads', () => {
  it('answer every search as the store connection does', async () => {
    const path = tmpFile();
    const plain = await filled(3_000, 0, path);
    const threaded = await filled(3_000, 2, path);
    try {
      const queries = vectors(5, 128, 99);
      const searches = (s: SqliteStore) =>
        queries.flatMap((query, i) => [
          s.search.semantic(plain.project, query, { limit: 10 }),
          s.search.semantic(plain.project, query, { limit: 10, exact: true }),
          s.search.semantic(plain.project, query, {
            limit: 5,
            filters: { tags: ['third'] },
            includeEmbedding: false,
          }),
          s.search.keyword(plain.project, WORDS[i] ?? 'alpha', { limit: 7 }),
          s.search.hybrid(plain.project, { embedding: query, text: 'bravo memory' }),
          s.search.hybrid(
            plain.project,
            { embedding: query, text: 'delta' },
            { fusion: 'rrf', limit: 4 },
          ),
        ]);
      const expected = await Promise.all(searches(plain.store));
      const actual = await Promise.all(searches(threaded.store));
      expect(actual).toEqual(expected);
      expect(actual.every((hits) => hits.length > 0)).toBe(true);
      // A query with no usable word has no statement to run.
      expect(await threaded.store.search.keyword(plain.project, '"*')).toEqual([]);
    } finally {
      await threaded.store.close();
      await plain.store.close();
    }
  });

  it('leave the event loop free while a search runs', async () => {
    const { store, project } = await filled(20_000, 1);
    try {
      const query = vectors(1, 128, 7)[0] ?? [];
      // Starts the reader thread.
      await store.search.semantic(project, query, { exact: true, limit: 100 });
      // The main thread's event loop is idle while the reader works (with
      // the search on the store's connection it is busy the whole time).
      const before = performance.eventLoopUtilization();
      await store.search.semantic(project, query, {
        exact: true,
        limit: 1_000,
        includeEmbedding: false,
      });
      const { utilization } = performance.eventLoopUtilization(before);
      expect(utilization).toBeLessThan(0.5);
    } finally {
      await store.close();
    }
  });

  it('see a write as soon as it returns, and a transaction sees its own', async () => {
    const { store, project } = await filled(100, 2);
    try {
      const [embedding] = vectors(1, 128, 1234);
      const stored = await store.memories.store(project, {
        content: 'zulu written just now',
        embedding: embedding ?? [],
      });
      expect((await store.search.keyword(project, 'zulu')).map((h) => h.memory.id)).toEqual([
        stored.id,
      ]);
      const [top] = await store.search.semantic(project, embedding ?? [], { limit: 1 });
      expect(top?.memory.id).toBe(stored.id);

      await store.transaction(async (tx) => {
        const inside = await tx.memories.store(project, {
          content: 'yankee not yet committed',
          embedding: embedding ?? [],
        });
        const seen = async (s: Pick<SqliteStore, 'search'>) =>
          (await s.search.keyword(project, 'yankee')).map((h) => h.memory.id);
        expect(await seen(tx)).toEqual([inside.id]);
        // The store's own repositories join the transaction inside its callback.
        expect(await seen(store)).toEqual([inside.id]);
      });
    } finally {
      await store.close();
    }
  });

  it('reject searches once the store is closed', async () => {
    const { store, project } = await filled(100, 2);
    const query = vectors(1, 128, 3)[0] ?? [];
    await store.search.semantic(project, query);
    await store.close();
    await expect(store.search.semantic(project, query)).rejects.toBeInstanceOf(StoreClosedError);
  });

  it('start every thread on the first statement', async () => {
    const path = tmpFile();
    const store = new SqliteStore({ path, embeddingDimension: 4 });
    await store.init();
    await store.close();
    const readers = new ReaderPool(3, { path, pragmas: [], sqliteVecPath: undefined });
    try {
      expect(readers.threads).toBe(0);
      expect(await readers.all({ sql: 'SELECT 2 AS two', params: {} })).toEqual([{ two: 2 }]);
      // One statement so far, yet all three threads run.
      expect(readers.threads).toBe(3);
      const answers = await Promise.all(
        [1, 2, 3, 4, 5, 6].map((n) => readers.all({ sql: 'SELECT @n AS n', params: { n } })),
      );
      expect(answers).toEqual([1, 2, 3, 4, 5, 6].map((n) => [{ n }]));
    } finally {
      await readers.close();
    }
    expect(readers.threads).toBe(0);
  });

  it('replace a thread that died', async () => {
    const path = tmpFile();
    const readers = new ReaderPool(1, {
      path,
      pragmas: ['busy_timeout = 1000'],
      sqliteVecPath: undefined,
    });
    const one = { sql: 'SELECT 1 AS one', params: {} };
    try {
      // No file yet: the thread fails to open it and exits; the statement fails.
      await expect(readers.all(one)).rejects.toBeInstanceOf(AthenaError);
      const store = new SqliteStore({ path, embeddingDimension: 4 });
      await store.init();
      await store.close();
      expect(await readers.all(one)).toEqual([{ one: 1 }]);
    } finally {
      await readers.close();
    }
    await expect(readers.all(one)).rejects.toBeInstanceOf(StoreClosedError);
  });

  it('are refused for an in-memory database and out of range', () => {
    expect(() => new SqliteStore({ path: ':memory:', readers: 2 })).toThrow(ValidationError);
    expect(() => new SqliteStore({ path: ':memory:', readers: 2 })).toThrow(
      /options\.readers: needs a database file/,
    );
    for (const readers of [-1, 1.5, 65]) {
      expect(() => new SqliteStore({ path: tmpFile(), readers })).toThrow(
        /options\.readers: must be an integer in 0–64/,
      );
    }
  });
});
