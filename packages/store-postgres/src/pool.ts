import { Kysely, PostgresDialect } from 'kysely';
import type { PostgresPool, PostgresPoolClient, QueryResult } from 'kysely';
import { PG_DRIVER } from './drivers/pg-driver.js';
import {
  customPlans,
  sameAnnSettings,
  sessionAnnSettings,
  wantedAnnSettings,
} from './ann-settings.js';
import type { AnnDefaults } from './ann-settings.js';
import { errorLogFields } from './map-error.js';
import type { ResolvedOptions } from './options.js';
import type { Database } from './schema.js';

/** The result of a query, as much of it as the store reads. */
export interface QueryResultLike {
  readonly rows: unknown[];
  readonly rowCount?: number | null;
  readonly command?: string;
}

/** A checked-out connection: the few methods the store calls. */
export interface PoolClientLike {
  /** Runs one statement on this connection, `values` bound to `$1`, `$2`, … */
  query(text: string, values?: unknown[]): Promise<QueryResultLike>;
  /** Returns the connection to the pool; with an error, the pool discards it. */
  release(error?: Error | boolean): void;
}

/**
 * The minimal pool the store needs. `pg.Pool` satisfies it; so does any
 * wrapper with the same methods. The store never calls `end()` on a pool it
 * was given.
 */
export interface PoolLike {
  /** A connection of its own, for a transaction; the caller releases it. */
  connect(): Promise<PoolClientLike>;
  /** Runs one statement on any free connection, `values` bound to `$1`, `$2`, … */
  query(text: string, values?: unknown[]): Promise<QueryResultLike>;
  /** Listens for errors of idle connections (a server restart), which would otherwise crash the process. */
  on?(event: 'error', listener: (error: Error) => void): unknown;
  /** Stops the listener `on` added, when the store closes. */
  off?(event: 'error', listener: (error: Error) => void): unknown;
  /** Open connections, for `health()`. */
  readonly totalCount?: number;
  /** Open connections no one holds, for `health()`. */
  readonly idleCount?: number;
  /** Callers waiting for a connection, for `health()`. */
  readonly waitingCount?: number;
}

/** A pool plus whether the store owns it (and must end it on close). */
export interface PoolHandle {
  readonly pool: PoolLike;
  /** The store opened the pool (and ends it on `release()`), rather than the caller. */
  readonly owned: boolean;
  /** Most connections the pool opens, for `health()`; null when the store cannot know. */
  readonly max: number | null;
  /**
   * The pool's clients accept pg's named statements (`query({ name, text,
   * values })`), which the store uses when `preparedStatements` is on.
   */
  readonly namedStatements: boolean;
  /** The pool's clients honour the client-side `queryTimeoutMs` deadline (pg's `query_timeout`). */
  readonly queryTimeout: boolean;
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
 * How the store opens its pool: the seam between the PostgreSQL store's SQL
 * and the engine it runs on (as kysely keeps the pool apart from the
 * dialect). The default, `PG_DRIVER`, opens a `pg.Pool` on a server; a store
 * on another engine (PGlite) brings its own. The store calls `release()` of
 * the handle on `close()`.
 */
export interface PostgresDriver {
  /** For messages: `pg`, `pglite`. */
  readonly name: string;
  /** Opens the pool for the store's resolved options. */
  openPool(options: ResolvedOptions, onError: (error: Error) => void): PoolHandle;
}

/**
 * Opens the store's pool: an injected one is adopted (never ended by the
 * store), a driver given as the connection opens its own, and a URL or
 * discrete settings open `PG_DRIVER`'s `pg.Pool`. Either way a pool `error`
 * event (an idle connection dropped by the server) is logged, never left to
 * crash the process.
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
  if ('driver' in connection) return connection.driver.openPool(options, onError);
  if (!('pool' in connection)) return PG_DRIVER.openPool(options, onError);
  const pool = connection.pool;
  pool.on?.('error', onError);
  return {
    pool,
    owned: false,
    max: null,
    namedStatements: false,
    queryTimeout: false,
    annDefaults: null,
    onError,
    release: async () => {
      pool.off?.('error', onError);
    },
  };
}

/**
 * Runs one statement on a pooled connection, without the query builder's
 * executor (connection provider, driver, result transform): the store's
 * fixed-shape statements (`Session.cached`, the compiled searches) take this
 * path outside transactions. Same pool wrapper, so named statements, ANN
 * settings and the client-side deadline apply as through the builder.
 */
export type DirectQuery = <R>(
  text: string,
  parameters: readonly unknown[],
) => Promise<QueryResult<R>>;

/** The store's query builder and its {@link DirectQuery} path, on one wrapped pool. */
export interface OpenDatabase {
  readonly db: Kysely<Database>;
  readonly direct: DirectQuery;
}

/** Commands whose row count kysely reports as `numAffectedRows`. */
const AFFECTING_COMMANDS = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE']);

/**
 * The store's query builder on an opened pool, with the pool's features
 * (named statements when `preparedStatements` allows, session ANN settings,
 * the client-side deadline), and the direct path over the same pool.
 * `db.destroy()` leaves the pool to `release()`.
 *
 * @example
 * ```ts
 * const handle = openPool(options);
 * const { db, direct } = openDatabase(handle, options);
 * const { rows } = await direct<{ one: number }>('select $1::int as one', [1]);
 * ```
 */
export function openDatabase(handle: PoolHandle, options: ResolvedOptions): OpenDatabase {
  const pool = toKyselyPool(handle.pool, handle.onError, {
    prepare: handle.namedStatements && options.preparedStatements,
    annDefaults: handle.annDefaults,
    queryTimeout: handle.queryTimeout,
  });
  const direct: DirectQuery = async <R>(text: string, parameters: readonly unknown[]) => {
    const client = await pool.connect();
    try {
      const { command, rowCount, rows } = await client.query<R>(text, [...parameters]);
      // kysely's own mapping of a result (PostgresConnection.executeQuery).
      return AFFECTING_COMMANDS.has(command)
        ? { rows: rows ?? [], numAffectedRows: BigInt(rowCount) }
        : { rows: rows ?? [] };
    } finally {
      client.release();
    }
  };
  return { db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), direct };
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
