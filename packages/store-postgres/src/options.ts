import { ValidationError } from '@athena/core-types';
import { PGVECTOR_MAX_EF_SEARCH, PGVECTOR_MAX_INDEXED_DIMENSIONS } from './limits.js';
import type { PoolLike, PostgresDriver } from './pool.js';

/** How the store reaches PostgreSQL: a URL, discrete settings, or a pool the caller owns. */
export type PostgresConnection =
  | { readonly connectionString: string }
  | {
      readonly host: string;
      readonly port?: number;
      readonly database: string;
      readonly user: string;
      readonly password?: string;
    }
  /** The store never ends an injected pool; `close()` only stops using it. */
  | { readonly pool: PoolLike }
  /** Another engine's driver (PGlite's): it opens the pool, the store releases it on `close()`. */
  | { readonly driver: PostgresDriver };

/**
 * What the ANN index holds of each vector. `full` (the default): the 32-bit
 * vectors. `half`: the vector normalised and cast to `halfvec` (16-bit
 * floats), half the index; searches take twice the candidates by the
 * half-precision distance and return the best by the full-precision one
 * (rescoring). Half pays off on large projects (100K memories: a 195 instead
 * of 391 MiB graph, faster p95) and costs on small ones, where the planner
 * then prefers the graph to sorting the project's rows (10K memories in 10
 * projects: 2.2 → 7.2 ms, recall@10 1.00 → 0.95; `pnpm bench:layout`).
 */
export type VectorIndexPrecision = 'half' | 'full';

/** The ANN index on `memory_vectors.embedding` (cosine distance). */
export type VectorIndexOptions =
  | {
      readonly type: 'hnsw';
      readonly m?: number;
      readonly efConstruction?: number;
      readonly precision?: VectorIndexPrecision;
    }
  /** Built only once `minRows` memories exist: IVFFlat centroids of an empty table are useless. */
  | {
      readonly type: 'ivfflat';
      readonly lists?: number;
      readonly minRows?: number;
      readonly precision?: VectorIndexPrecision;
    }
  | { readonly type: 'none' };

/**
 * Hot standbys that serve reads (see `readReplicas`). Each gets a pool of its
 * own, sized like the primary's.
 */
export interface ReadReplicaOptions {
  /** `postgres://` URLs of the replicas, streaming from the primary. */
  readonly urls: readonly string[];
  /**
   * A replica whose replay is further behind than this is taken out of
   * rotation until it catches up; default 10 000 ms.
   */
  readonly maxLagMs?: number;
  /**
   * How long a read after a write through this store waits for a replica
   * to replay that write before it goes to the primary instead; default
   * 200 ms (0: straight to the primary).
   */
  readonly readYourWritesTimeoutMs?: number;
  /** How often each replica's state and lag are checked; default 2 000 ms. */
  readonly checkIntervalMs?: number;
}

/** A pooler between the store and PostgreSQL, by how it shares server connections (see `connectionPooler`). */
export type ConnectionPooler = 'session' | 'transaction';

/** How much longer than the server's `statement_timeout` the client waits by default. */
const QUERY_TIMEOUT_GRACE_MS = 5_000;

