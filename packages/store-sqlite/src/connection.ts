import { existsSync } from 'node:fs';
import { BackendUnavailableError, ExtensionUnavailableError } from '@athena/core-types';
import Database from 'better-sqlite3';
import type BetterSqlite3 from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import { mapSqliteError } from './map-error.js';
import { migrate } from './migrator.js';
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
   * A prepared statement for `sql`, compiled once per connection: preparing
   * costs more than running for the small statements a store issues.
   */
  statement<P extends unknown[] | object = unknown[], R = unknown>(
    sql: string,
  ): BetterSqlite3.Statement<P extends unknown[] ? P : [P], R> {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement as unknown as BetterSqlite3.Statement<P extends unknown[] ? P : [P], R>;
  }

  /**
   * Like {@link statement}, for queries read as their first column only
   * (`pluck` mode). Cached apart, because the mode sticks to the statement.
   */
  column<R = unknown>(sql: string): BetterSqlite3.Statement<unknown[], R> {
    const key = `column:${sql}`;
    let statement = this.#statements.get(key);
    if (statement === undefined) {
      statement = this.db.prepare(sql).pluck();
      this.#statements.set(key, statement);
    }
    return statement as unknown as BetterSqlite3.Statement<unknown[], R>;
  }

  close(): void {
    this.#statements.clear();
    this.db.close();
  }
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

function applyPragmas(db: BetterSqlite3.Database, options: ResolvedSqliteStoreOptions): void {
  db.pragma(`busy_timeout = ${options.busyTimeoutMs}`);
  db.pragma('foreign_keys = ON');
  db.pragma(`cache_size = -${CACHE_SIZE_KIB}`);
  db.pragma(`mmap_size = ${options.mmapSizeBytes}`);
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
 * keys, synchronous=NORMAL), loads sqlite-vec and migrates the schema.
 *
 * @throws {BackendUnavailableError} when the file cannot be opened.
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
    const { embeddingDimension, schemaVersion } = migrate(
      db,
      options.embeddingDimension,
      options.readonly,
    );
    return new Connection(db, embeddingDimension, schemaVersion);
  } catch (error) {
    db.close();
    throw mapSqliteError(error);
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
    throw mapSqliteError(error);
  } finally {
    db.close();
  }
}
