import { PostgresStore } from '@athena/store-postgres';
import pg from 'pg';
import pgvector from 'pgvector';
import { CODE_TREE, codeFile } from './code-files.js';
import type { CodeFile } from './code-files.js';
import { queryProject } from './ground-truth.js';
import type { BackendResult, LatencyRow, RateRow } from './results.js';
import { meanRecall, measurePair, now, summarise } from './stats.js';
import type { LatencySummary } from './stats.js';
import {
  apiTransaction,
  INGEST_BATCH,
  interleavedIngest,
  LOAD_BATCH,
  extraRows,
  latencyRow,
  measureThroughput,
  memoryInput,
  pickRows,
  progressBar,
  spreadIds,
  queryText,
  queryVector,
} from './workload.js';
import type { BenchContext } from './workload.js';

type Row = Record<string, unknown>;

/**
 * The store's memory columns (store-postgres `memoryColumns`): what both sides
 * return, the embedding in pgvector's binary form through `vector_send`.
 */
function columns(alias?: string): string {
  const at = alias === undefined ? '' : `${alias}.`;
  return `${at}id, ${at}project_id, ${at}content, ${at}content_type, ${at}memory_type, ${at}domain,
  ${at}tags, vector_send(${at}embedding) as embedding, ${at}embedding_model, ${at}access_count,
  ${at}last_accessed, ${at}last_retrieved, ${at}usefulness_score, ${at}confidence,
  ${at}quality_score, ${at}consolidation_state, ${at}consolidated_at, ${at}superseded_by,
  ${at}claimed_by, ${at}claim_expires_at, ${at}version, ${at}session_id, ${at}event_type,
  ${at}code_language, ${at}code_hash, ${at}created_at, ${at}updated_at`;
}
const COLUMNS = columns();
/** The same columns as stored (the embedding a `vector`), for inner queries. */
const STORED_COLUMNS = COLUMNS.replace('vector_send(embedding) as embedding', 'embedding');
/** `statement` selecting the memory columns of `alias` without the embedding (`includeEmbedding: false`). */
function withoutEmbedding(statement: string, alias: string): string {
  const bare = columns(alias).replace(`vector_send(${alias}.embedding) as embedding, `, '');
  const out = statement.replace(columns(alias), bare);
  if (out === statement || bare === columns(alias)) {
    throw new Error(`no embedding column of ${alias} to leave out`);
  }
  return out;
}

/** Session settings of the raw pool: the same ANN settings the store applies per query. */
const RAW_SETTINGS =
  '-c hnsw.ef_search=40 -c hnsw.iterative_scan=relaxed_order -c ivfflat.iterative_scan=relaxed_order -c ivfflat.probes=10';

const HNSW = { m: 16, efConstruction: 64 };

/**
 * A vector as a binary parameter (pgvector's `vector_recv` format: int16
 * dimension, int16 0, big-endian float4s): `pg` sends a Buffer in binary, so
 * neither side formats or parses decimal text.
 */
function vectorParam(vector: Float32Array): Buffer {
  const buffer = Buffer.allocUnsafe(4 + 4 * vector.length);
  buffer.writeUInt16BE(vector.length, 0);
  buffer.writeUInt16BE(0, 2);
  for (let i = 0; i < vector.length; i++) buffer.writeFloatBE(vector[i] as number, 4 + 4 * i);
  return buffer;
}

/** pgvector's binary form (int16 dimension, int16 0, big-endian float4s) as a Float32Array. */
function fromVectorSend(buffer: Buffer): Float32Array {
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const vector = new Float32Array(view.getUint16(0));
  for (let i = 0; i < vector.length; i++) vector[i] = view.getFloat32(4 + 4 * i);
  return vector;
}

/** The raw side's rows: ids as numbers and the embedding as a Float32Array, like the API's memories. */
function withVector(row: Row): Row {
  row.embedding = fromVectorSend(row.embedding as Buffer);
  row.id = Number(row.id);
  return row;
}

function ids(rows: readonly Row[]): number[] {
  return rows.map((row) => Number(row.id));
}

/** A plan line with the query vector literal shortened, so plans stay readable. */
function shortPlan(line: string): string {
  return line.replace(/'\[[^\]]{40,}\]'/g, "'[…query vector…]'");
}

/** Memory per HNSW build: enough to keep the graph in memory (~4 KiB per 768-d row). */
function maintenanceWorkMem(rows: number): string {
  const mb = Math.min(8192, Math.max(256, Math.ceil((rows * 4096) / 1048576) + 128));
  return `${mb}MB`;
}

/** The store's neighbour statement: a LATERAL ANN scan per source memory. */
function neighboursStatement(schema: string): string {
  const t = `${schema}.memory_vectors`;
  return `select q.id as source, n.id, n.distance
    from unnest($2::bigint[]) with ordinality as s(id, position)
    join ${t} q on q.id = s.id and q.project_id = $1
    left join lateral (
      select m.id, m.embedding <=> q.embedding as distance from ${t} m
      where m.project_id = $1 and m.id <> q.id
      order by m.embedding <=> q.embedding limit $3) n on true
    order by s.position, n.distance, n.id`;
}

/**
 * The hand-written re-index of one file, in one transaction: upsert every
 * entity by its key (always updating: no change detection) in one multi-row
 * statement, delete the entities the file no longer has, replace the file's
 * edges with one INSERT joining each target's key. Unlike the store it keeps
 * no pending edges: an edge to an unindexed target is dropped.
 */
