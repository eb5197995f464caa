import {
  parseHybridOptions,
  parseHybridQuery,
  parseId,
  parseKeywordOptions,
  parseKeywordText,
  parseNeighbours,
  parseSemanticOptions,
  toEmbedding,
} from '@athena/core-types';
import type {
  EmbeddingInput,
  HybridQuery,
  HybridSearchOptions,
  KeywordSearchOptions,
  MemoryNeighbours,
  NeighbourOptions,
  NormalizedHybridOptions,
  NormalizedSemanticOptions,
  SearchHitMemory,
  SearchRepository,
  SearchResult,
  SemanticSearchOptions,
} from '@athena/core-types';
import { CompiledQuery, sql } from 'kysely';
import { PGVECTOR_MAX_EF_SEARCH } from '../limits.js';
import { fromVector, toMemory, toMemoryWithoutEmbedding, toNumber } from '../rows.js';
import type { MemoryRow } from '../rows.js';
import {
  hybridSql,
  keywordSql,
  neighboursSql,
  plainHybrid,
  plainSemantic,
  semanticSql,
} from '../sql/search-sql.js';
import type { HybridRow, NeighbourRow, SemanticRow } from '../sql/search-sql.js';
import type { ErrorContext } from '../map-error.js';
import { customPlans, wantedAnnSettings } from '../pool.js';
import type { Session } from '../session.js';

/** Per-query ANN settings: `hnsw.ef_search`, `ivfflat.probes`, iterative scans. */
export interface AnnSettings {
  readonly efSearch?: number;
  readonly probes?: number;
  /** At least this many rows are wanted from the index. */
  readonly wanted: number;
}

/** The ANN settings a query runs with, every default applied. */
export interface ResolvedAnnSettings {
  readonly efSearch: number;
  readonly probes: number;
  /**
   * The project has its own HNSW graph: the statement is planned for its
   * project id (unnamed, never a generic plan), or PostgreSQL could not
   * match the partial index `WHERE project_id = <id>`.
   */
  readonly projectGraph: boolean;
}

/** `hnsw.ef_search` is raised to the rows wanted (pgvector returns at most ef_search rows per pass). */
export function resolveAnnSettings(session: Session, settings: AnnSettings): ResolvedAnnSettings {
  const { options } = session.env;
  return {
    efSearch: Math.min(
      Math.max(settings.efSearch ?? options.efSearch, settings.wanted),
      PGVECTOR_MAX_EF_SEARCH,
    ),
    probes: settings.probes ?? options.probes,
    projectGraph: false,
  };
}

/**
 * A project holding a share s of the rows has about s·ef of its own rows among
 * the ef neighbours an HNSW pass finds; for `limit` of them with good recall
 * the scan should find HEADROOM·limit/s.
 */
const FILTER_HEADROOM = 2;

/**
 * Below this many memories in the wanted states a state-filtered neighbour
 * search scans them exactly; from it on, it iterates the vector index.
 * Exact costs ~10 µs per row and source here (768 dimensions, detoasted),
 * the index ~3 ms per source at 10K memories.
 */
const NEIGHBOURS_EXACT_MAX_ROWS = 300;

/** What a search asks of the index. */
export interface AnnQuery extends AnnSettings {
  /** Rows the caller wants back. */
  readonly limit: number;
}

/**
 * What a validated semantic or hybrid search asks of the index: its
 * `efSearch`/`probes`, its limit, and the rows wanted from the index — the
 * limit for semantic search, the candidates per leg for hybrid search.
 */
export function annQueryOf(options: NormalizedSemanticOptions | NormalizedHybridOptions): AnnQuery {
  return {
    efSearch: options.efSearch,
    probes: options.probes,
    wanted: 'candidates' in options ? options.candidates : options.limit,
    limit: options.limit,
  };
}

/**
 * The ANN settings of a search in `projectId`. A project with its own HNSW
 * graph (`PostgresStore.buildProjectGraphs`) is searched there, with the
 * plain settings. Otherwise, without a per-query `efSearch`, an HNSW scan of
 * a project that holds only a share of the rows gets ef_search ≥
 * 2·limit/share (capped at 1,000), so the project filter does not starve the
 * result: iterative scans alone return enough rows, but with falling recall
 * (0.84 at recall@10 for a 10 % project and ef_search 40).
 */
