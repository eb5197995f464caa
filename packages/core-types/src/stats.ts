import type { ConsolidationState } from './consolidation.js';
import type { EpisodeConsolidationStatus } from './episode.js';
import type { RecordTable } from './records.js';

/** Options of `store.stats()`. */
export interface StatsOptions {
  /** Count only this project's rows; default the whole database. Size and indexes are always the database's. */
  readonly projectId?: number;
}

/** One index a backend relies on, and whether it can serve queries. */
export interface IndexHealth {
  readonly name: string;
  /** The table it indexes. */
  readonly table: string;
  /** `btree`, `gin`, `hnsw`, `ivfflat`, `fts5`, `vec0`, … */
  readonly kind: string;
  /** False when the backend expects the index but it is missing. */
  readonly present: boolean;
  /**
   * Whether it can serve queries: PostgreSQL's `indisvalid` and `indisready`
   * (an interrupted concurrent build leaves an invalid index); for an index
   * kept in a table of its own (SQLite's vec0 and FTS5, PostgreSQL's keyword
   * table), that it holds exactly one entry per memory.
   */
  readonly valid: boolean;
  /** Why it is missing or invalid, when it is. */
  readonly problem?: string;
}

/** How many memories carry vectors of one embedding model. */
export interface EmbeddingModelCount {
  /** `null`: memories stored without a model id. */
  readonly model: string | null;
  readonly memories: number;
}

/**
 * What `store.stats()` reports: row counts, consolidation states, embedding
 * models, the database's size and the health of its indexes. Never contains
 * secrets.
 */
export interface StoreStats {
  readonly backend: string;
  readonly schemaVersion: number;
  readonly embeddingDimension: number;
  /** The project counted, or `null` for the whole database. */
  readonly projectId: number | null;
  /** Rows per table. */
  readonly counts: Readonly<Record<RecordTable, number>>;
  /** Memories per consolidation state (every state present, 0 when none). */
  readonly memoriesByState: Readonly<Record<ConsolidationState, number>>;
  /** Episodic events per consolidation status. */
  readonly episodesByStatus: Readonly<Record<EpisodeConsolidationStatus, number>>;
  /** Memories per embedding model, most memories first. */
  readonly embeddingModels: readonly EmbeddingModelCount[];
  /**
   * Bytes the whole database occupies: SQLite's file with its WAL;
   * PostgreSQL's tables, indexes and TOAST in the store's schema.
   */
  readonly sizeBytes: number;
  /** Every index the backend expects, plus any other ANN index found. */
  readonly indexes: readonly IndexHealth[];
}

/** One schema migration of a backend. */
export interface MigrationInfo {
  readonly version: number;
  readonly name: string;
}

/** A migration the database has applied. */
export interface AppliedMigration extends MigrationInfo {
  /** When it was applied, when the backend recorded it. */
  readonly appliedAt: Date | null;
}

/** Where a database's schema stands: what `store.migrationStatus()` reports. */
export interface MigrationStatus {
  readonly backend: string;
  /** Whether the database holds an Athena schema at all (false: a new file or schema). */
  readonly initialised: boolean;
  /** The highest applied version; 0 when none. */
  readonly currentVersion: number;
  /** The version this release of the backend migrates to. */
  readonly latestVersion: number;
  readonly applied: readonly AppliedMigration[];
  /** What `init()` would apply, in order. */
  readonly pending: readonly MigrationInfo[];
}

/** Options of `store.bulkLoad()`. */
export interface BulkLoadOptions {
  /**
   * How many memories the load will insert. A backend may use it to build
   * its indexes once after the load instead of maintaining them row by row
   * (PostgreSQL does when the load is at least as large as the table).
   */
  readonly memories?: number;
}
