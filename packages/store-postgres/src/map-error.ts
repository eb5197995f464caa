import { AthenaError } from '@athena/core-types';
import { toAthenaError } from '@athena/store-kit';
import type { ClassifiedDriverError, DriverErrorContext, DriverErrorKind } from '@athena/store-kit';

/** What the caller knows about the statement that failed, to name the right error. */
export interface ErrorContext extends DriverErrorContext {
  /** What was being done, for the message: `store memory`, `create project`. */
  readonly operation: string;
}

/** Driver and network error codes of a connection that never ran the statement. */
const REFUSED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
/** SQLSTATEs after which the statement certainly did not take effect. */
const NOT_APPLIED = new Set([
  '40001',
  '40P01',
  '57P01',
  '57P02',
  '57P03',
  '53300',
  '08001',
  '08004',
]);
/** Network codes of a connection that broke mid-statement: the outcome is unknown. */
const BROKEN = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT']);
const BROKEN_MESSAGES = [
  'connection terminated',
  'not queryable',
  'timeout exceeded when trying to connect',
  'connection error',
  // The client-side deadline (`queryTimeoutMs`): the server did not answer in time.
  'query read timeout',
];

/** The driver error behind an Athena error that wraps one, so retries can classify it. */
function driverError(error: unknown): unknown {
  return error instanceof AthenaError && error.cause !== undefined ? error.cause : error;
}

function codeOf(error: unknown): string | undefined {
  const code = (driverError(error) as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function messageOf(error: unknown): string {
  const cause = driverError(error);
  return cause instanceof Error ? cause.message : String(cause);
}

/**
 * What a log line says about a driver error: its code (SQLSTATE or network
 * code) when it has one, and its message.
 *
 * @example
 * ```ts
 * logger.warn('retrying', { attempt, ...errorLogFields(error) }); // { code: '57P01', error: 'terminating connection…' }
 * ```
 */
export function errorLogFields(error: unknown): { code?: string; error: string } {
  const code = codeOf(error);
  return { ...(code === undefined ? {} : { code }), error: messageOf(error) };
}

/**
 * The failure happened before the statement could take effect, so running it
 * again cannot duplicate a write: refused connections, a pool that had no
 * connection in time, serialization failures, deadlocks, a backend shut down
 * by the administrator.
 */
export function isRetryableWrite(error: unknown): boolean {
  const code = codeOf(error);
  if (code !== undefined && (REFUSED.has(code) || NOT_APPLIED.has(code))) return true;
  return messageOf(error).toLowerCase().includes('timeout exceeded when trying to connect');
}

/** Any transient failure: everything {@link isRetryableWrite} accepts, plus broken connections. */
export function isTransient(error: unknown): boolean {
  if (refusedByPooler(error)) return false;
  if (isRetryableWrite(error)) return true;
  const code = codeOf(error);
  if (code !== undefined && (BROKEN.has(code) || code.startsWith('08'))) return true;
  const message = messageOf(error).toLowerCase();
  return BROKEN_MESSAGES.some((fragment) => message.includes(fragment));
}

/**
 * A connection pooler (PgBouncer: `unsupported startup parameter: options`)
 * refused the startup parameters a direct connection sends: no retry can
 * succeed until `connectionPooler` is set.
 */
function refusedByPooler(error: unknown): boolean {
  return messageOf(error).includes('unsupported startup parameter');
}

/**
 * Sorts a `pg`/kysely error into the kinds of `@athena/store-kit`, by
 * SQLSTATE and network code; the kit maps each kind to the typed error.
 *
 * @example
 * ```ts
 * classifyDriverError(error).kind; // 'foreign_key_violation' for SQLSTATE 23503
 * ```
 */
export function classifyDriverError(error: unknown): ClassifiedDriverError {
  const code = codeOf(error);
  const constraint = (error as { constraint?: unknown } | null)?.constraint;
  return {
    kind: kindOf(error, code),
    backend: 'PostgreSQL',
    detail: refusedByPooler(error)
      ? `${messageOf(error)}: the connection string reaches a connection pooler (PgBouncer or similar); set connectionPooler: 'session' or 'transaction' (ATHENA_POSTGRES_POOLER for the athena apps)`
      : messageOf(error),
    notApplied: isRetryableWrite(error),
    details: {
      ...(code === undefined ? {} : { sqlstate: code }),
      ...(typeof constraint === 'string' ? { constraint } : {}),
    },
  };
}

function kindOf(error: unknown, code: string | undefined): DriverErrorKind {
  switch (code) {
    case '23505':
      return 'unique_violation';
    case '23503':
      return 'foreign_key_violation';
    case '23514':
      return 'check_violation';
    case '23502':
      return 'not_null_violation';
    case '40001':
    case '40P01':
      return 'concurrency_conflict';
    case '25P02':
      return 'rollback_only';
  }
  if (code?.startsWith('22') === true) return 'invalid_value';
  return isTransient(error) || refusedByPooler(error) ? 'unavailable' : 'other';
}

/**
 * Maps any error thrown by `pg`/kysely to an Athena error with the original as
 * `cause`. Errors that already are Athena errors pass through. The only place
 * in the package that inspects driver errors.
 *
 * @example
 * ```ts
 * try { await query(); } catch (error) { throw mapError(error, { operation: 'create project' }); }
 * ```
 */
export function mapError(error: unknown, context: ErrorContext): AthenaError {
  if (error instanceof AthenaError) return error;
  return toAthenaError(error, classifyDriverError(error), context);
}
