import Database from 'better-sqlite3';
import type BetterSqlite3 from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';

export type Row = Record<string, unknown>;

/** A float32 BLOB parameter, as sqlite-vec and the store bind vectors. */
export function blob(vector: Float32Array): Buffer {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
}

/** The raw side's rows: the driver's objects with the embedding as a Float32Array (copied). */
export function withVector(row: Row): Row {
  const embedding = row.embedding as Buffer;
  row.embedding = new Float32Array(new Uint8Array(embedding).buffer);
  return row;
}

/** The FTS5 query the store builds: every word quoted, OR-ed. */
export function ftsQuery(text: string): string {
  const words = new Set<string>();
  for (const match of text.matchAll(/[\p{L}\p{N}\p{M}]+/gu)) words.add(match[0].toLowerCase());
  return [...words].map((w) => `"${w.replaceAll('"', '""')}"`).join(' OR ');
}

const INSERT_COLUMNS = `project_id, content, content_type, memory_type, domain, tags, embedding,
  embedding_model, usefulness_score, confidence, session_id, event_type, code_language, code_hash,
  created_at, updated_at`;
const ROW_VALUES = `(?, ?, 'text', 'fact', NULL, '[]', ?, NULL, 0, 1, NULL, NULL, NULL, NULL, ?, ?)`;
export const INSERT_MEMORY = `INSERT INTO memory_vectors (${INSERT_COLUMNS}) VALUES ${ROW_VALUES}`;

/** Most rows per raw INSERT statement, as in the store's storeMany. */
const ROWS_PER_INSERT = 512;

/** One raw row: project id, content, embedding BLOB. */
export type RawRow = readonly [number, string, Buffer];

/**
 * The best raw bulk insert, as the store's storeMany does it: multi-row
 * `INSERT … VALUES … RETURNING id` of up to 512 rows (inside a transaction
 * FTS5 flushes its pending terms at every statement, so row by row costs
 * about twice as much). Returns the new ids in input order (AUTOINCREMENT).
 */
export function multiRowInserter(
  conn: BetterSqlite3.Database,
): (rows: readonly RawRow[]) => number[] {
  const statements = new Map<number, BetterSqlite3.Statement>();
  return (rows) => {
    const ids: number[] = [];
    const at = Date.now();
    for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
      const chunk = rows.slice(start, start + ROWS_PER_INSERT);
      let statement = statements.get(chunk.length);
      if (statement === undefined) {
        const values = new Array<string>(chunk.length).fill(ROW_VALUES).join(', ');
        statement = conn
          .prepare(`INSERT INTO memory_vectors (${INSERT_COLUMNS}) VALUES ${values} RETURNING id`)
          .pluck();
        statements.set(chunk.length, statement);
      }
      const inserted = statement.all(chunk.flatMap(([p, c, e]) => [p, c, e, at, at])) as number[];
      ids.push(...inserted.sort((a, b) => a - b));
    }
    return ids;
  };
}

/** Every memory column but the embedding (`includeEmbedding: false`). */
const BARE_COLUMNS = `m.id, m.project_id, m.content, m.content_type, m.memory_type, m.domain, m.tags,
  m.embedding_model, m.access_count, m.last_accessed, m.last_retrieved, m.usefulness_score,
  m.confidence, m.quality_score, m.consolidation_state, m.consolidated_at, m.superseded_by,
  m.claimed_by, m.claim_expires_at, m.version, m.session_id, m.event_type, m.code_language,
  m.code_hash, m.created_at, m.updated_at`;

/** `statement` selecting the memory columns without the embedding. */
export function withoutEmbedding(statement: string): string {
  const out = statement.replace('SELECT m.*,', `SELECT ${BARE_COLUMNS},`);
  if (out === statement) throw new Error('no m.* to narrow');
  return out;
}

export const KNN = `WITH c AS MATERIALIZED (
    SELECT memory_id AS id, distance FROM vec_memories
    WHERE embedding MATCH @embedding AND k = @k AND project_id = @projectId)
  SELECT m.*, 1.0 - c.distance AS similarity FROM c JOIN memory_vectors m ON m.id = c.id
  ORDER BY c.distance, m.id`;

/**
 * Approximate semantic candidates as the store computes them when its file
 * has `memory_bits` (binary-quantised vectors, store schema ≥ 2): the
 * `@quantized` nearest by Hamming distance, re-scored with the exact cosine.
 */
const QUANTIZED_CANDIDATES = `SELECT m.id AS id, vec_distance_cosine(m.embedding, @embedding) AS distance
  FROM (SELECT memory_id FROM memory_bits WHERE project_id = @projectId
        ORDER BY vec_distance_hamming(vec_bit(bits), vec_quantize_binary(@embedding))
        LIMIT @quantized) AS q
  JOIN memory_vectors m ON m.id = q.memory_id
  ORDER BY distance, m.id LIMIT @k`;

export const QUANTIZED = `WITH c AS MATERIALIZED (${QUANTIZED_CANDIDATES})
  SELECT m.*, 1.0 - c.distance AS similarity FROM c JOIN memory_vectors m ON m.id = c.id
  ORDER BY c.distance, m.id`;

/** Candidates re-scored per neighbour source: the store's rule, max(200, 4 · wanted). */
export const quantizedCount = (wanted: number) => Math.max(200, 4 * wanted);

/**
 * The store's neighbour statement for a large project (quantised plan, no
 * filter): per source a correlated subquery ranks the project's sign bits
 * against the source's stored bits, re-scores the best exactly and keeps k.
 */
