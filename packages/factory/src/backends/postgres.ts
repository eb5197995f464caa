import { ATHENA_VARIABLES, findVariable, readVariable, redactUrl } from '@athena/core-types';
import type { Environment } from '@athena/core-types';
import { loadPackage } from '../load-package.js';
import type { PostgresSettings } from '../options.js';
import { invalid, pick } from '../pick.js';
import { defineBackend } from '../backend-definition.js';
import type * as PostgresPackage from '@athena/store-postgres';

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
  /** URLs of read replicas; empty without. */
  readonly readReplicas: readonly string[];
  /** The pooling mode of a connection pooler in between; undefined for a direct connection. */
  readonly connectionPooler?: 'session' | 'transaction';
  /** Where the store connects, with any password replaced by `***`. */
  readonly display: string;
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
  const readReplicas = pick(
    env,
    options.readReplicas,
    'options.postgres.readReplicas',
    'ATHENA_POSTGRES_READ_URL',
  );
  const pooler = pick(
    env,
    options.connectionPooler,
    'options.postgres.connectionPooler',
    'ATHENA_POSTGRES_POOLER',
  );
  const common = {
    poolMin,
    poolMax,
    connectionTimeoutMs: timeout,
    readReplicas: readReplicas?.value ?? [],
    ...(pooler === undefined ? {} : { connectionPooler: pooler.value }),
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

function urlPassword(connectionString: string): string | undefined {
  try {
    const password = decodeURIComponent(new URL(connectionString).password);
    return password === '' ? undefined : password;
  } catch {
    return undefined;
  }
}

const load = () =>
  loadPackage('postgres', '@athena/store-postgres', () =>
    __ATHENA_CJS__
      ? // eslint-disable-next-line @typescript-eslint/no-require-imports -- see build-format.d.ts
        Promise.resolve(require('@athena/store-postgres') as typeof PostgresPackage)
      : import('@athena/store-postgres'),
  );

/** PostgreSQL with pgvector, over a `pg` pool: selected by its connection settings. */
export const POSTGRES = defineBackend<ResolvedPostgres>({
  name: 'postgres',
  label: 'PostgreSQL',
  packageName: '@athena/store-postgres',
  detect: (options, env) => {
    const option = CONNECTION_OPTIONS.find((key) => options.postgres?.[key] !== undefined);
    if (option !== undefined) return `options.postgres.${option} is given`;
    for (const variable of POSTGRES_VARIABLES) {
      const found = findVariable(env, variable);
      if (found !== undefined) return `${found.source} is set`;
    }
    return undefined;
  },
  resolve: (options, env) => resolvePostgres(options.postgres ?? {}, env),
  target: (settings) => settings.display,
  secrets: ({ connection, readReplicas }) => [
    'connectionString' in connection
      ? urlPassword(connection.connectionString)
      : connection.password,
    ...readReplicas.map(urlPassword),
  ],
  fix: () => 'start PostgreSQL or correct ATHENA_DATABASE_URL / ATHENA_POSTGRES_*',
  build: async (settings, { embeddingDimension, logger }) => {
    const { PostgresStore } = await load();
    return new PostgresStore({
      ...settings.connection,
      poolMin: settings.poolMin,
      poolMax: settings.poolMax,
      connectionTimeoutMs: settings.connectionTimeoutMs,
      ...(settings.readReplicas.length === 0 ? {} : { readReplicas: settings.readReplicas }),
      ...(settings.connectionPooler === undefined
        ? {}
        : { connectionPooler: settings.connectionPooler }),
      ...(settings.schema === undefined ? {} : { schema: settings.schema }),
      ...(embeddingDimension === undefined ? {} : { embeddingDimension }),
      logger: {
        warn: (message: string, meta?: Record<string, unknown>) =>
          logger.warn(`[athena] ${message}`, meta),
      },
    });
  },
  // The driver loading is all that is checked: reaching a server is `createStore()`'s job.
  probe: async () => {
    try {
      await load();
      return true;
    } catch {
      return false;
    }
  },
});