async function rawReplaceFile(
  pool: pg.Pool,
  schema: string,
  projectId: number,
  file: CodeFile,
): Promise<number[]> {
  const entities = `${schema}.code_metadata`;
  const client = await pool.connect();
  try {
    await client.query('begin');
    const column = <T>(pick: (e: CodeFile['entities'][number]) => T) => file.entities.map(pick);
    const { rows } = await client.query<{
      id: string;
      qualified_name: string;
      entity_type: string;
    }>({
      name: `code-upsert-${schema}`,
      text: `insert into ${entities} (project_id, file_path, name, qualified_name, entity_type, language,
          signature, start_line, end_line, code_hash)
        select $1, $2, * from unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
          $8::int[], $9::int[], $10::text[])
        on conflict (project_id, file_path, qualified_name, entity_type) do update set
          name = excluded.name, language = excluded.language, signature = excluded.signature,
          start_line = excluded.start_line, end_line = excluded.end_line,
          code_hash = excluded.code_hash, updated_at = now()
        returning id, qualified_name, entity_type`,
      values: [
        projectId,
        file.path,
        column((e) => e.name),
        column((e) => e.qualifiedName ?? e.name),
        column((e) => e.entityType),
        column((e) => e.language ?? null),
        column((e) => e.signature ?? null),
        column((e) => e.startLine ?? null),
        column((e) => e.endLine ?? null),
        column((e) => e.codeHash ?? null),
      ],
    });
    const ids = new Map(rows.map((r) => [`${r.qualified_name}/${r.entity_type}`, Number(r.id)]));
    const all = [...ids.values()];
    await client.query({
      name: `code-vanished-${schema}`,
      text: `delete from ${entities} where project_id = $1 and file_path = $2 and id <> all($3::bigint[])`,
      values: [projectId, file.path, all],
    });
    await client.query({
      name: `code-edges-${schema}`,
      text: `with old as (delete from ${schema}.code_dependencies where from_entity_id = any($2::bigint[]))
        insert into ${schema}.code_dependencies (project_id, from_entity_id, to_entity_id, dependency_type)
        select $1, e.from_id, t.id, e.dependency_type
        from unnest($3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[])
          as e(from_id, dependency_type, file_path, qualified_name, entity_type)
        join ${entities} t on t.project_id = $1 and t.file_path = e.file_path
          and t.qualified_name = e.qualified_name and t.entity_type = e.entity_type
        on conflict do nothing`,
      values: [
        projectId,
        all,
        file.edges.map((e) => ids.get(`${e.from.qualifiedName}/${e.from.entityType ?? ''}`)),
        file.edges.map((e) => e.dependencyType),
        file.edges.map((e) => e.to.filePath ?? file.path),
        file.edges.map((e) => e.to.qualifiedName),
        file.edges.map((e) => e.to.entityType ?? null),
      ],
    });
    await client.query('commit');
    return all;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

function rawStatements(schema: string) {
  const t = `${schema}.memory_vectors`;
  // The narrow keyword table the store keeps (GIN on (project_id, tsv)): the best raw keyword SQL reads it too.
  const keywords = `${schema}.memory_text_index`;
  const orQuery = `replace(cast(plainto_tsquery('english', $3) as text), ' & ', ' | ')::tsquery`;
  const norm = (value: string, rank: string) => {
    const inLeg = `case when ${rank} is not null then ${value} end`;
    return `case when ${rank} is null then 0
      when max(${inLeg}) over () = min(${inLeg}) over () then 1
      else (${value} - min(${inLeg}) over ()) / (max(${inLeg}) over () - min(${inLeg}) over ()) end`;
  };
  const hybrid = (fusion: 'rrf' | 'weighted') => `
    with q as materialized (select ${orQuery} as query),
    sem as (
      select id, row_number() over (order by d, id) as rank from (
        select id, embedding <=> $2::vector as d from ${t}
        where project_id = $1 order by embedding <=> $2::vector limit 40) x),
    kw as (
      select id, score, row_number() over (order by score desc, id) as rank from (
        select k.memory_id as id, ts_rank(k.tsv, q.query, 32) as score from ${keywords} k, q
        where k.project_id = $1 and k.tsv @@ q.query order by score desc, k.memory_id limit 40) y),
    ids as (select id from sem union select id from kw),
    scored as (
      select ids.id, 1 - (m.embedding <=> $2::vector) as similarity, coalesce(kw.score, 0)::float8 as k_score,
             sem.rank as s_rank, kw.rank as k_rank
      from ids join ${t} m on m.id = ids.id
      left join sem on sem.id = ids.id left join kw on kw.id = ids.id),
    top as (
      select id, similarity, ${
        fusion === 'rrf'
          ? 'coalesce(1.0 / (60 + s_rank), 0) + coalesce(1.0 / (60 + k_rank), 0)'
          : `0.7 * (${norm('similarity', 's_rank')}) + 0.3 * (${norm('k_score', 'k_rank')})`
      } as fused
      from scored order by fused desc, similarity desc, id limit 10)
    select ${columns('m')}, top.similarity, top.fused
    from top join ${t} m on m.id = top.id
    order by top.fused desc, top.similarity desc, m.id`;
  const semantic = `select ${columns('c')}, c.distance from (
        select ${STORED_COLUMNS}, embedding <=> $2::vector as distance from ${t}
        where project_id = $1 order by embedding <=> $2::vector limit 10) c
      order by c.distance, c.id`;
  return {
    get: `select ${COLUMNS} from ${t} where project_id = $1 and id = $2`,
    // vector_send in the outer query only, as the store does: a small project may be served by
    // sorting all its rows, and the inner projection would run for each of them.
    semantic,
    semanticBare: withoutEmbedding(semantic, 'c'),
    semanticIds: `select id from ${t} where project_id = $1 order by embedding <=> $2::vector limit 10`,
    keyword: `with q as materialized (select ${orQuery.replace('$3', '$2')} as query),
      hits as (
        select k.memory_id as id, ts_rank(k.tsv, q.query, 32) as score from ${keywords} k, q
        where k.project_id = $1 and k.tsv @@ q.query order by score desc, k.memory_id limit 10)
      select ${columns('m')}, hits.score from hits join ${t} m on m.id = hits.id
      order by hits.score desc, m.id`,
    hybridWeighted: hybrid('weighted'),
    hybridWeightedBare: withoutEmbedding(hybrid('weighted'), 'm'),
    hybridRrf: hybrid('rrf'),
    recordAccess: `update ${t} set access_count = access_count + 1, last_accessed = $3, last_retrieved = $3
      where project_id = $1 and id = any($2::bigint[])`,
    access: `update ${t} set access_count = access_count + 1, last_accessed = now()
      where project_id = $1 and id = any($2::bigint[])`,
    update: `update ${t} set usefulness_score = $3, version = version + 1, updated_at = now()
      where project_id = $1 and id = $2 returning ${COLUMNS}`,
    insertOne: `insert into ${t} (project_id, content, embedding) values ($1, $2, $3::vector) returning ${COLUMNS}`,
    episode: `insert into ${schema}.episodic_events (project_id, session_id, event_type, content)
      values ($1, 'bench', 'action', 'recalled and reinforced memories') returning *`,
  };
}

/**
 * Multi-row INSERT of `count` memories (project, content, vector as text):
 * measured faster here than `INSERT … SELECT FROM unnest(…::vector[])`, whose
 * array literal PostgreSQL must parse as one value.
 */
function insertValues(schema: string, count: number): string {
  const rows = Array.from(
    { length: count },
    (_, k) => `($${3 * k + 1}, $${3 * k + 2}, $${3 * k + 3}::vector)`,
  );
  return `insert into ${schema}.memory_vectors (project_id, content, embedding) values ${rows.join(', ')} returning id`;
}

/** Inserts rows with one prepared multi-row INSERT; returns the new ids in input order. */
async function insertRows(
  pool: pg.Pool,
  schema: string,
  projects: readonly number[],
  contents: readonly string[],
  vectors: readonly Buffer[],
): Promise<number[]> {
  const values: unknown[] = [];
  projects.forEach((project, k) => values.push(project, contents[k], vectors[k]));
  const name = `insert-${schema}-${projects.length}`;
  const rows = await query(pool, name, insertValues(schema, projects.length), values);
  // Identity values of one INSERT grow in VALUES order.
  return ids(rows).sort((a, b) => a - b);
}

async function query(
  pool: pg.Pool | pg.PoolClient,
  name: string,
  text: string,
  values: unknown[],
): Promise<Row[]> {
  const result = await pool.query<Row>({ name, text, values });
  return result.rows;
}

/**
 * PostgresStore against the bare `pg` driver (prepared statements, the same
 * ANN settings) on the same tables, in the same process. Schema A holds the
 * tier in one project (loaded through storeMany into an unindexed table,
 * HNSW built afterwards); schema B holds it over 10 projects (loaded raw,
 * same index built raw). Both schemas are dropped at the end.
 */
export async function runPostgres(ctx: BenchContext, url: string): Promise<BackendResult> {
  const started = now();
  const { data, truth, limits, log } = ctx;
  const { rows, dimension, projects } = data.spec;
  const schemaA = `athena_bench_${process.pid}_a`;
  const schemaB = `athena_bench_${process.pid}_b`;
  const maintenance = maintenanceWorkMem(rows);
  const admin = new pg.Pool({
    connectionString: url,
    max: 2,
    options: `-c maintenance_work_mem=${maintenance}`,
  });
  const raw = new pg.Pool({ connectionString: url, max: 16, options: RAW_SETTINGS });
  // The raw twin of the project-filtered search runs with the ef_search the store uses: 40 in a
  // project with its own graph (buildProjectGraphs), else 2·limit/share (annSettingsFor). Its
  // pool opens once layout B is loaded and that is known.
  let filteredEf = Math.min(1000, Math.max(40, 2 * 10 * projects));
  let rawFiltered: pg.Pool | null = null;
  const notes: string[] = [];
  const tuning: Record<string, unknown> = {};
  const latency: LatencyRow[] = [];
  const ingest: RateRow[] = [];
  const extra = extraRows(data, 2 * ctx.ingestRows + 2 * (limits.samples + 30) + 100);
  let nextExtra = 0;
  const takeExtra = () => nextExtra++;
  const stores: PostgresStore[] = [];
  const open = async (
    options: Partial<ConstructorParameters<typeof PostgresStore>[0]> & { schema: string },
  ) => {
    const store = new PostgresStore({
      connectionString: url,
      embeddingDimension: dimension,
      poolMax: 16,
      ...options,
    } as ConstructorParameters<typeof PostgresStore>[0]);
    stores.push(store);
    await store.init();
    return store;
  };

  try {
    await dropStaleSchemas(admin);
    for (const schema of [schemaA, schemaB])
      await admin.query(`drop schema if exists ${schema} cascade`);

    // ---- A: bulk import through the API into an empty, unindexed table; HNSW built afterwards.
    const loaderA = await open({ schema: schemaA, vectorIndex: { type: 'none' } });
    const project = await loaderA.projects.create({ name: 'bench', path: '/bench' });
    const pid = project.id;
    const idsA: number[] = new Array(rows);
    let bar = progressBar('postgres: storeMany (API, no index)', rows);
    let t0 = now();
    for (let start = 0; start < rows; start += LOAD_BATCH) {
      const end = Math.min(rows, start + LOAD_BATCH);
      const batch = [];
      for (let r = start; r < end; r++) batch.push(memoryInput(data, r));
      const got = await loaderA.memories.storeMany(pid, batch);
      got.forEach((id, k) => (idsA[start + k] = id));
      bar.update(end);
    }
    bar.stop();
    const apiInsertSeconds = (now() - t0) / 1000;
    log(`  building HNSW on A through the store (maintenance_work_mem=${maintenance}) …`);
    t0 = now();
    // The store builds its configured index in init(); an injected pool carries maintenance_work_mem.
    const builder = new PostgresStore({
      pool: admin,
      schema: schemaA,
      vectorIndex: { type: 'hnsw', ...HNSW },
    });
    stores.push(builder);
    await builder.init();
    const apiIndexSeconds = (now() - t0) / 1000;
    await builder.close();

    // ---- B: the store creates the schema and projects; rows go in raw, index built raw.
    const loaderB = await open({ schema: schemaB, vectorIndex: { type: 'none' } });
    const projectIds: number[] = [];
    for (let p = 0; p < projects; p++) {
      projectIds.push(
        (await loaderB.projects.create({ name: `bench-${p}`, path: `/bench/${p}` })).id,
      );
    }
    const sqlB = rawStatements(schemaB);
    const idsB: number[] = new Array(rows);
    bar = progressBar('postgres: INSERT VALUES (raw, no index)', rows);
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
      `create index memory_vectors_embedding_hnsw_idx on ${schemaB}.memory_vectors using hnsw (embedding vector_cosine_ops) with (m = ${HNSW.m}, ef_construction = ${HNSW.efConstruction})`,
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
    for (const schema of [schemaA, schemaB]) await admin.query(`analyze ${schema}.memory_vectors`);
    notes.push(
      'Both schemas are ANALYZEd after loading (autovacuum would do the same a little later).',
    );

    const sizes = await admin.query<{ total: string; heap: string; hnsw: string }>(
      `select sum(pg_total_relation_size(c.oid)) filter (where c.relkind = 'r') as total,
              sum(pg_relation_size(c.oid)) filter (where c.relname = 'memory_vectors') as heap,
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
    const graphBuilder = new PostgresStore({
      pool: admin,
      schema: schemaB,
      vectorIndex: { type: 'hnsw', ...HNSW },
    });
    stores.push(graphBuilder);
    await graphBuilder.init();
    const graphs = await graphBuilder.buildProjectGraphs();
    const graphSeconds = (now() - t0) / 1000;
    await graphBuilder.close();
    if (graphs.created.length > 0) filteredEf = 40;
    const filteredPool = new pg.Pool({
      connectionString: url,
      max: 4,
      options: RAW_SETTINGS.replace('hnsw.ef_search=40', `hnsw.ef_search=${filteredEf}`),
    });
    rawFiltered = filteredPool;
    notes.push(
      graphs.created.length > 0
        ? `layoutB: buildProjectGraphs() gave ${graphs.created.length} projects their own HNSW graph (partial index) in ${graphSeconds.toFixed(1)} s; project-filtered searches use them with ef_search 40`
        : `layoutB: no project reaches buildProjectGraphs()'s default minRows (10,000): project-filtered searches use the shared graph with ef_search ${filteredEf}`,
    );

    const storeA = await open({ schema: schemaA });
    const storeB = await open({ schema: schemaB });
    const sqlA = rawStatements(schemaA);
    const idOf = (row: number) => idsA[row] as number;
    const truthAll = (i: number) => (truth.unfiltered[i % data.spec.queries] ?? []).map(idOf);
    const truthProject = (i: number) =>
      (truth.projectFiltered[i % data.spec.queries] ?? []).map((row) => idsB[row] as number);
    const picks = pickRows(limits.samples + 50, rows);
    const qv = (i: number) => queryVector(data, i);
    const qvText = (i: number) => vectorParam(qv(i));

    // ---- get by id
    latency.push(
      latencyRow(
        'get by id',
        await measurePair(
          limits,
          async (i) => {
            const m = await storeA.memories.get(pid, idOf(picks[i] as number));
            return m === null ? [] : [m.id];
          },
          async (i) =>
            (await query(raw, 'get-a', sqlA.get, [pid, idOf(picks[i] as number)]))
              .map(withVector)
              .map((r) => r.id as number),
        ),
        'both: one full memory row (API: Memory object; raw: driver row, embedding parsed to Float32Array)',
      ),
    );

    // ---- semantic, unfiltered
    const semanticApi = async (i: number) =>
      (await storeA.search.semantic(pid, qv(i))).map((h) => h.memory.id);
    const semanticRaw = async (i: number) =>
      (await query(raw, 'semantic-a', sqlA.semantic, [pid, qvText(i)]))
        .map(withVector)
        .map((r) => r.id as number);
    latency.push(
      latencyRow(
        'semantic top-10',
        await measurePair(limits, semanticApi, semanticRaw),
        'both: 10 full rows + distance (HNSW, ef_search 40, iterative scan relaxed_order)',
        truthAll,
      ),
    );
    latency.push(
      latencyRow(
        'semantic top-10, no embeddings',
        await measurePair(
          limits,
          async (i) =>
            (await storeA.search.semantic(pid, qv(i), { includeEmbedding: false })).map(
              (h) => h.memory.id,
            ),
          async (i) =>
            ids(await query(raw, 'semantic-bare-a', sqlA.semanticBare, [pid, qvText(i)])),
        ),
        'both: 10 rows without the embedding column + distance (API: includeEmbedding false)',
        truthAll,
      ),
    );

    // ---- semantic, project-filtered (schema B: 10 % of the rows)
    const projectOfQuery = (q: number) =>
      projectIds[queryProject(q % data.spec.queries, projects)] as number;
    latency.push(
      latencyRow(
        'semantic top-10, project (10 %)',
        await measurePair(
          limits,
          async (i) =>
            (await storeB.search.semantic(projectOfQuery(i), qv(i))).map((h) => h.memory.id),
          async (i) =>
            // Unnamed: planned for the project id, so a project's own graph (partial index) matches.
            (await filteredPool.query<Row>(sqlB.semantic, [projectOfQuery(i), qvText(i)])).rows
              .map(withVector)
              .map((r) => r.id as number),
        ),
        filteredEf === 40
          ? "both: 10 full rows + distance (the project's own HNSW graph, ef_search 40)"
          : `both: 10 full rows + distance (shared HNSW + iterative scan, filter project_id); raw ef_search ${filteredEf}, the value the store derives for a project with 10 % of the rows`,
        truthProject,
      ),
    );

    // ---- keyword
    latency.push(
      latencyRow(
        'keyword top-10',
        await measurePair(
          limits,
          async (i) =>
            (await storeA.search.keyword(pid, queryText(data, i))).map((h) => h.memory.id),
          async (i) =>
            (await query(raw, 'keyword-a', sqlA.keyword, [pid, queryText(data, i)]))
              .map(withVector)
              .map((r) => r.id as number),
        ),
        'both: 10 full rows + ts_rank score (GIN, OR of the terms)',
      ),
    );
    latency.push(
      latencyRow(
        'keyword top-10, project (10 %)',
        await measurePair(
          limits,
          async (i) =>
            (await storeB.search.keyword(projectOfQuery(i), queryText(data, i))).map(
              (h) => h.memory.id,
            ),
          async (i) =>
            (await query(raw, 'keyword-b', sqlB.keyword, [projectOfQuery(i), queryText(data, i)]))
              .map(withVector)
              .map((r) => r.id as number),
        ),
        "both: 10 full rows + ts_rank score (GIN on (project_id, tsv): only the project's matches are read)",
      ),
    );

    // ---- hybrid, with recall against the same statement with an exact semantic leg
    const truthQueries = Math.min(50, data.spec.queries);
    for (const fusion of ['weighted', 'rrf'] as const) {
      const text = fusion === 'rrf' ? sqlA.hybridRrf : sqlA.hybridWeighted;
      const exact: number[][] = [];
      const client = await admin.connect();
      try {
        for (let q = 0; q < truthQueries; q++) {
          await client.query('begin');
          await client.query('set local enable_indexscan = off');
          exact.push(
            ids((await client.query<Row>(text, [pid, qvText(q), queryText(data, q)])).rows),
          );
          await client.query('commit');
        }
      } finally {
        client.release();
      }
      const measured = await measurePair(
        limits,
        async (i) =>
          (
            await storeA.search.hybrid(
              pid,
              { embedding: qv(i), text: queryText(data, i) },
              { fusion },
            )
          ).map((h) => h.memory.id),
        async (i) =>
          (await query(raw, `hybrid-${fusion}-a`, text, [pid, qvText(i), queryText(data, i)]))
            .map(withVector)
            .map((r) => r.id as number),
      );
      const limited = (found: (readonly number[])[]) =>
        found.filter((_, i) => i % data.spec.queries < truthQueries && i < data.spec.queries);
      latency.push({
        ...latencyRow(
          `hybrid top-10 (${fusion})`,
          measured,
          'API: 10 full rows + similarity, keyword score, ranks, normalised scores, fused; raw: 10 full rows + similarity, fused (fused over ids, full rows fetched for the final 10 only)',
        ),
        recallApi: meanRecall(limited(measured.apiIds), (i) => exact[i] ?? []),
        recallRaw: meanRecall(limited(measured.rawIds), (i) => exact[i] ?? []),
      });
    }
    latency.push(
      latencyRow(
        'hybrid top-10 (weighted), no embeddings',
        await measurePair(
          limits,
          async (i) =>
            (
              await storeA.search.hybrid(
                pid,
                { embedding: qv(i), text: queryText(data, i) },
                { includeEmbedding: false },
              )
            ).map((h) => h.memory.id),
          async (i) =>
            ids(
              await query(raw, 'hybrid-weighted-bare-a', sqlA.hybridWeightedBare, [
                pid,
                qvText(i),
                queryText(data, i),
              ]),
            ),
        ),
        'both as hybrid top-10 (weighted), the final 10 rows without the embedding column (API: includeEmbedding false)',
      ),
    );
    notes.push(
      `Hybrid recall@10: against the same fused statement with an exact semantic leg (SET LOCAL enable_indexscan = off), over the first ${truthQueries} queries.`,
    );

    // ---- recordAccess
    const tenIds = (i: number) => spreadIds(picks, idOf, i);
    latency.push(
      latencyRow(
        'recordAccess (10 ids)',
        await measurePair(
          limits,
          async (i) => {
            await storeA.memories.recordAccess(pid, tenIds(i), { retrieved: true });
          },
          async (i) => {
            await query(raw, 'access-a', sqlA.recordAccess, [pid, tenIds(i), new Date()]);
          },
        ),
        'both: the number of rows changed',
      ),
    );

    // ---- a 10-operation transaction
    latency.push(
      latencyRow(
        'transaction (10 operations)',
        await measurePair(
          { ...limits, samples: Math.min(limits.samples, 200) },
          async (i) => {
            await apiTransaction(storeA, pid, tenIds(i), memoryInput(extra, takeExtra()));
          },
          async (i) => {
            const client = await raw.connect();
            try {
              const idsI = tenIds(i);
              await client.query('begin');
              for (let k = 0; k < 4; k++)
                (await query(client, 'get-a', sqlA.get, [pid, idsI[k]])).map(withVector);
              (await query(client, 'update-a', sqlA.update, [pid, idsI[4], 0.5])).map(withVector);
              (await query(client, 'update-a', sqlA.update, [pid, idsI[5], 0.6])).map(withVector);
              await query(client, 'access5-a', sqlA.access, [pid, idsI.slice(0, 5)]);
              await query(client, 'access5-a', sqlA.access, [pid, idsI.slice(5, 10)]);
              const r = takeExtra();
              (
                await query(client, 'insert-one-a', sqlA.insertOne, [
                  pid,
                  extra.texts[r],
                  vectorParam(extra.vectors.subarray(r * dimension, (r + 1) * dimension)),
                ])
              ).map(withVector);
              await query(client, 'episode-a', sqlA.episode, [pid]);
              await client.query('commit');
            } catch (error) {
              await client.query('rollback');
              throw error;
            } finally {
              client.release();
            }
          },
        ),
        '4 get, 2 update, 2 recordAccess (5 ids), 1 store (with vector, HNSW insert), 1 episode; BEGIN … COMMIT on one connection',
      ),
    );

    // ---- neighbours of 10 memories (consolidation's clustering query)
    const neighboursA = neighboursStatement(schemaA);
    latency.push(
      latencyRow(
        'neighbours (10 memories, k 10)',
        await measurePair(
          { ...limits, samples: Math.min(limits.samples, 200) },
          async (i) =>
            (await storeA.search.neighbours(pid, tenIds(i), { k: 10 })).flatMap((entry) =>
              entry.neighbours.map((n) => n.id),
            ),
          async (i) =>
            (await query(raw, 'neighbours-a', neighboursA, [pid, tenIds(i), 10])).flatMap((row) =>
              row.id === null ? [] : [Number(row.id)],
            ),
        ),
        'both: 10 × 10 (id, distance); one LATERAL HNSW scan per memory (ef_search 40, iterative scan)',
      ),
    );

    // ---- re-indexing one file of a 100-file tree (code.replaceFile)
    const codeApi = (await storeA.projects.create({ name: 'code-api', path: '/code-api' })).id;
    const codeRaw = (await storeA.projects.create({ name: 'code-raw', path: '/code-raw' })).id;
    for (let pass = 0; pass < 2; pass++) {
      for (let f = 0; f < CODE_TREE.files; f++) {
        const file = codeFile(f);
        if (pass === 0)
          await storeA.code.replaceFile(codeApi, file.path, {
            entities: file.entities,
            edges: file.edges,
          });
        await rawReplaceFile(raw, schemaA, codeRaw, file);
      }
    }
    latency.push(
      latencyRow(
        'replaceFile (20 entities, 30 edges)',
        await measurePair(
          { ...limits, samples: Math.min(limits.samples, 200) },
          async (i) => {
            const file = codeFile(i % CODE_TREE.files, i + 1);
            return (
              await storeA.code.replaceFile(codeApi, file.path, {
                entities: file.entities,
                edges: file.edges,
              })
            ).entities.map((e) => e.id);
          },
          async (i) => rawReplaceFile(raw, schemaA, codeRaw, codeFile(i % CODE_TREE.files, i + 1)),
        ),
        'a re-index changing 2 entities; API: compare with the stored file, update what changed, pending edges; raw: one multi-row upsert of all by key, delete vanished, replace edges by one key join',
      ),
    );

    // ---- concurrency: one PostgresStore (poolMax 16) against a 16-connection pg.Pool
    const single = latency.find((r) => r.operation === 'semantic top-10')?.api.p50 ?? 1;
    const throughput = [
      ...(await measureThroughput(
        'semantic top-10',
        Math.max(100, Math.min(ctx.throughputOps, Math.round(4000 / single))),
        async (i) => {
          await semanticApi(i);
        },
        async (i) => {
          await semanticRaw(i);
        },
      )),
      ...(await measureThroughput(
        'get by id',
        ctx.throughputOps,
        async (i) => {
          await storeA.memories.get(pid, idOf(picks[i % picks.length] as number));
        },
        async (i) => {
          (await query(raw, 'get-a', sqlA.get, [pid, idOf(picks[i % picks.length] as number)])).map(
            withVector,
          );
        },
      )),
    ];

    // ---- tuning measurements (before ingest, so the rows are exactly the tier)
    tuning.postgres = await postgresTuning({
      ctx,
      admin,
      raw,
      storeA,
      storeB,
      schemaA,
      schemaB,
      pid,
      projectOfQuery,
      truthAll,
      truthProject,
    });

    // ---- ingest into the indexed table: API and raw batches interleaved
    const indexed = await interleavedIngest({
      label: 'postgres: ingest into indexed table',
      ingestRows: ctx.ingestRows,
      store: storeA,
      projectId: pid,
      extra,
      takeExtra,
      rawBatch: (rawRows) =>
        insertRows(
          raw,
          schemaA,
          rawRows.map(() => pid),
          rawRows.map((r) => extra.texts[r] ?? ''),
          rawRows.map((r) =>
            vectorParam(extra.vectors.subarray(r * dimension, (r + 1) * dimension)),
          ),
        ),
    });
    ingest.push({
      operation: `ingest into indexed table (${indexed.rowsPerSide.toLocaleString('en-US')} per side on top of ${rows.toLocaleString('en-US')}, batches of ${INGEST_BATCH})`,
      unit: 'memories/s',
      api: indexed.rowsPerSide / (indexed.apiMs / 1000),
      raw: indexed.rowsPerSide / (indexed.rawMs / 1000),
      ratio: indexed.apiMs / indexed.rawMs,
      note: `API storeMany vs raw multi-row INSERT, interleaved, HNSW maintained; new rows found by an immediate search: ${indexed.searchable}/${indexed.checked}`,
    });

    return {
      backend: 'postgres',
      settings: {
        schemas: `${schemaA} (1 project), ${schemaB} (${projects} projects), dropped afterwards`,
        hnsw: `m=${HNSW.m}, ef_construction=${HNSW.efConstruction}, ef_search=40, iterative_scan=relaxed_order`,
        maintenanceWorkMem: maintenance,
        storePoolMax: 16,
        rawPool: `pg.Pool max 16, session settings ${RAW_SETTINGS}`,
      },
      latency,
      ingest,
      throughput,
      dbSizeBytes,
      seconds: (now() - started) / 1000,
      notes,
      tuning,
    };
  } finally {
    for (const store of stores) await store.close().catch(() => undefined);
    for (const schema of [schemaA, schemaB]) {
      await admin.query(`drop schema if exists ${schema} cascade`).catch(() => undefined);
    }
    await raw.end();
    await rawFiltered?.end();
    await admin.end();
  }
}

/**
 * Drops the schemas of earlier runs on this host whose process is gone (a run
 * killed before its `finally` could drop them). Schemas of live runs stay.
 */
async function dropStaleSchemas(admin: pg.Pool): Promise<void> {
  const { rows } = await admin.query<{ name: string }>(
    "select nspname as name from pg_namespace where nspname ~ '^athena_bench_[0-9]+_[ab]$'",
  );
  for (const { name } of rows) {
    const pid = Number(name.split('_')[2]);
    let alive = true;
    try {
      process.kill(pid, 0);
    } catch (error) {
      alive = (error as NodeJS.ErrnoException).code !== 'ESRCH';
    }
    if (!alive) await admin.query(`drop schema if exists ${name} cascade`);
  }
}

/**
 * A store change tried as raw SQL: exact search computing `(id, distance)`
 * before fetching rows. p50 in ms. (The narrow keyword table and the
 * per-project graphs, prototyped here before, are store features now and
 * measured through the API.)
 */
async function prototypes(
  raw: pg.Pool,
  schemaA: string,
  pid: number,
  data: BenchContext['data'],
  n: number,
  truthAll: (i: number) => readonly number[],
): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const exactN = Math.min(n, 20);
  const exactIds = `select id from (select id, embedding <=> $2::vector as d from ${schemaA}.memory_vectors
      where project_id = $1 order by d, id limit 10) c`;
  const exact = await timeQueries(exactN, async (i) =>
    ids(
      await inTransaction(raw, ['set local enable_indexscan = off'], exactIds, [
        pid,
        vectorParam(queryVector(data, i)),
      ]),
    ),
  );
  out.exactIdsFirst = { p50: exact.summary.p50, recall: meanRecall(exact.found, truthAll) };

  return out;
}

interface TuningInput {
  readonly ctx: BenchContext;
  readonly admin: pg.Pool;
  readonly raw: pg.Pool;
  readonly storeA: PostgresStore;
  readonly storeB: PostgresStore;
  readonly schemaA: string;
  readonly schemaB: string;
  readonly pid: number;
  readonly projectOfQuery: (q: number) => number;
  readonly truthAll: (i: number) => readonly number[];
  readonly truthProject: (i: number) => readonly number[];
}

async function timeQueries(
  n: number,
  fn: (i: number) => Promise<readonly number[]>,
): Promise<{ summary: LatencySummary; found: (readonly number[])[] }> {
  for (let i = 0; i < Math.min(5, n); i++) await fn(i);
  const times: number[] = [];
  const found: (readonly number[])[] = [];
  for (let i = 0; i < n; i++) {
    const t = now();
    found.push(await fn(i));
    times.push(now() - t);
  }
  return { summary: summarise(times), found };
}

/** Runs `statements` then `text` in one transaction on one connection; returns the rows. */
async function inTransaction(
  pool: pg.Pool,
  settings: readonly string[],
  text: string,
  values: unknown[],
): Promise<Row[]> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    for (const setting of settings) await client.query(setting);
    const result = await client.query<Row>(text, values);
    await client.query('commit');
    return result.rows;
  } finally {
    client.release();
  }
}

