import { existsSync } from 'node:fs';
import {
  BackendUnavailableError,
  ExtensionUnavailableError,
  StorageError,
} from '@athena/core-types';
import type { AthenaError } from '@athena/core-types';
import Database from 'better-sqlite3';
import type BetterSqlite3 from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import { mapError } from './map-error.js';
import { migrate } from './migrations/migrate.js';
import type { ResolvedSqliteStoreOptions } from './sqlite-store-options.js';

/** An open, migrated database with a cache of prepared statements. */
export class Connection {
  readonly db: BetterSqlite3.Database;
  readonly embeddingDimension: number;
  readonly schemaVersion: number;
  readonly #statements = new Map<string, BetterSqlite3.Statement>();
  readonly #atomic: BetterSqlite3.Transaction<(work: () => unknown) => unknown>;

  constructor(db: BetterSqlite3.Database, embeddingDimension: number, schemaVersion: number) {
    this.db = db;
    this.embeddingDimension = embeddingDimension;
    this.schemaVersion = schemaVersion;
    this.#atomic = db.transaction((work: () => unknown) => work());
  }

  /**
   * Runs `work` atomically: in its own IMMEDIATE transaction, or in a
   * savepoint when a transaction is already open.
   */
  atomic<T>(work: () => T): T {
    return this.#atomic.immediate(work) as T;
  }

  /**
   * Runs `work` in one read transaction (deferred: it takes no lock until it
   * reads, and never the write lock), or in a savepoint when a transaction
   * is already open, so that its statements see one snapshot.
   */
  snapshot<T>(work: () => T): T {
    return this.#atomic.deferred(work) as T;
  }

  /**
   * A prepared statement for `sql`, compiled once per connection: preparing
   * costs more than running for the small statements a store issues.
   */
  statement<P extends unknown[] | object = unknown[], R = unknown>(
    sql: string,
  ): BetterSqlite3.Statement<P extends unknown[] ? P : [P], R> {
    return this.#prepared(sql, sql, (s) => s) as unknown as BetterSqlite3.Statement<
      P extends unknown[] ? P : [P],
      R
    >;
  }

  /**
   * Like {@link statement}, for queries read as their first column only
   * (`pluck` mode). Cached apart, because the mode sticks to the statement.
   */
  column<R = unknown>(sql: string): BetterSqlite3.Statement<unknown[], R> {
    return this.#prepared(`column:${sql}`, sql, (s) =>
      s.pluck(),
    ) as unknown as BetterSqlite3.Statement<unknown[], R>;
  }

  /**
   * Like {@link statement}, for queries read as arrays of column values
   * (`raw` mode). Cached apart, because the mode sticks to the statement.
   */
  raw<R extends unknown[]>(sql: string): BetterSqlite3.Statement<[Record<string, unknown>], R> {
    return this.#prepared(`raw:${sql}`, sql, (s) => s.raw()) as unknown as BetterSqlite3.Statement<
      [Record<string, unknown>],
      R
    >;
  }

  /** The statement cached under `key`, prepared from `sql` in its read `mode` on first use. */
  #prepared(
    key: string,
    sql: string,
    mode: (statement: BetterSqlite3.Statement) => BetterSqlite3.Statement,
  ): BetterSqlite3.Statement {
    let statement = this.#statements.get(key);
    if (statement === undefined) {
      statement = mode(this.db.prepare(sql));
      this.#statements.set(key, statement);
    }
    return statement;
  }

  /**
   * Closes the database. A writer that is the file's last connection leaves
   * it in rollback-journal mode, so a read-only open in a read-only directory
   * needs no `-wal`/`-shm` files; the next writer turns WAL back on.
   */
  close(): void {
    this.#statements.clear();
    try {
      if (!this.db.readonly && !this.db.memory) leaveWalMode(this.db);
    } finally {
      this.db.close();
    }
  }
}