/** Settings shared by every kind of connection. */
export interface PostgresStoreCommonOptions {
  /** Schema holding Athena's tables; default `public`. Created when missing. */
  readonly schema?: string;
  /** Dimension of a NEW database (default 768); an existing database must match. */
  readonly embeddingDimension?: number;
  /** Own pool only: default 2. */
  readonly poolMin?: number;
  /** Own pool only: default 10. */
  readonly poolMax?: number;
  /** Own pool only: how long to wait for a connection; default 10 000 ms. */
  readonly connectionTimeoutMs?: number;
  /** Own pool only: idle connections close after this long; default 30 000 ms. */
  readonly idleTimeoutMs?: number;
  /** Own pool only: server-side `statement_timeout`; default none. */
  readonly statementTimeoutMs?: number;
  /**
   * Own pool only: client-side deadline of every statement, for a server that
   * stops answering (frozen, or a network that drops packets): the statement
   * fails with `BackendUnavailableError` and its connection is discarded.
   * Default `statementTimeoutMs` + 5 000 ms when that is set, else none (index
   * builds and bulk loads may run for minutes).
   */
  readonly queryTimeoutMs?: number;
  /** Text-search configuration of a NEW database; default `english`. */
  readonly textSearchConfig?: string;
  /** Default HNSW with m = 16, ef_construction = 64, full precision. */
  readonly vectorIndex?: VectorIndexOptions;
  /** Default `hnsw.ef_search` of searches (per query: `options.efSearch`); default 40. */
  readonly efSearch?: number;
  /** Default `ivfflat.probes` of searches (per query: `options.probes`); default 10. */
  readonly probes?: number;
  /**
   * Own pool only: run statements as named (server-side) prepared statements,
   * parsed once per connection; default true, false behind a transaction
   * pooler (`connectionPooler: 'transaction'`; PgBouncer before 1.21 cannot
   * carry them, 1.21+ can with `max_prepared_statements` set).
   */
  readonly preparedStatements?: boolean;
  /**
   * What the connection string reaches when it is not PostgreSQL itself: a
   * pooler such as PgBouncer, Supavisor or RDS Proxy. Such poolers refuse
   * the startup parameters the store otherwise sends (`options`,
   * `statement_timeout`). `'session'`: a connection keeps its server
   * connection, and the store sets its session settings with one statement
   * when it opens. `'transaction'`: each transaction may run on another
   * server connection, so nothing is kept per session: searches set their
   * ANN settings with `SET LOCAL` in a short transaction, statements run
   * unnamed unless `preparedStatements` is true, schema changes hold their
   * advisory lock in a transaction of their own (hence `poolMax` ≥ 2), and
   * `statementTimeoutMs` is refused (set it on the role or database).
   * Default: none (a direct connection).
   */
  readonly connectionPooler?: ConnectionPooler;
  /**
   * Read replicas (hot standbys streaming from the primary): searches, gets,
   * lists and counts outside a transaction go to one of them in turn;
   * writes, transactions and everything `init()` does go to the primary.
   * After a write through this store, a read waits (at most
   * `readYourWritesTimeoutMs`) until a replica has replayed it, else reads
   * the primary. A replica that fails or lags is taken out of rotation (the
   * read goes to the primary, no error) and put back once healthy. URLs
   * alone, or with the policy. Not with `driver` (PGlite has no replicas).
   */
  readonly readReplicas?: readonly string[] | ReadReplicaOptions;
  /** Retry of transient failures; default 3 attempts, 50 ms base delay, 2 000 ms cap. */
  readonly retry?: {
    readonly attempts?: number;
    readonly baseDelayMs?: number;
    readonly maxDelayMs?: number;
  };
  /**
   * Receives warnings — pool errors, retries, deferred index builds — as a
   * fixed message and the facts as `meta` (a retry: `operation`, `attempt`,
   * the driver's `code` when it has one, `error`). Default: none.
   */
  readonly logger?: {
    /** One warning: the fixed `message` and its facts. */
    warn(message: string, meta?: Record<string, unknown>): void;
  };
}

/** Options of {@link PostgresStore}: one kind of connection plus common settings. */
export type PostgresStoreOptions = PostgresConnection & PostgresStoreCommonOptions;

/** Options after validation, with every default applied. Frozen. */
export interface ResolvedOptions {
  readonly connection: PostgresConnection;
  readonly schema: string;
  /** `undefined` when the caller did not choose: an existing database decides, else the default. */
  readonly embeddingDimension: number | undefined;
  readonly poolMin: number;
  readonly poolMax: number;
  readonly connectionTimeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly statementTimeoutMs: number | undefined;
  readonly queryTimeoutMs: number | undefined;
  readonly textSearchConfig: string;
  readonly vectorIndex:
    | {
        readonly type: 'hnsw';
        readonly m: number;
        readonly efConstruction: number;
        readonly precision: VectorIndexPrecision;
      }
    | {
        readonly type: 'ivfflat';
        readonly lists: number;
        readonly minRows: number;
        readonly precision: VectorIndexPrecision;
      }
    | { readonly type: 'none' };
  readonly efSearch: number;
  readonly probes: number;
  readonly preparedStatements: boolean;
  /** `none`: a direct connection. */
  readonly connectionPooler: ConnectionPooler | 'none';
  /** `null` without replicas. */
  readonly readReplicas: ResolvedReadReplicas | null;
  readonly retry: {
    readonly attempts: number;
    readonly baseDelayMs: number;
    readonly maxDelayMs: number;
  };
  /** The caller's logger, or one that drops every warning. */
  readonly logger: {
    /** One warning: the fixed `message` and its facts. */
    warn(message: string, meta?: Record<string, unknown>): void;
  };
}

/** {@link ReadReplicaOptions} with every default applied. */
export interface ResolvedReadReplicas {
  readonly urls: readonly string[];
  readonly maxLagMs: number;
  readonly readYourWritesTimeoutMs: number;
  readonly checkIntervalMs: number;
}

