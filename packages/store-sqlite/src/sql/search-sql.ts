import type { NormalizedFilters } from '@athena/core-types';
import { binaryQuantizeSql } from '../binary-quantization.js';
import { filterSql } from './filter-sql.js';
import type { SqlFragment } from './filter-sql.js';
import { MEMORY_COLUMNS_WITHOUT_EMBEDDING } from '../rows.js';

// Cosine similarity from sqlite-vec's cosine distance, clamped because float
// rounding can leave it a hair outside [-1, 1].
const similarityOf = (distance: string) => `max(-1.0, min(1.0, 1.0 - ${distance}))`;

/** Every column of `m` but the embedding, as select-list text. */
const BARE_MEMORY_COLUMNS = MEMORY_COLUMNS_WITHOUT_EMBEDDING.map((c) => `m.${c}`).join(', ');

/** `m.*`, or every column of `m` but the embedding. */
function memoryColumns(withEmbedding: boolean): string {
  return withEmbedding ? 'm.*' : BARE_MEMORY_COLUMNS;
}

/** Which plan a semantic candidate set uses. */
export type SemanticPlan = 'quantized' | 'knn' | 'exact';

/**
 * The semantic candidates as `(id, distance)`, nearest first, at most
 * `@candidates` rows. `quantized` (only without filters) takes the
 * `@quantizedCandidates` rows of the project nearest by Hamming distance
 * between binary-quantised vectors, then re-scores them with the
 * exact cosine distance of the float vectors. `knn` uses the exact vec0
 * index partitioned by project (only without filters); `exact` scans the
 * filtered rows with `vec_distance_cosine`, so a selective filter still
 * yields every match.
 */
function semanticCandidates(plan: SemanticPlan, where: SqlFragment, dimension: number): string {
  if (plan === 'quantized') {
    // The query's bits are a constant expression: SQLite computes them once.
    const bits = binaryQuantizeSql('@embedding', dimension);
    return `SELECT m.id AS id, vec_distance_cosine(m.embedding, @embedding) AS distance
            FROM (SELECT memory_id FROM memory_bits
                  WHERE project_id = @projectId
                  ORDER BY vec_distance_hamming(vec_bit(bits), ${bits})
                  LIMIT @quantizedCandidates) AS q
            JOIN memory_vectors m ON m.id = q.memory_id
            ORDER BY distance, m.id LIMIT @candidates`;
  }
  if (plan === 'knn') {
    return `SELECT memory_id AS id, distance FROM vec_memories
            WHERE embedding MATCH @embedding AND k = @candidates AND project_id = @projectId`;
  }
  return `SELECT m.id AS id, vec_distance_cosine(m.embedding, @embedding) AS distance
          FROM memory_vectors m
          WHERE m.project_id = @projectId${where.sql}
          ORDER BY distance, m.id LIMIT @candidates`;
}

/** A semantic search statement and its filter parameters. */
export interface SearchStatement {
  readonly sql: string;
  readonly params: Readonly<Record<string, unknown>>;
}

/** What shapes the semantic statement's text (everything else is bound). */
export interface SemanticShape {
  readonly plan: SemanticPlan;
  readonly withThreshold: boolean;
  /** Select the memories' `embedding` column. */
  readonly withEmbedding: boolean;
  /** The database's embedding dimension (the `quantized` plan pads to whole bytes). */
  readonly dimension: number;
}

/**
 * Semantic search: nearest neighbours with `similarity`, ordered by distance.
 * Binds `@embedding`, `@projectId`, `@candidates` (the limit), for the
 * `quantized` plan `@quantizedCandidates`, and, when
 * `withThreshold`, `@threshold`.
 *
 * @example
 * ```ts
 * const { sql, params } = semanticSql(
 *   { plan: 'quantized', withThreshold: false, withEmbedding: true, dimension: 768 },
 *   {},
 * );
 * ```
 */
export function semanticSql(shape: SemanticShape, filters: NormalizedFilters): SearchStatement {
  const { plan, withThreshold, dimension } = shape;
  const where = filterSql(filters, 'm');
  const threshold = withThreshold ? `WHERE ${similarityOf('c.distance')} >= @threshold` : '';
  return {
    sql: `WITH c AS MATERIALIZED (${semanticCandidates(plan, where, dimension)})
          SELECT ${memoryColumns(shape.withEmbedding)}, ${similarityOf('c.distance')} AS similarity
          FROM c JOIN memory_vectors m ON m.id = c.id
          ${threshold}
          ORDER BY c.distance, m.id`,
    params: where.params,
  };
}

