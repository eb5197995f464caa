/**
 * The default driver of the PostgreSQL store: node-postgres (`pg`). The only
 * module of the store that imports `pg`.
 */
import pg from 'pg';
import { annDefaultsOf, annStartupOptions } from '../ann-settings.js';
import type { AnnDefaults } from '../ann-settings.js';
import type { ResolvedOptions } from '../options.js';
import type { PoolHandle, PoolLike, PostgresDriver } from '../pool.js';

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

/** The store's own `pg.Pool` on a URL or discrete settings, ended on `release()`. */
function openPgPool(options: ResolvedOptions, onError: (error: Error) => void): PoolHandle {
  const { connection } = options;
  if (!('connectionString' in connection) && !('host' in connection)) {
    throw new Error('unreachable: the pg driver opens a URL or discrete settings');
  }
  // pg lets an `options` parameter of the URL override the config's; then the
  // store cannot know the session settings and keeps setting them per query.
  const urlOptions =
    'connectionString' in connection && /[?&]options=/.test(connection.connectionString);
  const annDefaults = urlOptions ? null : annDefaultsOf(options);
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
    ...(options.statementTimeoutMs === undefined
      ? {}
      : { statement_timeout: options.statementTimeoutMs }),
    ...(options.queryTimeoutMs === undefined ? {} : { query_timeout: options.queryTimeoutMs }),
    // Dead peers (a host gone, a dropped route) are noticed by TCP itself.
    keepAlive: true,
    application_name: 'athena',
    ...(annDefaults === null ? {} : { options: startupOptions(annDefaults) }),
  };
  const pool = new pg.Pool(config);
  pool.on('error', onError);
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
