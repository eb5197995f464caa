export type Row = Record<string, unknown>;

/** A statement as the raw side sends it: pg's query config (the name prepares it once per connection). */
export interface RawQuery {
  readonly name?: string;
  readonly text: string;
  readonly values?: unknown[];
}

/** What the raw side needs of a connection: `pg`'s `query`, in the shape both engines give it. */
export interface RawQueryable {
  query<R extends Row = Row>(query: RawQuery | string): Promise<{ rows: R[] }>;
  query<R extends Row = Row>(text: string, values: unknown[]): Promise<{ rows: R[] }>;
}

/**
 * The raw side's pool: a `pg.Pool` on PostgreSQL, the one PGlite session
 * (see `pglite/pglite-connections.ts`) on PGlite.
 */
export interface RawPool extends RawQueryable {
  connect(): Promise<RawQueryable & { release(): void }>;
  end(): Promise<void>;
}

/**
 * The store's memory columns (store-postgres `memoryColumns`): what both sides
 * return, of the memory row `alias`, with the embedding `vector` (a column of
 * `memory_embeddings` or of a subquery that carries it) in pgvector's binary
 * form through `vector_send`.
 */
function columns(alias: string, vector: string): string {
  const at = `${alias}.`;
  return `${at}id, ${at}project_id, ${at}content, ${at}content_type, ${at}memory_type, ${at}domain,
  ${at}tags, vector_send(${vector}) as embedding, ${at}embedding_model, ${at}access_count,
  ${at}last_accessed, ${at}last_retrieved, ${at}usefulness_score, ${at}confidence,
  ${at}quality_score, ${at}consolidation_state, ${at}consolidated_at, ${at}superseded_by,
  ${at}claimed_by, ${at}claim_expires_at, ${at}version, ${at}session_id, ${at}event_type,
  ${at}code_language, ${at}code_hash, ${at}created_at, ${at}updated_at`;
}
/** `statement` selecting the memory columns of `alias` without the embedding (`includeEmbedding: false`). */
function withoutEmbedding(statement: string, alias: string, vector: string): string {
  const full = columns(alias, vector);
  const bare = full.replace(`vector_send(${vector}) as embedding, `, '');
  const out = statement.replace(full, bare);
  if (out === statement || bare === full) {
    throw new Error(`no embedding column of ${alias} to leave out`);
  }
  return out;
}

/** Session settings of the raw pool: the same ANN settings the store applies per query. */
export const RAW_SETTINGS =
  '-c hnsw.ef_search=40 -c hnsw.iterative_scan=relaxed_order -c ivfflat.iterative_scan=relaxed_order -c ivfflat.probes=10';

export const HNSW = { m: 16, efConstruction: 64 };

/**
 * A vector as a binary parameter (pgvector's `vector_recv` format: int16
 * dimension, int16 0, big-endian float4s): `pg` sends a Buffer in binary, so
 * neither side formats or parses decimal text.
 */
