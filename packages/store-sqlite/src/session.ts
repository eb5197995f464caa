import { mapSqliteError } from './map-error.js';
import type { Connection } from './connection.js';

/**
 * Decides when a unit of work may touch the connection (see `SqliteStore`).
 * `open()` is the fast path: true when work may run right now, as it may
 * whenever no transaction holds the connection. Otherwise `wait()` runs it
 * once it may, or rejects.
 */
export interface Gate {
  open(): boolean;
  wait<T>(work: () => T): Promise<T>;
}

/**
 * What a repository talks to: the store's connection behind a gate. The store
 * hands out one session for ordinary calls and one per open transaction.
 *
 * @example
 * ```ts
 * const count = await session.run((c) => c.column('SELECT count(*) FROM projects').get());
 * ```
 */
export class Session {
  readonly #connection: () => Connection;
  readonly #gate: Gate;

  constructor(connection: () => Connection, gate: Gate) {
    this.#connection = connection;
    this.#gate = gate;
  }

  /**
   * Runs synchronous database work once the gate allows it: at once, with
   * no queue and one settled promise, when nothing holds the connection.
   * Anything the work throws (validation included) rejects the promise, as
   * an Athena error.
   */
  run<T>(work: (connection: Connection) => T): Promise<T> {
    if (this.#gate.open()) {
      try {
        return Promise.resolve(work(this.#connection()));
      } catch (error) {
        return Promise.reject(mapSqliteError(error));
      }
    }
    return this.#gate.wait(() => {
      try {
        return work(this.#connection());
      } catch (error) {
        throw mapSqliteError(error);
      }
    });
  }
}
