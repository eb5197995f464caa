import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { ResolvedOptions } from './options.js';
import type { Database } from './schema.js';

/** An ANN index found on `memory_vectors.embedding`. */
export interface VectorIndexInfo {
  readonly name: string;
  /** `hnsw` or `ivfflat`. */
  readonly method: string;
  readonly valid: boolean;
}

/** What an ensure/rebuild call did. */
export interface VectorIndexOutcome {
  /** `created`, `rebuilt`, `exists`, `deferred` (IVFFlat below `minRows`) or `disabled` (`type: 'none'`). */
  readonly action: 'created' | 'rebuilt' | 'exists' | 'deferred' | 'disabled';
  readonly index: VectorIndexInfo | null;
  /** Rows in `memory_vectors` when it mattered (IVFFlat). */
  readonly rows?: number;
}

/** Where the index lives and what it should be. */
export interface VectorIndexTarget {
  readonly schema: string;
  readonly vectorSchema: string;
  readonly vectorIndex: ResolvedOptions['vectorIndex'];
}

const INDEX_NAMES = {
  hnsw: 'memory_vectors_embedding_hnsw_idx',
  ivfflat: 'memory_vectors_embedding_ivfflat_idx',
};

/**
 * The ANN indexes on `memory_vectors`, from the catalog.
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
  const { rows } = await sql<{ name: string; method: string; valid: boolean }>`
    select c.relname as name, am.amname as method, i.indisvalid as valid
    from pg_index i
    join pg_class c on c.oid = i.indexrelid
    join pg_am am on am.oid = c.relam
    join pg_class t on t.oid = i.indrelid
    join pg_namespace n on n.oid = t.relnamespace
    where n.nspname = ${schema} and t.relname = 'memory_vectors' and am.amname in ('hnsw', 'ivfflat')
    order by c.relname`.execute(db);
  return rows;
}

async function countRows(db: Kysely<Database>, schema: string, atLeast: number): Promise<number> {
  // Counting stops at `atLeast`: a large table is not scanned to learn that it is large enough.
  const { rows } = await sql<{ n: string }>`
    select count(*) as n from (select 1 from ${sql.table(`${schema}.memory_vectors`)} limit ${atLeast}) s`.execute(
    db,
  );
  return Number(rows[0]?.n ?? 0);
}

async function create(db: Kysely<Database>, target: VectorIndexTarget): Promise<void> {
  const spec = target.vectorIndex;
  if (spec.type === 'none') return;
  const name = sql.id(INDEX_NAMES[spec.type]);
  const table = sql.table(`${target.schema}.memory_vectors`);
  const ops = sql`${sql.id(target.vectorSchema)}.vector_cosine_ops`;
  // DDL cannot take bound parameters; m, ef_construction and lists are validated integers.
  const withClause =
    spec.type === 'hnsw'
      ? sql`with (m = ${sql.lit(spec.m)}, ef_construction = ${sql.lit(spec.efConstruction)})`
      : sql`with (lists = ${sql.lit(spec.lists)})`;
  await sql`create index if not exists ${name} on ${table} using ${sql.raw(spec.type)} (embedding ${ops}) ${withClause}`.execute(
    db,
  );
}

async function dropOthers(
  db: Kysely<Database>,
  target: VectorIndexTarget,
  existing: VectorIndexInfo[],
): Promise<void> {
  for (const index of existing) {
    if (index.method === target.vectorIndex.type && index.valid) continue;
    await sql`drop index if exists ${sql.table(`${target.schema}.${index.name}`)}`.execute(db);
  }
}

/**
 * Makes the configured ANN index exist. HNSW is built at once (it works on an
 * empty table and grows with it). IVFFlat is deferred until `minRows`
 * memories exist, because its centroids are computed from the rows present at
 * build time. An index of the other kind (or an invalid one) is dropped;
 * with `type: 'none'` existing indexes are left alone.
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
): Promise<VectorIndexOutcome> {
  const spec = target.vectorIndex;
  const existing = await listVectorIndexes(db, target.schema);
  if (spec.type === 'none') return { action: 'disabled', index: existing[0] ?? null };
  const current = existing.find((index) => index.method === spec.type && index.valid);
  if (current !== undefined && existing.length === 1) return { action: 'exists', index: current };
  let rows: number | undefined;
  if (spec.type === 'ivfflat' && current === undefined) {
    rows = await countRows(db, target.schema, spec.minRows);
    if (rows < spec.minRows) return { action: 'deferred', index: null, rows };
  }
  await dropOthers(db, target, existing);
  await create(db, target);
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
  await create(db, target);
  const [index] = await listVectorIndexes(db, target.schema);
  return { action: 'rebuilt', index: index ?? null, ...(rows === undefined ? {} : { rows }) };
}
