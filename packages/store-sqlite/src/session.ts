import { mapSqliteError } from './map-error.js';
import type { Connection } from './connection.js';

/** Decides when a unit of work may touch the connection (see `SqliteStore`). */
export type Gate = <T>(work: () => T) => Promise<T>;

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
   * Runs synchronous database work once the gate allows it. Anything the
   * driver throws comes out as an Athena error.
   */
  run<T>(work: (connection: Connection) => T): Promise<T> {
    return this.#gate(() => {
      const connection = this.#connection();
      try {
        return work(connection);
      } catch (error) {
        throw mapSqliteError(error);
      }
    });
  }
}
