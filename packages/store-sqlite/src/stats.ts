import { existsSync, statSync } from 'node:fs';
import { CONSOLIDATION_STATES, RECORD_TABLES } from '@athena/core-types';
import type {
  ConsolidationState,
  EmbeddingModelCount,
  IndexHealth,
  RecordTable,
  StoreStats,
} from '@athena/core-types';
import type { Connection } from './connection.js';
import { SQLITE_RECORD_TABLES } from './record-tables.js';

/**
 * The B-tree indexes the migrations create, by name → table. The store's
 * tests check this list against a freshly migrated file, so it cannot drift.
 */
export const EXPECTED_INDEXES: Readonly<Record<string, string>> = Object.freeze({
  memory_vectors_project_id: 'memory_vectors',
  memory_vectors_project_created: 'memory_vectors',
  memory_vectors_project_state: 'memory_vectors',
  memory_vectors_project_session: 'memory_vectors',
  memory_vectors_superseded_by: 'memory_vectors',
  memory_relationships_to: 'memory_relationships',
  memory_relationships_project: 'memory_relationships',
  consolidation_log_memory: 'consolidation_log',
  consolidation_log_project: 'consolidation_log',
  episodic_events_project_time: 'episodic_events',
  episodic_events_project_session: 'episodic_events',
  prospective_goals_project: 'prospective_goals',
  prospective_goals_parent: 'prospective_goals',
  prospective_tasks_project: 'prospective_tasks',
  prospective_tasks_goal: 'prospective_tasks',
  prospective_tasks_parent: 'prospective_tasks',
  code_metadata_memory: 'code_metadata',
  code_metadata_project_qualified_name: 'code_metadata',
  code_unresolved_dependencies_target: 'code_unresolved_dependencies',
  code_unresolved_dependencies_from: 'code_unresolved_dependencies',
  code_unresolved_references_project: 'code_unresolved_references',
  code_unresolved_references_from: 'code_unresolved_references',
  code_dependencies_to: 'code_dependencies',
  code_dependencies_project: 'code_dependencies',
  planning_decisions_project: 'planning_decisions',
  planning_decisions_superseded_by: 'planning_decisions',
  planning_scenarios_decision: 'planning_scenarios',
  planning_scenarios_project: 'planning_scenarios',
  consolidation_runs_project: 'consolidation_runs',
  episodic_events_consolidated_into: 'episodic_events',
});

/**
 * The indexes kept in tables of their own, filled by triggers: each must
 * hold one entry per memory (`count` reads the entries).
 */
const DERIVED_INDEXES: readonly {
  readonly name: string;
  readonly kind: string;
  /** The table whose rows are the entries. */
  readonly entries: string;
}[] = [
  // FTS5 keeps one docsize row per indexed document.
  { name: 'memory_fts', kind: 'fts5', entries: 'memory_fts_docsize' },
  // vec0 keeps one rowids row per vector; counting it reads no vector chunk.
  { name: 'vec_memories', kind: 'vec0', entries: 'vec_memories_rowids' },
  { name: 'memory_bits', kind: 'binary-quantised', entries: 'memory_bits' },
];

function tableExists(c: Connection, name: string): boolean {
  return (
    c.statement("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !==
    undefined
  );
}

function indexHealth(c: Connection, memories: number): IndexHealth[] {
  const present = new Set(
    c.column<string>("SELECT name FROM sqlite_master WHERE type = 'index'").all(),
  );
  const btrees: IndexHealth[] = Object.entries(EXPECTED_INDEXES).map(([name, table]) =>
    present.has(name)
      ? { name, table, kind: 'btree', present: true, valid: true }
      : { name, table, kind: 'btree', present: false, valid: false, problem: 'missing' },
  );
  const derived = DERIVED_INDEXES.map(({ name, kind, entries: table }): IndexHealth => {
    if (!tableExists(c, table)) {
      return {
        name,
        table: 'memory_vectors',
        kind,
        present: false,
        valid: false,
        problem: 'missing',
      };
    }
    const entries = c.column<number>(`SELECT count(*) FROM ${table}`).get() as number;
    return entries === memories
      ? { name, table: 'memory_vectors', kind, present: true, valid: true }
      : {
          name,
          table: 'memory_vectors',
          kind,
          present: true,
          valid: false,
          problem: `${entries} entries for ${memories} memories`,
        };
  });
  return [...btrees, ...derived];
}

/** Bytes of the database file and its write-ahead log. */
function sizeOf(c: Connection, path: string): number {
  const pages = c.db.pragma('page_count', { simple: true }) as number;
  const pageSize = c.db.pragma('page_size', { simple: true }) as number;
  const wal = `${path}-wal`;
  const walBytes = path !== ':memory:' && existsSync(wal) ? statSync(wal).size : 0;
  return pages * pageSize + walBytes;
}

/**
 * Everything `store.stats()` reports, read in one go (the caller holds the
 * connection, so the figures are consistent with each other).
 *
 * @example
 * ```ts
 * const stats = sqliteStats(connection, '/data/memory.db', null);
 * ```
 */
export function sqliteStats(c: Connection, path: string, projectId: number | null): StoreStats {
  const scope = (table: RecordTable) =>
    projectId === null ? '' : ` WHERE ${table === 'projects' ? 'id' : 'project_id'} = @projectId`;
  const params = projectId === null ? {} : { projectId };
  const counts = Object.fromEntries(
    RECORD_TABLES.map((table) => [
      table,
      c
        .column<number>(
          `SELECT count(*) FROM ${SQLITE_RECORD_TABLES[table].sqlTable}${scope(table)}`,
        )
        .get(params) as number,
    ]),
  ) as Record<RecordTable, number>;
  const memoriesByState = Object.fromEntries(
    CONSOLIDATION_STATES.map((state) => [state, 0]),
  ) as Record<ConsolidationState, number>;
  const states = c
    .statement<[Record<string, unknown>], { state: ConsolidationState; n: number }>(
      `SELECT consolidation_state AS state, count(*) AS n FROM memory_vectors${scope('memories')}
       GROUP BY consolidation_state`,
    )
    .all(params);
  for (const { state, n } of states) memoriesByState[state] = n;
  const episodesByStatus = { unconsolidated: 0, consolidated: 0 };
  const statuses = c
    .statement<[Record<string, unknown>], { status: 'unconsolidated' | 'consolidated'; n: number }>(
      `SELECT consolidation_status AS status, count(*) AS n FROM episodic_events${scope('episodes')}
       GROUP BY consolidation_status`,
    )
    .all(params);
  for (const { status, n } of statuses) episodesByStatus[status] = n;
  const embeddingModels = c
    .statement<[Record<string, unknown>], EmbeddingModelCount>(
      `SELECT embedding_model AS model, count(*) AS memories FROM memory_vectors${scope('memories')}
       GROUP BY embedding_model ORDER BY memories DESC, model`,
    )
    .all(params);
  const allMemories =
    projectId === null
      ? counts.memories
      : (c.column<number>('SELECT count(*) FROM memory_vectors').get() as number);
  return {
    backend: 'sqlite',
    schemaVersion: c.schemaVersion,
    embeddingDimension: c.embeddingDimension,
    projectId,
    counts,
    memoriesByState,
    episodesByStatus,
    embeddingModels,
    sizeBytes: sizeOf(c, path),
    indexes: indexHealth(c, allMemories),
  };
}
