import { homedir } from 'node:os';
import { join } from 'node:path';
import { ValidationError } from '@athena/core-types';
import { readVariable } from './env.js';
import type { Environment } from './env.js';
import { redactUrl } from './redact.js';

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
  /** Receives the fallback warning; default `console.warn`. */
  readonly logger?: { warn(message: string): void };
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

interface Source {
  readonly name: string;
  readonly value: string | number;
}

function invalid(source: Source, expectation: string, shown: string = String(source.value)): never {
  const message = `${source.name} must be ${expectation}, got "${shown}"`;
  throw new ValidationError(message, [{ path: source.name, message: `must be ${expectation}` }]);
}

function pick(
  env: Environment,
  option: unknown,
  optionName: string,
  variable: string,
): Source | undefined {
  if (option !== undefined) return { name: optionName, value: option as string | number };
  return readVariable(env, variable);
}

function integer(source: Source, min: number, max: number): number {
  const value = typeof source.value === 'number' ? source.value : Number(source.value.trim());
  if (typeof source.value === 'string' && !/^\d+$/.test(source.value.trim())) {
    invalid(source, `an integer in ${min}–${max}`);
  }
  if (!Number.isInteger(value) || value < min || value > max)
    invalid(source, `an integer in ${min}–${max}`);
  return value;
}

function oneOf<T extends string>(source: Source, values: readonly T[]): T {
  const value = String(source.value).trim().toLowerCase();
  const aliases: Record<string, string> = {
    postgresql: 'postgres',
    pg: 'postgres',
    sqlite3: 'sqlite',
  };
  const normalised = aliases[value] ?? value;
  if (!(values as readonly string[]).includes(normalised))
    invalid(source, `one of ${values.join(', ')}`);
  return normalised as T;
}

function postgresUrl(source: Source): string {
  const value = String(source.value);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return invalid(source, 'a postgres:// URL', redactUrl(value));
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    invalid(source, 'a postgres:// or postgresql:// URL', redactUrl(value));
  }
  if (url.hostname === '' && !url.searchParams.has('host')) {
    invalid(source, 'a postgres:// URL with a host', redactUrl(value));
  }
  return value;
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
      type: oneOf({ name: 'options.type', value: options.type }, ['sqlite', 'postgres']),
      reason: `options.type is ${options.type}`,
    };
  }
  const explicit = readVariable(env, 'ATHENA_DB_TYPE');
  if (explicit !== undefined) {
    const type = oneOf<BackendName>(explicit, ['sqlite', 'postgres']);
    return { type, reason: `${explicit.name}=${type}` };
  }
  const connectionOption = CONNECTION_OPTIONS.find((key) => options.postgres?.[key] !== undefined);
  if (connectionOption !== undefined) {
    return { type: 'postgres', reason: `options.postgres.${connectionOption} is given` };
  }
  for (const variable of POSTGRES_VARIABLES) {
    const found = readVariable(env, variable);
    if (found !== undefined) return { type: 'postgres', reason: `${found.name} is set` };
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
  const poolMin = poolMinSource === undefined ? 2 : integer(poolMinSource, 0, 1000);
  const poolMax =
    poolMaxSource === undefined ? Math.max(10, poolMin) : integer(poolMaxSource, 1, 1000);
  if (poolMin > poolMax) {
    invalid(
      poolMinSource ?? { name: 'pool size', value: poolMin },
      `≤ the maximum pool size (${poolMax})`,
    );
  }
  const timeout =
    options.connectionTimeoutMs === undefined
      ? 5000
      : integer(
          { name: 'options.postgres.connectionTimeoutMs', value: options.connectionTimeoutMs },
          1,
          600_000,
        );
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
    const connectionString = postgresUrl(urlSource);
    return { ...common, connection: { connectionString }, display: redactUrl(connectionString) };
  }

  const text = (
    option: string | undefined,
    optionName: string,
    variable: string,
    fallback: string,
  ) => String(pick(env, option, optionName, variable)?.value ?? fallback);
  const host = text(options.host, 'options.postgres.host', 'ATHENA_POSTGRES_HOST', 'localhost');
  const portSource = pick(env, options.port, 'options.postgres.port', 'ATHENA_POSTGRES_PORT');
  const port = portSource === undefined ? 5432 : integer(portSource, 1, 65_535);
  const database = text(
    options.database,
    'options.postgres.database',
    'ATHENA_POSTGRES_DB',
    'athena',
  );
  const user = text(options.user, 'options.postgres.user', 'ATHENA_POSTGRES_USER', 'postgres');
  const password = pick(
    env,
    options.password,
    'options.postgres.password',
    'ATHENA_POSTGRES_PASSWORD',
  )?.value;
  const connection = {
    host,
    port,
    database,
    user,
    ...(password === undefined ? {} : { password: String(password) }),
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
 * on. Pure apart from reading `homedir()`; throws `ValidationError` naming the
 * variable and its (redacted) value for anything malformed.
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
  const sqlitePath = String(
    pick(env, options.sqlite?.path, 'options.sqlite.path', 'ATHENA_SQLITE_PATH')?.value ??
      defaultSqlitePath(),
  );
  const dimensionSource = pick(
    env,
    options.embeddingDimension,
    'options.embeddingDimension',
    'ATHENA_EMBEDDING_DIM',
  );
  const fallbackSource = pick(env, options.fallback, 'options.fallback', 'ATHENA_FALLBACK');
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
    ...(dimensionSource === undefined
      ? {}
      : { embeddingDimension: integer(dimensionSource, 1, 16_000) }),
    fallback:
      fallbackSource === undefined
        ? 'sqlite'
        : oneOf<FallbackMode>(fallbackSource, ['sqlite', 'none']),
  };
}
