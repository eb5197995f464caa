import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { PostgresStore } from '../src/index.js';
import {
  DATABASE_URL,
  describePostgres,
  dropSchema,
  freshSchema,
  randomVectors,
} from './helpers.js';

/**
 * pgvector builds an HNSW graph in `maintenance_work_mem` and, once it no
 * longer fits, says so in a NOTICE and goes on far slower (100K memories:
 * 225 s at the default 64 MB, 46 s with room). The pool here starts every
 * connection at the server's minimum, 1 MB, so 3,000 memories of 64
 * dimensions outgrow it unless the store makes room.
 */
const ROWS = 3_000;
const DIMENSION = 64;
const FULL = 'hnsw graph no longer fits into maintenance_work_mem';

const schemas: string[] = [];
const pools: pg.Pool[] = [];

afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.end()));
  for (const schema of schemas) await dropSchema(schema);
});

/** A store on `schema` whose connections start with 1 MB and report every NOTICE to `notices`. */
function tightStore(schema: string, notices: string[], vectorIndex: 'none' | 'hnsw') {
  const pool = new pg.Pool({
    connectionString: DATABASE_URL,
    options: '-c maintenance_work_mem=1MB',
    max: 4,
  });
  pool.on('connect', (client) =>
    client.on('notice', (notice) => notices.push(notice.message ?? '')),
  );
  pools.push(pool);
  return new PostgresStore({
    pool,
    schema,
    embeddingDimension: DIMENSION,
    vectorIndex: vectorIndex === 'none' ? { type: 'none' } : { type: 'hnsw' },
  });
}

const inputs = () =>
  randomVectors(ROWS, 17, DIMENSION).map((embedding, i) => ({
    content: `memory ${i}`,
    embedding,
  }));

describePostgres('an HNSW index build', () => {
  it('gets room for the graph in init() and rebuildVectorIndex()', async () => {
    const schema = freshSchema();
    schemas.push(schema);
    const notices: string[] = [];
    const loader = tightStore(schema, notices, 'none');
    await loader.init();
    const project = await loader.projects.create({ name: 'p', path: '/p' });
    await loader.memories.storeMany(project.id, inputs());
    await loader.close();

    const store = tightStore(schema, notices, 'hnsw');
    try {
      await store.init();
      expect(
        (await store.stats()).indexes.some((index) => index.kind === 'hnsw' && index.valid),
      ).toBe(true);
      await store.rebuildVectorIndex();
      expect(notices.filter((message) => message.includes(FULL))).toEqual([]);
      // The room was the build's own: the connection is back at 1 MB.
      const pool = pools.at(-1);
      const { rows } = await (pool as pg.Pool).query<{ value: string }>(
        `select current_setting('maintenance_work_mem') as value`,
      );
      expect(rows[0]?.value).toBe('1MB');
    } finally {
      await store.close();
    }
  });

  it('gets room for the graph in a bulkLoad() that rebuilds the index', async () => {
    const schema = freshSchema();
    schemas.push(schema);
    const notices: string[] = [];
    const store = tightStore(schema, notices, 'hnsw');
    try {
      await store.init();
      const project = await store.projects.create({ name: 'p', path: '/p' });
      await store.bulkLoad((tx) => tx.memories.storeMany(project.id, inputs()), {
        memories: ROWS,
      });
      expect(await store.memories.count(project.id)).toBe(ROWS);
      expect(notices.filter((message) => message.includes(FULL))).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