/** Switches out of WAL unless another connection has the file open (SQLITE_BUSY, at once). */
function leaveWalMode(db: BetterSqlite3.Database): void {
  try {
    db.pragma('journal_mode = DELETE');
  } catch (error) {
    if (sqliteCodeOf(error)?.startsWith('SQLITE_BUSY') !== true) throw error;
  }
}

function sqliteCodeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** How many problems a failed `quick_check` names in the error. */
const QUICK_CHECK_PROBLEMS = 5;

function isCorruption(code: string | undefined): boolean {
  return code?.startsWith('SQLITE_CORRUPT') === true || code === 'SQLITE_NOTADB';
}

function corruptFile(path: string, reason: string, cause?: unknown): StorageError {
  return new StorageError(
    `SQLite database ${path} is corrupt (${reason}); restore it from a backup`,
    { cause, details: { path, reason } },
  );
}

/**
 * Throws unless `PRAGMA quick_check` finds every page of the file intact.
 * Reads each page once (about 0.1 s for 300 MB in the page cache), without
 * checking that indexes match their tables.
 *
 * @throws {StorageError} naming the first problems when the file is corrupt.
 *
 * @example
 * ```ts
 * assertIntact(connection.db, '/data/memory.db');
 * ```
 */
export function assertIntact(db: BetterSqlite3.Database, path: string): void {
  let problems: string[];
  try {
    const rows = db.pragma(`quick_check(${QUICK_CHECK_PROBLEMS})`) as { quick_check: string }[];
    problems = rows.map((row) => row.quick_check);
  } catch (error) {
    if (!isCorruption(sqliteCodeOf(error))) throw error;
    throw corruptFile(path, error instanceof Error ? error.message : String(error), error);
  }
  if (problems.length !== 1 || problems[0] !== 'ok') throw corruptFile(path, problems.join('; '));
}

/**
 * Fails unless this read-write connection can write: SQLite silently opens a
 * file it may not write read-only, after which every write would fail.
 * `BEGIN IMMEDIATE` is refused at once on such a file; a lock held by
 * another connection means the file is writable, so the probe does not wait.
 */
function assertWritable(db: BetterSqlite3.Database, options: ResolvedSqliteStoreOptions): void {
  db.pragma('busy_timeout = 0');
  try {
    db.exec('BEGIN IMMEDIATE');
    db.exec('ROLLBACK');
  } catch (error) {
    if (sqliteCodeOf(error)?.startsWith('SQLITE_BUSY') !== true) throw error;
  } finally {
    db.pragma(`busy_timeout = ${options.busyTimeoutMs}`);
  }
}

/**
 * The typed error of a failure while opening: a corrupt file, a file this
 * process may not write, a directory where SQLite cannot create its `-wal`
 * and `-shm` files; anything else as any driver error.
 */
function openFailure(error: unknown, options: ResolvedSqliteStoreOptions): AthenaError {
  const code = sqliteCodeOf(error);
  const reason = error instanceof Error ? error.message : String(error);
  const details = { path: options.path, sqliteCode: code };
  if (isCorruption(code)) return corruptFile(options.path, reason, error);
  if (code?.startsWith('SQLITE_READONLY') === true) {
    return new BackendUnavailableError(
      `cannot write SQLite database ${options.path}: this process may only read it (${reason}); ` +
        'give it write access, or open the store with readonly: true',
      { cause: error, details },
    );
  }
  if (code?.startsWith('SQLITE_CANTOPEN') === true) {
    return new BackendUnavailableError(
      `cannot open SQLite database ${options.path}: ${reason}. SQLite keeps ${options.path}-wal and ` +
        `${options.path}-shm beside a WAL database, so its directory must be writable` +
        (options.readonly
          ? ' unless they exist; a file last closed by a writing SqliteStore needs neither'
          : ''),
      { cause: error, details },
    );
  }
  return mapError(error);
}

