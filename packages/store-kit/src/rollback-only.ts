import { StorageError } from '@athena/core-types';

/*
 * One semantics for a statement that fails inside a transaction, on every
 * backend: the transaction becomes rollback-only. PostgreSQL behaves so by
 * itself (an aborted transaction refuses every later statement and answers
 * COMMIT with ROLLBACK); SQLite, which rolls back just the failed statement,
 * is made to. Nothing is added to the path of a transaction that does not
 * fail. A nested `transaction()` (a savepoint) that throws is rolled back to
 * its start and leaves the outer transaction usable.
 */

/**
 * The error of an operation run inside a transaction after a statement in it
 * failed (and the caller caught that failure): nothing more runs there.
 *
 * @example
 * ```ts
 * if (scope.failure !== null) throw rollbackOnlyError(scope.failure, 'store memory');
 * ```
 */
export function rollbackOnlyError(
  cause: unknown,
  operation?: string,
  details: Readonly<Record<string, unknown>> = {},
): StorageError {
  const prefix = operation === undefined ? '' : `${operation}: `;
  return new StorageError(
    `${prefix}the transaction is rollback-only, because a statement inside it failed earlier; let the callback throw or return, and run the transaction again`,
    {
      cause,
      details: {
        ...details,
        ...(operation === undefined ? {} : { operation }),
        rollbackOnly: true,
      },
    },
  );
}

/**
 * The error of a `transaction()` (or savepoint) whose callback returned after
 * a statement inside it failed: it was rolled back, nothing of it was saved.
 *
 * @example
 * ```ts
 * throw rolledBackInsteadOfCommitted('transaction', scope.failure);
 * ```
 */
export function rolledBackInsteadOfCommitted(operation: string, cause?: unknown): StorageError {
  return new StorageError(
    `${operation}: rolled back instead of committed, because a statement inside it failed`,
    { ...(cause === undefined ? {} : { cause }), details: { operation, rollbackOnly: true } },
  );
}
