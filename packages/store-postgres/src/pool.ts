import pg from 'pg';
import type { PostgresPool, PostgresPoolClient } from 'kysely';
import {
  annDefaultsOf,
  annStartupOptions,
  customPlans,
  sameAnnSettings,
  sessionAnnSettings,
  wantedAnnSettings,
} from './ann-settings.js';
import type { AnnDefaults } from './ann-settings.js';
import { errorLogFields } from './map-error.js';
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
  /**
   * The ANN settings each connection already has (iterative scans
   * `relaxed_order` included), so a search with these values needs no
   * `SET LOCAL` and no transaction; `null` when the store cannot know
   * (an injected pool, or `options` in the connection string).
   */
  readonly annDefaults: AnnDefaults | null;
  /** Logs a connection error instead of letting it crash the process. */
  readonly onError: (error: Error) => void;
  /** Stops using the pool: ends it when owned, detaches listeners otherwise. */
  release(): Promise<void>;
}

/**
 * Server settings sent when a connection starts (no extra round trip): the
 * store's ANN defaults, after anything in `PGOPTIONS`, which an explicit
 * `options` would otherwise replace.
 */
function startupOptions(defaults: AnnDefaults): string {
  const ann = annStartupOptions(defaults);
  const inherited = process.env.PGOPTIONS?.trim();
  return inherited ? `${inherited} ${ann}` : ann;
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
    options.logger.warn('PostgreSQL pool connection error', errorLogFields(error));
  };
  const { connection } = options;
  if ('pool' in connection) {
    const pool = connection.pool;
    pool.on?.('error', onError);
    return {
      pool,
      owned: false,
      annDefaults: null,
      onError,
      release: async () => {
        pool.off?.('error', onError);
      },
    };
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
    annDefaults,
    onError,
    release: async () => {
      await pool.end();
    },
  };
}

/** Most distinct statement texts given a server-side name; later ones run unnamed. */
const MAX_PREPARED_STATEMENTS = 500;

/**
 * Names of server-side prepared statements, one per distinct SQL text. pg
 * parses a named statement once per connection and then only binds and
 * executes it (the server may also reuse its plan, as for any prepared
 * statement), which saves about a third of a point lookup.
 */
class StatementNames {
  readonly #names = new Map<string, string>();

  name(text: string): string | undefined {
    let name = this.#names.get(text);
    if (name === undefined && this.#names.size < MAX_PREPARED_STATEMENTS) {
      name = `athena_${this.#names.size + 1}`;
      this.#names.set(text, name);
    }
    return name;
  }
}

/** A pg client as far as named statements go: `query({ name, text, values })`. */
interface NamedQueryClient {
  query(config: { name: string; text: string; values: unknown[] }): Promise<QueryResultLike>;
}

/** What the store's own pool does beyond handing out clients. */
export interface OwnPoolFeatures {
  /** Run statements with parameters as named prepared statements. */
  readonly prepare: boolean;
  /** The settings each connection starts with; enables per-connection ANN settings. */
  readonly annDefaults: AnnDefaults | null;
  /**
   * Statements have a client-side deadline (`query_timeout`): a connection
   * whose statement ran out of time is discarded, not returned to the pool
   * (the server may still answer it, or never).
   */
  readonly queryTimeout?: boolean;
}

/**
 * Adapts a {@link PoolLike} to kysely's `PostgresPool`. `end()` is a no-op:
 * the {@link PoolHandle} decides whether the pool is ended. Every client
 * handed out gets an error listener (`onError`), once.
 *
 * The store's own `pg.Pool` (`features`) also gets, per client: named prepared
 * statements (`prepare`; not inside `customPlans.run`), and session-level ANN settings. Each connection
 * starts with `annDefaults`; a statement run inside
 * `wantedAnnSettings.run(settings, …)` on a connection whose settings differ
 * is preceded by one `set_config(…, false)` and the connection remembers its
 * new settings. So a search that needs a larger ef_search costs one extra
 * round trip only when its connection last served other settings, never a
 * transaction. Only used outside transactions: a rolled-back transaction
 * would undo a session-level setting behind the client's back.
 */
export function toKyselyPool(
  pool: PoolLike,
  onError: (error: Error) => void,
  features: OwnPoolFeatures = { prepare: false, annDefaults: null },
): PostgresPool {
  const guarded = new WeakSet<object>();
  const wrapped = new WeakMap<object, PostgresPoolClient>();
  const names = new StatementNames();
  const own = features.prepare || features.annDefaults !== null || features.queryTimeout === true;
  const view = (client: PoolClientLike): PostgresPoolClient => {
    let found = wrapped.get(client);
    if (found !== undefined) return found;
    const plain = client as unknown as PostgresPoolClient;
    const named = client as unknown as NamedQueryClient;
    /** The connection's ANN settings; null when unknown (a failed change). */
    let current: AnnDefaults | null = features.annDefaults;
    const send = (text: string, values: readonly unknown[]) => {
      const name =
        features.prepare && values.length > 0 && customPlans.getStore() === undefined
          ? names.name(text)
          : undefined;
      return name === undefined
        ? plain.query(text, values)
        : named.query({ name, text, values: [...values] });
    };
    const change = async (wanted: AnnDefaults): Promise<void> => {
      current = null;
      const { text, values } = sessionAnnSettings(wanted);
      await plain.query(text, values);
      current = wanted;
    };
    let timedOut = false;
    const noting = <R>(result: Promise<R>): Promise<R> =>
      result.catch((error: unknown) => {
        if (isQueryTimeout(error)) timedOut = true;
        throw error;
      });
    found = {
      query: ((text: unknown, values?: readonly unknown[]) => {
        if (typeof text !== 'string') return plain.query(text as never);
        const wanted = features.annDefaults === null ? undefined : wantedAnnSettings.getStore();
        if (wanted === undefined || (current !== null && sameAnnSettings(current, wanted))) {
          return noting(send(text, values ?? []));
        }
        return noting(change(wanted).then(() => send(text, values ?? [])));
      }) as PostgresPoolClient['query'],
      release: (destroy?: boolean) => client.release(destroy === true || timedOut),
    };
    wrapped.set(client, found);
    return found;
  };
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
      return own ? view(client) : (client as unknown as PostgresPoolClient);
    },
    end: async () => undefined,
  };
}

/** pg's error of a statement that outlived `query_timeout`. */
function isQueryTimeout(error: unknown): boolean {
  return error instanceof Error && error.message === 'Query read timeout';
}