export function vectorParam(vector: Float32Array): Buffer {
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
export function withVector(row: Row): Row {
  row.embedding = fromVectorSend(row.embedding as Buffer);
  row.id = Number(row.id);
  return row;
}

export function ids(rows: readonly Row[]): number[] {
  return rows.map((row) => Number(row.id));
}

/** A plan line with the query vector literal shortened, so plans stay readable. */
export function shortPlan(line: string): string {
  return line.replace(/'\[[^\]]{40,}\]'/g, "'[…query vector…]'");
}

/** Memory per HNSW build: enough to keep the graph in memory (~4 KiB per 768-d row). */
export function maintenanceWorkMem(rows: number): string {
  const mb = Math.min(8192, Math.max(256, Math.ceil((rows * 4096) / 1048576) + 128));
  return `${mb}MB`;
}

/** The store's neighbour statement: a LATERAL ANN scan per source memory, over the vectors. */
export function neighboursStatement(schema: string): string {
  const e = `${schema}.memory_embeddings`;
  return `select q.memory_id as source, n.id, n.distance
    from unnest($2::bigint[]) with ordinality as s(id, position)
    join ${e} q on q.memory_id = s.id and q.project_id = $1
    left join lateral (
      select v.memory_id as id, v.embedding <=> q.embedding as distance from ${e} v
      where v.project_id = $1 and v.memory_id <> q.memory_id
      order by v.embedding <=> q.embedding limit $3) n on true
    order by s.position, n.distance, n.id`;
}

export function rawStatements(schema: string) {
  const t = `${schema}.memory_vectors`;
  // The vectors' own table (migration 9 of the store): every distance is computed there.
  const v = `${schema}.memory_embeddings`;
  // The narrow keyword table the store keeps (GIN on (project_id, tsv)): the best raw keyword SQL reads it too.
  const keywords = `${schema}.memory_text_index`;
  const orQuery = `replace(cast(plainto_tsquery('english', $3) as text), ' & ', ' | ')::tsquery`;
  const norm = (value: string, rank: string) => {
    const inLeg = `case when ${rank} is not null then ${value} end`;
    return `case when ${rank} is null then 0
      when max(${inLeg}) over () = min(${inLeg}) over () then 1
      else (${value} - min(${inLeg}) over ()) / (max(${inLeg}) over () - min(${inLeg}) over ()) end`;
  };
  const hybrid = (fusion: 'rrf' | 'weighted', withVectors: boolean) => `
    with q as materialized (select ${orQuery} as query),
    sem as (
      select id, row_number() over (order by d, id) as rank from (
        select memory_id as id, embedding <=> $2::vector as d from ${v}
        where project_id = $1 order by embedding <=> $2::vector limit 40) x),
    kw as (
      select id, score, row_number() over (order by score desc, id) as rank from (
        select k.memory_id as id, ts_rank(k.tsv, q.query, 32) as score from ${keywords} k, q
        where k.project_id = $1 and k.tsv @@ q.query order by score desc, k.memory_id limit 40) y),
    ids as (select id from sem union select id from kw),
    scored as (
      select ids.id, 1 - (e.embedding <=> $2::vector) as similarity, coalesce(kw.score, 0)::float8 as k_score,
             sem.rank as s_rank, kw.rank as k_rank${withVectors ? ', e.embedding' : ''}
      from ids join ${v} e on e.memory_id = ids.id
      left join sem on sem.id = ids.id left join kw on kw.id = ids.id),
    top as (
      select id, similarity${withVectors ? ', embedding' : ''}, ${
        fusion === 'rrf'
          ? 'coalesce(1.0 / (60 + s_rank), 0) + coalesce(1.0 / (60 + k_rank), 0)'
          : `0.7 * (${norm('similarity', 's_rank')}) + 0.3 * (${norm('k_score', 'k_rank')})`
      } as fused
      from scored order by fused desc, similarity desc, id limit 10)
    select ${columns('m', 'top.embedding')}, top.similarity, top.fused
    from top join ${t} m on m.id = top.id
    order by top.fused desc, top.similarity desc, m.id`;
  // The candidates carry their vectors, as the store's do: no second lookup for the hits'.
  const semantic = `select ${columns('m', 'c.embedding')}, c.distance from (
        select memory_id as id, embedding, embedding <=> $2::vector as distance from ${v}
        where project_id = $1 order by embedding <=> $2::vector limit 10) c
      join ${t} m on m.id = c.id
      order by c.distance, c.id`;
  return {
    get: `select ${columns('m', 'e.embedding')} from ${t} m join ${v} e on e.memory_id = m.id
      where m.project_id = $1 and m.id = $2`,
    semantic,
    semanticBare: withoutEmbedding(semantic, 'm', 'c.embedding'),
    semanticIds: `select memory_id as id from ${v} where project_id = $1 order by embedding <=> $2::vector limit 10`,
    keyword: `with q as materialized (select ${orQuery.replace('$3', '$2')} as query),
      hits as (
        select k.memory_id as id, ts_rank(k.tsv, q.query, 32) as score from ${keywords} k, q
        where k.project_id = $1 and k.tsv @@ q.query order by score desc, k.memory_id limit 10)
      select ${columns('m', 'e.embedding')}, hits.score from hits join ${t} m on m.id = hits.id
      join ${v} e on e.memory_id = hits.id
      order by hits.score desc, m.id`,
    hybridWeighted: hybrid('weighted', true),
    hybridWeightedBare: withoutEmbedding(hybrid('weighted', false), 'm', 'top.embedding'),
    hybridRrf: hybrid('rrf', true),
    recordAccess: `update ${t} set access_count = access_count + 1, last_accessed = $3, last_retrieved = $3
      where project_id = $1 and id = any($2::bigint[])`,
    access: `update ${t} set access_count = access_count + 1, last_accessed = now()
      where project_id = $1 and id = any($2::bigint[])`,
    update: `with u as (
        update ${t} set usefulness_score = $3, version = version + 1, updated_at = now()
        where project_id = $1 and id = $2 returning *)
      select ${columns('u', 'e.embedding')} from u join ${v} e on e.memory_id = u.id`,
    insertOne: `with m as (insert into ${t} (project_id, content) values ($1, $2) returning *),
      e as (insert into ${v} (memory_id, project_id, embedding)
        select id, project_id, $3::vector from m returning embedding)
      select ${columns('m', 'e.embedding')} from m, e`,
    episode: `insert into ${schema}.episodic_events (project_id, session_id, event_type, content)
      values ($1, 'bench', 'action', 'recalled and reinforced memories') returning *`,
  };
}

/**
 * Multi-row INSERT of `count` memories (project, content) and, under the
 * ids they get, of their vectors (as text): measured faster here than
 * `INSERT … SELECT FROM unnest(…::vector[])`, whose array literal PostgreSQL
 * must parse as one value.
 */
function insertValues(schema: string, count: number): { rows: string; vectors: string } {
  const rows = Array.from({ length: count }, (_, k) => `($${2 * k + 1}, $${2 * k + 2})`);
  const vectors = Array.from(
    { length: count },
    (_, k) => `($${3 * k + 1}, $${3 * k + 2}, $${3 * k + 3}::vector)`,
  );
  return {
    rows: `insert into ${schema}.memory_vectors (project_id, content) values ${rows.join(', ')} returning id`,
    vectors: `insert into ${schema}.memory_embeddings (memory_id, project_id, embedding) values ${vectors.join(', ')}`,
  };
}

/**
 * Inserts rows and their vectors with two prepared multi-row INSERTs in one
 * transaction, as the store does; returns the new ids in input order.
 */
export async function insertRows(
  pool: RawPool,
  schema: string,
  projects: readonly number[],
  contents: readonly string[],
  vectors: readonly Buffer[],
): Promise<number[]> {
  const statements = insertValues(schema, projects.length);
  const client = await pool.connect();
  try {
    await client.query('begin');
    const values: unknown[] = [];
    projects.forEach((project, k) => values.push(project, contents[k]));
    const name = `insert-${schema}-${projects.length}`;
    const rows = await query(client, name, statements.rows, values);
    // Identity values of one INSERT grow in VALUES order.
    const inserted = ids(rows).sort((a, b) => a - b);
    const withVectors: unknown[] = [];
    projects.forEach((project, k) => withVectors.push(inserted[k], project, vectors[k]));
    await query(client, `${name}-vectors`, statements.vectors, withVectors);
    await client.query('commit');
    return inserted;
  } catch (error) {
    await client.query('rollback');
    throw error;
  } finally {
    client.release();
  }
}

export async function query(
  pool: RawQueryable,
  name: string,
  text: string,
  values: unknown[],
): Promise<Row[]> {
  const result = await pool.query<Row>({ name, text, values });
  return result.rows;
}
