import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  ATHENA_VARIABLES,
  findVariable,
  parseVariable,
  readVariable,
  redactUrl,
  ValidationError,
} from '@athena/core-types';
import type { AthenaVariableName, Environment, VariableValue } from '@athena/core-types';

/** The backends the factory can build. */
export type BackendName = 'sqlite' | 'postgres';

/** What happens when PostgreSQL is configured but cannot be used. */
export type FallbackMode = 'sqlite' | 'none';

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
  /** How long to wait for a connection before falling back; default 5000. */
  readonly connectionTimeoutMs?: number;
}

/** Options of `createStore()`: explicit values win over the environment, which wins over defaults. */
export interface CreateStoreOptions {
  /** Force a backend; otherwise `ATHENA_DB_TYPE`, then auto-detection. */
  readonly type?: BackendName;
  readonly sqlite?: {
    readonly path?: string;
    /** `SqliteStoreOptions.mmapSizeBytes`: bytes of the file read through a memory map (0: none). */
    readonly mmapSizeBytes?: number;
  };
  readonly postgres?: PostgresSettings;
  /** Dimension of a new database; an existing database keeps its own. */
  readonly embeddingDimension?: number;
  readonly fallback?: FallbackMode;
  /** Environment to read; default `process.env`. */
  readonly env?: Environment;
  /**
   * Receives the fallback warning and the PostgreSQL store's warnings
   * (retries, pool errors), each with its facts as `meta`; default `console.warn`.
   */
  readonly logger?: { warn(message: string, meta?: Record<string, unknown>): void };
  /**
   * Call `init()` (connect, migrate) before returning; default true. With
   * `false` the store is returned unopened — to read `migrationStatus()`
   * before migrating — and there is no fallback: PostgreSQL's
   * reachability is only known once it is used.
   */
  readonly initialize?: boolean;
}

/** Resolved PostgreSQL connection settings. `display` is safe to print. */
export interface ResolvedPostgres {
  readonly connection:
    | { readonly connectionString: string }
    | {
        readonly host: string;
        readonly port: number;
        readonly database: string;
        readonly user: string;
        readonly password?: string;
      };
  readonly poolMin: number;
  readonly poolMax: number;
  readonly schema?: string;
  readonly connectionTimeoutMs: number;
  /** Where the store connects, with any password replaced by `***`. */
  readonly display: string;
}

/** The configuration `createStore()` acts on, with the reason for the backend choice. */
export interface ResolvedConfig {
  readonly type: BackendName;
  /** Why this backend was chosen, e.g. `ATHENA_DATABASE_URL is set`. */
  readonly reason: string;
  readonly sqlite: { readonly path: string; readonly mmapSizeBytes?: number };
  /** Present when `type` is `postgres`. */
  readonly postgres?: ResolvedPostgres;
  readonly embeddingDimension?: number;
  readonly fallback: FallbackMode;
}

/** The SQLite file used when nothing else is configured. */
export function defaultSqlitePath(): string {
  return join(homedir(), '.athena', 'memory.db');
}

interface Source<T> {
  /** The option or variable (or alias) that supplied the value. */
  readonly name: string;
  readonly value: T;
}

function invalid(name: string, expectation: string, shown: string): never {
  const message = `invalid ${name}: must be ${expectation}, got ${shown}`;
  throw new ValidationError(message, [{ path: name, message: `must be ${expectation}` }]);
}

/**
 * An option given in code wins over its variable; both are checked by the
 * variable's rule in the registry, so `options.postgres.port` and
 * `ATHENA_POSTGRES_PORT` accept the same values.
 */
function pick<N extends AthenaVariableName>(
  env: Environment,
  option: VariableValue<N> | undefined,
  optionName: string,
  variable: N,
): Source<VariableValue<N>> | undefined {
  if (option !== undefined) {
    return { name: optionName, value: parseVariable(variable, String(option), optionName) };
  }
  const found = findVariable(env, variable);
  return found === undefined ? undefined : { name: found.source, value: found.value };
}

/** Options that say where PostgreSQL is; pool or schema settings alone do not select it. */
const CONNECTION_OPTIONS = [
  'connectionString',
  'host',
  'port',
  'database',
  'user',
  'password',
] as const;

const POSTGRES_VARIABLES = [
  'ATHENA_DATABASE_URL',
  'ATHENA_POSTGRES_HOST',
  'ATHENA_POSTGRES_PORT',
  'ATHENA_POSTGRES_DB',
  'ATHENA_POSTGRES_USER',
  'ATHENA_POSTGRES_PASSWORD',
] as const;

function detect(
  options: CreateStoreOptions,
  env: Environment,
): { type: BackendName; reason: string } {
  if (options.type !== undefined) {
    return {
      type: parseVariable('ATHENA_DB_TYPE', String(options.type), 'options.type'),
      reason: `options.type is ${options.type}`,
    };
  }
  const explicit = findVariable(env, 'ATHENA_DB_TYPE');
  if (explicit !== undefined) {
    return { type: explicit.value, reason: `${explicit.source}=${explicit.value}` };
  }
  const connectionOption = CONNECTION_OPTIONS.find((key) => options.postgres?.[key] !== undefined);
  if (connectionOption !== undefined) {
    return { type: 'postgres', reason: `options.postgres.${connectionOption} is given` };
  }
  for (const variable of POSTGRES_VARIABLES) {
    const found = findVariable(env, variable);
    if (found !== undefined) return { type: 'postgres', reason: `${found.source} is set` };
  }
  return { type: 'sqlite', reason: 'no PostgreSQL setting found: embedded SQLite is the default' };
}

