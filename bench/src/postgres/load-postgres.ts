import type { PostgresStore } from '@athena/store-postgres';
import { loadThroughApi } from '../phases/load-through-api.js';
import type { LoadedLayouts, RunResults } from '../phases/run-context.js';
import { now } from '../stats.js';
import { LOAD_BATCH, progressBar } from '../workload.js';
import type { BenchContext } from '../workload.js';
import { openIndexBuilder, openStore } from './postgres-connections.js';
import type { PostgresConnections } from './postgres-connections.js';
import { HNSW, insertRows, vectorParam } from './raw-sql.js';
import type { RawPool } from './raw-sql.js';

/** The loaded layouts of a PostgreSQL run, and what the load learnt. */
export interface PostgresLayouts extends LoadedLayouts<PostgresStore> {
  /** Size of schema A's tables with their indexes. */
  readonly dbSizeBytes: number;
  /** The raw pool of the project-filtered search, and the ef_search it runs with. */
  readonly filtered: RawPool;
  readonly filteredEf: number;
}

/**
 * Loads both layouts and adds the bulk-import rows. A: the tier through
 * storeMany into an empty, unindexed table, HNSW then built by a store's
 * init(). B: the store creates the schema and projects, rows go in raw and
 * the index is built raw; then buildProjectGraphs() through the store. Both
 * ANALYZEd; opens the raw pool of the project-filtered search and
 * the stores the phases measure.
 */
