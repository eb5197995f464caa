/**
 * Every error Athena throws is an {@link AthenaError} with a stable `code`.
 * Branch on `code` with {@link isAthenaError} (it also works across an ESM
 * and a CommonJS copy of this package), never on the message. The driver's
 * original error, when there is one, is kept as `cause`.
 *
 * Printed for people, an Athena error is one line — name, code, message
 * (which says what went wrong and what to do) — when logged (`console.log`,
 * `util.inspect`) and when it goes uncaught and ends the process. With
 * `ATHENA_DEBUG=1` it prints as any error: the stack and the chain of
 * causes, which `error.stack` and `error.cause` always hold.
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
import type { Environment } from './variables.js';
import { readVariable } from './variables.js';

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
  | 'storage'
  | 'embedder'
  | 'embedding_model_mismatch'
  | 'summarizer';

/** Options accepted by every {@link AthenaError} constructor. */
export interface AthenaErrorOptions {
  /** The underlying error (driver error, ZodError, …). */
  readonly cause?: unknown;
  /** Structured context for logs and programmatic handling. Never holds secrets. */
  readonly details?: Readonly<Record<string, unknown>>;
}

/**
 * Marks Athena errors across copies of this package (an ESM and a CJS build
 * loaded side by side), where `instanceof` alone would say no.
 */
const ATHENA_ERROR = Symbol.for('@athena/core-types/error');

/** Node's hook for `util.inspect`, `console.log` and the REPL. */
const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/** Set on `process` once one copy of this package watches for uncaught Athena errors. */
const WATCHING = Symbol.for('@athena/core-types/uncaught-monitor');

/** The part of Node's `process` used here; absent in a browser. */
interface NodeProcess {
  readonly env: Environment;
  readonly stderr: { write(text: string): unknown };
  on(event: 'uncaughtExceptionMonitor', listener: (error: unknown) => void): unknown;
  listenerCount(event: string): number;
  hasUncaughtExceptionCaptureCallback(): boolean;
  exit(code: number): never;
}

function nodeProcess(): NodeProcess | undefined {
  const candidate = (globalThis as { process?: Partial<NodeProcess> }).process;
  return typeof candidate?.on === 'function' && typeof candidate.exit === 'function'
    ? (candidate as NodeProcess)
    : undefined;
}

/** Whether `ATHENA_DEBUG` asks for stacks and causes; a malformed value counts as no. */
function debugging(): boolean {
  const env = nodeProcess()?.env;
  if (env === undefined) return false;
  try {
    return readVariable(env, 'ATHENA_DEBUG') === '1';
  } catch {
    return false;
  }
}

/** `BackendUnavailableError [backend_unavailable]: <message>`. */
function oneLine(error: AthenaError): string {
  return `${error.name} [${error.code}]: ${error.message}`;
}

/**
 * Node prints an uncaught error with `util.inspect(error, { customInspect:
 * false })`: its stack, every property and every cause, nested — about 45
 * lines for a refused connection, with the fix buried in the first. So, once
 * per process, a monitor (which runs just before that printer) prints an
 * uncaught Athena error as its one line and ends the process with Node's
 * exit code for it, 1. It stands aside when the error is not fatal (an
 * `uncaughtException` handler or capture callback is installed), and with
 * `ATHENA_DEBUG=1`. stderr is written synchronously here (files, pipes and
 * terminals on Linux and macOS), so the line is out before the exit.
 */
function watchUncaught(): void {
  const process = nodeProcess();
  if (process === undefined || WATCHING in process) return;
  Object.defineProperty(process, WATCHING, { value: true });
  process.on('uncaughtExceptionMonitor', (error) => {
    if (
      !isAthenaError(error) ||
      debugging() ||
      process.listenerCount('uncaughtException') > 0 ||
      process.hasUncaughtExceptionCaptureCallback()
    ) {
      return;
    }
    process.stderr.write(
      `${oneLine(error)}\n    (ATHENA_DEBUG=1 prints the stack and the causes)\n`,
    );
    process.exit(1);
  });
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
    Object.defineProperty(this, ATHENA_ERROR, { value: true });
    this.code = code;
    this.details = Object.freeze({ ...options.details });
    watchUncaught();
  }

  /**
   * How `util.inspect` and `console.log` show the error: one line (name,
   * code, message), or — with `ATHENA_DEBUG=1` — the stack, properties and
   * causes, as for any error.
   */
  [INSPECT](
    _depth: number,
    options: object,
    inspect: (value: unknown, options: object) => string,
  ): string {
    return debugging() ? inspect(this, { ...options, customInspect: false }) : oneLine(this);
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

  constructor(
    message: string,
    issues: readonly ValidationIssue[] = [],
    options: AthenaErrorOptions = {},
  ) {
    super('validation', message, options);
    this.issues = Object.freeze([...issues]);
  }
}

