import { sql } from 'kysely';
import type { TableName } from './schema.js';
import type { Session } from './session.js';

/** A table to ANALYZE, with the columns to sample (default all). */
interface AnalyzedTable {
  readonly table: TableName;
  readonly columns?: readonly string[];
}

/**
 * Tables whose statistics {@link FreshStatistics} refreshes together. Of
 * `memory_vectors`, the columns searches filter on: the equality operator
 * ANALYZE would use on the vectors costs 0.5 s at 12,500 rows (these four
 * columns: 0.1 s).
 */
export const STATISTICS_GROUPS = {
  code: [
    { table: 'code_metadata' },
    { table: 'code_dependencies' },
    { table: 'code_unresolved_dependencies' },
    { table: 'code_unresolved_references' },
  ],
  memories: [
    {
      table: 'memory_vectors',
      columns: ['project_id', 'memory_type', 'consolidation_state', 'created_at'],
    },
    // Only the project: the vectors' own statistics would cost what the note above says.
    { table: 'memory_embeddings', columns: ['project_id'] },
    { table: 'memory_text_index' },
  ],
} as const satisfies Record<string, readonly AnalyzedTable[]>;

/** A group of tables of {@link STATISTICS_GROUPS}. */
export type StatisticsGroup = keyof typeof STATISTICS_GROUPS;

/** Rows written into a group before its first ANALYZE. */
export const FIRST_ANALYZE_ROWS = 1_000;

/**
 * Keeps the planner's statistics of the tables this store fills quickly
 * up to date, without waiting for autovacuum. Autovacuum looks at a table
 * at most once a minute (`autovacuum_naptime`), so tables created and
 * filled in one run (a first code index writes 12,511 entities and 31,000
 * references in 30 s) are planned as if empty meanwhile. Those plans scan
 * all of the project's rows at every call: per file, `replaceFile`'s
 * lookups grew from 0.1 ms to 4 ms, and its pending-edge resolution to
 * 11 ms, as the project grew. With ANALYZE as the tables grow, the write
 * phase of that index took 7.2 s instead of 13.0 s (without HNSW upkeep).
 *
 * A group is ANALYZEd when the rows this store wrote into it since the last
 * ANALYZE reach the rows it wrote before (and {@link FIRST_ANALYZE_ROWS}): a
 * doubling, so n rows cost about log2(n / 1,000) ANALYZEs, each sampling at
 * most 30,000 rows per table. Inside a transaction, ANALYZE sees the
 * transaction's own rows. `SKIP_LOCKED`: a table that another session is
 * analysing (or vacuuming) is left to it instead of waited for.
 *
 * @example
 * ```ts
 * await session.env.statistics.wrote(session, 'code', rowsWritten);
 * ```
 */
export class FreshStatistics {
  readonly #written = new Map<StatisticsGroup, number>();
  readonly #analyzed = new Map<StatisticsGroup, number>();

  /** Counts `rows` written into `group`, and ANALYZEs the group when they are due. */
  async wrote(session: Session, group: StatisticsGroup, rows: number): Promise<void> {
    if (rows <= 0) return;
    const written = (this.#written.get(group) ?? 0) + rows;
    const analyzed = this.#analyzed.get(group) ?? 0;
    if (written < Math.max(FIRST_ANALYZE_ROWS, analyzed)) {
      this.#written.set(group, written);
      return;
    }
    this.#written.set(group, 0);
    this.#analyzed.set(group, analyzed + written);
    const tables = STATISTICS_GROUPS[group].map((entry: AnalyzedTable) =>
      entry.columns === undefined
        ? session.table(entry.table)
        : sql`${session.table(entry.table)} (${sql.join(entry.columns.map((c) => sql.id(c)))})`,
    );
    await sql`analyze (skip_locked) ${sql.join(tables)}`.execute(session.raw);
  }
}
