import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { ProjectGraphOptions, ResolvedOptions, VectorIndexPrecision } from './options.js';
import type { Database } from './schema.js';

/** An ANN index found on `memory_embeddings.embedding`. */
export interface VectorIndexInfo {
  readonly name: string;
  /** `hnsw` or `ivfflat`. */
  readonly method: string;
  /** `half`: over `l2_normalize(embedding)::halfvec(dimension)`; `full`: over the column itself. */
  readonly precision: VectorIndexPrecision;
  readonly valid: boolean;
}

/** What an ensure/rebuild call did. */
export interface VectorIndexOutcome {
  /** `created`, `rebuilt`, `exists`, `deferred` (IVFFlat below `minRows`) or `disabled` (`type: 'none'`). */
  readonly action: 'created' | 'rebuilt' | 'exists' | 'deferred' | 'disabled';
  readonly index: VectorIndexInfo | null;
  /** Rows in `memory_embeddings` when it mattered (IVFFlat). */
  readonly rows?: number;
}

/** Where the index lives and what it should be. */
export interface VectorIndexTarget {
  readonly schema: string;
  readonly vectorSchema: string;
  /** Of `memory_embeddings.embedding`: the `halfvec` cast of a half-precision index names it. */
  readonly dimension: number;
  readonly vectorIndex: ResolvedOptions['vectorIndex'];
}

/** The name of the shared ANN index of each kind. */
export const INDEX_NAMES = {
  hnsw: 'memory_vectors_embedding_hnsw_idx',
  ivfflat: 'memory_vectors_embedding_ivfflat_idx',
};

/**
 * Every ANN index on `memory_embeddings`, project graphs included. Their
 * names (`memory_vectors_…`) are those they had when the vectors were a
 * column of `memory_vectors` (before migration 9).
 */
async function catalogVectorIndexes(
  db: Kysely<Database>,
  schema: string,
): Promise<VectorIndexInfo[]> {
  // An index over an expression (indexprs) is over the halfvec cast: Athena builds no other.
  const { rows } = await sql<VectorIndexInfo>`
    select c.relname as name, am.amname as method, i.indisvalid as valid,
      case when i.indexprs is null then 'full' else 'half' end as precision
    from pg_index i
    join pg_class c on c.oid = i.indexrelid
    join pg_am am on am.oid = c.relam
    join pg_class t on t.oid = i.indrelid
    join pg_namespace n on n.oid = t.relnamespace
    where n.nspname = ${schema} and t.relname = 'memory_embeddings' and am.amname in ('hnsw', 'ivfflat')
    order by c.relname`.execute(db);
  return rows;
}

/** Name of the HNSW graph of one project: `memory_vectors_p<id>_hnsw_idx`. */
export function projectGraphName(projectId: number): string {
  return `memory_vectors_p${projectId}_hnsw_idx`;
}

const PROJECT_GRAPH = /^memory_vectors_p(\d+)_hnsw_idx$/;

/**
 * The shared ANN indexes on `memory_embeddings` (not the project graphs), from
 * the catalog.
 *
 * @example
 * ```ts
 * const [index] = await listVectorIndexes(db, 'public'); // { name, method: 'hnsw', valid: true }
 * ```
 */
export async function listVectorIndexes(
  db: Kysely<Database>,
  schema: string,
): Promise<VectorIndexInfo[]> {
  return (await catalogVectorIndexes(db, schema)).filter((i) => !PROJECT_GRAPH.test(i.name));
}

/**
 * The projects that have their own HNSW graph, from the catalog: project id →
 * the index (an interrupted concurrent build leaves an invalid one behind).
 */
export async function listProjectGraphs(
  db: Kysely<Database>,
  schema: string,
): Promise<Map<number, VectorIndexInfo>> {
  const graphs = new Map<number, VectorIndexInfo>();
  for (const index of await catalogVectorIndexes(db, schema)) {
    const match = PROJECT_GRAPH.exec(index.name);
    if (match?.[1] !== undefined) graphs.set(Number(match[1]), index);
  }
  return graphs;
}

