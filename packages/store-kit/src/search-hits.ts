/**
 * Search hits as every backend returns them: the memory, its score and the
 * score breakdown of its search kind.
 */
import type {
  Memory,
  MemoryWithoutEmbedding,
  ScoreBreakdown,
  SearchHitMemory,
  SearchResult,
} from '@athena/core-types';

/** A semantic hit: `similarity` is the score; `rank` counts from 1. */
export function semanticHit<M extends MemoryWithoutEmbedding>(
  memory: M,
  similarity: number,
  rank: number,
): SearchResult<M> {
  return {
    memory,
    score: similarity,
    breakdown: {
      semantic: similarity,
      keyword: null,
      semanticRank: rank,
      keywordRank: null,
      semanticNormalized: null,
      keywordNormalized: null,
      fused: similarity,
    },
  };
}

/** A keyword hit: `score` is the backend's relevance in [0, 1); `rank` counts from 1. */
export function keywordHit<M extends MemoryWithoutEmbedding>(
  memory: M,
  score: number,
  rank: number,
): SearchResult<M> {
  return {
    memory,
    score,
    breakdown: {
      semantic: null,
      keyword: score,
      semanticRank: null,
      keywordRank: rank,
      semanticNormalized: null,
      keywordNormalized: null,
      fused: score,
    },
  };
}

/**
 * The score columns every backend's hybrid statement selects, under these
 * names: both legs' raw scores, ranks (a `bigint` rank may arrive as a
 * string) and min–max normalised scores, and the fused score.
 */
export interface HybridScoreRow {
  readonly similarity: number | null;
  readonly keyword: number | null;
  readonly semantic_rank: number | string | null;
  readonly keyword_rank: number | string | null;
  readonly semantic_normalized: number | null;
  readonly keyword_normalized: number | null;
  readonly fused: number;
}

/** A hybrid hit from its statement's score columns: the score is the fused one. */
export function hybridHit<M extends MemoryWithoutEmbedding>(
  memory: M,
  row: HybridScoreRow,
): SearchResult<M> {
  const breakdown: ScoreBreakdown = {
    semantic: row.similarity,
    keyword: row.keyword,
    semanticRank: row.semantic_rank === null ? null : Number(row.semantic_rank),
    keywordRank: row.keyword_rank === null ? null : Number(row.keyword_rank),
    semanticNormalized: row.semantic_normalized,
    keywordNormalized: row.keyword_normalized,
    fused: row.fused,
  };
  return { memory, score: row.fused, breakdown };
}

/** A backend's two memory row mappers: every column, and every column but the embedding. */
export interface MemoryReaders<Row> {
  /** A row selected with its embedding, as a `Memory`. */
  readonly memory: (row: Row) => Memory;
  /** A row selected without its embedding. */
  readonly memoryWithoutEmbedding: (row: Row) => MemoryWithoutEmbedding;
}

/**
 * The row mapper for a search's hits: with or without the embedding, as the
 * statement selected it. One cast to the hit type the options promise.
 */
export function hitMemory<O, Row>(
  includeEmbedding: boolean,
  readers: MemoryReaders<Row>,
): (row: Row) => SearchHitMemory<O> {
  return (includeEmbedding ? readers.memory : readers.memoryWithoutEmbedding) as (
    row: Row,
  ) => SearchHitMemory<O>;
}
