import { AthenaError } from '@athena/core-types';
import { toAthenaError } from '@athena/store-kit';
import type { ClassifiedDriverError, DriverErrorContext, DriverErrorKind } from '@athena/store-kit';

/**
 * What the caller knows about the statement that failed, to name the right
 * error: above all `notFound`, the entity whose absence a foreign-key failure
 * reveals. Everything is optional here, unlike store-postgres's `operation`.
 */
export type ErrorContext = DriverErrorContext;

interface SqliteErrorLike {
  readonly code?: unknown;
}

/** Extended result codes of better-sqlite3 errors, by kind; any other code is `other`. */
const KINDS: Readonly<Record<string, DriverErrorKind>> = {
  SQLITE_CONSTRAINT_UNIQUE: 'unique_violation',
  SQLITE_CONSTRAINT_PRIMARYKEY: 'unique_violation',
  SQLITE_CONSTRAINT_FOREIGNKEY: 'foreign_key_violation',
  SQLITE_CONSTRAINT_CHECK: 'check_violation',
  SQLITE_CONSTRAINT_NOTNULL: 'not_null_violation',
  SQLITE_BUSY: 'concurrency_conflict',
  SQLITE_BUSY_SNAPSHOT: 'concurrency_conflict',
  SQLITE_BUSY_RECOVERY: 'concurrency_conflict',
  SQLITE_BUSY_TIMEOUT: 'concurrency_conflict',
  SQLITE_LOCKED: 'concurrency_conflict',
  SQLITE_LOCKED_SHAREDCACHE: 'concurrency_conflict',
};

function sqliteCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as SqliteErrorLike).code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}

/**
 * Sorts a better-sqlite3 error into the kinds of `@athena/store-kit`; the
 * kit maps each kind to the typed error.
 *
 * @example
 * ```ts
 * classifyDriverError(error).kind; // 'unique_violation' for SQLITE_CONSTRAINT_UNIQUE
 * ```
 */
export function classifyDriverError(error: unknown): ClassifiedDriverError {
  const code = sqliteCode(error);
  return {
    kind: (code === undefined ? undefined : KINDS[code]) ?? 'other',
    backend: 'SQLite',
    detail: error instanceof Error ? error.message : String(error),
    details: code === undefined ? {} : { sqliteCode: code },
  };
}

/**
 * Turns anything thrown by better-sqlite3 into an Athena error, keeping the
 * original as `cause`. Athena errors pass through unchanged, so the function
 * can wrap whole operations.
 *
 * @example
 * ```ts
 * try {
 *   insert.run(row);
 * } catch (error) {
 *   throw mapError(error, { notFound: { entity: 'project', id: projectId } });
 * }
 * ```
 */
export function mapError(error: unknown, context: ErrorContext = {}): AthenaError {
  if (error instanceof AthenaError) return error;
  return toAthenaError(error, classifyDriverError(error), context);
}

/**
 * Whether `error` (or the cause of an Athena error) is a failed SQLite
 * statement, as opposed to input rejected before any SQL ran.
 *
 * @example
 * ```ts
 * if (isStatementFailure(error)) scope.failure ??= mapError(error);
 * ```
 */
export function isStatementFailure(error: unknown): boolean {
  return sqliteCode(error instanceof AthenaError ? error.cause : error) !== undefined;
}