async function countRows(db: Kysely<Database>, schema: string, atLeast: number): Promise<number> {
  // Counting stops at `atLeast`: a large table is not scanned to learn that it is large enough.
  const { rows } = await sql<{ n: string }>`
    select count(*) as n from (select 1 from ${sql.table(`${schema}.memory_embeddings`)} limit ${atLeast}) s`.execute(
    db,
  );
  return Number(rows[0]?.n ?? 0);
}

/**
 * What an ANN index of `precision` indexes, with its operator class:
 * `embedding vector_cosine_ops`, or `(cast(l2_normalize(embedding) as
 * halfvec(D))) halfvec_cosine_ops` — the expression `Session.annDistance`
 * orders by, so the planner matches the two. Normalising first keeps every
 * component in [-1, 1], inside halfvec's range (±65,504), whatever the
 * vector's length, and leaves its cosine distances as they were. DDL cannot
 * take bound parameters: the dimension is a validated integer.
 */
function indexedKey(target: VectorIndexTarget, precision: VectorIndexPrecision) {
  const vectorSchema = sql.id(target.vectorSchema);
  if (precision === 'full') return sql`embedding ${vectorSchema}.vector_cosine_ops`;
  return sql`(cast(${vectorSchema}.l2_normalize(embedding) as ${vectorSchema}.halfvec(${sql.lit(target.dimension)}))) ${vectorSchema}.halfvec_cosine_ops`;
}

/**
 * Raises `maintenance_work_mem` for the rest of the current transaction so
 * that an HNSW graph of every row of `memory_embeddings` fits (about 4 bytes per
 * dimension + 1 KiB per row, + 64 MiB, at most 1 GiB; a server configured
 * higher keeps its value). pgvector builds the graph in memory while it
 * fits and then goes on far slower: 100K memories of 768 dimensions took
 * 225 s at the default 64 MB and 46 s with room (`pnpm bench:hnsw-build`).
 *
 * @example
 * ```ts
 * await sql`begin`.execute(connection);
 * await raiseIndexMemory(connection, 'public', 768);
 * // create index … using hnsw …, then commit
 * ```
 */
export async function raiseIndexMemory(
  db: Kysely<Database>,
  schema: string,
  dimension: number,
): Promise<void> {
  // pg_settings reports maintenance_work_mem in kB.
  const { rows } = await sql<{ n: string; kb: string }>`
    select (select count(*) from ${sql.table(`${schema}.memory_embeddings`)}) as n,
           (select setting from pg_settings where name = 'maintenance_work_mem') as kb`.execute(db);
  const graphBytes = Number(rows[0]?.n ?? 0) * (4 * dimension + 1024) + 64 * 2 ** 20;
  const megabytes = Math.max(
    Math.ceil(Number(rows[0]?.kb ?? 0) / 1024),
    Math.min(1024, Math.ceil(graphBytes / 2 ** 20)),
  );
  await sql`select set_config('maintenance_work_mem', ${`${megabytes}MB`}, true)`.execute(db);
}

/**
 * Creates the configured shared index. An HNSW build runs in a transaction
 * of its own with {@link raiseIndexMemory}, unless `inTransaction` says the
 * caller's transaction holds the connection (and has raised it already).
 */