function resolvePostgres(options: PostgresSettings, env: Environment): ResolvedPostgres {
  const poolMinSource = pick(
    env,
    options.poolMin,
    'options.postgres.poolMin',
    'ATHENA_POSTGRES_POOL_MIN',
  );
  const poolMaxSource = pick(
    env,
    options.poolMax,
    'options.postgres.poolMax',
    'ATHENA_POSTGRES_POOL_MAX',
  );
  const poolMin = poolMinSource?.value ?? ATHENA_VARIABLES.ATHENA_POSTGRES_POOL_MIN.default;
  // An unset maximum follows a minimum above its default, rather than failing.
  const poolMax =
    poolMaxSource?.value ?? Math.max(ATHENA_VARIABLES.ATHENA_POSTGRES_POOL_MAX.default, poolMin);
  if (poolMin > poolMax) {
    invalid(
      poolMinSource?.name ?? 'pool size',
      `≤ the maximum pool size (${poolMax})`,
      JSON.stringify(String(poolMin)),
    );
  }
  const timeout = options.connectionTimeoutMs ?? 5000;
  if (!Number.isInteger(timeout) || timeout < 1 || timeout > 600_000) {
    invalid(
      'options.postgres.connectionTimeoutMs',
      'an integer in 1–600000',
      JSON.stringify(String(timeout)),
    );
  }
  const schema = pick(env, options.schema, 'options.postgres.schema', 'ATHENA_POSTGRES_SCHEMA');
  const common = {
    poolMin,
    poolMax,
    connectionTimeoutMs: timeout,
    ...(schema === undefined ? {} : { schema: String(schema.value) }),
  };

  const urlSource = pick(
    env,
    options.connectionString,
    'options.postgres.connectionString',
    'ATHENA_DATABASE_URL',
  );
  const hasDiscreteOption =
    options.host !== undefined || options.database !== undefined || options.user !== undefined;
  if (urlSource !== undefined && !(hasDiscreteOption && options.connectionString === undefined)) {
    const connectionString = urlSource.value;
    return { ...common, connection: { connectionString }, display: redactUrl(connectionString) };
  }

  // Texts given in code are taken as they are; the environment's are parsed.
  const host = options.host ?? readVariable(env, 'ATHENA_POSTGRES_HOST');
  const port =
    pick(env, options.port, 'options.postgres.port', 'ATHENA_POSTGRES_PORT')?.value ??
    ATHENA_VARIABLES.ATHENA_POSTGRES_PORT.default;
  const database = options.database ?? readVariable(env, 'ATHENA_POSTGRES_DB');
  const user = options.user ?? readVariable(env, 'ATHENA_POSTGRES_USER');
  const password = options.password ?? readVariable(env, 'ATHENA_POSTGRES_PASSWORD');
  const connection = {
    host,
    port,
    database,
    user,
    ...(password === undefined ? {} : { password }),
  };
  const auth =
    password === undefined ? encodeURIComponent(user) : `${encodeURIComponent(user)}:***`;
  return {
    ...common,
    connection,
    display: `postgres://${auth}@${host}:${port}/${encodeURIComponent(database)}`,
  };
}

/**
 * Turns options and environment into the configuration `createStore()` acts
 * on. Every variable is read and checked through the `ATHENA_VARIABLES`
 * registry of `@athena/core-types`, and an option given in code by the rule
 * of its variable. Pure apart from reading `homedir()`; throws
 * `ValidationError` naming the variable (or option) and its (redacted) value
 * for anything malformed.
 *
 * @example
 * ```ts
 * const config = resolveConfig({}, { ATHENA_DATABASE_URL: 'postgres://localhost/athena' });
 * config.type; // 'postgres'
 * ```
 */
export function resolveConfig(
  options: CreateStoreOptions = {},
  env: Environment = options.env ?? process.env,
): ResolvedConfig {
  const { type, reason } = detect(options, env);
  const sqlitePath =
    options.sqlite?.path ?? readVariable(env, 'ATHENA_SQLITE_PATH') ?? defaultSqlitePath();
  const dimension = pick(
    env,
    options.embeddingDimension,
    'options.embeddingDimension',
    'ATHENA_EMBEDDING_DIM',
  );
  const fallback = pick(env, options.fallback, 'options.fallback', 'ATHENA_FALLBACK');
  return {
    type,
    reason,
    sqlite: {
      path: sqlitePath,
      ...(options.sqlite?.mmapSizeBytes === undefined
        ? {}
        : { mmapSizeBytes: options.sqlite.mmapSizeBytes }),
    },
    ...(type === 'postgres' ? { postgres: resolvePostgres(options.postgres ?? {}, env) } : {}),
    // Unset, the store decides: a new database gets its default, an existing one keeps its own.
    ...(dimension === undefined ? {} : { embeddingDimension: dimension.value }),
    fallback: fallback?.value ?? ATHENA_VARIABLES.ATHENA_FALLBACK.default,
  };
}
