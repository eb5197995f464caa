import {
  CONSOLIDATION_STATES,
  DimensionMismatchError,
  EmbedderError,
  EmbeddingModelMismatchError,
  ValidationError,
  parseHybridOptions,
  parseKeywordOptions,
  parseSemanticOptions,
  searchTextPrefix,
} from '@athena/core-types';
import type {
  Embedder,
  EmbedOptions,
  HybridSearchOptions,
  KeywordSearchOptions,
  Memory,
  MemoryFilters,
  MemoryWithoutEmbedding,
  ScoreBreakdown,
  SearchHitMemory,
  SearchResult,
  SemanticSearchOptions,
  Store,
  StoreMemoryInput,
  ConsolidationState,
} from '@athena/core-types';
import { explainResult } from './explain-result.js';
import type { ExplainContext } from './explain-result.js';
import { isRerankActive, rerankTerms, resolveRerank } from './rerank.js';
import type { RerankBreakdown, RerankSettings, ResolvedRerank } from './rerank.js';

/** Stored texts are embedded as documents, search text as queries (prefixes, provider fields). */
const AS_DOCUMENT: EmbedOptions = Object.freeze({ inputType: 'document' });
const AS_QUERY: EmbedOptions = Object.freeze({ inputType: 'query' });

/**
 * Every consolidation state but `superseded`: what `recall()` and `search()`
 * find unless the caller filters by state. A superseded memory is history —
 * its successor stands for it.
 */
export const LIVE_STATES: readonly ConsolidationState[] = Object.freeze(
  CONSOLIDATION_STATES.filter((state) => state !== 'superseded'),
);

/** Results asked beyond the limit, so that superseded ones can be dropped without a second query. */
const SUPERSEDED_MARGIN = 10;
/** The store's largest search limit. */
const MAX_LIMIT = 1000;

/** Options of the {@link AthenaMemory} constructor. */
export interface AthenaMemoryOptions {
  readonly store: Store;
  readonly embedder: Embedder;
  /** Default re-ranking of `recall()`; off unless given. See {@link DEFAULT_RERANK}. */
  readonly rerank?: RerankSettings;
}

/** What `remember()` stores besides the content; the vector and its model are filled in. */
export type RememberMetadata = Omit<StoreMemoryInput, 'content' | 'embedding' | 'embeddingModel'>;

/** One item of `rememberMany()`. */
export interface RememberItem extends RememberMetadata {
  readonly content: string;
}

/** Options of `recall()`: hybrid search options plus re-ranking. */
export interface RecallOptions extends HybridSearchOptions {
  /** Overrides the service's re-ranking for this call; `false` turns it off. */
  readonly rerank?: RerankSettings | false;
  /** The instant of the recall: recency reference and access/labile timestamp. Default now. */
  readonly now?: Date;
}

/**
 * A search result with a readable explanation; `M` follows `includeEmbedding`
 * as in the store (see `SearchHitMemory`).
 */
export interface ExplainedResult<
  M extends MemoryWithoutEmbedding = Memory,
> extends SearchResult<M> {
  /** Multi-line account of the score: legs, ranks, weights, fusion, re-ranking. */
  readonly explain: string;
}

/** A result's score breakdown in `recall()`: the store's, plus re-ranking. */
export interface RecallBreakdown extends ScoreBreakdown {
  /** The re-ranking terms; `null` when re-ranking is off (then `score === fused`). */
  readonly rerank: RerankBreakdown | null;
}

/** One result of `recall()`; `M` follows `includeEmbedding` (see `SearchHitMemory`). */
export interface RecallHit<M extends MemoryWithoutEmbedding = Memory> extends ExplainedResult<M> {
  /** The memory as found, before this recall recorded its access. */
  readonly memory: M;
  /** The final score results are ordered by. */
  readonly score: number;
  readonly breakdown: RecallBreakdown;
  /** This recall moved the memory from `consolidated` to `labile`. */
  readonly labilized: boolean;
}

/** Options of `search()`: one retrieval leg, or the hybrid of both. */
export type SearchOptions =
  | ({ readonly mode: 'semantic' } & SemanticSearchOptions)
  | ({ readonly mode: 'keyword' } & KeywordSearchOptions)
  | ({ readonly mode?: 'hybrid' } & HybridSearchOptions);

/** Options of `reembed()`. */
export interface ReembedOptions {
  /** Memories per page, embedding call and transaction; 1–1000, default 64. */
  readonly batchSize?: number;
  /** Re-embed memories already embedded by this embedder too. Default false. */
  readonly force?: boolean;
}

/** What `reembed()` did. */
export interface ReembedReport {
  /** Memories looked at. */
  readonly scanned: number;
  /** Memories given a new vector. */
  readonly reembedded: number;
}

