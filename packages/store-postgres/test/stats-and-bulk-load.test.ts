import { afterAll, afterEach, expect, it } from 'vitest';
import type { PostgresStore } from '../src/index.js';
import { MIGRATIONS } from '../src/migrations/index.js';
import { EXPECTED_INDEXES } from '../src/stats.js';
import {
  adminQuery,
  createTestStore,
  describePostgres,
  dropSchema,
  freshSchema,
  randomVectors,
} from './helpers.js';

const schemas: string[] = [];
const stores: PostgresStore[] = [];

function create(options: Parameters<typeof createTestStore>[1] = {}): PostgresStore {
  const schema = freshSchema();
  schemas.push(schema);
  const store = createTestStore(schema, options);
  stores.push(store);
  return store;
}

async function open(options: Parameters<typeof createTestStore>[1] = {}): Promise<PostgresStore> {
  const store = create(options);
  await store.init();
  return store;
}

const HNSW = 'memory_vectors_embedding_hnsw_idx';

/**
 * The schema's indexes by name. The definition is matched here, not in SQL: a
 * condition on `indexdef` may run pg_get_indexdef() on other schemas' indexes,
 * which fails when a concurrent test run drops one.
 */
async function indexes(schema: string): Promise<{ indexname: string; indexdef: string }[]> {
  return adminQuery<{ indexname: string; indexdef: string }>(
    `select indexname, indexdef from pg_indexes where schemaname = $1 order by indexname`,
    [schema],
  );
}

async function hnswIndexes(schema: string): Promise<string[]> {
  return (await indexes(schema))
    .filter((row) => row.indexdef.includes('USING hnsw'))
    .map((row) => row.indexname);
}

/** ACCESS EXCLUSIVE locks held on the schema's `memory_vectors`, seen from another connection. */
async function exclusiveLocks(schema: string): Promise<number> {
  const rows = await adminQuery<{ n: string }>(
    `select count(*) as n from pg_locks l join pg_class c on c.oid = l.relation
     join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = $1 and c.relname = 'memory_vectors' and l.mode = 'AccessExclusiveLock'`,
    [schema],
  );
  return Number(rows[0]?.n ?? 0);
}

/** `n` memory records of `projectId`, built from one stored memory. */
async function records(store: PostgresStore, projectId: number, n: number) {
  const seed = await store.memories.store(projectId, {
    content: 'seed',
    embedding: [1, 0, 0, 0, 0, 0, 0, 0],
  });
  return randomVectors(n, 7, 8).map((vector, i) => ({
    ...seed,
    content: `memory ${i}`,
    embedding: new Float32Array(vector),
  }));
}

