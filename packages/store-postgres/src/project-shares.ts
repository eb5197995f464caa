import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import { listProjectGraphs } from './vector-index.js';

/** How long planner statistics are trusted before they are read again. */
const REFRESH_MS = 60_000;

interface Shares {
  /** Share of the rows of each project among the most common values. */
  readonly byProject: ReadonlyMap<number, number>;
  /** Share of any other project. */
  readonly other: number;
  /** Projects with a valid HNSW graph of their own (see `buildProjectGraphs`). */
  readonly graphs: ReadonlySet<number>;
  /** Rows of the table by the planner's estimate (`reltuples`); null before the first ANALYZE. */
  readonly rows: number | null;
}

/** What a project-scoped ANN search needs to know about its project (see `ProjectShares.scope`). */
export interface ProjectScope {
  /** Estimated share of all memories the project holds, in (0, 1]. */
  readonly share: number;
  /** The project has a valid HNSW graph of its own. */
  readonly graph: boolean;
  /** Estimated memories of the project (share × the table's rows); null when unknown. */
  readonly rows: number | null;
}

/** Every project holds all rows: what the store assumes without statistics. */
const UNKNOWN: Shares = Object.freeze({
  byProject: new Map<number, number>(),
  other: 1,
  graphs: new Set<number>(),
  rows: null,
});

/**
 * The share of `memory_vectors` rows each project holds, estimated from the
 * planner's statistics (`pg_stats`, kept by ANALYZE and autovacuum), and
 * which projects have their own HNSW graph, cached. A project filter on an HNSW scan discards the other projects'
 * neighbours, so a smaller share needs a larger `ef_search` for the same
 * recall. Read once before the first use, then refreshed in the background
 * every minute; a failed read means "unknown" (share 1), never a failed
 * search.
 *
 * @example
 * ```ts
 * const shares = new ProjectShares(db, 'public');
 * await shares.scope(projectId); // { share: 0.1, graph: false } for 10 % of the memories
 * ```
 */
export class ProjectShares {
  /** The pool, never a transaction's connection: a background refresh outlives the call. */
  readonly #db: Kysely<Database>;
  readonly #schema: string;
  #shares: Shares | null = null;
  #loadedAt = Number.NEGATIVE_INFINITY;
  #loading: Promise<void> | null = null;

  constructor(db: Kysely<Database>, schema: string) {
    this.#db = db;
    this.#schema = schema;
  }

  /**
   * What a search in `projectId` needs to know: the estimated share of the
   * rows it holds, in (0, 1], and whether it has its own HNSW graph. The
   * first call waits for the statistics unless `wait` is false (a caller
   * holding a connection of a small pool must not wait for another one).
   */
  async scope(projectId: number, wait = true): Promise<ProjectScope> {
    if (performance.now() - this.#loadedAt > REFRESH_MS) {
      this.#loading ??= this.#load().finally(() => {
        this.#loading = null;
      });
      if (this.#shares === null && wait) await this.#loading;
    }
    const shares = this.#shares ?? UNKNOWN;
    const share = shares.byProject.get(projectId) ?? shares.other;
    return {
      share,
      graph: shares.graphs.has(projectId),
      rows: shares.rows === null ? null : Math.round(share * shares.rows),
    };
  }

  /** Reads the statistics and the project graphs again now (after graphs were built or dropped). */
  async refresh(): Promise<void> {
    await this.#loading;
    await this.#load();
  }

  async #load(): Promise<void> {
    try {
      const { rows } = await sql<{
        vals: (string | number)[] | null;
        freqs: number[] | null;
        n_distinct: number;
      }>`
        select cast(cast(most_common_vals as text) as bigint[]) as vals,
          most_common_freqs as freqs, n_distinct
        from pg_stats
        where schemaname = ${this.#schema} and tablename = 'memory_vectors'
          and attname = 'project_id'`.execute(this.#db);
      const graphs = await listProjectGraphs(this.#db, this.#schema);
      // -1 (PostgreSQL 14+) or 0 with no pages: never ANALYZEd or VACUUMed, so unknown.
      const { rows: sizes } = await sql<{ reltuples: number; relpages: number }>`
        select c.reltuples, c.relpages from pg_class c
        join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = ${this.#schema} and c.relname = 'memory_vectors'`.execute(this.#db);
      const size = sizes[0];
      this.#shares = {
        ...toShares(rows[0]),
        graphs: new Set([...graphs].filter(([, graph]) => graph.valid).map(([id]) => id)),
        rows:
          size === undefined || size.reltuples < 0 || (size.reltuples === 0 && size.relpages === 0)
            ? null
            : size.reltuples,
      };
    } catch {
      this.#shares = UNKNOWN;
    }
    this.#loadedAt = performance.now();
  }
}

function toShares(
  row: { vals: (string | number)[] | null; freqs: number[] | null; n_distinct: number } | undefined,
): Omit<Shares, 'graphs' | 'rows'> {
  if (row === undefined) return UNKNOWN;
  const vals = row.vals ?? [];
  const freqs = row.freqs ?? [];
  const byProject = new Map(vals.map((value, i) => [Number(value), freqs[i] ?? 0]));
  // A negative n_distinct is a fraction of the rows: nearly every row its own project.
  const distinct = row.n_distinct >= 0 ? row.n_distinct : Number.POSITIVE_INFINITY;
  const rest = Math.max(0, 1 - freqs.reduce((sum, f) => sum + f, 0));
  const others = distinct - vals.length;
  const other = others >= 1 ? rest / others : rest > 0 ? rest : 1;
  return { byProject, other: Math.min(1, Math.max(other, 1e-6)) };
}
