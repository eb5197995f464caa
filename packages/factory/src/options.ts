import type { Environment } from '@athena/core-types';
import type { StoreLogger } from './line-logger.js';

export type { StoreLogger } from './line-logger.js';

/** The backends the factory can build (see its registry). */
export type BackendName = 'sqlite' | 'postgres' | 'pglite';

/** What happens when a backend detected from the environment cannot be used. */
export type FallbackMode = 'sqlite' | 'none';

/** SQLite settings given in code; each wins over its environment variable. */
export interface SqliteSettings {
  /** The database file; else `ATHENA_SQLITE_PATH`; default `~/.athena/memory.db`. */
  readonly path?: string;
  /** `SqliteStoreOptions.mmapSizeBytes`: bytes of the file read through a memory map (0: none). */
  readonly mmapSizeBytes?: number;
}

/** PostgreSQL settings given in code; each wins over its environment variable. */
export interface PostgresSettings {
  /** A postgres:// URL; wins over the discrete fields. */
  readonly connectionString?: string;
  readonly host?: string;
  readonly port?: number;
  readonly database?: string;
  readonly user?: string;
  readonly password?: string;
  readonly poolMin?: number;
  readonly poolMax?: number;
  /** Schema for Athena's tables; else `ATHENA_POSTGRES_SCHEMA`; default `public`. */
  readonly schema?: string;
  /** How long to wait for a connection; default 5000. */
  readonly connectionTimeoutMs?: number;
}

/** PGlite settings given in code; each wins over its environment variable. */
export interface PgliteSettings {
  /**
   * The database directory (created when missing), or `memory://`; else
   * `ATHENA_PGLITE_PATH`; default `~/.athena/pglite`. Giving it selects PGlite.
   */
  readonly dataDir?: string;
}

/** Options of `createStore()`: explicit values win over the environment, which wins over defaults. */
export interface CreateStoreOptions {
  /**
   * The backend; otherwise `ATHENA_DB_TYPE`, then auto-detection. A backend
   * chosen by either is never replaced by a fallback: if it cannot be used,
   * `createStore()` throws.
   */
  readonly type?: BackendName;
  readonly sqlite?: SqliteSettings;
  readonly postgres?: PostgresSettings;
  readonly pglite?: PgliteSettings;
  /** Dimension of a new database; an existing database keeps its own. */
  readonly embeddingDimension?: number;
  /**
   * When a backend detected from its settings (say `ATHENA_DATABASE_URL`)
   * cannot be used: `sqlite` (default) opens the SQLite file instead with a
   * warning, `none` throws. Else `ATHENA_FALLBACK`.
   */
  readonly fallback?: FallbackMode;
  /** Environment to read; default `process.env`. */
  readonly env?: Environment;
  /**
   * Receives the fallback warning and the PostgreSQL store's warnings
   * (retries, pool errors), each with its facts as `meta`; default `console.warn`.
   */
  readonly logger?: StoreLogger;
  /**
   * Call `init()` (connect, migrate) before returning; default true. With
   * `false` the store is returned unopened — to read `migrationStatus()`
   * before migrating — and there is no fallback: whether a server is
   * reachable is only known once the store is used.
   */
  readonly initialize?: boolean;
}