/**
 * The retrieval pipeline over any {@link Store}: embeds on the way in
 * (`remember`, as documents), embeds the query (as a query) and runs hybrid
 * search on the way out (`recall`), records the access and makes
 * consolidated memories labile, as retrieval does in the brain. Vectors are tagged with the embedder's
 * `modelId`, and recall refuses to compare a query with vectors of another
 * model (`EmbeddingModelMismatchError`) — `reembed()` fixes that.
 *
 * @example
 * ```ts
 * const memory = new AthenaMemory({ store, embedder: new HashingEmbedder({ dimension: 384 }) });
 * await memory.remember(project.id, 'The test database is athena_test', { domain: 'testing' });
 * const [hit] = await memory.recall(project.id, 'which database do tests use?');
 * console.log(hit?.explain);
 * ```
 */
export class AthenaMemory {
  readonly #store: Store;
  readonly #embedder: Embedder;
  readonly #rerank: ResolvedRerank;

  constructor(options: AthenaMemoryOptions) {
    this.#store = options.store;
    this.#embedder = options.embedder;
    this.#rerank = resolveRerank(options.rerank);
  }

  /** The store this service reads and writes. */
  get store(): Store {
    return this.#store;
  }

  /** The embedder of every vector this service writes and every query it runs. */
  get embedder(): Embedder {
    return this.#embedder;
  }

