import type { ConsolidationState } from './consolidation.js';
import type { EmbeddingInput, Memory, MemoryType } from './memory.js';

/**
 * Filters shared by listing and every search kind. All given filters must
 * hold. No consolidation-state filter by default: fresh memories are found.
 */
export interface MemoryFilters {
  /** Any of these memory types. */
  readonly memoryTypes?: readonly MemoryType[];
  /** Any of these domains. */
  readonly domains?: readonly string[];
  /** Every one of these tags. */
  readonly tags?: readonly string[];
  /** Any of these consolidation states. */
  readonly consolidationStates?: readonly ConsolidationState[];
  /** Inclusive lower bound on `createdAt`. */
  readonly createdAfter?: Date;
  /** Exclusive upper bound on `createdAt`. */
  readonly createdBefore?: Date;
  readonly sessionId?: string;
}

/** What every search kind's options share: the shape of the results. */
export interface SearchResultOptions {
  /**
   * Return each hit's `memory.embedding`; default `true`. With `false` the
   * vector is neither read nor decoded and the hits are typed
   * {@link MemoryWithoutEmbedding}; which memories are found, their scores
   * and their order do not change. The vector is most of a memory row (768
   * floats are 3 KB), so leave it out unless you need it.
   */
  readonly includeEmbedding?: boolean;
}

/** Options of `search.semantic()`. */
export interface SemanticSearchOptions extends SearchResultOptions {
  /** 1–1000; default 10. */
  readonly limit?: number;
  /** Minimum cosine similarity in [-1, 1]; rows below it are dropped. */
  readonly threshold?: number;
  readonly filters?: MemoryFilters;
  /**
   * Exact (exhaustive) search instead of the approximate index. Slower,
   * recall 1. Default false.
   */
  readonly exact?: boolean;
  /**
   * Backend tuning: HNSW `ef_search` (PostgreSQL). Ignored by backends that
   * do not use it.
   */
  readonly efSearch?: number;
  /** Backend tuning: IVFFlat `probes` (PostgreSQL). Ignored elsewhere. */
  readonly probes?: number;
}

/** Options of `search.keyword()`. */
export interface KeywordSearchOptions extends SearchResultOptions {
  /** 1–1000; default 10. */
  readonly limit?: number;
  readonly filters?: MemoryFilters;
}

/** How hybrid search fuses its two legs. */
export type FusionMode = 'weighted' | 'rrf';

/** The query of `search.hybrid()`: a vector for the semantic leg, text for the keyword leg. */
export interface HybridQuery {
  readonly embedding: EmbeddingInput;
  /**
   * Plain words: at most `LIMITS.searchTextLength` (4,096) characters and
   * `LIMITS.searchTerms` (64) words, no NUL, no lone surrogate. May be empty
   * or blank: the keyword leg then has no candidates (keyword 0).
   */
  readonly text: string;
}

/** Default weights of weighted fusion. */
export const DEFAULT_FUSION_WEIGHTS = Object.freeze({ semantic: 0.7, keyword: 0.3 });

/** Default `k` of reciprocal rank fusion. */
export const DEFAULT_RRF_K = 60;

/** Options of `search.hybrid()`. */
export interface HybridSearchOptions extends SearchResultOptions {
  /** 1–1000; default 10. */
  readonly limit?: number;
  /** Default `weighted`. */
  readonly fusion?: FusionMode;
  /**
   * Weighted fusion is relative-score fusion: each leg's scores are min–max
   * normalised over that leg's candidates in this query, so both legs span
   * [0, 1] whatever the backend's raw scales, and the weights mean what they
   * say.
   *
   * - norm_s = (similarity − min) / (max − min) over the semantic candidates;
   * - norm_k = (keyword − min) / (max − min) over the keyword candidates;
   * - a leg whose max equals its min (one candidate, or all tied) gives each
   *   of its candidates 1; a row a leg did not return gets 0 from that leg;
   * - fused = semantic·norm_s + keyword·norm_k.
   *
   * Default 0.7 / 0.3. Each weight ≥ 0, not both 0.
   *
   * @example
   * ```ts
   * // Semantic candidates' similarities 0.9, 0.5, 0.1 normalise to 1, 0.5, 0;
   * // keyword scores 0.8, 0.6 to 1, 0. The 0.5-similarity memory with keyword
   * // score 0.8 fuses to 0.7·0.5 + 0.3·1 = 0.65.
   * await store.search.hybrid(projectId, { embedding, text }, { weights: { semantic: 0.7, keyword: 0.3 } });
   * ```
   */
  readonly weights?: { readonly semantic: number; readonly keyword: number };
  /** RRF: fused = Σ 1 / (k + rank) over the legs a row appears in. Default 60. */
  readonly rrfK?: number;
  /** Candidates taken from each leg before fusion, ≥ limit; default max(4·limit, 40). */
  readonly candidates?: number;
  /** Minimum cosine similarity for semantic-leg candidates. */
  readonly threshold?: number;
  readonly filters?: MemoryFilters;
  /** Backend tuning, as in {@link SemanticSearchOptions}. */
  readonly efSearch?: number;
  readonly probes?: number;
}