/**
 * The keyword candidates as `(id, relevance)`, relevance = −bm25 (higher is
 * better), best first, at most `@limitParam` rows. Without filters the
 * project is checked in `memory_bits` (a small row per memory, keyed by
 * project and id) instead of the memory row itself, which is 30 times wider:
 * a common word matches thousands of rows, and reading each would dominate.
 */
function keywordCandidates(where: SqlFragment, limitParam: string): string {
  if (where.sql === '') {
    return `SELECT b.memory_id AS id, -bm25(memory_fts) AS relevance
            FROM memory_fts
            JOIN memory_bits b ON b.project_id = @projectId AND b.memory_id = memory_fts.rowid
            WHERE memory_fts MATCH @match
            ORDER BY bm25(memory_fts), b.memory_id LIMIT ${limitParam}`;
  }
  return `SELECT m.id AS id, -bm25(memory_fts) AS relevance
          FROM memory_fts JOIN memory_vectors m ON m.id = memory_fts.rowid
          WHERE memory_fts MATCH @match AND m.project_id = @projectId${where.sql}
          ORDER BY bm25(memory_fts), m.id LIMIT ${limitParam}`;
}

/**
 * Keyword search over the FTS5 index: `relevance` = −bm25 (higher is better),
 * scoped to the project and filters; full rows (with the embedding when
 * `withEmbedding`) for the top `@limit` only. Binds `@match`, `@projectId`,
 * `@limit`.
 *
 * @example
 * ```ts
 * const { sql, params } = keywordSql({ tags: ['db'] }, true);
 * ```
 */
export function keywordSql(filters: NormalizedFilters, withEmbedding: boolean): SearchStatement {
  const where = filterSql(filters, 'm');
  return {
    sql: `WITH k AS MATERIALIZED (${keywordCandidates(where, '@limit')})
          SELECT ${memoryColumns(withEmbedding)}, k.relevance FROM k JOIN memory_vectors m ON m.id = k.id
          ORDER BY k.relevance DESC, m.id`,
    params: where.params,
  };
}

/** What shapes the hybrid statement's text (everything else is bound). */
export interface HybridShape {
  readonly plan: SemanticPlan;
  readonly fusion: 'weighted' | 'rrf';
  readonly withThreshold: boolean;
  /** False when the text has no words: the keyword leg is empty. */
  readonly withKeywords: boolean;
  /** Select the memories' `embedding` column. */
  readonly withEmbedding: boolean;
  /** The database's embedding dimension (the `quantized` plan pads to whole bytes). */
  readonly dimension: number;
}

/**
 * `value` min–max normalised over the rows of one leg (those whose `rank` is
 * not null): 1 for each of them when the leg's scores are all equal, 0 for a
 * row outside the leg. Window aggregates over the whole candidate set, so
 * they run after the legs' LIMITs and never touch the indexes' plans.
 */
function normalizedOverLeg(value: string, rank: string): string {
  const inLeg = `CASE WHEN ${rank} IS NOT NULL THEN ${value} END`;
  const low = `min(${inLeg}) OVER ()`;
  const high = `max(${inLeg}) OVER ()`;
  return `CASE WHEN ${rank} IS NULL THEN 0.0
               WHEN ${high} = ${low} THEN 1.0
               ELSE (${value} - ${low}) / (${high} - ${low}) END`;
}

/**
 * Hybrid search as one statement: the top-`@candidates` of each leg,
 * their union, the cosine similarity of every candidate (so a keyword-only
 * hit still has a semantic score), 1-based ranks per leg, each leg's scores
 * min–max normalised over its candidates, and the fused score (weighted:
 * wS·norm_s + wK·norm_k; rrf: Σ 1/(k + rank)). Full rows are read for the
 * final `@limit` only. Binds `@embedding`,
 * `@match`, `@projectId`, `@candidates`, `@limit`, `@threshold`,
 * `@semanticWeight`, `@keywordWeight`, `@rrfK` (and, for the `quantized`
 * plan, `@quantizedCandidates`).
 *
 * @example
 * ```ts
 * const { sql } = hybridSql(
 *   {
 *     plan: 'quantized',
 *     fusion: 'rrf',
 *     withThreshold: false,
 *     withKeywords: true,
 *     withEmbedding: true,
 *     dimension: 768,
 *   },
 *   {},
 * );
 * ```
 */