  /**
   * Embeds `content` (as a document) and stores it with `embeddingModel = embedder.modelId`.
   *
   * @example
   * ```ts
   * const saved = await memory.remember(projectId, 'Run pnpm test before pushing', {
   *   memoryType: 'pattern',
   *   tags: ['workflow'],
   * });
   * ```
   */
  async remember(
    projectId: number,
    content: string,
    metadata: RememberMetadata = {},
  ): Promise<Memory> {
    this.#assertDimension();
    const embedding = await this.#embedder.embed(content, AS_DOCUMENT);
    return this.#store.memories.store(projectId, {
      ...metadata,
      content,
      embedding,
      embeddingModel: this.#embedder.modelId,
    });
  }

  /**
   * Embeds every item as a document with one `embedMany` (which batches
   * requests) and stores them with one `storeMany`: all or none. Returns the ids in input
   * order. Vectors are held in memory until stored, so split very large
   * imports (hundreds of thousands of items) into several calls.
   *
   * @example
   * ```ts
   * const ids = await memory.rememberMany(projectId, [
   *   { content: 'Use pnpm', memoryType: 'decision' },
   *   { content: 'Node 20 is the minimum', domain: 'runtime' },
   * ]);
   * ```
   */
  async rememberMany(projectId: number, items: readonly RememberItem[]): Promise<number[]> {
    if (!Array.isArray(items)) {
      throw new ValidationError('invalid items: must be an array', [
        { path: 'items', message: 'must be an array' },
      ]);
    }
    if (items.length === 0) return [];
    this.#assertDimension();
    const vectors = await this.#embedder.embedMany(
      items.map((item) => item.content),
      AS_DOCUMENT,
    );
    const modelId = this.#embedder.modelId;
    return this.#store.memories.storeMany(
      projectId,
      items.map((item, index) => ({
        ...item,
        embedding: vectorAt(vectors, index),
        embeddingModel: modelId,
      })),
    );
  }

  /**
   * Finds the memories most relevant to `query` with hybrid search, optionally
   * re-ranked by recency and usefulness, then — once for all results —
   * records their access (`retrieved`) and moves consolidated ones to
   * `labile`, in one transaction. Each hit carries its score breakdown and an
   * `explain` text.
   *
   * @throws {EmbeddingModelMismatchError} when a result was embedded by another model.
   *
   * @example
   * ```ts
   * const hits = await memory.recall(projectId, 'how are migrations versioned?', {
   *   limit: 5,
   *   fusion: 'rrf',
   *   filters: { domains: ['database'] },
   *   rerank: { recencyWeight: 0.1 },
   * });
   * for (const hit of hits) console.log(hit.explain);
   * ```
   */
  async recall<const O extends RecallOptions | undefined = undefined>(
    projectId: number,
    query: string,
    options?: O,
  ): Promise<RecallHit<SearchHitMemory<O>>[]> {
    const {
      rerank: rerankOption,
      now = new Date(),
      ...searchOptions
    }: RecallOptions = options ?? {};
    const hybrid = parseHybridOptions(searchOptions);
    const rerank = rerankOption === false ? null : resolveRerank(rerankOption ?? {}, this.#rerank);
    const active = rerank !== null && isRerankActive(rerank);
    // Re-ranking can promote a result from below the cut, so it needs a deeper pool.
    const pool = active
      ? Math.min(1000, Math.max(hybrid.limit, 3 * hybrid.limit, 30))
      : hybrid.limit;

    this.#assertDimension();
    const embedding = await this.#embedder.embed(query, AS_QUERY);
    // Typed by the caller's options: `searchOptions` carries their includeEmbedding.
    // The candidates of `pool` results, kept when superseded ones make liveResults ask for more.
    const { candidates } = parseHybridOptions({ ...searchOptions, limit: pool });
    const results = (await liveResults({ ...searchOptions, candidates }, pool, (options) =>
      this.#store.search.hybrid(projectId, { embedding, text: searchTextPrefix(query) }, options),
    )) as SearchResult<SearchHitMemory<O>>[];
    this.#assertSameModel(projectId, results);

    const best = results.reduce((max, result) => Math.max(max, result.breakdown.fused), 0);
    const ranked = results
      .map((result) => ({
        result,
        rerank: active
          ? rerankTerms(result.memory, result.breakdown.fused, best, now, rerank)
          : null,
      }))
      .sort((a, b) => (b.rerank?.final ?? 0) - (a.rerank?.final ?? 0))
      .slice(0, hybrid.limit);

    const ids = ranked.map(({ result }) => result.memory.id);
    const labilized = new Set<number>();
    if (ids.length > 0) {
      await this.#store.transaction(async (tx) => {
        await tx.memories.recordAccess(projectId, ids, { retrieved: true, at: now });
        for (const id of await tx.consolidation.labilize(projectId, ids, now)) labilized.add(id);
      });
    }

    const context: ExplainContext = {
      mode: 'hybrid',
      fusion: hybrid.fusion,
      weights: hybrid.weights,
      rrfK: hybrid.rrfK,
    };
    return ranked.map(({ result, rerank: terms }, index) => ({
      memory: result.memory,
      score: terms?.final ?? result.score,
      breakdown: { ...result.breakdown, rerank: terms },
      labilized: labilized.has(result.memory.id),
      explain: explainResult(result, index + 1, context, terms),
    }));
  }

  /**
   * One search without side effects: no access is recorded and nothing
   * becomes labile (use `recall` for an agent's retrieval). `mode` picks the
   * semantic leg, the keyword leg, or both fused (default `hybrid`).
   *
   * @throws {EmbeddingModelMismatchError} in semantic and hybrid mode, when a
   * result was embedded by another model.
   *
   * @example
   * ```ts
   * const exact = await memory.search(projectId, 'ECONNREFUSED', { mode: 'keyword', limit: 3 });
   * ```
   */
  async search<const O extends SearchOptions | undefined = undefined>(
    projectId: number,
    query: string,
    options?: O,
  ): Promise<ExplainedResult<SearchHitMemory<O>>[]> {
    // The store gets only its own options: `mode` is this method's.
    const { mode = 'hybrid', ...legOptions }: SearchOptions = options ?? {};
    // Typed by the caller's options: `legOptions` carries their includeEmbedding.
    let results: SearchResult<SearchHitMemory<O>>[];
    let context: ExplainContext;
    if (mode === 'keyword') {
      const { limit } = parseKeywordOptions(legOptions);
      results = (await liveResults(legOptions as KeywordSearchOptions, limit, (options) =>
        this.#store.search.keyword(projectId, searchTextPrefix(query), options),
      )) as typeof results;
      context = { mode };
    } else if (mode === 'semantic') {
      this.#assertDimension();
      const { limit } = parseSemanticOptions(legOptions);
      const embedding = await this.#embedder.embed(query, AS_QUERY);
      results = (await liveResults(legOptions as SemanticSearchOptions, limit, (options) =>
        this.#store.search.semantic(projectId, embedding, options),
      )) as typeof results;
      context = { mode };
    } else {
      const hybrid = parseHybridOptions(legOptions);
      this.#assertDimension();
      const embedding = await this.#embedder.embed(query, AS_QUERY);
      const hybridOptions = {
        ...(legOptions as HybridSearchOptions),
        candidates: hybrid.candidates,
      };
      results = (await liveResults(hybridOptions, hybrid.limit, (options) =>
        this.#store.search.hybrid(projectId, { embedding, text: searchTextPrefix(query) }, options),
      )) as typeof results;
      context = { mode, fusion: hybrid.fusion, weights: hybrid.weights, rrfK: hybrid.rrfK };
    }
    if (context.mode !== 'keyword') this.#assertSameModel(projectId, results);
    return results.map((result, index) => ({
      ...result,
      explain: explainResult(result, index + 1, context),
    }));
  }

  /**
   * Deletes a memory. Returns whether it existed.
   *
   * @example
   * ```ts
   * await memory.forget(projectId, staleMemoryId); // true
   * ```
   */
  forget(projectId: number, memoryId: number): Promise<boolean> {
    return this.#store.memories.delete(projectId, memoryId);
  }

  /**
   * Gives every memory of the project not embedded by this embedder (another
   * model, or an unknown one) a new vector and `embeddingModel`, page by page
   * in id order: one `embedMany` and one transaction per page. Safe to stop
   * and run again: finished memories are skipped.
   *
   * @example
   * ```ts
   * const { reembedded } = await memory.reembed(projectId, { batchSize: 100 });
   * ```
   */
  async reembed(projectId: number, options: ReembedOptions = {}): Promise<ReembedReport> {
    const batchSize = options.batchSize ?? 64;
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1000) {
      throw new ValidationError('invalid batchSize: must be an integer in 1–1000', [
        { path: 'batchSize', message: 'must be an integer in 1–1000' },
      ]);
    }
    this.#assertDimension();
    const modelId = this.#embedder.modelId;
    let scanned = 0;
    let reembedded = 0;
    let after: string | null = null;
    do {
      const page = await this.#store.memories.list(projectId, {
        limit: batchSize,
        after,
        order: 'asc',
      });
      scanned += page.items.length;
      const stale =
        options.force === true
          ? page.items
          : page.items.filter((m) => m.embeddingModel !== modelId);
      if (stale.length > 0) {
        const vectors = await this.#embedder.embedMany(
          stale.map((m) => m.content),
          AS_DOCUMENT,
        );
        await this.#store.transaction(async (tx) => {
          for (const [index, m] of stale.entries()) {
            await tx.memories.update(projectId, m.id, {
              embedding: vectorAt(vectors, index),
              embeddingModel: modelId,
            });
          }
        });
        reembedded += stale.length;
      }
      after = page.nextCursor;
    } while (after !== null);
    return { scanned, reembedded };
  }

  /** Fails early, with both numbers, when the embedder cannot fill this database. */
  #assertDimension(): void {
    const expected = this.#store.embeddingDimension;
    if (this.#embedder.dimension !== expected) {
      throw new DimensionMismatchError(expected, this.#embedder.dimension, {
        details: { embedder: this.#embedder.modelId, source: 'embedder' },
      });
    }
  }

  #assertSameModel(
    projectId: number,
    results: readonly SearchResult<MemoryWithoutEmbedding>[],
  ): void {
    const modelId = this.#embedder.modelId;
    const others = results.filter(
      ({ memory }) => memory.embeddingModel !== null && memory.embeddingModel !== modelId,
    );
    if (others.length === 0) return;
    const found = [...new Set(others.map(({ memory }) => memory.embeddingModel as string))];
    throw new EmbeddingModelMismatchError(
      modelId,
      found,
      others.map(({ memory }) => memory.id),
      `${others.length} matching memories of project ${projectId} were embedded with ${found.join(', ')}, ` +
        `but the query uses ${modelId}; vectors of different models cannot be compared. ` +
        `Re-embed the project with this embedder (new AthenaMemory({ store, embedder }).reembed(${projectId})), ` +
        `or recall with the embedder that produced them.`,
      { details: { projectId } },
    );
  }
}

