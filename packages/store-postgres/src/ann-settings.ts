import { AsyncLocalStorage } from 'node:async_hooks';
import type {
  NormalizedHybridOptions,
  NormalizedNeighbourOptions,
  NormalizedSemanticOptions,
} from '@athena/core-types';
import { sql } from 'kysely';
import { PGVECTOR_MAX_EF_SEARCH } from './limits.js';
import type { ErrorContext } from './map-error.js';
import type { ResolvedOptions } from './options.js';
import type { Session } from './session.js';

/*
 * pgvector's ANN settings — `hnsw.ef_search`, `ivfflat.probes` and the
 * iterative scans — in one place: what a search needs (the decision), the one
 * reader of the configured defaults, and every statement that sets them
 * (connection start, session level on the store's own pool, transaction-local
 * elsewhere).
 */

/** ANN settings every connection of a pool starts with (server GUCs). */
export interface AnnDefaults {
  /** `hnsw.ef_search`. */
  readonly efSearch: number;
  /** `ivfflat.probes`. */
  readonly probes: number;
}

/**
 * The ANN defaults of the store's options: the one place that reads
 * `efSearch` and `probes` from them.
 */
export function annDefaultsOf(options: Pick<ResolvedOptions, 'efSearch' | 'probes'>): AnnDefaults {
  return { efSearch: options.efSearch, probes: options.probes };
}

/**
 * The ANN defaults as server settings for a connection's startup packet.
 * Placeholders until pgvector's library loads in the session, then validated
 * by it. Iterative scans (pgvector ≥ 0.8) keep an index scan going until
 * enough rows pass the filters; `relaxed_order` is re-sorted by the outer query.
 */
export function annStartupOptions(defaults: AnnDefaults): string {
  return [
    `-c hnsw.ef_search=${defaults.efSearch}`,
    '-c hnsw.iterative_scan=relaxed_order',
    `-c ivfflat.probes=${defaults.probes}`,
    '-c ivfflat.iterative_scan=relaxed_order',
  ].join(' ');
}

/** The statement that changes a connection's session-level ANN settings to `wanted`. */
export function sessionAnnSettings(wanted: AnnDefaults): { text: string; values: string[] } {
  return {
    text: "select set_config('hnsw.ef_search', $1, false), set_config('ivfflat.probes', $2, false)",
    values: [String(wanted.efSearch), String(wanted.probes)],
  };
}

/**
 * The ANN settings the statements of the current async context need on their
 * connection (see {@link toKyselyPool}); unset for statements that read no
 * vector index.
 */
export const wantedAnnSettings = new AsyncLocalStorage<AnnDefaults>();

/**
 * Set while the statements of the current async context must be planned for
 * their bound values every time: they run unnamed, never as a prepared
 * statement whose generic plan could not use a partial index such as a
 * project's own HNSW graph (`WHERE project_id = <id>`).
 */
export const customPlans = new AsyncLocalStorage<true>();

/** Whether two sets of session-level ANN settings are the same. */
export const sameAnnSettings = (a: AnnDefaults, b: AnnDefaults): boolean =>
  a.efSearch === b.efSearch && a.probes === b.probes;

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
  /**
   * The project is small enough (at most {@link EXACT_SCAN_MAX_ROWS}
   * memories by the planner's statistics) and has no graph of its own: a
   * semantic search, and the semantic leg of a hybrid one, scan its rows exactly, which finds every neighbour in
   * about the time an index scan takes (see `EXACT_SCAN_MAX_ROWS`).
   */
  readonly exact: boolean;
}

/**
 * Up to this many memories in a project, a semantic search without a
 * per-query `efSearch`/`probes` compares the query with each of them instead
 * of asking the ANN index: the exact answer, where the index would search the
 * whole table's graph for the few neighbours of a small project. Measured
 * (`pnpm bench:crossover`, 768-d, projects beside 20,000 other memories,
 * p50): up to 3,000 rows the exact scan took 1.3–4.6 ms against 1.2–12.4 ms
 * through the index, which found recall@10 0.88–0.92 at 3,000 rows; at 8,000
 * the index is twice as fast. A half-precision index also tempts the planner
 * into the shared graph for small projects: 10K memories in 10 projects,
 * 7.2 ms at recall@10 0.95 before, 3.2–4.7 ms at 1.00 exact
 * (`pnpm bench:layout`).
 */
export const EXACT_SCAN_MAX_ROWS = 3_000;

/** `hnsw.ef_search` is raised to the rows wanted (pgvector returns at most ef_search rows per pass). */
function resolveAnnSettings(session: Session, settings: AnnSettings): ResolvedAnnSettings {
  const defaults = annDefaultsOf(session.env.options);
  return {
    efSearch: Math.min(
      Math.max(settings.efSearch ?? defaults.efSearch, settings.wanted),
      PGVECTOR_MAX_EF_SEARCH,
    ),
    probes: settings.probes ?? defaults.probes,
    projectGraph: false,
    exact: false,
  };
}

/**
 * A project holding a share s of the rows has about s·ef of its own rows among
 * the ef neighbours an HNSW pass finds; for `limit` of them with good recall
 * the scan should find HEADROOM·limit/s.
 */
const FILTER_HEADROOM = 2;

/** What a search asks of the index. */
export interface AnnQuery extends AnnSettings {
  /** Rows the caller wants back. */
  readonly limit: number;
}

/**
 * What a validated search asks of the index: its `efSearch`/`probes`, its
 * limit, and the rows wanted from the index — the limit for semantic search,
 * the candidates per leg for hybrid search, `k` per source for neighbours.
 */
export function annQueryOf(
  options: NormalizedSemanticOptions | NormalizedHybridOptions | NormalizedNeighbourOptions,
): AnnQuery {
  const limit = 'k' in options ? options.k : options.limit;
  return {
    efSearch: options.efSearch,
    probes: options.probes,
    wanted: 'candidates' in options ? options.candidates : limit,
    limit,
  };
}

/**
 * The ANN settings of a search in `projectId`. A project with its own HNSW
 * graph (`PostgresStore.buildProjectGraphs`) is searched there, with the
 * plain settings; a small one is scanned exactly by a semantic search
 * (`exact`, see {@link EXACT_SCAN_MAX_ROWS}). Otherwise, without a per-query `efSearch`, an HNSW scan of
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
  const index = session.env.options.vectorIndex.type;
  if (index === 'none') return resolved;
  // Inside a transaction the caller holds a connection: do not wait for another one.
  const scope = await session.env.projectShares.scope(projectId, session.depth === 0);
  if (scope.graph) return { ...resolved, projectGraph: true };
  const tuned = query.efSearch !== undefined || query.probes !== undefined;
  const exact = !tuned && scope.rows !== null && scope.rows <= EXACT_SCAN_MAX_ROWS;
  if (index !== 'hnsw' || query.efSearch !== undefined || scope.share >= 1)
    return { ...resolved, exact };
  const needed = Math.min(
    Math.ceil((FILTER_HEADROOM * query.limit) / scope.share),
    PGVECTOR_MAX_EF_SEARCH,
  );
  return { ...resolved, exact, efSearch: Math.max(needed, resolved.efSearch) };
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
export function withAnnSettings<T>(
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
