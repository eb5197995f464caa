import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { StoreClosedError } from '@athena/core-types';
import * as sqliteVec from 'sqlite-vec';
import { mapError } from './map-error.js';

/** One read-only statement for a reader thread: its text and named parameters. */
export interface ReadStatement {
  readonly sql: string;
  readonly params: Readonly<Record<string, unknown>>;
}

/** What a reader thread opens: the file, the pragmas it applies and sqlite-vec. */
export interface ReaderSettings {
  readonly path: string;
  /** `connectionPragmas()` of the store's options. */
  readonly pragmas: readonly string[];
  /** The sqlite-vec loadable extension; default the `sqlite-vec` package's. */
  readonly sqliteVecPath: string | undefined;
}

/**
 * A reader thread's program. It opens the file read-only with its own
 * better-sqlite3 connection (WAL lets it read while the store's connection
 * writes), loads sqlite-vec, and answers `{ id, sql, params }` with
 * `{ id, rows }` or `{ id, error }`. Plain CommonJS source run with `eval`,
 * so the same code serves the ESM and CJS builds and the sources under
 * test; the modules it needs are resolved by the store and passed in.
 */
const READER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { readonly: true, fileMustExist: true });
for (const pragma of workerData.pragmas) db.pragma(pragma);
db.loadExtension(workerData.sqliteVec);
const statements = new Map();
const bindable = (value) =>
  value instanceof Uint8Array && !Buffer.isBuffer(value)
    ? Buffer.from(value.buffer, value.byteOffset, value.byteLength)
    : value;
parentPort.on('message', ({ id, sql, params }) => {
  try {
    let statement = statements.get(sql);
    if (statement === undefined) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    const bound = {};
    for (const key of Object.keys(params)) bound[key] = bindable(params[key]);
    parentPort.postMessage({ id, rows: statement.all(bound) });
  } catch (error) {
    parentPort.postMessage({
      id,
      error: { message: error instanceof Error ? error.message : String(error), code: error && error.code },
    });
  }
});
`;

interface Pending {
  readonly resolve: (rows: unknown[]) => void;
  readonly reject: (error: unknown) => void;
}

interface Reader {
  readonly worker: Worker;
  readonly pending: Map<number, Pending>;
}

interface Reply {
  readonly id: number;
  readonly rows?: unknown[];
  readonly error?: { readonly message: string; readonly code?: unknown };
}

/** An error a reader thread reported, with better-sqlite3's `code` for `mapError`. */
class ReaderError extends Error {
  readonly code: unknown;

  constructor(message: string, code: unknown) {
    super(message);
    this.name = 'SqliteError';
    this.code = code;
  }
}

/**
 * Threads with read-only connections of their own on the store's file, so
 * searches run on several cores and never block the event loop. Every
 * thread starts on the first statement, so a later burst of searches never
 * waits for one to start; a thread that dies is replaced on the next. Each
 * statement goes to the reader with the fewest statements in flight, ties
 * taken in turn, so sequential searches keep every thread's connection warm.
 * Readers hold the process open only while they have work.
 *
 * @example
 * ```ts
 * const readers = new ReaderPool(2, settings);
 * const rows = await readers.all<{ id: number }>({ sql: 'SELECT id FROM projects', params: {} });
 * await readers.close();
 * ```
 */
export class ReaderPool {
  readonly size: number;
  readonly #settings: ReaderSettings;
  readonly #readers: (Reader | null)[];
  #next = 0;
  #turn = 0;
  #closed = false;

  constructor(size: number, settings: ReaderSettings) {
    this.size = size;
    this.#settings = settings;
    this.#readers = Array.from({ length: size }, () => null);
  }

  /** Runs one read-only statement on a reader thread and resolves with its rows. */
  all<R>(statement: ReadStatement): Promise<R[]> {
    if (this.#closed) return Promise.reject(new StoreClosedError());
    const reader = this.#pick();
    const id = this.#next++;
    return new Promise<R[]>((resolve, reject) => {
      if (reader.pending.size === 0) reader.worker.ref();
      reader.pending.set(id, { resolve: resolve as (rows: unknown[]) => void, reject });
      reader.worker.postMessage({ id, sql: statement.sql, params: statement.params });
    });
  }

  /** Stops every reader thread; statements in flight reject. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    const readers = this.#readers.splice(0);
    await Promise.all(readers.map((reader) => reader?.worker.terminate()));
  }

  /** Threads running now: 0 before the first statement, then `size` (less any that died). */
  get threads(): number {
    return this.#readers.filter((reader) => reader !== null).length;
  }

  /** The least busy reader, ties in turn; starts every thread that is not running. */
  #pick(): Reader {
    const readers = this.#readers;
    for (const [slot, reader] of readers.entries()) {
      if (reader === null) readers[slot] = this.#start(slot);
    }
    let best: Reader | undefined;
    for (let i = 0; i < readers.length; i++) {
      const reader = readers[(this.#turn + i) % readers.length] as Reader;
      if (best === undefined || reader.pending.size < best.pending.size) best = reader;
    }
    this.#turn = (this.#turn + 1) % readers.length;
    return best as Reader;
  }

  #start(slot: number): Reader {
    const settings = this.#settings;
    const worker = new Worker(READER_SOURCE, {
      eval: true,
      workerData: {
        driver: createRequire(import.meta.url).resolve('better-sqlite3'),
        sqliteVec: settings.sqliteVecPath ?? sqliteVec.getLoadablePath(),
        path: settings.path,
        pragmas: settings.pragmas,
      },
    });
    worker.unref();
    const reader: Reader = { worker, pending: new Map() };
    worker.on('message', ({ id, rows, error }: Reply) => {
      const pending = reader.pending.get(id);
      if (pending === undefined) return;
      reader.pending.delete(id);
      if (reader.pending.size === 0) worker.unref();
      if (error === undefined) pending.resolve(rows ?? []);
      else pending.reject(mapError(new ReaderError(error.message, error.code)));
    });
    const fail = (cause: unknown) => {
      if (this.#readers[slot] === reader) this.#readers[slot] = null;
      const error = this.#closed ? new StoreClosedError() : mapError(cause);
      for (const pending of reader.pending.values()) pending.reject(error);
      reader.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`a SQLite reader thread exited with code ${code}`)));
    return reader;
  }
}