function vectorAt(vectors: readonly Float32Array[], index: number): Float32Array {
  const vector = vectors[index];
  if (vector === undefined) {
    throw new EmbedderError(
      'malformed_response',
      `the embedder returned ${vectors.length} vectors for at least ${index + 1} texts`,
    );
  }
  return vector;
}

/**
 * The first `limit` results of a search, superseded memories left out unless
 * the caller filters by state. Asks for a few more than `limit` and drops the
 * superseded ones; only when too many of them crowd the top does it search
 * again with the state filter (exact, as every filtered search).
 */
async function liveResults<
  O extends { readonly filters?: MemoryFilters; readonly limit?: number },
  R extends { readonly memory: { readonly consolidationState: ConsolidationState } },
>(options: O, limit: number, search: (options: O) => Promise<R[]>): Promise<R[]> {
  if (options.filters?.consolidationStates !== undefined) return search({ ...options, limit });
  const asked = Math.min(MAX_LIMIT, limit + SUPERSEDED_MARGIN);
  const results = await search({ ...options, limit: asked });
  const live = results.filter((result) => result.memory.consolidationState !== 'superseded');
  if (live.length >= limit || results.length < asked) return live.slice(0, limit);
  return search({
    ...options,
    limit,
    filters: { ...options.filters, consolidationStates: LIVE_STATES },
  });
}
