import {
  AthenaError,
  BackendUnavailableError,
  ConflictError,
  NotFoundError,
  StorageError,
  TransientError,
  ValidationError,
} from '@athena/core-types';

/** What the caller knows about the statement that failed, to name the right error. */
export interface ErrorContext {
  /** What was being done, for the message: `store memory`, `create project`. */
  readonly operation: string;
  /** The row a foreign-key violation means is missing (usually the project). */
  readonly notFound?: { readonly entity: string; readonly id: unknown };
  /** Message of the ConflictError for a unique violation. */
  readonly conflict?: string;
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
  if (isRetryableWrite(error)) return true;
  const code = codeOf(error);
  if (code !== undefined && (BROKEN.has(code) || code.startsWith('08'))) return true;
  const message = messageOf(error).toLowerCase();
  return BROKEN_MESSAGES.some((fragment) => message.includes(fragment));
}

function isConnectionFailure(error: unknown): boolean {
  const code = codeOf(error);
  if (code === '40001' || code === '40P01') return false;
  return isTransient(error);
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
  const code = codeOf(error);
  const detail = messageOf(error);
  const constraint = (error as { constraint?: unknown } | null)?.constraint;
  const details = {
    operation: context.operation,
    ...(code === undefined ? {} : { sqlstate: code }),
    ...(typeof constraint === 'string' ? { constraint } : {}),
  };
  const options = { cause: error, details };
  if (code === '23505') {
    return new ConflictError(context.conflict ?? `${context.operation}: ${detail}`, options);
  }
  if (code === '23503') {
    // Every foreign key cascades or nulls on delete: a violation is always a missing referenced row.
    return context.notFound === undefined
      ? new NotFoundError('referenced row', null, options)
      : new NotFoundError(context.notFound.entity, context.notFound.id, options);
  }
  if (code === '23514' || code === '23502' || code?.startsWith('22') === true) {
    return new ValidationError(`${context.operation}: ${detail}`, [], options);
  }
  if (code === '40001' || code === '40P01') {
    return new TransientError(`${context.operation}: ${detail}`, options);
  }
  if (isConnectionFailure(error)) {
    return new BackendUnavailableError(
      `${context.operation}: PostgreSQL is unavailable (${detail})`,
      options,
    );
  }
  return new StorageError(`${context.operation}: ${detail}`, options);
}