export function hybridSql(shape: HybridShape, filters: NormalizedFilters): SearchStatement {
  const where = filterSql(filters, 'm');
  const threshold = shape.withThreshold ? `WHERE ${similarityOf('distance')} >= @threshold` : '';
  const keywordLeg = shape.withKeywords
    ? `SELECT id, relevance / (1.0 + relevance) AS score,
              row_number() OVER (ORDER BY relevance DESC, id) AS rank
       FROM (${keywordCandidates(where, '@candidates')})`
    : 'SELECT NULL AS id, NULL AS score, NULL AS rank WHERE 0';
  const fused =
    shape.fusion === 'rrf'
      ? 'coalesce(1.0 / (@rrfK + semantic_rank), 0.0) + coalesce(1.0 / (@rrfK + keyword_rank), 0.0)'
      : '@semanticWeight * semantic_normalized + @keywordWeight * keyword_normalized';
  return {
    sql: `WITH
      semantic_raw AS MATERIALIZED (${semanticCandidates(shape.plan, where, shape.dimension)}),
      semantic_leg AS MATERIALIZED (
        SELECT id, row_number() OVER (ORDER BY distance, id) AS rank
        FROM semantic_raw ${threshold}
      ),
      keyword_leg AS MATERIALIZED (${keywordLeg}),
      candidates AS (SELECT id FROM semantic_leg UNION SELECT id FROM keyword_leg),
      scored AS (
        SELECT c.id AS id,
               ${similarityOf('vec_distance_cosine(m.embedding, @embedding)')} AS similarity,
               coalesce(k.score, 0.0) AS keyword,
               s.rank AS semantic_rank,
               k.rank AS keyword_rank
        FROM candidates c
        JOIN memory_vectors m ON m.id = c.id
        LEFT JOIN semantic_leg s ON s.id = c.id
        LEFT JOIN keyword_leg k ON k.id = c.id
      ),
      normalized AS (
        SELECT *,
               ${normalizedOverLeg('similarity', 'semantic_rank')} AS semantic_normalized,
               ${normalizedOverLeg('keyword', 'keyword_rank')} AS keyword_normalized
        FROM scored
      ),
      ranked AS (SELECT *, ${fused} AS fused FROM normalized),
      top AS MATERIALIZED (
        SELECT * FROM ranked ORDER BY fused DESC, similarity DESC, id ASC LIMIT @limit
      )
      SELECT ${memoryColumns(shape.withEmbedding)}, t.similarity, t.keyword, t.semantic_rank, t.keyword_rank,
             t.semantic_normalized, t.keyword_normalized, t.fused
      FROM top t JOIN memory_vectors m ON m.id = t.id
      ORDER BY t.fused DESC, t.similarity DESC, t.id ASC`,
    params: where.params,
  };
}

/** What shapes the neighbour statement's text (everything else is bound). */
export interface NeighbourShape {
  /** `quantized`: candidates by Hamming distance of the sign bits; `exact`: a scan of the project. */
  readonly plan: 'quantized' | 'exact';
  readonly withStates: boolean;
  readonly withThreshold: boolean;
}

/**
 * The neighbours of every memory of `@ids` (a JSON array) in one statement:
 * a row per source memory of the project, in the order of `@ids`, with its
 * `@k` nearest other memories as a JSON array of `[id, distance]`. SQLite has
 * no LATERAL join, and vec0's KNN joined per source row scans far more than
 * one search (measured: minutes for 100 sources at 10K); a correlated scalar
 * subquery per source keeps each search bounded by its own LIMIT. The
 * `quantized` plan compares the source's stored sign bits (never re-quantised
 * per row) with the project's and re-scores `@candidates` exactly: 3.9 ms per
 * source at 10K memories of 768 dimensions, against 21 ms for the exact scan.
 * Binds `@ids`, `@projectId`, `@k`, and as the shape asks `@candidates`,
 * `@states` (a JSON array) and `@threshold`.
 *
 * @example
 * ```ts
 * const sql = neighboursSql({ plan: 'exact', withStates: false, withThreshold: true });
 * ```
 */
