import pg from 'pg';
import type { PostgresPool, PostgresPoolClient } from 'kysely';
import type { ResolvedOptions } from './options.js';

/** The result of a query, as much of it as the store reads. */
export interface QueryResultLike {
  readonly rows: unknown[];
  readonly rowCount?: number | null;
  readonly command?: string;
}

/** A checked-out connection: the few methods the store calls. */
export interface PoolClientLike {
  query(text: string, values?: unknown[]): Promise<QueryResultLike>;
  release(error?: Error | boolean): void;
}

/**
 * The minimal pool the store needs. `pg.Pool` satisfies it; so does any
 * wrapper with the same methods. The store never calls `end()` on a pool it
 * was given.
 */
export interface PoolLike {
  connect(): Promise<PoolClientLike>;
  query(text: string, values?: unknown[]): Promise<QueryResultLike>;
  on?(event: 'error', listener: (error: Error) => void): unknown;
  off?(event: 'error', listener: (error: Error) => void): unknown;
  readonly totalCount?: number;
  readonly idleCount?: number;
  readonly waitingCount?: number;
}

/** A pool plus whether the store owns it (and must end it on close). */
export interface PoolHandle {
  readonly pool: PoolLike;
  readonly owned: boolean;
  /** Logs a connection error instead of letting it crash the process. */
  readonly onError: (error: Error) => void;
  /** Stops using the pool: ends it when owned, detaches listeners otherwise. */
  release(): Promise<void>;
}

/**
 * Opens the store's own `pg.Pool`, or adopts an injected one. Either way a
 * pool `error` event (an idle connection dropped by the server) is logged,
 * never left to crash the process.
 *
 * @example
 * ```ts
 * const handle = openPool(resolveOptions({ connectionString: url }));
 * await handle.pool.query('select 1');
 * await handle.release();
 * ```
 */
export function openPool(options: ResolvedOptions): PoolHandle {
  const onError = (error: Error) => {
    options.logger.warn('PostgreSQL pool connection error', { error: error.message });
  };
  const { connection } = options;
  if ('pool' in connection) {
    const pool = connection.pool;
    pool.on?.('error', onError);
    return {
      pool,
      owned: false,
      onError,
      release: async () => {
        pool.off?.('error', onError);
      },
    };
  }
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
    application_name: 'athena',
  };
  const pool = new pg.Pool(config);
  pool.on('error', onError);
  return {
    pool: pool as unknown as PoolLike,
    owned: true,
    onError,
    release: async () => {
      await pool.end();
    },
  };
}

/**
 * Adapts a {@link PoolLike} to kysely's `PostgresPool`. `end()` is a no-op:
 * the {@link PoolHandle} decides whether the pool is ended. Every client
 * handed out gets an error listener (`onError`), once.
 */
export function toKyselyPool(pool: PoolLike, onError: (error: Error) => void): PostgresPool {
  const guarded = new WeakSet<object>();
  return {
    connect: async () => {
      const client = await pool.connect();
      // pg-pool listens for errors only on idle clients; a checked-out client
      // whose server connection dies between statements would otherwise emit
      // an unhandled 'error' and crash the process.
      const emitter = client as PoolClientLike & {
        on?: (event: 'error', listener: (error: Error) => void) => unknown;
      };
      if (typeof emitter.on === 'function' && !guarded.has(client)) {
        guarded.add(client);
        emitter.on('error', onError);
      }
      return client as unknown as PostgresPoolClient;
    },
    end: async () => undefined,
  };
}
