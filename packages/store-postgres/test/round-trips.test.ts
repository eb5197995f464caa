import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PostgresStore } from '../src/index.js';
import type { Database } from '../src/index.js';
import { ProjectShares } from '../src/project-shares.js';
import {
  DATABASE_URL,
  adminQuery,
  createTestStore,
  describePostgres,
  dropSchema,
  freshSchema,
  vector,
} from './helpers.js';

/** The statements the store's connections send while `fn` runs (the real driver, observed). */
async function statementsOf(fn: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const prototype = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = prototype.query;
  prototype.query = function (this: unknown, ...args: unknown[]) {
    const [first] = args;
    const text = typeof first === 'string' ? first : (first as { text?: string }).text;
    seen.push((text ?? '').trim().split(/\s+/).slice(0, 2).join(' ').toLowerCase());
    return original.apply(this, args);
  };
  try {
    await fn();
  } finally {
    prototype.query = original;
  }
  return seen;
}

/** How the semantic search statement starts (its first two words). */
const SEMANTIC = 'select "m"."id",';

describePostgres('round trips per call', () => {
  const schema = freshSchema();
  let store: PostgresStore;
  let projectId: number;
  let small: number;
  let ids: number[];

  beforeAll(async () => {
    store = createTestStore(schema);
    await store.init();
    projectId = (await store.projects.create({ name: 'big', path: '/big' })).id;
    small = (await store.projects.create({ name: 'small', path: '/small' })).id;
    ids = await store.memories.storeMany(
      projectId,
      Array.from({ length: 180 }, (_, i) => ({ content: `memory ${i}`, embedding: vector(8, i) })),
    );
    await store.memories.storeMany(
      small,
      Array.from({ length: 20 }, (_, i) => ({ content: `small ${i}`, embedding: vector(8, i) })),
    );
  });

  afterAll(async () => {
    await store?.close();
    await dropSchema(schema);
  });

  it('a search with the default ANN settings is one statement: the pool set them per connection', async () => {
    await store.search.semantic(projectId, vector(8, 1), { limit: 5 });
    expect(await statementsOf(() => store.search.semantic(projectId, vector(8, 1)))).toEqual([
      SEMANTIC,
    ]);
    expect(
      await statementsOf(() =>
        store.search.hybrid(projectId, { embedding: vector(8, 1), text: 'memory' }),
      ),
    ).toHaveLength(1);
  });

  it('other ANN settings change the connection’s session settings only when they differ', async () => {
    const one = createTestStore(schema, { poolMax: 1, poolMin: 1 });
    await one.init();
    try {
      const search = (efSearch?: number) =>
        statementsOf(() =>
          one.search.semantic(projectId, vector(8, 1), efSearch === undefined ? {} : { efSearch }),
        );
      const set = "select set_config('hnsw.ef_search',";
      await search(); // reads the project shares once
      expect(await search()).toEqual([SEMANTIC]);
      expect(await search(100)).toEqual([set, SEMANTIC]);
      expect(await search(100)).toEqual([SEMANTIC]);
      expect(await search()).toEqual([set, SEMANTIC]);
      // Inside a transaction: SET LOCAL, which the transaction's end undoes.
      const inside = await statementsOf(() =>
        one.transaction((tx) => tx.search.semantic(projectId, vector(8, 1), { efSearch: 100 })),
      );
      expect(inside).toEqual(['begin', set, SEMANTIC, 'commit']);
      expect(await search()).toEqual([SEMANTIC]);
    } finally {
      await one.close();
    }
  });

  it('on an injected pool a per-query efSearch is set locally in a short transaction', async () => {
    const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
    const injected = new PostgresStore({ pool, schema });
    await injected.init();
    try {
      // The first search also reads the project statistics (once a minute).
      await injected.search.semantic(projectId, vector(8, 1), { efSearch: 100 });
      const sent = await statementsOf(() =>
        injected.search.semantic(projectId, vector(8, 1), { efSearch: 100 }),
      );
      expect(sent).toEqual(['begin', "select set_config('hnsw.ef_search',", SEMANTIC, 'commit']);
    } finally {
      await injected.close();
      await pool.end();
    }
  });

  it('get and recordAccess are one statement each', async () => {
    const id = ids[3] ?? 0;
    expect(await statementsOf(() => store.memories.get(projectId, id))).toHaveLength(1);
    expect(
      await statementsOf(() => store.memories.recordAccess(projectId, [id, ids[4] ?? 0])),
    ).toHaveLength(1);
  });

  it('estimates a project’s share of the rows from the planner statistics', async () => {
    await adminQuery(`analyze "${schema}".memory_vectors`);
    const db = new Kysely<Database>({
      dialect: new PostgresDialect({
        pool: new pg.Pool({ connectionString: DATABASE_URL, max: 1 }),
      }),
    });
    const shares = new ProjectShares(db, schema);
    try {
      expect((await shares.scope(small)).share).toBeCloseTo(0.1, 5);
      expect((await shares.scope(projectId)).share).toBeCloseTo(0.9, 5);
    } finally {
      await db.destroy();
    }
  });
});