/** Identifiers we put into DDL: plain lower-case names, so quoting is never ambiguous. */
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
/** A text-search configuration name, optionally schema-qualified. */
const REGCONFIG = /^([a-z_][a-z0-9_]{0,62}\.)?[a-z_][a-z0-9_]{0,62}$/;

function invalid(field: string, message: string): ValidationError {
  return new ValidationError(`invalid PostgresStore options: ${field} ${message}`, [
    { path: field, message },
  ]);
}

function integer(
  value: unknown,
  field: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(field, `must be an integer in ${min}–${max}`);
  }
  return value;
}

function optionalInteger(
  value: unknown,
  field: string,
  min: number,
  max: number,
): number | undefined {
  return value === undefined ? undefined : integer(value, field, min, min, max);
}

function flag(value: unknown, field: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw invalid(field, 'must be a boolean');
  return value;
}

function text(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0)
    throw invalid(field, 'must be a non-empty string');
  return value;
}

/**
 * Reads `url` as pg does (pg-connection-string: spaces and stray `%` encoded,
 * then WHATWG URL parsing, retried with a placeholder for an empty host), so
 * a URL pg could never connect with — a port outside 1–65535 above all — is
 * a ValidationError here rather than a StorageError at `init()`. The message
 * never repeats the URL: it may hold a password.
 */
function checkUrlPort(url: string, field = 'connectionString'): void {
  const encoded = / |%[^a-f0-9]|%[a-f0-9][^a-f0-9]/i.test(url)
    ? encodeURI(url).replace(/%25(\d\d)/g, '%$1')
    : url;
  const problem =
    'must be a URL pg can read: a port in 1–65535, reserved characters of the user and password percent-encoded';
  let port: string;
  try {
    port = new URL(encoded).port;
  } catch {
    try {
      port = new URL(encoded.replace('@/', '@___DUMMY___/')).port;
    } catch {
      throw invalid(field, problem);
    }
  }
  if (port !== '' && Number(port) < 1) throw invalid(field, problem);
}

