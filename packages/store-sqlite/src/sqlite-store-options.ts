import { ValidationError } from '@athena/core-types';
import type { ValidationIssue } from '@athena/core-types';

/** Embedding dimension of a new database when none is given. */
export const DEFAULT_EMBEDDING_DIMENSION = 768;

/** Default wait, in milliseconds, for a lock held by another connection. */
export const DEFAULT_BUSY_TIMEOUT_MS = 5_000;

/**
 * Default upper bound of the memory-mapped part of the file, in bytes
 * (address space, not memory). Reading pages through the map skips a system
 * call and a copy per page: re-scoring the few hundred random rows of a
 * quantised search over a file much larger than the page cache gets 3–4×
 * faster.
 */
export const DEFAULT_MMAP_SIZE_BYTES = 1_073_741_824;

/** Largest vector sqlite-vec's `vec0` table accepts (`SQLITE_VEC_VEC0_MAX_DIMENSIONS`). */
export const MAX_EMBEDDING_DIMENSION = 8_192;

/** Largest `k` of a `vec0` KNN query; larger candidate sets use an exact scan. */
export const MAX_KNN_K = 4_096;

/** Most reader threads a store may start. */
export const MAX_READERS = 64;

/** Options of {@link SqliteStore}. */
export interface SqliteStoreOptions {
  /** Database file, or `':memory:'`. The parent directory must exist. */
  readonly path: string;
  /**
   * Dimension of a new database (default 768). For an existing database it
   * must equal the stored value, or `init()` throws `DimensionMismatchError`.
   */
  readonly embeddingDimension?: number;
  /** How long to wait for another connection's lock; default 5000. */
  readonly busyTimeoutMs?: number;
  /** Open without write access; the database must exist and be fully migrated. Default false. */
  readonly readonly?: boolean;
  /** Path of the sqlite-vec loadable extension; default the one bundled by the `sqlite-vec` package. */
  readonly sqliteVecPath?: string;
  /**
   * Bytes of the file read through a memory map (`PRAGMA mmap_size`); 0 reads
   * through SQLite's page cache only. Default 1 GiB: random reads of a search
   * skip a system call and a copy per page. Mapped pages count in the
   * process's resident set, so a one-pass reader of a large file (an export)
   * stays smaller with 0.
   */
  readonly mmapSizeBytes?: number;
  /**
   * Threads, each with a read-only connection of its own, that run
   * semantic, keyword and hybrid searches outside a transaction, so that
   * concurrent searches use several cores and no search blocks the event
   * loop. All started by the first search. Default 0: every statement runs on the
   * store's one connection. Needs a file (not `':memory:'`).
   */
  readonly readers?: number;
}

/** {@link SqliteStoreOptions} after validation; `embeddingDimension` stays optional until init. */
export interface ResolvedSqliteStoreOptions {
  readonly path: string;
  readonly embeddingDimension: number | undefined;
  readonly busyTimeoutMs: number;
  readonly readonly: boolean;
  readonly sqliteVecPath: string | undefined;
  readonly mmapSizeBytes: number;
  readonly readers: number;
}

/**
 * Validates the constructor options once and returns a frozen copy, so later
 * changes to the caller's object cannot affect the store.
 *
 * @example
 * ```ts
 * const options = resolveSqliteStoreOptions({ path: ':memory:', embeddingDimension: 8 });
 * ```
 */
export function resolveSqliteStoreOptions(options: SqliteStoreOptions): ResolvedSqliteStoreOptions {
  const issues: ValidationIssue[] = [];
  const raw = (options ?? {}) as Partial<SqliteStoreOptions>;
  if (typeof raw.path !== 'string' || raw.path.length === 0 || raw.path.includes('\u0000')) {
    issues.push({ path: 'options.path', message: "must be a file path or ':memory:'" });
  }
  const dimension = raw.embeddingDimension;
  if (
    dimension !== undefined &&
    (!Number.isInteger(dimension) || dimension < 1 || dimension > MAX_EMBEDDING_DIMENSION)
  ) {
    issues.push({
      path: 'options.embeddingDimension',
      message: `must be an integer in 1–${MAX_EMBEDDING_DIMENSION}`,
    });
  }
  const busy = raw.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  if (!Number.isInteger(busy) || busy < 0 || busy > 2 ** 31 - 1) {
    issues.push({ path: 'options.busyTimeoutMs', message: 'must be a non-negative integer' });
  }
  if (raw.readonly !== undefined && typeof raw.readonly !== 'boolean') {
    issues.push({ path: 'options.readonly', message: 'must be a boolean' });
  }
  if (
    raw.sqliteVecPath !== undefined &&
    (typeof raw.sqliteVecPath !== 'string' || raw.sqliteVecPath === '')
  ) {
    issues.push({ path: 'options.sqliteVecPath', message: 'must be a non-empty path' });
  }
  const mmap = raw.mmapSizeBytes ?? DEFAULT_MMAP_SIZE_BYTES;
  if (!Number.isSafeInteger(mmap) || mmap < 0) {
    issues.push({ path: 'options.mmapSizeBytes', message: 'must be a non-negative integer' });
  }
  const readers = raw.readers ?? 0;
  if (!Number.isInteger(readers) || readers < 0 || readers > MAX_READERS) {
    issues.push({ path: 'options.readers', message: `must be an integer in 0–${MAX_READERS}` });
  } else if (readers > 0 && raw.path === ':memory:') {
    issues.push({
      path: 'options.readers',
      message: "needs a database file: an ':memory:' database is private to one connection",
    });
  }
  if (issues.length > 0) {
    const summary = issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
    throw new ValidationError(`invalid SqliteStore options: ${summary}`, issues);
  }
  return Object.freeze({
    path: raw.path as string,
    embeddingDimension: dimension,
    busyTimeoutMs: busy,
    readonly: raw.readonly ?? false,
    sqliteVecPath: raw.sqliteVecPath,
    mmapSizeBytes: mmap,
    readers,
  });
}
