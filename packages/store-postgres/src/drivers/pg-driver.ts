/**
 * The default driver of the PostgreSQL store: node-postgres (`pg`). The only
 * module of the store that imports `pg`.
 */
import pg from 'pg';
import { annDefaultsOf, annStartupOptions } from '../ann-settings.js';
import type { AnnDefaults } from '../ann-settings.js';
import type { ResolvedOptions } from '../options.js';
import type { PoolHandle, PoolLike, PostgresDriver } from '../pool.js';
import { parseTimestamptz, TIMESTAMPTZ_OID } from '../timestamps.js';

/**
 * Server settings sent when a connection starts (no extra round trip): the
 * store's ANN defaults, after anything in `PGOPTIONS`. pg reads `PGOPTIONS`
 * itself only when no `options` are given, so this driver passes it on as
 * pg would; it is the one place the store's package reads the environment.
 */
function startupOptions(defaults: AnnDefaults): string {
  const ann = annStartupOptions(defaults);
  const inherited = process.env.PGOPTIONS?.trim();
  return inherited ? `${inherited} ${ann}` : ann;
}

/**
 * The statement that gives a new connection behind a session pooler what
 * the startup parameters give a direct one: the ANN defaults and the
 * `statement_timeout`.
 */
function sessionSettings(
  defaults: AnnDefaults,
  statementTimeoutMs: number | undefined,
): { text: string; values: string[] } {
  const settings: [string, string][] = [
    ['hnsw.ef_search', String(defaults.efSearch)],
    ['hnsw.iterative_scan', 'relaxed_order'],
    ['ivfflat.probes', String(defaults.probes)],
    ['ivfflat.iterative_scan', 'relaxed_order'],
  ];
  if (statementTimeoutMs !== undefined)
    settings.push(['statement_timeout', String(statementTimeoutMs)]);
  const calls = settings.map(([name], i) => `set_config('${name}', $${i + 1}, false)`);
  return { text: `select ${calls.join(', ')}`, values: settings.map(([, value]) => value) };
}

/** pg's parsers but `timestamptz` ({@link parseTimestamptz}), on the store's pool only: pg's global parsers stay as they are. */
const TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === TIMESTAMPTZ_OID && format !== 'binary'
      ? parseTimestamptz
      : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

/** The store's own `pg.Pool` on a URL or discrete settings, ended on `release()`. */
function openPgPool(options: ResolvedOptions, onError: (error: Error) => void): PoolHandle {
  const { connection } = options;
  if (!('connectionString' in connection) && !('host' in connection)) {
    throw new Error('unreachable: the pg driver opens a URL or discrete settings');
  }
  // pg lets an `options` parameter of the URL override the config's; then the
  // store cannot know the session settings and keeps setting them per query.
  // Behind a transaction pooler there are no session settings to know.
  const urlOptions =
    'connectionString' in connection && /[?&]options=/.test(connection.connectionString);
  const pooler = options.connectionPooler;
  const annDefaults = urlOptions || pooler === 'transaction' ? null : annDefaultsOf(options);
  // A pooler refuses startup parameters other than a few it knows (PgBouncer:
  // "unsupported startup parameter: options"); behind one in session mode the
  // settings are set by the first statement of each connection instead.
  const startup = pooler === 'none';
  const config: pg.PoolConfig = {
    ...('connectionString' in connection
      ? { connectionString: connection.connectionString }
      : {
          host: connection.host,
          port: connection.port,
          database: connection.database,
          user: connection.user,
          password: connection.password,
        }),
    min: options.poolMin,
    max: options.poolMax,
    connectionTimeoutMillis: options.connectionTimeoutMs,
    idleTimeoutMillis: options.idleTimeoutMs,
    ...(options.statementTimeoutMs === undefined || !startup
      ? {}
      : { statement_timeout: options.statementTimeoutMs }),
    ...(options.queryTimeoutMs === undefined ? {} : { query_timeout: options.queryTimeoutMs }),
    // Dead peers (a host gone, a dropped route) are noticed by TCP itself.
    keepAlive: true,
    application_name: 'athena',
    types: TYPES,
    ...(annDefaults === null || !startup ? {} : { options: startupOptions(annDefaults) }),
  };
  const pool = new pg.Pool(config);
  pool.on('error', onError);
  if (pooler === 'session' && annDefaults !== null) {
    const settings = sessionSettings(annDefaults, options.statementTimeoutMs);
    // Queued before anything the store sends on the new connection.
    pool.on('connect', (client) => {
      client.query(settings.text, settings.values).catch(onError);
    });
  }
  return {
    pool: pool as unknown as PoolLike,
    owned: true,
    max: options.poolMax,
    namedStatements: true,
    queryTimeout: options.queryTimeoutMs !== undefined,
    annDefaults,
    onError,
    release: async () => {
      await pool.end();
    },
  };
}

/** node-postgres: a `pg.Pool` per store, with the store's session settings at connection start. */
export const PG_DRIVER: PostgresDriver = Object.freeze({ name: 'pg', openPool: openPgPool });