/**
 * The semantic top-10 of the store decomposed: the raw twin, then one
 * difference at a time (unnamed statement, the vector as decimal text, bound
 * twice as 17-digit text, the BEGIN/set_config/COMMIT wrapper, the
 * embedding as decimal text parsed by JSON.parse or pgvector.fromSql), the
 * twin without the embedding column, and the store itself. p50 in ms, variants interleaved query by query.
 */
async function overheadBreakdown(
  raw: pg.Pool,
  store: PostgresStore,
  schema: string,
  pid: number,
  data: BenchContext['data'],
  n: number,
): Promise<Record<string, number>> {
  const twin = rawStatements(schema).semantic;
  const twice = twin.replace(
    'embedding <=> $2::vector as distance',
    'embedding <=> $3::vector as distance',
  );
  const noVector = twin.replace(/vector_send\(c\.embedding\) as embedding,\s+/, '');
  const asText = twin.replace('vector_send(c.embedding) as embedding', 'c.embedding');
  if (noVector === twin || asText === twin || twice === twin)
    throw new Error('the semantic twin changed shape: update its variants');
  const qBin = (i: number) => vectorParam(queryVector(data, i));
  const q9 = (i: number) =>
    `[${Array.from(queryVector(data, i), (x) => x.toPrecision(9)).join(',')}]`;
  const q17 = (i: number) => JSON.stringify(Array.from(queryVector(data, i)));
  const parseJson = (rows: Row[]) => rows.map(withVector);
  const parseText = (rows: Row[]) =>
    rows.map((row) => new Float32Array(JSON.parse(row.embedding as string) as number[]));
  const parsePgvector = (rows: Row[]) =>
    rows.map((row) => Float32Array.from(pgvector.fromSql(row.embedding as string) as number[]));
  const wrapped = async (text: string, values: unknown[], named: boolean) => {
    const client = await raw.connect();
    try {
      await client.query('begin');
      await client.query(
        "select set_config('hnsw.ef_search', '40', true), set_config('hnsw.iterative_scan', 'relaxed_order', true), set_config('ivfflat.probes', '10', true), set_config('ivfflat.iterative_scan', 'relaxed_order', true)",
      );
      const result = named
        ? await client.query<Row>({ name: 'ov-wrapped', text, values })
        : await client.query<Row>(text, values);
      await client.query('commit');
      return result.rows;
    } finally {
      client.release();
    }
  };
  const variants: Record<string, (i: number) => Promise<unknown>> = {
    'raw twin: prepared, 1 round trip, vectors binary both ways': async (i) =>
      parseJson(await query(raw, 'ov-twin', twin, [pid, qBin(i)])),
    '+ unnamed statement (parsed and planned every call)': async (i) =>
      parseJson((await raw.query<Row>(twin, [pid, qBin(i)])).rows),
    '+ vector as 9-digit decimal text': async (i) =>
      parseJson(await query(raw, 'ov-twin', twin, [pid, q9(i)])),
    '+ vector bound twice as 17-digit decimal text': async (i) =>
      parseJson(await query(raw, 'ov-twice', twice, [pid, q17(i), q17(i)])),
    '+ BEGIN; set_config(…); … COMMIT (3 more round trips)': async (i) =>
      parseJson(await wrapped(twin, [pid, qBin(i)], true)),
    '+ embedding as decimal text, JSON.parse': async (i) =>
      parseText(await query(raw, 'ov-text', asText, [pid, qBin(i)])),
    '+ embedding as decimal text, pgvector.fromSql': async (i) =>
      parsePgvector(await query(raw, 'ov-text', asText, [pid, qBin(i)])),
    'raw twin without the embedding column': async (i) =>
      query(raw, 'ov-novector', noVector, [pid, qBin(i)]),
    'the store: search.semantic': (i) => store.search.semantic(pid, queryVector(data, i)),
    'the store: search.semantic, includeEmbedding false': (i) =>
      store.search.semantic(pid, queryVector(data, i), { includeEmbedding: false }),
  };
  const times = new Map<string, number[]>(Object.keys(variants).map((k) => [k, []]));
  for (let i = 0; i < n + 5; i++) {
    for (const [name, fn] of Object.entries(variants)) {
      const started = now();
      await fn(i);
      if (i >= 5) times.get(name)?.push(now() - started);
    }
  }
  return Object.fromEntries([...times].map(([name, list]) => [name, summarise(list).p50]));
}

