import {
  parseHybridOptions,
  parseHybridQuery,
  parseKeywordOptions,
  parseKeywordText,
  parseNeighbours,
  parseSemanticOptions,
  toEmbedding,
} from '@athena/core-types';
import type { SearchRepository } from '@athena/core-types';
import { front } from '../front.js';
import type { BackendOf, Parsers } from '../front.js';
import { projectIdOf } from './ids.js';

/**
 * The parsers of every search, in argument order (the first bad argument is
 * the one named). Exported for whatever else takes a search's input as
 * given — PostgreSQL's `explainSearch` — so it accepts exactly what the
 * search accepts.
 *
 * @example
 * ```ts
 * const [project, vector, options] = SEARCH_PARSERS.semantic(store, projectId, embedding, options);
 * ```
 */
export const SEARCH_PARSERS = {
  /** Checks `semantic()`'s `projectId`, `embedding` (at the store's dimension) and `options`. */
  semantic: (context, projectId, embedding, options) =>
    [
      projectIdOf(projectId),
      toEmbedding(embedding, context.embeddingDimension),
      parseSemanticOptions(options),
    ] as const,
  /** Checks `keyword()`'s `projectId`, `text` and `options`. */
  keyword: (_, projectId, text, options) =>
    [projectIdOf(projectId), parseKeywordText(text), parseKeywordOptions(options)] as const,
  /** Checks `hybrid()`'s `projectId`, `query` (at the store's dimension) and `options`. */
  hybrid: (context, projectId, query, options) =>
    [
      projectIdOf(projectId),
      parseHybridQuery(query, context.embeddingDimension),
      parseHybridOptions(options),
    ] as const,
  /** Checks `neighbours()`'s `projectId`, `memoryIds` and `options`. */
  neighbours: (_, projectId, memoryIds, options) =>
    [projectIdOf(projectId), parseNeighbours(memoryIds, options)] as const,
} satisfies Parsers<SearchRepository>;

/** The validating front of a backend's search. */
export const SearchFront = front<SearchRepository>()(SEARCH_PARSERS);

/** What a backend implements for search: {@link SearchRepository} with parsed arguments. */
export type SearchBackend = BackendOf<SearchRepository, typeof SEARCH_PARSERS>;

/** What a backend's search resolves to: hits with or without the embedding, as the parsed options ask. */
export type SearchHits = Awaited<ReturnType<SearchBackend['semantic']>>;
