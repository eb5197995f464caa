import { z } from 'zod';
import type { EmbeddingInput } from '../memory.js';
import { DEFAULT_FUSION_WEIGHTS, DEFAULT_RRF_K } from '../search.js';
import { parseFilters } from './filters.js';
import type { NormalizedFilters } from './filters.js';
import {
  consolidationStateList,
  id,
  limit,
  noNul,
  NUL_MESSAGE,
  parseWith,
  wellFormed,
  WELL_FORMED_MESSAGE,
} from './internal.js';
import { LIMITS } from './limits.js';
import { toEmbedding } from './to-embedding.js';

// Letters, digits and combining marks: the words of a search text, as the stores' tokenizers see them.
const SEARCH_WORD = /[\p{L}\p{N}\p{M}]+/gu;
const searchWords = (value: string) => value.match(SEARCH_WORD)?.length ?? 0;
const searchText = z
  .string()
  .max(LIMITS.searchTextLength, `must be at most ${LIMITS.searchTextLength} characters`)
  .refine(noNul, NUL_MESSAGE)
  .refine(wellFormed, WELL_FORMED_MESSAGE)
  // Words are counted only in a text of allowed length, never in a huge one.
  .refine(
    (value) => value.length > LIMITS.searchTextLength || searchWords(value) <= LIMITS.searchTerms,
    `must have at most ${LIMITS.searchTerms} words`,
  );

/**
 * The longest start of `text` that a search takes as its text: cut at
 * {@link LIMITS}.searchTextLength characters (never inside a surrogate pair)
 * and before its word number {@link LIMITS}.searchTerms + 1. A text within
 * the limits comes back unchanged. For callers that search with a whole
 * passage (a task description, a long question): `AthenaMemory.recall()`
 * embeds the passage whole and matches keywords of this start.
 *
 * @example
 * ```ts
 * await store.search.keyword(projectId, searchTextPrefix(longQuestion));
 * ```
 */
export function searchTextPrefix(text: string): string {
  let end = Math.min(text.length, LIMITS.searchTextLength);
  if (end < text.length && /[\uD800-\uDBFF]/.test(text.charAt(end - 1))) end -= 1;
  let words = 0;
  for (const match of text.slice(0, end).matchAll(SEARCH_WORD)) {
    words += 1;
    if (words > LIMITS.searchTerms) {
      end = match.index;
      break;
    }
  }
  return text.slice(0, end);
}

const similarity = z.number().finite().min(-1, 'must be in [-1, 1]').max(1, 'must be in [-1, 1]');

const includeEmbedding = z.boolean().default(true);

const semanticSchema = z
  .object({
    limit: limit(10),
    includeEmbedding,
    threshold: similarity.optional(),
    filters: z.unknown().optional(),
    exact: z.boolean().default(false),
    efSearch: z.number().int().min(1).max(1000).optional(),
    probes: z.number().int().min(1).max(10_000).optional(),
  })
  .strict();

/** Validated semantic-search options with defaults. */
export interface NormalizedSemanticOptions {
  readonly limit: number;
  readonly includeEmbedding: boolean;
  readonly threshold?: number;
  readonly filters: NormalizedFilters;
  readonly exact: boolean;
  readonly efSearch?: number;
  readonly probes?: number;
}

/** Validates `search.semantic()` options. */
export function parseSemanticOptions(options: unknown): NormalizedSemanticOptions {
  const parsed = parseWith(semanticSchema, options ?? {}, 'options');
  return { ...parsed, filters: parseFilters(parsed.filters) } as NormalizedSemanticOptions;
}

const neighbourSchema = z
  .object({
    k: z
      .number()
      .int('must be an integer')
      .min(1, 'must be in 1–100')
      .max(100, 'must be in 1–100')
      .default(10),
    minSimilarity: similarity.optional(),
    states: consolidationStateList.optional(),
    efSearch: z.number().int().min(1).max(1000).optional(),
    probes: z.number().int().min(1).max(10_000).optional(),
  })
  .strict();

/** Validated `search.neighbours()` options with defaults. */
export type NormalizedNeighbourOptions = z.output<typeof neighbourSchema>;

const neighbourIdsSchema = z.array(id).max(LIMITS.limit, `at most ${LIMITS.limit} ids`);

/**
 * Validates `search.neighbours()` arguments: at most {@link LIMITS}.limit
 * ids (repeats removed, order kept) and the options.
 */