/** The measurements behind docs/tuning.md, each with the plan that explains it. */
async function postgresTuning(input: TuningInput): Promise<Record<string, unknown>> {
  const {
    ctx,
    admin,
    raw,
    storeA,
    storeB,
    schemaA,
    schemaB,
    pid,
    projectOfQuery,
    truthAll,
    truthProject,
  } = input;
  const { data, log } = ctx;
  const n = Math.min(ctx.limits.samples, 100);
  const qvText = (i: number) => vectorParam(queryVector(data, i));
  const out: Record<string, unknown> = {};
  log('  tuning: ef_search sweep, iterative scan, storage, ts_rank, IVFFlat …');

  const t = (s: string) => `${s}.memory_vectors`;
  const filtered = `select id from ${t(schemaB)} where project_id = $1 order by embedding <=> $2::vector limit 10`;
  // `project_id + 0` cannot match a project's own graph (a partial index): the shared graph, filtered.
  const sharedFiltered = filtered.replace('where project_id = $1', 'where project_id + 0 = $1');
  const sweep = [];
  for (const efSearch of [20, 40, 80, 160]) {
    const all = await timeQueries(n, async (i) =>
      (await storeA.search.semantic(pid, queryVector(data, i), { efSearch })).map(
        (h) => h.memory.id,
      ),
    );
    const own = await timeQueries(n, async (i) =>
      (await storeB.search.semantic(projectOfQuery(i), queryVector(data, i), { efSearch })).map(
        (h) => h.memory.id,
      ),
    );
    const shared = await timeQueries(n, async (i) =>
      ids(
        await inTransaction(raw, [`set local hnsw.ef_search = ${efSearch}`], sharedFiltered, [
          projectOfQuery(i),
          qvText(i),
        ]),
      ),
    );
    sweep.push({
      efSearch,
      unfilteredP50: all.summary.p50,
      unfilteredRecall: meanRecall(all.found, truthAll),
      projectP50: own.summary.p50,
      projectRecall: meanRecall(own.found, truthProject),
      projectReturned: own.found.reduce((a, f) => a + f.length, 0) / own.found.length,
      projectSharedGraphP50: shared.summary.p50,
      projectSharedGraphRecall: meanRecall(shared.found, truthProject),
    });
  }
  out.efSearchSweep = sweep;

  // Where the API's time goes: the raw semantic statement changed one step at a time towards
  // what the store sends, every variant run round-robin on the same queries.
  out.apiOverhead = await overheadBreakdown(raw, storeA, schemaA, pid, data, n);

  const iterative = [];
  for (const mode of ['off', 'relaxed_order', 'strict_order']) {
    const r = await timeQueries(n, async (i) =>
      ids(
        await inTransaction(raw, [`set local hnsw.iterative_scan = ${mode}`], sharedFiltered, [
          projectOfQuery(i),
          qvText(i),
        ]),
      ),
    );
    iterative.push({
      iterativeScan: mode,
      p50: r.summary.p50,
      recall: meanRecall(r.found, truthProject),
      returned: r.found.reduce((a, f) => a + f.length, 0) / r.found.length,
    });
  }
  out.iterativeScan = iterative;

  const explain = async (settings: readonly string[], text: string, values: unknown[]) =>
    (
      await inTransaction(
        admin,
        settings,
        `explain (analyze, buffers, costs off, timing off) ${text}`,
        values,
      )
    ).map((row) => shortPlan(String(row['QUERY PLAN'])));
  const annSettings = [
    'set local hnsw.ef_search = 40',
    'set local hnsw.iterative_scan = relaxed_order',
  ];
  out.plans = {
    semanticUnfiltered: await explain(
      annSettings,
      `select id from ${t(schemaA)} where project_id = $1 order by embedding <=> $2::vector limit 10`,
      [pid, qvText(0)],
    ),
    semanticProject: await explain(annSettings, filtered, [projectOfQuery(0), qvText(0)]),
    semanticProjectSharedGraph: await explain(annSettings, sharedFiltered, [
      projectOfQuery(0),
      qvText(0),
    ]),
    semanticProjectSharedGraphNoIterative: await explain(
      ['set local hnsw.ef_search = 40', 'set local hnsw.iterative_scan = off'],
      sharedFiltered,
      [projectOfQuery(0), qvText(0)],
    ),
    hybridRrfRaw: await explain(annSettings, rawStatements(schemaA).hybridRrf, [
      pid,
      qvText(0),
      queryText(data, 0),
    ]),
    storeSemantic: (
      await storeA.explainSearch({
        kind: 'semantic',
        projectId: pid,
        embedding: queryVector(data, 0),
      })
    ).map(shortPlan),
    storeHybrid: (
      await storeA.explainSearch({
        kind: 'hybrid',
        projectId: pid,
        query: { embedding: queryVector(data, 0), text: queryText(data, 0) },
      })
    ).map(shortPlan),
  };

  // Exact search through the API, and exact scans over PLAIN vs the type's default (EXTERNAL) storage.
  const exactN = Math.min(n, 20);
  const exactApi = await timeQueries(exactN, async (i) =>
    (await storeA.search.semantic(pid, queryVector(data, i), { exact: true })).map(
      (h) => h.memory.id,
    ),
  );
  out.exactApi = { p50: exactApi.summary.p50, recall: meanRecall(exactApi.found, truthAll) };
  const storage: Record<string, unknown>[] = [];
  for (const mode of ['plain', 'external']) {
    const table = `${schemaA}.bench_storage_${mode}`;
    await admin.query(
      `create table ${table} (id bigint, embedding vector(${data.spec.dimension}))`,
    );
    if (mode === 'plain')
      await admin.query(`alter table ${table} alter column embedding set storage plain`);
    await admin.query(`insert into ${table} select id, embedding from ${t(schemaA)}`);
    await admin.query(`vacuum analyze ${table}`);
    const scan = `select id from ${table} order by embedding <=> $1::vector limit 10`;
    const r = await timeQueries(exactN, async (i) =>
      ids((await raw.query<Row>(scan, [qvText(i)])).rows),
    );
    const size = await admin.query<{ heap: string; total: string }>(
      `select pg_relation_size($1::regclass) as heap, pg_total_relation_size($1::regclass) as total`,
      [table],
    );
    storage.push({
      storage: mode,
      p50: r.summary.p50,
      recall: meanRecall(r.found, truthAll),
      heapBytes: Number(size.rows[0]?.heap ?? 0),
      totalBytes: Number(size.rows[0]?.total ?? 0),
      plan: await explain([], scan, [qvText(0)]),
    });
  }
  out.exactScanStorage = storage;
  await admin.query(`drop table ${schemaA}.bench_storage_external`);

  // IVFFlat on the PLAIN copy: build time, probes vs recall.
  const lists = Math.max(10, Math.round(data.spec.rows / 1000));
  const t0 = now();
  await admin.query(
    `create index bench_ivf on ${schemaA}.bench_storage_plain using ivfflat (embedding vector_cosine_ops) with (lists = ${lists})`,
  );
  const ivfBuild = (now() - t0) / 1000;
  const ivf = [];
  const ivfScan = `select id from ${schemaA}.bench_storage_plain order by embedding <=> $1::vector limit 10`;
  for (const probes of [1, 5, 10, 20]) {
    const r = await timeQueries(n, async (i) =>
      ids(await inTransaction(raw, [`set local ivfflat.probes = ${probes}`], ivfScan, [qvText(i)])),
    );
    ivf.push({ probes, p50: r.summary.p50, recall: meanRecall(r.found, truthAll) });
  }
  out.ivfflat = {
    lists,
    buildSeconds: ivfBuild,
    sweep: ivf,
    plan: await explain(['set local ivfflat.probes = 10'], ivfScan, [qvText(0)]),
  };
  await admin.query(`drop table ${schemaA}.bench_storage_plain`);

  // ts_rank vs ts_rank_cd on the keyword query, over the store's narrow keyword table.
  const keywords = `${schemaA}.memory_text_index`;
  const orQuery = (param: string) =>
    `replace(cast(plainto_tsquery('english', ${param}) as text), ' & ', ' | ')::tsquery`;
  const rankQuery = (
    fn: string,
  ) => `select memory_id from ${keywords}, (select ${orQuery('$2')} as q) q
      where project_id = $1 and tsv @@ q.q order by ${fn}(tsv, q.q, 32) desc, memory_id limit 10`;
  const matches = await raw.query<{ n: string }>(
    `select avg(c)::text as n from (select (select count(*) from ${keywords} where tsv @@ ${orQuery('w')}) as c
      from unnest($1::text[]) w) s`,
    [data.queryTexts.slice(0, 20)],
  );
  const rank = [];
  for (const fn of ['ts_rank', 'ts_rank_cd']) {
    const r = await timeQueries(n, async (i) =>
      (await raw.query<{ memory_id: string }>(rankQuery(fn), [pid, queryText(data, i)])).rows.map(
        (row) => Number(row.memory_id),
      ),
    );
    rank.push({
      function: fn,
      p50: r.summary.p50,
      p95: r.summary.p95,
      meanMatchingRows: Number(matches.rows[0]?.n ?? 0),
    });
  }
  out.keywordRank = rank;
  out.keywordPlan = await explain([], rankQuery('ts_rank'), [pid, queryText(data, 0)]);

  // Prototypes of store changes, as raw SQL on copies (the store's tables stay as they are).
  out.prototypes = await prototypes(raw, schemaA, pid, data, n, truthAll);
  return out;
}