/** A URL pg can connect with, or a ValidationError naming `field` (never the URL). */
function postgresUrl(value: unknown, field: string): string {
  const url = text(value, field);
  if (!/^postgres(ql)?:\/\//.test(url))
    throw invalid(field, 'must be a postgres:// or postgresql:// URL');
  checkUrlPort(url, field);
  return url;
}

function isUrlList(value: unknown): value is readonly string[] {
  return Array.isArray(value);
}

function resolveReadReplicas(
  value: PostgresStoreOptions['readReplicas'],
  connection: PostgresConnection,
): ResolvedReadReplicas | null {
  if (value === undefined) return null;
  const policy: { readonly urls?: unknown } & Omit<Partial<ReadReplicaOptions>, 'urls'> = isUrlList(
    value,
  )
    ? { urls: value }
    : value !== null && typeof value === 'object'
      ? value
      : {};
  if (!Array.isArray(policy.urls) || policy.urls.length === 0)
    throw invalid('readReplicas', 'must be a non-empty array of URLs, or { urls, … } with one');
  if ('driver' in connection)
    throw invalid(
      'readReplicas',
      'need a PostgreSQL server: a driver-opened engine such as PGlite has no replicas',
    );
  return Object.freeze({
    urls: Object.freeze(
      policy.urls.map((url: unknown, i) => postgresUrl(url, `readReplicas.urls[${i}]`)),
    ),
    maxLagMs: integer(policy.maxLagMs, 'readReplicas.maxLagMs', 10_000, 1, 86_400_000),
    readYourWritesTimeoutMs: integer(
      policy.readYourWritesTimeoutMs,
      'readReplicas.readYourWritesTimeoutMs',
      200,
      0,
      60_000,
    ),
    checkIntervalMs: integer(
      policy.checkIntervalMs,
      'readReplicas.checkIntervalMs',
      2_000,
      10,
      3_600_000,
    ),
  });
}

function resolveConnectionPooler(
  options: PostgresStoreOptions,
  connection: PostgresConnection,
  poolMax: number,
): ConnectionPooler | 'none' {
  const value: unknown = options.connectionPooler;
  if (value === undefined) return 'none';
  if (value !== 'session' && value !== 'transaction')
    throw invalid('connectionPooler', "must be 'session' or 'transaction'");
  if ('driver' in connection)
    throw invalid('connectionPooler', 'needs a PostgreSQL server, not a driver-opened engine');
  if (value === 'transaction' && options.statementTimeoutMs !== undefined) {
    throw invalid(
      'statementTimeoutMs',
      "cannot be set behind a transaction pooler (connectionPooler: 'transaction'): set statement_timeout on the role or database instead",
    );
  }
  if (value === 'transaction' && !('pool' in connection) && poolMax < 2) {
    throw invalid(
      'poolMax',
      'must be at least 2 behind a transaction pooler: a schema change holds its lock on one connection and works on another',
    );
  }
  return value;
}

function resolveConnection(options: PostgresStoreOptions): PostgresConnection {
  const kinds = ['connectionString', 'host', 'pool', 'driver'].filter((key) => key in options);
  if (kinds.length !== 1) {
    throw invalid(
      'connection',
      'needs exactly one of connectionString, host (with database and user), pool or driver',
    );
  }
  if ('driver' in options) {
    const driver: unknown = options.driver;
    if (
      driver === null ||
      typeof driver !== 'object' ||
      typeof (driver as PostgresDriver).openPool !== 'function'
    ) {
      throw invalid('driver', 'must have an openPool() method');
    }
    return Object.freeze({ driver: options.driver });
  }
  if ('pool' in options) {
    const pool: unknown = options.pool;
    if (
      pool === null ||
      typeof pool !== 'object' ||
      typeof (pool as PoolLike).connect !== 'function' ||
      typeof (pool as PoolLike).query !== 'function'
    ) {
      throw invalid('pool', 'must have connect() and query() methods');
    }
    return Object.freeze({ pool: options.pool });
  }
  if ('connectionString' in options)
    return Object.freeze({
      connectionString: postgresUrl(options.connectionString, 'connectionString'),
    });
  const port = integer(options.port, 'port', 5432, 1, 65_535);
  const discrete = {
    host: text(options.host, 'host'),
    port,
    database: text(options.database, 'database'),
    user: text(options.user, 'user'),
  };
  if (options.password !== undefined && typeof options.password !== 'string') {
    throw invalid('password', 'must be a string');
  }
  return Object.freeze(
    options.password === undefined ? discrete : { ...discrete, password: options.password },
  );
}

function resolvePrecision(value: unknown): VectorIndexPrecision {
  if (value === undefined) return 'full';
  if (value === 'half' || value === 'full') return value;
  throw invalid('vectorIndex.precision', "must be 'half' or 'full'");
}

function resolveVectorIndex(value: VectorIndexOptions | undefined): ResolvedOptions['vectorIndex'] {
  if (value === undefined)
    return Object.freeze({ type: 'hnsw', m: 16, efConstruction: 64, precision: 'full' });
  switch (value.type) {
    case 'hnsw': {
      const m = integer(value.m, 'vectorIndex.m', 16, 2, 100);
      const efConstruction = integer(
        value.efConstruction,
        'vectorIndex.efConstruction',
        64,
        4,
        1000,
      );
      if (efConstruction < 2 * m)
        throw invalid('vectorIndex.efConstruction', 'must be at least 2·m');
      const precision = resolvePrecision(value.precision);
      return Object.freeze({ type: 'hnsw', m, efConstruction, precision });
    }
    case 'ivfflat': {
      const lists = integer(value.lists, 'vectorIndex.lists', 100, 1, 32_768);
      const minRows = integer(
        value.minRows,
        'vectorIndex.minRows',
        10 * lists,
        lists,
        Number.MAX_SAFE_INTEGER,
      );
      const precision = resolvePrecision(value.precision);
      return Object.freeze({ type: 'ivfflat', lists, minRows, precision });
    }
    case 'none':
      return Object.freeze({ type: 'none' });
    default:
      throw invalid('vectorIndex.type', "must be 'hnsw', 'ivfflat' or 'none'");
  }
}

/** Options of `PostgresStore.buildProjectGraphs`. */
export interface ProjectGraphOptions {
  /** A project needs at least this many memories for a graph of its own; default 10,000. */
  readonly minRows?: number;
  /**
   * …and must hold less than this share of all memories; default 0.5. A
   * project holding most of the rows is served as well by the shared graph.
   */
  readonly maxShare?: number;
}

/**
 * Validates {@link ProjectGraphOptions} and applies the defaults.
 *
 * @example
 * ```ts
 * resolveProjectGraphOptions({ minRows: 5_000 }); // { minRows: 5000, maxShare: 0.5 }
 * ```
 */
export function resolveProjectGraphOptions(
  options: ProjectGraphOptions = {},
): Required<ProjectGraphOptions> {
  const fail = (field: string, message: string) =>
    new ValidationError(`invalid buildProjectGraphs options: ${field} ${message}`, [
      { path: field, message },
    ]);
  if (options === null || typeof options !== 'object') throw fail('options', 'must be an object');
  const { minRows = 10_000, maxShare = 0.5 } = options;
  if (!Number.isSafeInteger(minRows) || minRows < 1)
    throw fail('minRows', 'must be a positive integer');
  if (typeof maxShare !== 'number' || !(maxShare > 0 && maxShare <= 1))
    throw fail('maxShare', 'must be a number in (0, 1]');
  return Object.freeze({ minRows, maxShare });
}

const silentLogger = Object.freeze({ warn: () => undefined });

/**
 * Validates {@link PostgresStoreOptions} once and returns a frozen copy with
 * defaults applied. Error messages name the offending field.
 *
 * @example
 * ```ts
 * const resolved = resolveOptions({ connectionString: 'postgres://localhost/athena' });
 * resolved.poolMax; // 10
 * ```
 */
export function resolveOptions(options: PostgresStoreOptions): ResolvedOptions {
  if (options === null || typeof options !== 'object')
    throw invalid('options', 'must be an object');
  const connection = resolveConnection(options);
  const schema = options.schema ?? 'public';
  if (typeof schema !== 'string' || !IDENTIFIER.test(schema)) {
    throw invalid(
      'schema',
      'must be a lower-case identifier ([a-z_][a-z0-9_]*, at most 63 characters)',
    );
  }
  const embeddingDimension = optionalInteger(
    options.embeddingDimension,
    'embeddingDimension',
    1,
    PGVECTOR_MAX_INDEXED_DIMENSIONS,
  );
  const poolMin = integer(options.poolMin, 'poolMin', 2, 0, 1000);
  const poolMax = integer(options.poolMax, 'poolMax', Math.max(10, poolMin), 1, 1000);
  if (poolMin > poolMax) throw invalid('poolMin', 'must not exceed poolMax');
  const textSearchConfig = options.textSearchConfig ?? 'english';
  if (typeof textSearchConfig !== 'string' || !REGCONFIG.test(textSearchConfig)) {
    throw invalid(
      'textSearchConfig',
      'must name a text-search configuration, e.g. english or simple',
    );
  }
  const retry = options.retry ?? {};
  const connectionPooler = resolveConnectionPooler(options, connection, poolMax);
  const resolved: ResolvedOptions = {
    connection,
    schema,
    embeddingDimension,
    poolMin,
    poolMax,
    connectionTimeoutMs: integer(
      options.connectionTimeoutMs,
      'connectionTimeoutMs',
      10_000,
      1,
      3_600_000,
    ),
    idleTimeoutMs: integer(options.idleTimeoutMs, 'idleTimeoutMs', 30_000, 1, 86_400_000),
    statementTimeoutMs: optionalInteger(
      options.statementTimeoutMs,
      'statementTimeoutMs',
      1,
      86_400_000,
    ),
    queryTimeoutMs:
      optionalInteger(options.queryTimeoutMs, 'queryTimeoutMs', 1, 86_400_000) ??
      (options.statementTimeoutMs === undefined
        ? undefined
        : Number(options.statementTimeoutMs) + QUERY_TIMEOUT_GRACE_MS),
    textSearchConfig,
    vectorIndex: resolveVectorIndex(options.vectorIndex),
    efSearch: integer(options.efSearch, 'efSearch', 40, 1, PGVECTOR_MAX_EF_SEARCH),
    probes: integer(options.probes, 'probes', 10, 1, 32_768),
    preparedStatements: flag(
      options.preparedStatements,
      'preparedStatements',
      connectionPooler !== 'transaction',
    ),
    connectionPooler,
    readReplicas: resolveReadReplicas(options.readReplicas, connection),
    retry: Object.freeze({
      attempts: integer(retry.attempts, 'retry.attempts', 3, 1, 20),
      baseDelayMs: integer(retry.baseDelayMs, 'retry.baseDelayMs', 50, 0, 60_000),
      maxDelayMs: integer(retry.maxDelayMs, 'retry.maxDelayMs', 2_000, 0, 600_000),
    }),
    logger: options.logger ?? silentLogger,
  };
  if (options.logger !== undefined && typeof options.logger.warn !== 'function') {
    throw invalid('logger', 'must have a warn(message, meta) method');
  }
  return Object.freeze(resolved);
}
