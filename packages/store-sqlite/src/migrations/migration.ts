import type { Database } from 'better-sqlite3';

/** What a migration may need to know about the database it runs on. */
export interface MigrationContext {
  /** The embedding dimension of this database (vec0 needs it at CREATE time). */
  readonly embeddingDimension: number;
}

/** One schema change. Applied once, in its own transaction, in `version` order. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  up(db: Database, context: MigrationContext): void;
}
