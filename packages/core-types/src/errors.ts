/**
 * Every error Athena throws is an {@link AthenaError} with a stable `code`.
 * Branch on `code` (or `instanceof`), never on the message. The driver's
 * original error, when there is one, is kept as `cause`.
 *
 * @example
 * ```ts
 * try {
 *   await store.memories.store(projectId, { content: 'x', embedding: [1, 2] });
 * } catch (error) {
 *   if (isAthenaError(error, 'dimension_mismatch')) console.error(error.message);
 * }
 * ```
 */

/** Stable, greppable error codes. New codes may be added; existing ones never change. */
export type AthenaErrorCode =
  | 'validation'
  | 'not_found'
  | 'conflict'
  | 'dimension_mismatch'
  | 'invalid_transition'
  | 'backend_unavailable'
  | 'extension_unavailable'
  | 'migration'
  | 'store_closed'
  | 'transient'
  | 'storage';

/** Options accepted by every {@link AthenaError} constructor. */
export interface AthenaErrorOptions {
  /** The underlying error (driver error, ZodError, …). */
  readonly cause?: unknown;
  /** Structured context for logs and programmatic handling. Never holds secrets. */
  readonly details?: Readonly<Record<string, unknown>>;
}

/** Base class of every error Athena throws. */
export class AthenaError extends Error {
  /** Stable machine-readable code. */
  readonly code: AthenaErrorCode;
  /** Structured context (field names, ids, values); never secrets. */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: AthenaErrorCode, message: string, options: AthenaErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = Object.freeze({ ...options.details });
  }
}

/** One problem found while validating an input. */
export interface ValidationIssue {
  /** Dotted path of the offending field, e.g. `memory.embedding[3]`. */
  readonly path: string;
  /** What is wrong with it. */
  readonly message: string;
}

/** An input was rejected before reaching the database; nothing was written. */
export class ValidationError extends AthenaError {
  /** Every problem found, not just the first. */
  readonly issues: readonly ValidationIssue[];

  constructor(message: string, issues: readonly ValidationIssue[] = [], options: AthenaErrorOptions = {}) {
    super('validation', message, options);
    this.issues = Object.freeze([...issues]);
  }
}

/** The addressed row does not exist (in this project). */
export class NotFoundError extends AthenaError {
  constructor(entity: string, id: unknown, options: AthenaErrorOptions = {}) {
    super('not_found', `${entity} ${String(id)} not found`, {
      ...options,
      details: { entity, id, ...options.details },
    });
  }
}

/** A uniqueness or integrity rule would be broken (e.g. a project path that already exists). */
export class ConflictError extends AthenaError {
  constructor(message: string, options: AthenaErrorOptions = {}) {
    super('conflict', message, options);
  }
}

/** A vector's length differs from the database's embedding dimension. */
export class DimensionMismatchError extends AthenaError {
  /** The database's dimension. */
  readonly expected: number;
  /** The length that was given. */
  readonly actual: number;

  constructor(expected: number, actual: number, options: AthenaErrorOptions = {}) {
    super(
      'dimension_mismatch',
      `embedding has ${actual} dimensions but this database stores ${expected}`,
      { ...options, details: { expected, actual, ...options.details } },
    );
    this.expected = expected;
    this.actual = actual;
  }
}

/** A consolidation state change that the state machine does not allow. */
export class InvalidTransitionError extends AthenaError {
  constructor(from: string, to: string, options: AthenaErrorOptions = {}) {
    super('invalid_transition', `cannot move a memory from ${from} to ${to}`, {
      ...options,
      details: { from, to, ...options.details },
    });
  }
}

/** The backend cannot be reached or used (server down, refused, timed out). */
export class BackendUnavailableError extends AthenaError {
  constructor(message: string, options: AthenaErrorOptions = {}) {
    super('backend_unavailable', message, options);
  }
}

/** A required database extension (sqlite-vec, pgvector) is missing or failed to load. */
export class ExtensionUnavailableError extends AthenaError {
  constructor(extension: string, message: string, options: AthenaErrorOptions = {}) {
    super('extension_unavailable', message, {
      ...options,
      details: { extension, ...options.details },
    });
  }
}

/** A schema migration failed; the database was left at its previous version. */
export class MigrationError extends AthenaError {
  constructor(message: string, options: AthenaErrorOptions = {}) {
    super('migration', message, options);
  }
}

/** The store was used before `init()` or after `close()`. */
export class StoreClosedError extends AthenaError {
  constructor(message = 'the store is not open: call init() first, and not after close()') {
    super('store_closed', message);
  }
}

/** A failure that may succeed if retried (connection reset, deadlock, serialization failure). */
export class TransientError extends AthenaError {
  constructor(message: string, options: AthenaErrorOptions = {}) {
    super('transient', message, options);
  }
}

/** Any other database failure, wrapped so a raw driver error never escapes. */
export class StorageError extends AthenaError {
  constructor(message: string, options: AthenaErrorOptions = {}) {
    super('storage', message, options);
  }
}

/**
 * True when `error` is an {@link AthenaError}, optionally with the given code.
 *
 * @example
 * ```ts
 * if (isAthenaError(error, 'not_found')) return null;
 * ```
 */
export function isAthenaError(error: unknown, code?: AthenaErrorCode): error is AthenaError {
  return error instanceof AthenaError && (code === undefined || error.code === code);
}
