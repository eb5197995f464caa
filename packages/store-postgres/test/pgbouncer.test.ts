import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { BackendUnavailableError } from '@athena/core-types';
import { LATEST_SCHEMA_VERSION, PostgresStore, resolveOptions } from '../src/index.js';
import type { PostgresStoreCommonOptions } from '../src/index.js';
import { EXACT_SCAN_MAX_ROWS } from '../src/ann-settings.js';
import { openPool } from '../src/pool.js';
import {
  adminQuery,
  describePgBouncer,
  dropSchema,
  freshSchema,
  pgbouncerUrl,
  randomVectors,
} from './helpers.js';

/**
 * The store behind PgBouncer (tooling/scripts/pgbouncer.sh, started by
 * test/global-setup.ts). The whole conformance suite also runs through the
 * transaction pooler (conformance.test.ts); these tests cover what it cannot
 * see: that search settings reach the server, the connection itself, schema
 * changes under their lock, and the session pooler.
 */
describePgBouncer('PostgresStore behind PgBouncer', () => {
  const schemas: string[] = [];
  const stores: PostgresStore[] = [];
  afterAll(async () => {
    for (const store of stores) await store.close();
    for (const schema of schemas) await dropSchema(schema);
  });

  function open(
    mode: 'transaction' | 'session',
    options: PostgresStoreCommonOptions = {},
    schema = freshSchema('athena_pgb'),
  ): PostgresStore {
    if (!schemas.includes(schema)) schemas.push(schema);
    const store = new PostgresStore({
      connectionString: pgbouncerUrl(mode),
      connectionPooler: mode,
      schema,
      embeddingDimension: 8,
      ...options,
    });
    stores.push(store);
    return store;
  }

  it('without connectionPooler the connection fails at once, saying what to set', async () => {
    const store = new PostgresStore({
      connectionString: pgbouncerUrl('transaction'),
      schema: freshSchema('athena_pgb'),
      retry: { attempts: 3, baseDelayMs: 2_000 },
    });
    const started = Date.now();
    const error = await store.init().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect((error as Error).message).toContain('unsupported startup parameter');
    expect((error as Error).message).toContain("connectionPooler: 'session' or 'transaction'");
    // Not retried: another attempt could not succeed.
    expect(Date.now() - started).toBeLessThan(2_000);
    await store.close();
  });

  it("transaction pooling: a search's ANN settings reach the server and stay in its transaction", async () => {
    const store = open('transaction');
    await store.init();
    const project = await store.projects.create({ name: 'ann', path: '/ann' });
    // More than EXACT_SCAN_MAX_ROWS: searched through the index, not scanned.
    const vectors = randomVectors(EXACT_SCAN_MAX_ROWS + 1_000, 7, 8);
    await store.memories.storeMany(
      project.id,
      vectors.map((embedding, i) => ({ content: `row ${i}`, embedding })),
    );
    const query = vectors[0] ?? [];
    const plan = await store.explainSearch({
      kind: 'semantic',
      projectId: project.id,
      embedding: query,
      options: { limit: 100 },
    });
    expect(plan.join('\n')).toContain('memory_vectors_embedding_hnsw_idx');
    // An HNSW scan returns at most hnsw.ef_search rows (the server's default: 40), unless
    // the search raised it to its limit.
    expect(await store.search.semantic(project.id, query, { limit: 100 })).toHaveLength(100);
    // No server connection of the pooler kept the search's setting: it was SET LOCAL. Each
    // open transaction below holds a server connection of its own, so together they see
    // every connection of the pool (default_pool_size 20).
    const clients = Array.from(
      { length: 20 },
      () => new pg.Client({ connectionString: pgbouncerUrl('transaction') }),
    );
    try {
      await Promise.all(clients.map((client) => client.connect()));
      const seen = await Promise.all(
        clients.map(async (client) => {
          await client.query('begin');
          const { rows } = await client.query<{ ef: string | null }>(
            "select current_setting('hnsw.ef_search', true) as ef",
          );
          return rows[0]?.ef ?? null;
        }),
      );
      expect(seen).not.toContain('100');
    } finally {
      await Promise.all(clients.map((client) => client.end()));
    }
  });

  it('transaction pooling: concurrent init() on a new schema applies each migration once; project graphs build under the lock', async () => {
    const schema = freshSchema('athena_pgb');
    const racing = Array.from({ length: 4 }, () => open('transaction', {}, schema));
    await Promise.all(racing.map((store) => store.init()));
    const applied = await adminQuery<{ n: string }>(
      `select count(*) as n from "${schema}".athena_migrations`,
    );
    expect(Number(applied[0]?.n)).toBe(LATEST_SCHEMA_VERSION);
    const [store] = racing;
    if (store === undefined) throw new Error('no store');
    const big = await store.projects.create({ name: 'big', path: '/big' });
    const small = await store.projects.create({ name: 'small', path: '/small' });
    await store.memories.storeMany(
      big.id,
      randomVectors(300, 1, 8).map((embedding, i) => ({ content: `big ${i}`, embedding })),
    );
    await store.memories.storeMany(
      small.id,
      randomVectors(100, 2, 8).map((embedding, i) => ({ content: `small ${i}`, embedding })),
    );
    // CREATE INDEX CONCURRENTLY runs while another connection holds the lock's transaction.
    const outcome = await store.buildProjectGraphs({ minRows: 50 });
    expect(outcome.created).toEqual([small.id]);
    const health = await store.health();
    expect(health.ok).toBe(true);
  });

  it('session pooling: each new connection gets the session settings from one statement', async () => {
    const options = resolveOptions({
      connectionString: pgbouncerUrl('session'),
      connectionPooler: 'session',
      efSearch: 57,
      probes: 3,
      statementTimeoutMs: 15_000,
      poolMax: 2,
    });
    const handle = openPool(options);
    try {
      const results = await Promise.all(
        Array.from({ length: 4 }, () =>
          handle.pool.query(
            `select current_setting('hnsw.ef_search') as ef, current_setting('hnsw.iterative_scan') as iterative,
              current_setting('ivfflat.probes') as probes, current_setting('statement_timeout') as timeout`,
          ),
        ),
      );
      for (const { rows } of results) {
        expect(rows[0]).toEqual({
          ef: '57',
          iterative: 'relaxed_order',
          probes: '3',
          timeout: '15s',
        });
      }
    } finally {
      await handle.release();
    }
    const store = open('session', { efSearch: 57 });
    await store.init();
    const project = await store.projects.create({ name: 'session', path: '/session' });
    const memory = await store.memories.store(project.id, {
      content: 'through a session pooler',
      embedding: [1, 0, 0, 0, 0, 0, 0, 0],
    });
    const hits = await store.search.semantic(project.id, [1, 0, 0, 0, 0, 0, 0, 0]);
    expect(hits.map((hit) => hit.memory.id)).toEqual([memory.id]);
  });
});