export async function loadPostgres(
  conn: PostgresConnections,
  bench: BenchContext,
  results: RunResults,
): Promise<PostgresLayouts> {
  const { data, log } = bench;
  const { rows, dimension, projects } = data.spec;
  const { admin, raw, schemaA, schemaB, maintenance } = conn;
  const { notes, ingest, tuning } = results;

  // ---- A: bulk import through the API into an empty, unindexed table; HNSW built afterwards.
  const loaderA = await openStore(conn, {
    schema: schemaA,
    vectorIndex: { type: 'none' },
  });
  const pid = (await loaderA.projects.create({ name: 'bench', path: '/bench' })).id;
  const apiLoad = await loadThroughApi(
    loaderA,
    pid,
    data,
    `${conn.engine}: storeMany (API, no index)`,
  );
  const apiInsertSeconds = apiLoad.seconds;
  log(`  building HNSW on A through the store (maintenance_work_mem=${maintenance}) …`);
  let t0 = now();
  // The store builds its configured index in init(); an injected pool carries maintenance_work_mem.
  const builder = await openIndexBuilder(conn, schemaA);
  const apiIndexSeconds = (now() - t0) / 1000;
  await builder.close();

  // ---- B: the store creates the schema and projects; rows go in raw, index built raw.
  const loaderB = await openStore(conn, {
    schema: schemaB,
    vectorIndex: { type: 'none' },
  });
  const projectIds: number[] = [];
  for (let p = 0; p < projects; p++) {
    projectIds.push(
      (await loaderB.projects.create({ name: `bench-${p}`, path: `/bench/${p}` })).id,
    );
  }
  const idsB: number[] = new Array(rows);
  const bar = progressBar(`${conn.engine}: INSERT VALUES (raw, no index)`, rows);
  t0 = now();
  for (let start = 0; start < rows; start += LOAD_BATCH) {
    const end = Math.min(rows, start + LOAD_BATCH);
    const p: number[] = [];
    const c: string[] = [];
    const v: Buffer[] = [];
    for (let r = start; r < end; r++) {
      p.push(projectIds[data.projectOf(r)] as number);
      c.push(data.texts[r] ?? '');
      v.push(vectorParam(data.vectors.subarray(r * dimension, (r + 1) * dimension)));
    }
    const got = await insertRows(raw, schemaB, p, c, v);
    got.forEach((id, k) => (idsB[start + k] = id));
    bar.update(end);
  }
  bar.stop();
  const rawInsertSeconds = (now() - t0) / 1000;
  log('  building HNSW on B raw …');
  t0 = now();
  await admin.query(
    `create index memory_vectors_embedding_hnsw_idx on ${schemaB}.memory_embeddings using hnsw (embedding vector_cosine_ops) with (m = ${HNSW.m}, ef_construction = ${HNSW.efConstruction})`,
  );
  const rawIndexSeconds = (now() - t0) / 1000;
  ingest.push({
    operation: `bulk import ${rows.toLocaleString('en-US')} + HNSW build (empty table)`,
    unit: 'memories/s',
    api: rows / (apiInsertSeconds + apiIndexSeconds),
    raw: rows / (rawInsertSeconds + rawIndexSeconds),
    ratio: (apiInsertSeconds + apiIndexSeconds) / (rawInsertSeconds + rawIndexSeconds),
    note: `API: storeMany (batches of ${LOAD_BATCH}) ${apiInsertSeconds.toFixed(1)} s + index via store init() ${apiIndexSeconds.toFixed(1)} s; raw: multi-row INSERT ${rawInsertSeconds.toFixed(1)} s + CREATE INDEX ${rawIndexSeconds.toFixed(1)} s; maintenance_work_mem=${maintenance}`,
  });
  ingest.push({
    operation: `bulk import ${rows.toLocaleString('en-US')}, insert phase only`,
    unit: 'memories/s',
    api: rows / apiInsertSeconds,
    raw: rows / rawInsertSeconds,
    ratio: apiInsertSeconds / rawInsertSeconds,
    note: 'rows into a table with its btree/GIN indexes but no vector index',
  });
  for (const schema of [schemaA, schemaB]) {
    await admin.query(`analyze ${schema}.memory_vectors`);
    await admin.query(`analyze ${schema}.memory_embeddings`);
  }
  notes.push(
    'Both schemas are ANALYZEd after loading (autovacuum would do the same a little later).',
  );

  const sizes = await admin.query<{ total: string; heap: string; hnsw: string }>(
    `select sum(pg_total_relation_size(c.oid)) filter (where c.relkind = 'r') as total,
            sum(pg_relation_size(c.oid)) filter (where c.relname in ('memory_vectors', 'memory_embeddings')) as heap,
            sum(pg_relation_size(c.oid)) filter (where c.relname = 'memory_vectors_embedding_hnsw_idx') as hnsw
     from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = $1`,
    [schemaA],
  );
  const dbSizeBytes = Number(sizes.rows[0]?.total ?? 0);
  tuning.sizes = {
    schemaTotalBytes: dbSizeBytes,
    memoryVectorsHeapBytes: Number(sizes.rows[0]?.heap ?? 0),
    hnswIndexBytes: Number(sizes.rows[0]?.hnsw ?? 0),
  };

  log('  building project graphs on B through the store …');
  t0 = now();
  const graphBuilder = await openIndexBuilder(conn, schemaB);
  const graphs = await graphBuilder.buildProjectGraphs();
  const graphSeconds = (now() - t0) / 1000;
  await graphBuilder.close();
  const filteredEf =
    graphs.created.length > 0 ? 40 : Math.min(1000, Math.max(40, 2 * 10 * projects));
  const filtered = conn.rawWithEf(filteredEf);
  conn.filtered = filtered;
  notes.push(
    graphs.created.length > 0
      ? `layoutB: buildProjectGraphs() gave ${graphs.created.length} projects their own HNSW graph (partial index) in ${graphSeconds.toFixed(1)} s; project-filtered searches use them with ef_search 40`
      : `layoutB: no project reaches buildProjectGraphs()'s default minRows (10,000): project-filtered searches use the shared graph with ef_search ${filteredEf}`,
  );

  return {
    storeA: await openStore(conn, { schema: schemaA }),
    pid,
    idsA: apiLoad.ids,
    storeB: await openStore(conn, { schema: schemaB }),
    projectIds,
    idsB,
    dbSizeBytes,
    filtered,
    filteredEf,
  };
}
