/**
 * The part of a database connection a migration uses: a better-sqlite3
 * `Database` satisfies it. Declared here rather than imported from
 * `@types/better-sqlite3` so that this package's public types need no package
 * a consumer does not install (better-sqlite3 ships no types of its own).
 */
export interface MigrationDatabase {
  /** Runs one or more SQL statements that take no parameters. */
  exec(sql: string): unknown;
  /** Compiles one statement; `run` executes it with positional parameters. */
  prepare(sql: string): {
    /** Executes the statement with `parameters` bound in order. */
    run(...parameters: unknown[]): unknown;
  };
}

/** What a migration may need to know about the database it runs on. */
export interface MigrationContext {
  /** The embedding dimension of this database (vec0 needs it at CREATE time). */
  readonly embeddingDimension: number;
}

/** One schema change. Applied once, in its own transaction, in `version` order. */
export interface Migration {
  /** Its place in the order; the schema version once it is applied. */
  readonly version: number;
  /** A short name, for logs and the migrations table. */
  readonly name: string;
  /** Applies the change; the runner wraps it in a transaction and records `version`. */
  up(db: MigrationDatabase, context: MigrationContext): void;
}
