/**
 * The kinds a store backend sorts its driver's errors into. Each backend only
 * classifies (SQLite result codes, PostgreSQL SQLSTATEs and network codes);
 * {@link toAthenaError} turns each kind into the public error once, so two
 * backends can never disagree on what, say, a foreign-key violation means.
 */
export type DriverErrorKind =
  /** A unique or primary-key constraint. */
  | 'unique_violation'
  /** A foreign key: the referenced row is missing (every key cascades or nulls on delete). */
  | 'foreign_key_violation'
  /** A CHECK constraint. */
  | 'check_violation'
  /** A NOT NULL constraint. */
  | 'not_null_violation'
  /** A value the column cannot hold (PostgreSQL's class 22: out of range, bad encoding). */
  | 'invalid_value'
  /** Another transaction got in the way (locked, busy, serialization failure, deadlock): retry. */
  | 'concurrency_conflict'
  /** The database cannot be reached or the connection broke. */
  | 'unavailable'
  /** The transaction is rollback-only: a statement inside it failed earlier (PostgreSQL's 25P02). */
  | 'rollback_only'
  /** Anything else. */
  | 'other';

/** What a backend's classifier says about one driver error. */
export interface ClassifiedDriverError {
  readonly kind: DriverErrorKind;
  /** The backend, for messages: `SQLite`, `PostgreSQL`. */
  readonly backend: string;
  /** The driver's own description of the failure. */
  readonly detail: string;
  /** The backend's codes, kept in the error's `details` (`sqliteCode`, `sqlstate`, `constraint`). */
  readonly details?: Readonly<Record<string, unknown>>;
  /**
   * The failed statement certainly took no effect (the connection was
   * refused, a deadlock or serialization failure rolled it back). Otherwise
   * — a connection that broke after the statement was sent — its outcome is
   * unknown.
   */
  readonly notApplied?: boolean;
}

/** What the failing operation knows, to name the right error. */
export interface DriverErrorContext {
  /** What was being done, prefixed to the message and kept in `details`: `store memory`. */
  readonly operation?: string;
  /** The row a foreign-key violation means is missing; without it, `referenced row`. */
  readonly notFound?: { readonly entity: string; readonly id: unknown };
  /** The message of the `ConflictError` of a unique violation. */
  readonly conflict?: string;
  /**
   * The operation writes: a `BackendUnavailableError` or `TransientError`
   * then says in `details.mayHaveApplied` whether the write may have taken
   * effect, so that the caller knows whether running it again can duplicate it.
   */
  readonly write?: boolean;
  /** The caller knows the write took no effect (a transaction that never reached COMMIT). */
  readonly notApplied?: boolean;
}