/**
 * Why a result ranked where it did. Similarities are cosine similarities in
 * [-1, 1]; keyword scores are normalised to [0, 1) on every backend; ranks are
 * 1-based positions within a leg, `null` when the row was not in that leg.
 */
export interface ScoreBreakdown {
  /** Cosine similarity to the query vector; `null` in keyword search. */
  readonly semantic: number | null;
  /**
   * Keyword relevance mapped to [0, 1) by the backend (not the per-query
   * min–max `keywordNormalized`); `null` in semantic search, 0 in hybrid when
   * the text did not match.
   */
  readonly keyword: number | null;
  readonly semanticRank: number | null;
  readonly keywordRank: number | null;
  /**
   * Hybrid search: `semantic` min–max normalised over the semantic leg's
   * candidates (see {@link HybridSearchOptions.weights}), 0 when the row is
   * not among them; `null` in semantic and keyword search.
   */
  readonly semanticNormalized: number | null;
  /**
   * Hybrid search: `keyword` min–max normalised over the keyword leg's
   * candidates, 0 when the row is not among them; `null` in semantic and
   * keyword search.
   */
  readonly keywordNormalized: number | null;
  /** The score results are ordered by. */
  readonly fused: number;
}

/** A memory as searches return it with `includeEmbedding: false`: every field but the vector. */
export type MemoryWithoutEmbedding = Omit<Memory, 'embedding'>;

/**
 * The memory type of the hits of a search called with options `O`:
 * {@link Memory} when `includeEmbedding` is left out or `true`,
 * {@link MemoryWithoutEmbedding} when it is `false`, and a memory whose
 * `embedding` may be missing when it is only known to be a `boolean`.
 *
 * @example
 * ```ts
 * const hits = await store.search.semantic(projectId, vector, { includeEmbedding: false });
 * hits[0]?.memory.embedding; // type error: the vector was not read
 * ```
 */
export type SearchHitMemory<O> = [IncludeEmbeddingOf<O>] extends [false]
  ? MemoryWithoutEmbedding
  : [IncludeEmbeddingOf<O>] extends [true | undefined]
    ? Memory
    : MemoryWithoutEmbedding & { readonly embedding?: Float32Array };

/** The type of `includeEmbedding` in options `O`; `undefined` when `O` has none. */
type IncludeEmbeddingOf<O> = O extends { readonly includeEmbedding?: infer I }
  ? unknown extends I
    ? undefined
    : I
  : undefined;

/** One search hit; `M` is {@link MemoryWithoutEmbedding} for searches with `includeEmbedding: false`. */
export interface SearchResult<M extends MemoryWithoutEmbedding = Memory> {
  readonly memory: M;
  /** Equals `breakdown.fused`: similarity (semantic), keyword score (keyword), fused score (hybrid). */
  readonly score: number;
  readonly breakdown: ScoreBreakdown;
}

/** Options of `search.neighbours()`. */
export interface NeighbourOptions {
  /** Neighbours per memory, 1–100; default 10. */
  readonly k?: number;
  /** Drop neighbours less similar than this cosine similarity, in [-1, 1]. */
  readonly minSimilarity?: number;
  /** Only neighbours in these consolidation states; default every state. */
  readonly states?: readonly ConsolidationState[];
  /** Backend tuning, as in {@link SemanticSearchOptions}. */
  readonly efSearch?: number;
  readonly probes?: number;
}

/** One neighbour: a memory of the project and its cosine similarity to the source. */
export interface Neighbour {
  readonly id: number;
  readonly similarity: number;
}

/** The neighbours of one memory, most similar first (ties by id). */
export interface MemoryNeighbours {
  readonly memoryId: number;
  readonly neighbours: readonly Neighbour[];
}