export async function annSettingsFor(
  session: Session,
  projectId: number,
  query: AnnQuery,
): Promise<ResolvedAnnSettings> {
  const resolved = resolveAnnSettings(session, query);
  if (session.env.options.vectorIndex.type !== 'hnsw') return resolved;
  // Inside a transaction the caller holds a connection: do not wait for another one.
  const scope = await session.env.projectShares.scope(projectId, session.depth === 0);
  if (scope.graph) return { ...resolved, projectGraph: true };
  if (query.efSearch !== undefined || scope.share >= 1) return resolved;
  const needed = Math.min(
    Math.ceil((FILTER_HEADROOM * query.limit) / scope.share),
    PGVECTOR_MAX_EF_SEARCH,
  );
  return needed <= resolved.efSearch ? resolved : { ...resolved, efSearch: needed };
}

/**
 * Applies ANN settings for the current transaction only (`set_config(…, true)`
 * = `SET LOCAL`). Iterative scans (pgvector ≥ 0.8) keep an index scan going
 * until enough rows pass the filters; `relaxed_order` is re-sorted by the
 * outer query.
 */
export async function applyAnnSettings(
  session: Session,
  settings: ResolvedAnnSettings,
): Promise<void> {
  await sql`select
      set_config('hnsw.ef_search', ${String(settings.efSearch)}, true),
      set_config('hnsw.iterative_scan', 'relaxed_order', true),
      set_config('ivfflat.probes', ${String(settings.probes)}, true),
      set_config('ivfflat.iterative_scan', 'relaxed_order', true)`.execute(session.raw);
}

/**
 * Runs an ANN query with `settings`. On the store's own pool the query is one
 * plain read: each connection keeps session-level ANN settings and changes
 * them (one extra statement) only when they differ from `settings` (see
 * `toKyselyPool`). Inside a caller's transaction they are set locally first.
 * On an injected pool, whose session settings are unknown, a short
 * transaction sets them for the query alone. A search in a project graph is
 * planned for its project id (`customPlans`).
 */
function withAnnSettings<T>(
  session: Session,
  context: ErrorContext,
  settings: ResolvedAnnSettings,
  fn: (session: Session) => Promise<T>,
): Promise<T> {
  const run = () => withAnnSettingsPlanned(session, context, settings, fn);
  return settings.projectGraph ? customPlans.run(true, run) : run();
}

function withAnnSettingsPlanned<T>(
  session: Session,
  context: ErrorContext,
  settings: ResolvedAnnSettings,
  fn: (session: Session) => Promise<T>,
): Promise<T> {
  if (session.depth > 0) {
    return session.read(context, async (s) => {
      await applyAnnSettings(s, settings);
      return fn(s);
    });
  }
  if (session.env.annDefaults !== null) {
    return wantedAnnSettings.run(settings, () => session.read(context, fn));
  }
  return session.atomic(context, async (s) => {
    await applyAnnSettings(s, settings);
    return fn(s);
  });
}

/**
 * The row mapper for a search's hits: with or without the embedding, as the
 * statement selected it. One cast to the hit type the options promise.
 */
function hitMemory<O>(includeEmbedding: boolean): (row: MemoryRow) => SearchHitMemory<O> {
  return (includeEmbedding ? toMemory : toMemoryWithoutEmbedding) as (
    row: MemoryRow,
  ) => SearchHitMemory<O>;
}

/** Semantic, keyword and hybrid search on PostgreSQL, each one SQL statement. */
export class PostgresSearchRepository implements SearchRepository {
  readonly #session: () => Session;

  constructor(session: () => Session) {
    this.#session = session;
  }