export function neighboursSql(shape: NeighbourShape): string {
  const states = (column: string) =>
    shape.withStates ? `AND ${column} IN (SELECT value FROM json_each(@states))` : '';
  const scored =
    shape.plan === 'quantized'
      ? `SELECT m.id AS id, vec_distance_cosine(m.embedding, q.embedding) AS distance
         FROM (${
           shape.withStates
             ? 'SELECT memory_id FROM allowed WHERE memory_id <> q.id'
             : 'SELECT memory_id FROM memory_bits WHERE project_id = @projectId AND memory_id <> q.id'
         }
               ORDER BY vec_distance_hamming(vec_bit(bits), vec_bit(qb.bits))
               LIMIT @candidates) AS c
         JOIN memory_vectors m ON m.id = c.memory_id`
      : `SELECT m.id AS id, vec_distance_cosine(m.embedding, q.embedding) AS distance
         FROM memory_vectors m
         WHERE m.project_id = @projectId AND m.id <> q.id ${states('m.consolidation_state')}`;
  const threshold = shape.withThreshold ? `WHERE ${similarityOf('distance')} >= @threshold` : '';
  const sourceBits =
    shape.plan === 'quantized'
      ? 'JOIN memory_bits qb ON qb.project_id = @projectId AND qb.memory_id = q.id'
      : '';
  // The sign bits of the memories in the wanted states, gathered once per
  // statement (through the state index) rather than once per source memory:
  // each source then scans only them, not the whole project with a
  // membership test per row (2.5× faster with half the project in the
  // wanted states).
  const allowed =
    shape.plan === 'quantized' && shape.withStates
      ? `WITH allowed(memory_id, bits) AS MATERIALIZED (
           SELECT v.id, b.bits FROM memory_vectors v
           JOIN memory_bits b ON b.project_id = v.project_id AND b.memory_id = v.id
           WHERE v.project_id = @projectId ${states('v.consolidation_state')})
         `
      : '';
  return `${allowed}SELECT q.id AS source, (
            SELECT json_group_array(json_array(id, distance)) FROM (
              SELECT id, distance FROM (${scored}) ${threshold}
              ORDER BY distance, id LIMIT @k)
          ) AS neighbours
          FROM json_each(@ids) s
          JOIN memory_vectors q ON q.id = s.value AND q.project_id = @projectId
          ${sourceBits}
          ORDER BY s.key`;
}

/**
 * The quantised neighbour search, first step: the sign bits of the source
 * memories of `@ids` (a JSON array) that are in the project, in the order
 * of `@ids`, as `(id, bits)`. `CROSS JOIN` keeps the ids the outer loop: the
 * planner otherwise walks the project's bits and scans the ids per row.
 * Binds `@ids`, `@projectId`.
 */
export const NEIGHBOUR_SOURCE_BITS_SQL = `SELECT b.memory_id AS id, b.bits AS bits
  FROM json_each(@ids) s
  CROSS JOIN memory_bits b ON b.project_id = @projectId AND b.memory_id = s.value
  ORDER BY s.key`;

/**
 * The quantised neighbour search, second step: `(id, bits)` of every
 * memory of the project a neighbour may be (in the wanted states, through
 * the state index, when the shape asks), by id. Read once per call; each
 * source's Hamming scan over them runs in JavaScript (`SignBitPool`).
 * Binds `@projectId` and, with states, `@states`.
 */
export function neighbourPoolSql(shape: Pick<NeighbourShape, 'withStates'>): string {
  if (!shape.withStates) {
    return 'SELECT memory_id AS id, bits FROM memory_bits WHERE project_id = @projectId ORDER BY memory_id';
  }
  return `SELECT v.id AS id, b.bits AS bits FROM memory_vectors v
          JOIN memory_bits b ON b.project_id = v.project_id AND b.memory_id = v.id
          WHERE v.project_id = @projectId AND v.consolidation_state IN (SELECT value FROM json_each(@states))
          ORDER BY v.id`;
}

/**
 * The quantised neighbour search, last step: each source's candidates
 * re-scored with the exact cosine distance of the float vectors, a row per
 * source in the order of `@lists` (a JSON array of `[source id, [candidate
 * id, …]]`) with its `@k` nearest candidates as a JSON array of
 * `[id, distance]`, as {@link neighboursSql} returns them. Binds `@lists`,
 * `@k` and, with a threshold, `@threshold`.
 */
export function neighbourRescoreSql(shape: Pick<NeighbourShape, 'withThreshold'>): string {
  return `SELECT q.id AS source, (
            SELECT json_group_array(json_array(id, distance)) FROM (
              SELECT id, distance FROM (
                SELECT m.id AS id, vec_distance_cosine(m.embedding, q.embedding) AS distance
                FROM json_each(s.value, '$[1]') c
                JOIN memory_vectors m ON m.id = c.value
              ) ${shape.withThreshold ? `WHERE ${similarityOf('distance')} >= @threshold` : ''}
              ORDER BY distance, id LIMIT @k)
          ) AS neighbours
          FROM json_each(@lists) s
          JOIN memory_vectors q ON q.id = s.value ->> 0
          ORDER BY s.key`;
}
