import type { AthenaError } from '@athena/core-types';
import { rollbackOnlyError } from '@athena/store-kit';
import { isStatementFailure, mapError } from './map-error.js';
import type { Connection } from './connection.js';
import type { ReaderPool, ReadStatement } from './readers.js';

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
 * An open transaction or savepoint. A statement that fails inside it makes it
 * rollback-only, as PostgreSQL does by itself: SQLite undoes just the failed
 * statement, so without this a caller that caught the failure would commit
 * the rest on one backend and nothing on the other.
 */
export interface RollbackOnlyScope {
  failure: AthenaError | null;
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
  readonly #scope: () => RollbackOnlyScope | undefined;
  readonly #readers: () => ReaderPool | null;

  /**
   * @param readers - the store's reader threads when a read may go to them
   * now (no transaction open), else null.
   */
  constructor(
    connection: () => Connection,
    gate: Gate,
    scope: () => RollbackOnlyScope | undefined,
    readers: () => ReaderPool | null = () => null,
  ) {
    this.#connection = connection;
    this.#gate = gate;
    this.#scope = scope;
    this.#readers = readers;
  }

  /**
   * Runs `prepare` on the connection (the quick reads that choose a
   * statement), then the read-only statement it returns: on a reader thread
   * when the store has them and no transaction is open, else at once on the
   * connection, as one unit of work.
   */
  select<R>(prepare: (connection: Connection) => ReadStatement | null): Promise<R[]> {
    const readers = this.#readers();
    if (readers === null) {
      return this.run((c) => {
        const statement = prepare(c);
        if (statement === null) return [];
        return c.statement<[Record<string, unknown>], R>(statement.sql).all(statement.params);
      });
    }
    return this.run(prepare).then((statement) =>
      statement === null ? [] : readers.all<R>(statement),
    );
  }

  /**
   * Runs synchronous database work once the gate allows it: at once, with
   * no queue and one settled promise, when nothing holds the connection.
   * Anything the work throws (validation included) rejects the promise, as
   * an Athena error. Inside a transaction a failed statement marks it
   * rollback-only, and work in a rollback-only transaction does not run.
   */
  run<T>(work: (connection: Connection) => T): Promise<T> {
    const attempt = (): T => {
      const scope = this.#scope();
      if (scope !== undefined && scope.failure !== null) throw rollbackOnlyError(scope.failure);
      try {
        return work(this.#connection());
      } catch (error) {
        const mapped = mapError(error);
        if (scope !== undefined && isStatementFailure(error)) scope.failure ??= mapped;
        throw mapped;
      }
    };
    if (this.#gate.open()) {
      try {
        return Promise.resolve(attempt());
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return this.#gate.wait(attempt);
  }
}