export const NEIGHBOURS_QUANTIZED = `SELECT q.id AS source, (
    SELECT json_group_array(json_array(id, distance)) FROM (
      SELECT m.id AS id, vec_distance_cosine(m.embedding, q.embedding) AS distance
      FROM (SELECT memory_id FROM memory_bits WHERE project_id = @projectId AND memory_id <> q.id
            ORDER BY vec_distance_hamming(vec_bit(bits), vec_bit(qb.bits)) LIMIT @candidates) AS c
      JOIN memory_vectors m ON m.id = c.memory_id
      ORDER BY distance, id LIMIT @k)) AS neighbours
  FROM json_each(@ids) s
  JOIN memory_vectors q ON q.id = s.value AND q.project_id = @projectId
  JOIN memory_bits qb ON qb.project_id = @projectId AND qb.memory_id = q.id
  ORDER BY s.key`;

/** The store's neighbour statement for a small project: an exact scan per source. */
export const NEIGHBOURS_EXACT = `SELECT q.id AS source, (
    SELECT json_group_array(json_array(id, distance)) FROM (
      SELECT m.id AS id, vec_distance_cosine(m.embedding, q.embedding) AS distance
      FROM memory_vectors m WHERE m.project_id = @projectId AND m.id <> q.id
      ORDER BY distance, id LIMIT @k)) AS neighbours
  FROM json_each(@ids) s
  JOIN memory_vectors q ON q.id = s.value AND q.project_id = @projectId
  ORDER BY s.key`;

/** Smallest project the store searches through the quantised vectors. */
export const QUANTIZED_MIN_ROWS = 2048;

/**
 * Keyword candidates (id, relevance): the project is checked in the narrow
 * `memory_bits` row when the file has it (a common word matches thousands of
 * rows; reading each wide memory row would dominate), else in the memory row.
 */
const keywordCandidates = (bits: boolean, limit: string) =>
  bits
    ? `SELECT b.memory_id AS id, -bm25(memory_fts) AS relevance FROM memory_fts
       JOIN memory_bits b ON b.project_id = @projectId AND b.memory_id = memory_fts.rowid
       WHERE memory_fts MATCH @match ORDER BY bm25(memory_fts), b.memory_id LIMIT ${limit}`
    : `SELECT m.id AS id, -bm25(memory_fts) AS relevance
       FROM memory_fts JOIN memory_vectors m ON m.id = memory_fts.rowid
       WHERE memory_fts MATCH @match AND m.project_id = @projectId
       ORDER BY bm25(memory_fts), m.id LIMIT ${limit}`;

/** Keyword top-`@limit` with full rows fetched for those rows only. */
export const keywordSql = (
  bits: boolean,
) => `WITH k AS MATERIALIZED (${keywordCandidates(bits, '@limit')})
  SELECT m.*, k.relevance FROM k JOIN memory_vectors m ON m.id = k.id
  ORDER BY k.relevance DESC, m.id`;

/**
 * Hand-written hybrid: both legs as ids and scores, fused over the ~80
 * candidates, and full rows fetched for the final `limit` only.
 */
export function hybridRaw(fusion: 'rrf' | 'weighted', quantized: boolean, bits: boolean): string {
  const norm = (value: string, rank: string) => `CASE WHEN ${rank} IS NULL THEN 0.0
    WHEN max(CASE WHEN ${rank} IS NOT NULL THEN ${value} END) OVER () = min(CASE WHEN ${rank} IS NOT NULL THEN ${value} END) OVER () THEN 1.0
    ELSE (${value} - min(CASE WHEN ${rank} IS NOT NULL THEN ${value} END) OVER ())
       / (max(CASE WHEN ${rank} IS NOT NULL THEN ${value} END) OVER () - min(CASE WHEN ${rank} IS NOT NULL THEN ${value} END) OVER ()) END`;
  const fused =
    fusion === 'rrf'
      ? 'coalesce(1.0 / (60 + s_rank), 0.0) + coalesce(1.0 / (60 + k_rank), 0.0)'
      : `0.7 * (${norm('similarity', 's_rank')}) + 0.3 * (${norm('k_score', 'k_rank')})`;
  return `WITH
    knn AS MATERIALIZED (${
      quantized
        ? QUANTIZED_CANDIDATES
        : `SELECT memory_id AS id, distance FROM vec_memories
           WHERE embedding MATCH @embedding AND k = @k AND project_id = @projectId`
    }),
    sem AS MATERIALIZED (SELECT id, row_number() OVER (ORDER BY distance, id) AS rank FROM knn),
    kw AS MATERIALIZED (
      SELECT id, relevance / (1.0 + relevance) AS score, row_number() OVER (ORDER BY relevance DESC, id) AS rank
      FROM (${keywordCandidates(bits, '40')})),
    ids AS (SELECT id FROM sem UNION SELECT id FROM kw),
    scored AS (
      SELECT ids.id, 1.0 - vec_distance_cosine(m.embedding, @embedding) AS similarity,
             coalesce(kw.score, 0.0) AS k_score, sem.rank AS s_rank, kw.rank AS k_rank
      FROM ids JOIN memory_vectors m ON m.id = ids.id
      LEFT JOIN sem ON sem.id = ids.id LEFT JOIN kw ON kw.id = ids.id),
    top AS MATERIALIZED (
      SELECT id, similarity, ${fused} AS fused FROM scored ORDER BY fused DESC, similarity DESC, id LIMIT 10)
  SELECT m.*, top.similarity, top.fused FROM top JOIN memory_vectors m ON m.id = top.id
  ORDER BY top.fused DESC, top.similarity DESC, m.id`;
}

export function openRaw(path: string): BetterSqlite3.Database {
  const db = new Database(path);
  sqliteVec.load(db);
  // The store's pragmas (store-sqlite/src/connection.ts).
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  db.pragma('cache_size = -65536');
  db.pragma('synchronous = NORMAL');
  return db;
}