async function create(
  db: Kysely<Database>,
  target: VectorIndexTarget,
  inTransaction: boolean,
): Promise<void> {
  const spec = target.vectorIndex;
  if (spec.type === 'none') return;
  const name = sql.id(INDEX_NAMES[spec.type]);
  const table = sql.table(`${target.schema}.memory_embeddings`);
  // DDL cannot take bound parameters; m, ef_construction and lists are validated integers.
  const withClause =
    spec.type === 'hnsw'
      ? sql`with (m = ${sql.lit(spec.m)}, ef_construction = ${sql.lit(spec.efConstruction)})`
      : sql`with (lists = ${sql.lit(spec.lists)})`;
  const statement = sql`create index if not exists ${name} on ${table} using ${sql.raw(spec.type)} (${indexedKey(target, spec.precision)}) ${withClause}`;
  if (spec.type !== 'hnsw' || inTransaction) {
    await statement.execute(db);
    return;
  }
  await db.transaction().execute(async (trx) => {
    await raiseIndexMemory(trx, target.schema, target.dimension);
    await statement.execute(trx);
  });
}

/** Whether `index` is what `spec` asks for: its method and precision, and valid. */
function matches(index: VectorIndexInfo, spec: ResolvedOptions['vectorIndex']): boolean {
  return (
    spec.type !== 'none' &&
    index.method === spec.type &&
    index.precision === spec.precision &&
    index.valid
  );
}

/**
 * Drops shared indexes of another type or precision, or invalid, and every
 * project graph when the type is not HNSW or the graph's precision is another.
 */
async function dropOthers(
  db: Kysely<Database>,
  target: VectorIndexTarget,
  existing: VectorIndexInfo[],
): Promise<void> {
  const spec = target.vectorIndex;
  const names = existing.filter((index) => !matches(index, spec)).map((index) => index.name);
  for (const graph of (await listProjectGraphs(db, target.schema)).values()) {
    if (spec.type !== 'hnsw' || graph.precision !== spec.precision) names.push(graph.name);
  }
  for (const name of names) {
    await sql`drop index if exists ${sql.table(`${target.schema}.${name}`)}`.execute(db);
  }
}

/**
 * Makes the configured ANN index exist. HNSW is built at once (it works on an
 * empty table and grows with it). IVFFlat is deferred until `minRows`
 * memories exist, because its centroids are computed from the rows present at
 * build time. An index of the other kind or precision (or an invalid one) is dropped;
 * with `type: 'none'` existing indexes are left alone. `inTransaction`: `db`
 * is in the caller's transaction, which has raised `maintenance_work_mem`
 * ({@link raiseIndexMemory}); otherwise an HNSW build takes a transaction of
 * its own to raise it.
 *
 * @example
 * ```ts
 * const outcome = await ensureVectorIndex(db, { schema: 'public', vectorSchema: 'public', vectorIndex });
 * outcome.action; // 'created'
 * ```
 */
export async function ensureVectorIndex(
  db: Kysely<Database>,
  target: VectorIndexTarget,
  inTransaction = false,
): Promise<VectorIndexOutcome> {
  const spec = target.vectorIndex;
  const existing = await listVectorIndexes(db, target.schema);
  if (spec.type === 'none') return { action: 'disabled', index: existing[0] ?? null };
  const current = existing.find((index) => matches(index, spec));
  if (current !== undefined && existing.length === 1) return { action: 'exists', index: current };
  let rows: number | undefined;
  if (spec.type === 'ivfflat' && current === undefined) {
    rows = await countRows(db, target.schema, spec.minRows);
    if (rows < spec.minRows) return { action: 'deferred', index: null, rows };
  }
  await dropOthers(db, target, existing);
  await create(db, target, inTransaction);
  const [index] = (await listVectorIndexes(db, target.schema)).filter(
    (i) => i.method === spec.type,
  );
  return {
    action: current === undefined ? 'created' : 'exists',
    index: index ?? null,
    ...(rows === undefined ? {} : { rows }),
  };
}

/**
 * Rebuilds the configured ANN index from the current rows (for IVFFlat: new
 * centroids after the data changed). IVFFlat still needs `minRows` rows.
 *
 * @example
 * ```ts
 * await rebuildVectorIndex(db, target); // { action: 'rebuilt', … }
 * ```
 */