  /**
   * Nearest neighbours by cosine similarity, highest first.
   *
   * @example
   * ```ts
   * const hits = await store.search.semantic(project.id, queryVector, { limit: 5, threshold: 0.3 });
   * ```
   */
  async semantic<const O extends SemanticSearchOptions | undefined = undefined>(
    projectId: number,
    embedding: EmbeddingInput,
    options?: O,
  ): Promise<SearchResult<SearchHitMemory<O>>[]> {
    const session = this.#session();
    const project = parseId(projectId, 'projectId');
    const vector = toEmbedding(embedding, session.env.dimension);
    const parsed = parseSemanticOptions(options);
    const toHit = hitMemory<O>(parsed.includeEmbedding);
    const context = { operation: 'semantic search' };
    const run = async (s: Session): Promise<SearchResult<SearchHitMemory<O>>[]> => {
      const plain = plainSemantic(s, parsed);
      const { rows } =
        plain === null
          ? await semanticSql(s, project, vector, parsed).execute(s.raw)
          : await s.raw.executeQuery<SemanticRow>(
              CompiledQuery.raw(
                plain.text,
                plain.bind({ project, limit: parsed.limit, vector: fromVector(vector) }),
              ),
            );
      return rows.map((row, index) => {
        const similarity = 1 - row.distance;
        return {
          memory: toHit(row),
          score: similarity,
          breakdown: {
            semantic: similarity,
            keyword: null,
            semanticRank: index + 1,
            keywordRank: null,
            semanticNormalized: null,
            keywordNormalized: null,
            fused: similarity,
          },
        };
      });
    };
    // An exact search reads no index: the ANN settings do not matter.
    if (parsed.exact) return session.read(context, run);
    const settings = await annSettingsFor(session, project, annQueryOf(parsed));
    return withAnnSettings(session, context, settings, run);
  }

  /**
   * Full-text search: any word of `text` matches; score = rank / (rank + 1).
   *
   * @example
   * ```ts
   * const hits = await store.search.keyword(project.id, 'pnpm workspace', { limit: 5 });
   * ```
   */
  async keyword<const O extends KeywordSearchOptions | undefined = undefined>(
    projectId: number,
    text: string,
    options?: O,
  ): Promise<SearchResult<SearchHitMemory<O>>[]> {
    const session = this.#session();
    const project = parseId(projectId, 'projectId');
    const query = parseKeywordText(text);
    const parsed = parseKeywordOptions(options);
    const toHit = hitMemory<O>(parsed.includeEmbedding);
    return session.read({ operation: 'keyword search' }, async (s) => {
      const { rows } = await keywordSql(s, project, query, parsed).execute(s.raw);
      return rows.map((row, index) => ({
        memory: toHit(row),
        score: row.score,
        breakdown: {
          semantic: null,
          keyword: row.score,
          semanticRank: null,
          keywordRank: index + 1,
          semanticNormalized: null,
          keywordNormalized: null,
          fused: row.score,
        },
      }));
    });
  }

  /**
   * Semantic and keyword candidates fused in SQL (weighted or RRF).
   *
   * @example
   * ```ts
   * const hits = await store.search.hybrid(project.id, { embedding, text: 'pnpm' }, { fusion: 'rrf' });
   * ```
   */
  async hybrid<const O extends HybridSearchOptions | undefined = undefined>(
    projectId: number,
    query: HybridQuery,
    options?: O,
  ): Promise<SearchResult<SearchHitMemory<O>>[]> {
    const session = this.#session();
    const project = parseId(projectId, 'projectId');
    const { embedding: vector, text } = parseHybridQuery(query, session.env.dimension);
    const parsed = parseHybridOptions(options);
    const toHit = hitMemory<O>(parsed.includeEmbedding);
    const settings = await annSettingsFor(session, project, annQueryOf(parsed));
    return withAnnSettings(session, { operation: 'hybrid search' }, settings, async (s) => {
      const plain = plainHybrid(s, parsed);
      const { rows } =
        plain === null
          ? await hybridSql(s, project, vector, text, parsed).execute(s.raw)
          : await s.raw.executeQuery<HybridRow>(
              CompiledQuery.raw(
                plain.text,
                plain.bind({
                  project,
                  text,
                  config: s.env.textSearchConfig,
                  candidates: parsed.candidates,
                  limit: parsed.limit,
                  rrfK: parsed.rrfK,
                  semanticWeight: parsed.weights.semantic,
                  keywordWeight: parsed.weights.keyword,
                  vector: fromVector(vector),
                }),
              ),
            );
      return rows.map((row) => ({
        memory: toHit(row),
        score: row.fused,
        breakdown: {
          semantic: row.similarity,
          keyword: row.keyword,
          semanticRank: row.semantic_rank === null ? null : toNumber(row.semantic_rank),
          keywordRank: row.keyword_rank === null ? null : toNumber(row.keyword_rank),
          semanticNormalized: row.semantic_normalized,
          keywordNormalized: row.keyword_normalized,
          fused: row.fused,
        },
      }));
    });
  }

