import type { Environment } from '@athena/core-types';
import type { StoreLogger } from './line-logger.js';

export type { StoreLogger } from './line-logger.js';

/** The backends the factory can build (see its registry). */
export type BackendName = 'sqlite' | 'postgres' | 'pglite';

/** What happens when a backend detected from the environment cannot be used. */
export type FallbackMode = 'sqlite' | 'none';

/** SQLite settings given in code; each wins over its environment variable. */
export interface SqliteSettings {
  /**
   * The database file (`:memory:` for none); its directory is created.
   * Overrides `ATHENA_SQLITE_PATH`; default `~/.athena/memory.db`.
   */
  readonly path?: string;
  /**
   * `SqliteStoreOptions.mmapSizeBytes`: bytes of the file read through a
   * memory map (0: none). No variable; default 1 GiB.
   */
  readonly mmapSizeBytes?: number;
  /**
   * `SqliteStoreOptions.readers`: threads that run searches on several
   * cores, off the event loop (0–64). Overrides `ATHENA_SQLITE_READERS`;
   * default 0.
   */
  readonly readers?: number;
}

/**
 * PostgreSQL settings given in code; each wins over its environment
 * variable. Any of the connection fields (`connectionString`, `host`,
 * `port`, `database`, `user`, `password`) selects PostgreSQL.
 */
export interface PostgresSettings {
  /**
   * A `postgres://` URL; wins over the discrete fields. Overrides
   * `ATHENA_DATABASE_URL` (alias `DATABASE_URL`); no default.
   */
  readonly connectionString?: string;
  /** The server's host. Overrides `ATHENA_POSTGRES_HOST`; default `localhost`. */
  readonly host?: string;
  /** The server's port (1–65535). Overrides `ATHENA_POSTGRES_PORT`; default 5432. */
  readonly port?: number;
  /** The database. Overrides `ATHENA_POSTGRES_DB`; default `athena`. */
  readonly database?: string;
  /** The role. Overrides `ATHENA_POSTGRES_USER`; default `postgres`. */
  readonly user?: string;
  /** The role's password, never logged. Overrides `ATHENA_POSTGRES_PASSWORD`; no default. */
  readonly password?: string;
  /** Minimum pool size (0–1000). Overrides `ATHENA_POSTGRES_POOL_MIN`; default 2. */
  readonly poolMin?: number;
  /**
   * Maximum pool size (1–1000). Overrides `ATHENA_POSTGRES_POOL_MAX`;
   * default 10, or `poolMin` if that is larger.
   */
  readonly poolMax?: number;
  /**
   * Schema of Athena's tables, created when missing. Overrides
   * `ATHENA_POSTGRES_SCHEMA`; default `public`.
   */
  readonly schema?: string;
  /** How long to wait for a connection, in ms (1–600000). No variable; default 5000. */
  readonly connectionTimeoutMs?: number;
  /**
   * `postgres://` URLs of read replicas (hot standbys of the primary):
   * reads outside transactions go to them, with read-your-writes (see
   * `@athena/store-postgres`). Overrides `ATHENA_POSTGRES_READ_URL`
   * (comma-separated); default none.
   */
  readonly readReplicas?: readonly string[];
  /**
   * The pooling mode of the connection pooler the URLs reach, when they
   * reach one (PgBouncer, Supavisor, RDS Proxy) rather than PostgreSQL (see
   * `connectionPooler` of `@athena/store-postgres`). Overrides
   * `ATHENA_POSTGRES_POOLER`; default none.
   */
  readonly connectionPooler?: 'session' | 'transaction';
}

/** PGlite settings given in code; each wins over its environment variable. */
export interface PgliteSettings {
  /**
   * The database directory (created when missing), or `memory://`; giving it
   * selects PGlite. Overrides `ATHENA_PGLITE_PATH`; default `~/.athena/pglite`.
   */
  readonly dataDir?: string;
}

/**
 * Options of `createStore()`: explicit values win over the environment,
 * which wins over defaults. Every object is checked strictly: an unknown key
 * at any level throws a `ValidationError` naming it (and the option probably
 * meant) before anything is opened or created. The README's table lists
 * them all; `CREATE_STORE_OPTIONS` holds the same as data.
 */
export interface CreateStoreOptions {
  /**
   * The backend. Overrides `ATHENA_DB_TYPE`; default: auto-detection (a
   * PostgreSQL or PGlite setting, else SQLite). A backend chosen by either is
   * never replaced by a fallback: if it cannot be used, `createStore()` throws.
   */
  readonly type?: BackendName;
  /** SQLite's settings (the default backend, and the fallback). */
  readonly sqlite?: SqliteSettings;
  /** PostgreSQL's settings; a connection field selects PostgreSQL. */
  readonly postgres?: PostgresSettings;
  /** PGlite's settings; `dataDir` selects PGlite. */
  readonly pglite?: PgliteSettings;
  /**
   * Vector length of a new database; an existing database keeps its own.
   * Overrides `ATHENA_EMBEDDING_DIM`; default 768.
   */
  readonly embeddingDimension?: number;
  /**
   * When a backend detected from its settings (say `ATHENA_DATABASE_URL`)
   * cannot be used: `sqlite` opens the SQLite file instead with a warning,
   * `none` throws. Overrides `ATHENA_FALLBACK`; default `sqlite`.
   */
  readonly fallback?: FallbackMode;
  /** The environment the variables are read from; default `process.env`. */
  readonly env?: Environment;
  /**
   * Receives the fallback warning and the PostgreSQL store's warnings
   * (retries, pool errors), each with its facts as `meta`. No variable;
   * default `console.warn`.
   */
  readonly logger?: StoreLogger;
  /**
   * Call `init()` (connect, migrate) before returning; default true. With
   * `false` the store is returned unopened — to read `migrationStatus()`
   * before migrating — and there is no fallback: whether a server is
   * reachable is only known once the store is used. No variable.
   */
  readonly initialize?: boolean;
}