/**
 * The addressed row does not exist (in this project). `id` is `null` when
 * only the kind of row is known (a foreign key the store could not attribute).
 */
export class NotFoundError extends AthenaError {
  constructor(entity: string, id: unknown, options: AthenaErrorOptions = {}) {
    const what = id === null || id === undefined ? entity : `${entity} ${String(id)}`;
    super('not_found', `${what} not found`, {
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
      `embedding has ${actual} dimensions but this database stores ${expected}: embed with a ${expected}-dimension model, or store them in a new database`,
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

/**
 * The backend cannot be reached or used: the server is down or refused the
 * connection, or the connection broke. Raised by a write, `details.mayHaveApplied`
 * says whether the write may have taken effect (`true`: the connection broke
 * after the statement or the COMMIT was sent — check before running it again)
 * or certainly did not (`false`: safe to retry).
 */
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

/**
 * Another transaction got in the way (a deadlock, a serialization failure,
 * SQLite's write lock held past the busy timeout): nothing was applied, and
 * running the operation again may succeed. Raised by a write on PostgreSQL,
 * `details.mayHaveApplied` is `false`.
 */
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
 * Unlike `instanceof`, it also recognises errors from another copy of this
 * package (an ESM and a CJS build loaded side by side).
 *
 * @example
 * ```ts
 * if (isAthenaError(error, 'not_found')) return null;
 * ```
 */
export function isAthenaError(error: unknown, code?: AthenaErrorCode): error is AthenaError {
  const branded =
    error instanceof AthenaError ||
    (typeof error === 'object' && error !== null && ATHENA_ERROR in error);
  return branded && (code === undefined || (error as AthenaError).code === code);
}

/** Why an embedder call failed; see {@link EmbedderError}. */
export type EmbedderErrorReason =
  /** The server answered with a non-retryable status (400, 401, 404, …) or retries ran out on one. */
  | 'http_status'
  /** Still rate limited (429) after the retries, or asked to wait longer than allowed. */
  | 'rate_limited'
  /** The response was not the expected shape: not JSON, missing `data`, wrong count, non-numeric. */
  | 'malformed_response'
  /** The server could not be reached (refused, reset, DNS). */
  | 'network'
  /** No answer within the timeout. */
  | 'timeout';

/** Options of the {@link EmbedderError} constructor. */
export interface EmbedderErrorOptions extends AthenaErrorOptions {
  /** The HTTP status, when the server answered. */
  readonly status?: number;
}

/**
 * An embedding model or server failed to produce vectors. Messages and
 * details name the URL and model, never the API key.
 */
export class EmbedderError extends AthenaError {
  readonly reason: EmbedderErrorReason;
  /** The HTTP status, or `null` when there was no answer. */
  readonly status: number | null;

  constructor(reason: EmbedderErrorReason, message: string, options: EmbedderErrorOptions = {}) {
    super('embedder', message, {
      ...options,
      details: { reason, status: options.status ?? null, ...options.details },
    });
    this.reason = reason;
    this.status = options.status ?? null;
  }
}

/**
 * Stored vectors were produced by a different embedding model than the one
 * querying them; their similarities would be meaningless. Re-embed the
 * memories (the `search` package's `reembed()`) or use the original model.
 */
export class EmbeddingModelMismatchError extends AthenaError {
  /** The model of the embedder in use. */
  readonly expected: string;
  /** The other models found among the memories. */
  readonly found: readonly string[];
  /** The memories whose vectors came from another model. */
  readonly memoryIds: readonly number[];

  constructor(
    expected: string,
    found: readonly string[],
    memoryIds: readonly number[],
    message: string,
    options: AthenaErrorOptions = {},
  ) {
    super('embedding_model_mismatch', message, {
      ...options,
      details: { expected, found, memoryIds, ...options.details },
    });
    this.expected = expected;
    this.found = Object.freeze([...found]);
    this.memoryIds = Object.freeze([...memoryIds]);
  }
}

/**
 * Why a summarizer call failed; see {@link SummarizerError}. The reasons of
 * an embedder, plus `invalid_answer`: the model answered, but not what was
 * asked (not the JSON schema, a blank summary, unknown member ids).
 */
export type SummarizerErrorReason = EmbedderErrorReason | 'invalid_answer';

/**
 * A chat model (the consolidation worker's slow path) failed to summarise.
 * The worker keeps its heuristic result when this is thrown. Messages and
 * details name the URL and model, never the API key.
 */
export class SummarizerError extends AthenaError {
  readonly reason: SummarizerErrorReason;
  /** The HTTP status, or `null` when there was no answer. */
  readonly status: number | null;

  constructor(reason: SummarizerErrorReason, message: string, options: EmbedderErrorOptions = {}) {
    super('summarizer', message, {
      ...options,
      details: { reason, status: options.status ?? null, ...options.details },
    });
    this.reason = reason;
    this.status = options.status ?? null;
  }
}