export async function rebuildVectorIndex(
  db: Kysely<Database>,
  target: VectorIndexTarget,
): Promise<VectorIndexOutcome> {
  const spec = target.vectorIndex;
  if (spec.type === 'none') return ensureVectorIndex(db, target);
  let rows: number | undefined;
  if (spec.type === 'ivfflat') {
    rows = await countRows(db, target.schema, spec.minRows);
    if (rows < spec.minRows) return { action: 'deferred', index: null, rows };
  }
  for (const index of await listVectorIndexes(db, target.schema)) {
    await sql`drop index if exists ${sql.table(`${target.schema}.${index.name}`)}`.execute(db);
  }
  await create(db, target, false);
  const [index] = await listVectorIndexes(db, target.schema);
  return { action: 'rebuilt', index: index ?? null, ...(rows === undefined ? {} : { rows }) };
}

/** What a `buildProjectGraphs` call did, by project id. */
export interface ProjectGraphsOutcome {
  readonly created: readonly number[];
  /** Graphs of projects that are gone or now hold `maxShare` or more of the memories. */
  readonly dropped: readonly number[];
  readonly kept: readonly number[];
}

/**
 * Gives every project that qualifies under `policy` its own HNSW graph: a
 * partial index `WHERE project_id = <id>` beside the shared one, built with
 * CREATE INDEX CONCURRENTLY (writes go on during the build), and drops the
 * graphs of projects that no longer qualify by share or no longer exist,
 * rebuilds those of another precision or invalid, then ANALYZEs the table. `db` must not be inside a transaction.
 *
 * @example
 * ```ts
 * await buildProjectGraphs(db, target, { minRows: 10_000, maxShare: 0.5 }); // { created: [3, 7], … }
 * ```
 */
export async function buildProjectGraphs(
  db: Kysely<Database>,
  target: VectorIndexTarget,
  policy: Required<ProjectGraphOptions>,
): Promise<ProjectGraphsOutcome> {
  const spec = target.vectorIndex;
  if (spec.type !== 'hnsw') return { created: [], dropped: [], kept: [] };
  const { rows } = await sql<{ project_id: string; n: string }>`
    select project_id, count(*) as n from ${sql.table(`${target.schema}.memory_embeddings`)}
    group by project_id`.execute(db);
  const total = rows.reduce((sum, row) => sum + Number(row.n), 0);
  const qualifies = new Set(
    rows
      .filter((row) => Number(row.n) >= policy.minRows && Number(row.n) < policy.maxShare * total)
      .map((row) => Number(row.project_id)),
  );
  const existing = await listProjectGraphs(db, target.schema);
  const created: number[] = [];
  const dropped: number[] = [];
  const kept: number[] = [];
  for (const [projectId, graph] of existing) {
    if (matches(graph, spec) && qualifies.has(projectId)) {
      kept.push(projectId);
      continue;
    }
    await sql`drop index concurrently if exists ${sql.table(`${target.schema}.${projectGraphName(projectId)}`)}`.execute(
      db,
    );
    if (!qualifies.has(projectId)) dropped.push(projectId);
  }
  for (const projectId of [...qualifies].sort((a, b) => a - b)) {
    if (kept.includes(projectId)) continue;
    // DDL cannot take bound parameters: the project id, m and ef_construction are validated integers.
    await sql`create index concurrently if not exists ${sql.id(projectGraphName(projectId))}
      on ${sql.table(`${target.schema}.memory_embeddings`)} using hnsw (${indexedKey(target, spec.precision)})
      with (m = ${sql.lit(spec.m)}, ef_construction = ${sql.lit(spec.efConstruction)})
      where project_id = ${sql.lit(projectId)}`.execute(db);
    created.push(projectId);
  }
  // Fresh statistics: the planner costs a project's graph against its row estimate.
  await sql`analyze ${sql.table(`${target.schema}.memory_embeddings`)}`.execute(db);
  return { created, dropped, kept };
}