describePostgres('PostgreSQL stats, migration status and bulk loads', () => {
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
  });
  afterAll(async () => {
    for (const schema of schemas) await dropSchema(schema);
  });

  it('expects exactly the indexes the migrations create (keys aside), plus the configured ANN index', async () => {
    const store = await open();
    const rows = await adminQuery<{ indexname: string }>(
      `select indexname from pg_indexes
       where schemaname = $1 and indexname not like '%\\_pkey' and indexname not like '%\\_key'`,
      [store.schema],
    );
    expect(rows.map((row) => row.indexname).sort()).toEqual(
      [...Object.keys(EXPECTED_INDEXES), HNSW].sort(),
    );
    const { indexes } = await store.stats();
    expect(indexes.map((index) => index.name).sort()).toEqual(
      [
        ...Object.keys(EXPECTED_INDEXES),
        HNSW,
        'memory_embeddings',
        'memory_text_index',
        'memory_states',
      ].sort(),
    );
    expect(indexes.every((index) => index.present && index.valid)).toBe(true);
  });

  it('stats() reports a missing index, an invalid one, and a keyword table and a state mirror out of step', async () => {
    const store = await open();
    const project = await store.projects.create({ name: 'p', path: '/p' });
    await store.records.insert('memories', await records(store, project.id, 3));
    await adminQuery(`drop index ${store.schema}.memory_relationships_to_idx`);
    await adminQuery(`update pg_index set indisvalid = false
      where indexrelid = '${store.schema}.${HNSW}'::regclass`);
    await adminQuery(`delete from ${store.schema}.memory_text_index
      where memory_id = (select min(memory_id) from ${store.schema}.memory_text_index)`);
    await adminQuery(`delete from ${store.schema}.memory_states
      where memory_id = (select max(memory_id) from ${store.schema}.memory_states)`);
    const { indexes } = await store.stats();
    expect(indexes.find((index) => index.name === 'memory_relationships_to_idx')).toMatchObject({
      present: false,
      valid: false,
    });
    expect(indexes.find((index) => index.name === HNSW)).toMatchObject({
      kind: 'hnsw',
      present: true,
      valid: false,
    });
    expect(indexes.find((index) => index.name === 'memory_text_index')).toMatchObject({
      valid: false,
      problem: '3 entries for 4 memories',
    });
    expect(indexes.find((index) => index.name === 'memory_states')).toMatchObject({
      kind: 'state mirror',
      valid: false,
      problem: '3 entries for 4 memories',
    });
  });

  it('migrationStatus() before init() creates no schema', async () => {
    const store = create();
    const status = await store.migrationStatus();
    expect(status).toMatchObject({ backend: 'postgres', initialised: false, currentVersion: 0 });
    expect(status.pending.map((migration) => migration.version)).toEqual(
      MIGRATIONS.map((migration) => migration.version),
    );
    const found = await adminQuery(`select 1 from pg_namespace where nspname = $1`, [store.schema]);
    expect(found).toEqual([]);
  });

  it('health() names the server and extension versions and the pool', async () => {
    const report = await (await open({ poolMax: 3 })).health();
    expect(report.versions?.['postgresql']).toMatch(/^\d+/);
    expect(report.versions?.['pgvector']).toMatch(/^\d+\.\d+/);
    expect(report.versions?.['btree_gin']).toMatch(/^\d+\.\d+/);
    expect(report.pool).toMatchObject({ max: 3 });
  });

  it('bulkLoad() of at least the table drops the HNSW index in its transaction and builds it before commit', async () => {
    const store = await open();
    const project = await store.projects.create({ name: 'p', path: '/p' });
    const batch = await records(store, project.id, 200);
    let locked = -1;
    await store.bulkLoad(
      async (tx) => {
        await tx.records.insert('memories', batch);
        locked = await exclusiveLocks(store.schema);
      },
      { memories: batch.length },
    );
    // DROP INDEX took the table's ACCESS EXCLUSIVE lock; others saw the old catalog meanwhile.
    expect(locked).toBe(1);
    expect(await hnswIndexes(store.schema)).toEqual([HNSW]);
    const gin = (await indexes(store.schema)).filter((row) => row.indexdef.includes('USING gin'));
    // Rebuilt from their own definitions: the keyword index keeps its pending-list limit.
    expect(gin.map((row) => row.indexdef.replace(`${store.schema}.`, ''))).toEqual([
      "CREATE INDEX memory_text_index_project_tsv_idx ON memory_text_index USING gin (project_id, tsv) WITH (gin_pending_list_limit='256')",
      'CREATE INDEX memory_vectors_tags_idx ON memory_vectors USING gin (tags)',
    ]);
    const hits = await store.search.keyword(project.id, 'memory');
    expect(hits.length).toBeGreaterThan(0);
    const [hit] = await store.search.semantic(project.id, [1, 0, 0, 0, 0, 0, 0, 0], { limit: 1 });
    expect(hit?.memory.content).toBe('seed');
    expect((await store.stats()).indexes.every((index) => index.present && index.valid)).toBe(true);
  });

  it('bulkLoad() smaller than the table keeps the index (no table lock)', async () => {
    const store = await open();
    const project = await store.projects.create({ name: 'p', path: '/p' });
    const batch = await records(store, project.id, 50);
    await store.records.insert('memories', batch);
    let locked = -1;
    await store.bulkLoad(
      async (tx) => {
        await tx.records.insert('memories', batch.slice(0, 5));
        locked = await exclusiveLocks(store.schema);
      },
      { memories: 5 },
    );
    expect(locked).toBe(0);
    expect(await hnswIndexes(store.schema)).toEqual([HNSW]);
    expect(await store.records.count('memories')).toBe(56);
  });
});