export function parseNeighbours(
  memoryIds: unknown,
  options: unknown,
): { readonly ids: number[]; readonly options: NormalizedNeighbourOptions } {
  const ids = [...new Set(parseWith(neighbourIdsSchema, memoryIds, 'memoryIds'))];
  return { ids, options: parseWith(neighbourSchema, options ?? {}, 'options') };
}

const keywordText = searchText.refine(
  (value) => value.trim().length > 0,
  'must not be empty or blank',
);

/**
 * Validates a keyword query: plain text, non-blank, without NUL or a lone
 * surrogate, at most {@link LIMITS}.searchTextLength characters and
 * {@link LIMITS}.searchTerms words.
 *
 * @example
 * ```ts
 * parseKeywordText('pnpm workspace'); // 'pnpm workspace'
 * parseKeywordText('x'.repeat(5000)); // throws ValidationError (text: must be at most 4096 characters)
 * ```
 */
export function parseKeywordText(text: unknown): string {
  return parseWith(keywordText, text, 'text');
}

const hybridQuerySchema = z
  .object({
    // Checked by toEmbedding(), against the database's dimension.
    embedding: z.unknown(),
    // Empty or blank text is allowed: the keyword leg then has no candidates.
    text: searchText,
  })
  .strict();

/**
 * Validates the query of `search.hybrid()`: the embedding as in
 * {@link toEmbedding}, the text a string without NUL or a lone surrogate of
 * at most {@link LIMITS}.searchTextLength characters and
 * {@link LIMITS}.searchTerms words. Empty or blank text is no error:
 * like text without a searchable word, it gives the keyword leg no
 * candidates, so the result is the semantic leg fused as usual (keyword 0).
 *
 * @example
 * ```ts
 * const { embedding, text } = parseHybridQuery({ embedding: vector, text: '' }, 768);
 * ```
 */
export function parseHybridQuery(
  query: unknown,
  dimension: number,
): { readonly embedding: Float32Array; readonly text: string } {
  const { embedding, text } = parseWith(hybridQuerySchema, query, 'query');
  return {
    embedding: toEmbedding(embedding as EmbeddingInput, dimension, 'query.embedding'),
    text,
  };
}

const keywordOptionsSchema = z
  .object({
    limit: limit(10),
    includeEmbedding,
    filters: z.unknown().optional(),
  })
  .strict();

/** Validated keyword-search options with defaults. */
export interface NormalizedKeywordOptions {
  readonly limit: number;
  readonly includeEmbedding: boolean;
  readonly filters: NormalizedFilters;
}

/** Validates `search.keyword()` options. */
export function parseKeywordOptions(options: unknown): NormalizedKeywordOptions {
  const parsed = parseWith(keywordOptionsSchema, options ?? {}, 'options');
  return {
    limit: parsed.limit,
    includeEmbedding: parsed.includeEmbedding,
    filters: parseFilters(parsed.filters),
  };
}

const weight = z.number().finite().min(0, 'must be ≥ 0');
const hybridSchema = semanticSchema
  .omit({ exact: true })
  .extend({
    fusion: z.enum(['weighted', 'rrf']).default('weighted'),
    weights: z
      .object({ semantic: weight, keyword: weight })
      .strict()
      .refine((w) => w.semantic + w.keyword > 0, 'weights must not both be 0')
      .default({ ...DEFAULT_FUSION_WEIGHTS }),
    rrfK: z.number().finite().min(0).default(DEFAULT_RRF_K),
    candidates: z.number().int().min(1).max(LIMITS.candidates).optional(),
  })
  .strict();

/** Validated hybrid-search options with defaults resolved. */
export interface NormalizedHybridOptions extends Omit<NormalizedSemanticOptions, 'exact'> {
  readonly fusion: 'weighted' | 'rrf';
  readonly weights: { readonly semantic: number; readonly keyword: number };
  readonly rrfK: number;
  /** Candidates per leg: max(4·limit, 40) unless given; never below `limit`. */
  readonly candidates: number;
}

/** Validates `search.hybrid()` options. */
export function parseHybridOptions(options: unknown): NormalizedHybridOptions {
  const parsed = parseWith(hybridSchema, options ?? {}, 'options');
  const candidates = Math.max(parsed.candidates ?? Math.max(4 * parsed.limit, 40), parsed.limit);
  return {
    ...parsed,
    candidates,
    filters: parseFilters(parsed.filters),
  } as NormalizedHybridOptions;
}