function loadSqliteVec(db: BetterSqlite3.Database, path: string | undefined): void {
  try {
    if (path === undefined) sqliteVec.load(db);
    else db.loadExtension(path);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ExtensionUnavailableError(
      'sqlite-vec',
      `could not load the sqlite-vec extension${path === undefined ? '' : ` from ${path}`}: ${reason}. ` +
        'Install the sqlite-vec package for this platform (npm i sqlite-vec) or set sqliteVecPath.',
      { cause: error, details: { path: path ?? null } },
    );
  }
}

/** Page size of a new database file, in bytes. */
const PAGE_SIZE = 16_384;

/** Upper bound of the page cache, in KiB (allocated only as pages are used). */
const CACHE_SIZE_KIB = 65_536;

/**
 * The pragmas of every connection on the file, the reader threads' included:
 * busy timeout, foreign keys, page cache and memory map.
 */
export function connectionPragmas(options: ResolvedSqliteStoreOptions): string[] {
  return [
    `busy_timeout = ${options.busyTimeoutMs}`,
    'foreign_keys = ON',
    `cache_size = -${CACHE_SIZE_KIB}`,
    `mmap_size = ${options.mmapSizeBytes}`,
  ];
}

function applyPragmas(db: BetterSqlite3.Database, options: ResolvedSqliteStoreOptions): void {
  for (const pragma of connectionPragmas(options)) db.pragma(pragma);
  if (options.readonly) return;
  // Only takes effect on a new, empty file, and must precede WAL. Larger
  // pages shorten the overflow chains of vec0's multi-megabyte vector chunks,
  // which every insert writes into.
  db.pragma(`page_size = ${PAGE_SIZE}`);
  // WAL lets readers proceed while one writer commits; NORMAL is durable
  // across application crashes under WAL and much faster than FULL.
  if (!db.memory) db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
}

/**
 * Opens the database file, applies the pragmas (WAL, busy timeout, foreign
 * keys, synchronous=NORMAL), checks its pages (`quick_check`) and, unless
 * read-only, that it can be written, loads sqlite-vec and migrates the schema.
 *
 * @throws {BackendUnavailableError} when the file cannot be opened, or cannot
 * be written without `readonly`.
 * @throws {StorageError} when the file is corrupt.
 * @throws {ExtensionUnavailableError} when sqlite-vec cannot be loaded.
 *
 * @example
 * ```ts
 * const connection = openConnection(resolveSqliteStoreOptions({ path: ':memory:' }));
 * ```
 */
export function openConnection(options: ResolvedSqliteStoreOptions): Connection {
  let db: BetterSqlite3.Database;
  try {
    db = new Database(options.path, {
      readonly: options.readonly,
      fileMustExist: options.readonly,
      timeout: options.busyTimeoutMs,
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new BackendUnavailableError(`cannot open SQLite database ${options.path}: ${reason}`, {
      cause: error,
      details: { path: options.path },
    });
  }
  try {
    loadSqliteVec(db, options.sqliteVecPath);
    applyPragmas(db, options);
    assertIntact(db, options.path);
    if (!options.readonly) assertWritable(db, options);
    const { embeddingDimension, schemaVersion } = migrate(
      db,
      options.embeddingDimension,
      options.readonly,
    );
    return new Connection(db, embeddingDimension, schemaVersion);
  } catch (error) {
    db.close();
    throw openFailure(error, options);
  }
}

/**
 * Runs `read` on the database file opened read-only, without loading
 * extensions or migrating, then closes it; `read(null)` when the file does
 * not exist (or is `:memory:`), so nothing is ever created.
 *
 * @example
 * ```ts
 * const status = inspectFile('/data/memory.db', migrationStatusOf);
 * ```
 */
export function inspectFile<T>(path: string, read: (db: BetterSqlite3.Database | null) => T): T {
  if (path === ':memory:' || !existsSync(path)) return read(null);
  let db: BetterSqlite3.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new BackendUnavailableError(`cannot open SQLite database ${path}: ${reason}`, {
      cause: error,
      details: { path },
    });
  }
  try {
    return read(db);
  } catch (error) {
    throw mapError(error);
  } finally {
    db.close();
  }
}