  /**
   * The `k` nearest memories of each given memory: one statement whose
   * LATERAL join runs an index scan per source, with the ANN settings a
   * semantic search for `k` rows in this project would get.
   *
   * @example
   * ```ts
   * const [first] = await store.search.neighbours(project.id, [memory.id], { k: 5, minSimilarity: 0.8 });
   * ```
   */
  async neighbours(
    projectId: number,
    memoryIds: readonly number[],
    options?: NeighbourOptions,
  ): Promise<MemoryNeighbours[]> {
    const session = this.#session();
    const project = parseId(projectId, 'projectId');
    const { ids, options: parsed } = parseNeighbours(memoryIds, options);
    if (ids.length === 0) return [];
    const settings = await annSettingsFor(session, project, {
      efSearch: parsed.efSearch,
      probes: parsed.probes,
      wanted: parsed.k,
      limit: parsed.k,
    });
    const context = { operation: 'neighbour search' };
    if (parsed.states === undefined)
      return withAnnSettings(session, context, settings, async (s) =>
        neighboursFrom(await neighboursSql(s, project, ids, parsed).execute(s.raw)),
      );
    const planned = async (s: Session) => {
      await applyAnnSettings(s, settings);
      const exact = await exactNeighbours(s, project, parsed.states);
      // The graph path with a state filter: the planner's estimate of the
      // rows in those states goes stale as a consolidation pass moves them,
      // so the vector index is imposed, not left to a guess (an exact scan
      // detoasts every row in the states per source: 3.7 s for 100 sources
      // with 3,653 of them, against 0.34 s through the graph).
      if (exact)
        return neighboursFrom(
          await neighboursSql(s, project, ids, { ...parsed, exact }).execute(s.raw),
        );
      const toggles = ['enable_bitmapscan', 'enable_sort'];
      // Transaction-local, and restored afterwards: inside a caller's
      // transaction they would otherwise outlive this statement.
      const { rows: before } = await sql<Record<string, string>>`select ${sql.join(
        toggles.map((name) => sql`current_setting(${name}) as ${sql.ref(name)}`),
      )}`.execute(s.raw);
      const set = (values: Record<string, string>) =>
        sql`select ${sql.join(
          toggles.map((name) => sql`set_config(${name}, ${values[name] ?? 'on'}, true)`),
        )}`.execute(s.raw);
      await set(Object.fromEntries(toggles.map((name) => [name, 'off'])));
      // A failure ends the transaction (or its savepoint), settings included.
      const found = neighboursFrom(await neighboursSql(s, project, ids, parsed).execute(s.raw));
      await set(before[0] ?? {});
      return found;
    };
    const run = () =>
      session.depth > 0 ? session.read(context, planned) : session.atomic(context, planned);
    return settings.projectGraph ? customPlans.run(true, run) : run();
  }
}

/**
 * Whether a neighbour search over `states` compares every source with each
 * memory in them (few: under {@link NEIGHBOURS_EXACT_MAX_ROWS}), counted
 * through the state mirror's index. An index scan iterating the graph would
 * visit up to `hnsw.max_scan_tuples` rows per source to find so few (17.9 s
 * for 100 sources at 10K).
 */
export async function exactNeighbours(
  s: Session,
  projectId: number,
  states: readonly string[] | undefined,
): Promise<boolean> {
  if (states === undefined) return false;
  const { rows } = await sql<{ n: string }>`
    select count(*) as n from (
      select 1 from ${s.table('memory_states')}
      where project_id = ${projectId} and state = any(${[...states]}::text[])
      limit ${NEIGHBOURS_EXACT_MAX_ROWS}) few`.execute(s.raw);
  return Number(rows[0]?.n ?? 0) < NEIGHBOURS_EXACT_MAX_ROWS;
}

/** Rows of {@link neighboursSql} grouped by source, in the statement's order. */
function neighboursFrom({ rows }: { readonly rows: readonly NeighbourRow[] }): MemoryNeighbours[] {
  const bySource = new Map<number, { id: number; similarity: number }[]>();
  for (const row of rows) {
    const source = toNumber(row.source);
    let list = bySource.get(source);
    if (list === undefined) bySource.set(source, (list = []));
    if (row.id !== null)
      list.push({ id: toNumber(row.id), similarity: 1 - (row.distance as number) });
  }
  return [...bySource].map(([memoryId, neighbours]) => ({ memoryId, neighbours }));
}
