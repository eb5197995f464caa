import { AsyncLocalStorage } from 'node:async_hooks';
import {
  parseBulkLoadOptions,
  parseStatsOptions,
  parseTransactionCallback,
  resolveCapabilities,
  StorageError,
  StoreClosedError,
} from '@athena/core-types';
import type {
  BulkLoadOptions,
  CodeRepository,
  ConsolidationRepository,
  DecisionRepository,
  EpisodeRepository,
  GoalRepository,
  HealthReport,
  MemoryRepository,
  MigrationStatus,
  ProjectRepository,
  RecordRepository,
  RelationshipRepository,
  StatsOptions,
  Transaction,
  SearchRepository,
  Store,
  StoreCapabilities,
  StoreStats,
  TaskRepository,
} from '@athena/core-types';
import { rolledBackInsteadOfCommitted } from '@athena/store-kit';
import { AsyncMutex } from './async-mutex.js';
import { assertIntact, connectionPragmas, inspectFile, openConnection } from './connection.js';
import { ReaderPool } from './readers.js';
import type { Connection } from './connection.js';
import { createRepositories } from './create-repositories.js';
import { mapError } from './map-error.js';
import { migrationStatusOf } from './migrations/migrate.js';
import { Session } from './session.js';
import type { Gate, RollbackOnlyScope } from './session.js';
import { MAX_EMBEDDING_DIMENSION, resolveSqliteStoreOptions } from './sqlite-store-options.js';
import type { ResolvedSqliteStoreOptions, SqliteStoreOptions } from './sqlite-store-options.js';
import { sqliteStats } from './stats.js';

/** What the SQLite backend supports. */
export const SQLITE_CAPABILITIES: StoreCapabilities = resolveCapabilities({
  // Unfiltered semantic search re-scores binary-quantised candidates.
  annIndexes: ['quantized'],
  concurrentWriters: false,
  savepoints: true,
  // Filtered queries scan the matching rows exactly, so `limit` rows come
  // back whenever that many match.
  iterativeFilteredScan: true,
  maxEmbeddingDimension: MAX_EMBEDDING_DIMENSION,
});

/**
 * The repositories handed to a `transaction()` callback, plus `transaction()`
 * itself for nesting (a savepoint).
 */
export interface SqliteTransaction extends Transaction {
  /** Runs `fn` in a nested transaction: a savepoint, undone alone when it throws. */
  transaction<T>(fn: (tx: SqliteTransaction) => Promise<T>): Promise<T>;
}

/** One open transaction or savepoint. */
interface TransactionScope extends RollbackOnlyScope {
  active: boolean;
  /** Serialises savepoints opened directly inside this scope. */
  readonly children: AsyncMutex;
}

/**
 * Athena's {@link Store} on one embedded SQLite file: better-sqlite3 for the
 * connection, sqlite-vec (`vec0`) for vectors, FTS5 for keywords.
 *
 * better-sqlite3 is synchronous, so each operation runs to completion
 * without yielding. Only `transaction()` spans awaits; while one is open,
 * operations from outside it wait their turn, and operations started from
 * inside its callback (through `tx` or the store itself) join it.
 *
 * @example
 * ```ts
 * const store = new SqliteStore({ path: './memory.db', embeddingDimension: 384 });
 * await store.init();
 * const project = await store.projects.create({ name: 'demo', path: '/src/demo' });
 * await store.memories.store(project.id, { content: 'Use pnpm', embedding });
 * const hits = await store.search.hybrid(project.id, { embedding, text: 'pnpm' });
 * await store.close();
 * ```
 */
export class SqliteStore implements Store {
  readonly backend = 'sqlite';
  readonly capabilities: StoreCapabilities = SQLITE_CAPABILITIES;

  readonly projects: ProjectRepository;
  readonly memories: MemoryRepository;
  readonly search: SearchRepository;
  readonly relationships: RelationshipRepository;
  readonly episodes: EpisodeRepository;
  readonly goals: GoalRepository;
  readonly tasks: TaskRepository;
  readonly code: CodeRepository;
  readonly decisions: DecisionRepository;
  readonly consolidation: ConsolidationRepository;
  readonly records: RecordRepository;

  readonly #options: ResolvedSqliteStoreOptions;
  readonly #mutex = new AsyncMutex();
  readonly #scope = new AsyncLocalStorage<TransactionScope>();
  #connection: Connection | null = null;
  #readers: ReaderPool | null = null;
  #opening: Promise<void> | null = null;
  #closed = false;
  #savepoints = 0;

  constructor(options: SqliteStoreOptions) {
    this.#options = resolveSqliteStoreOptions(options);
    const repositories = createRepositories(
      new Session(
        () => this.#requireConnection(),
        this.#gate,
        () => this.#activeScope(),
        // Only while no transaction is open: a read then waits for none and
        // sees every committed write, as on the connection.
        () => (this.#mutex.locked ? null : this.#readers),
      ),
      this,
    );
    this.projects = repositories.projects;
    this.memories = repositories.memories;
    this.search = repositories.search;
    this.relationships = repositories.relationships;
    this.episodes = repositories.episodes;
    this.goals = repositories.goals;
    this.tasks = repositories.tasks;
    this.code = repositories.code;
    this.decisions = repositories.decisions;
    this.consolidation = repositories.consolidation;
    this.records = repositories.records;
  }

  /** The validated, frozen options this store was created with. */
  get options(): ResolvedSqliteStoreOptions {
    return this.#options;
  }

  get embeddingDimension(): number {
    return this.#requireConnection().embeddingDimension;
  }

  /**
   * Opens the file, loads sqlite-vec and applies pending migrations. Safe to
   * call twice; concurrent calls share one attempt, and a failed attempt can
   * be retried.
   *
   * @example
   * ```ts
   * await store.init();
   * ```
   */
  async init(): Promise<void> {
    if (this.#closed) throw new StoreClosedError('the store was closed; create a new SqliteStore');
    if (this.#connection !== null) return;
    this.#opening ??= Promise.resolve()
      .then(() => {
        const options = this.#options;
        this.#connection = openConnection(options);
        if (options.readers > 0) {
          this.#readers = new ReaderPool(options.readers, {
            path: options.path,
            pragmas: connectionPragmas(options),
            sqliteVecPath: options.sqliteVecPath,
          });
        }
      })
      .finally(() => {
        this.#opening = null;
      });
    await this.#opening;
  }

  /**
   * Closes the database after any open transaction ends. Idempotent; the
   * store cannot be used afterwards.
   *
   * @example
   * ```ts
   * await store.close();
   * ```
   */
  async close(): Promise<void> {
    if (this.#scope.getStore()?.active === true) {
      throw new StorageError('close() cannot be called inside a transaction');
    }
    if (this.#closed) return;
    this.#closed = true;
    await this.#opening?.catch(() => undefined);
    await this.#mutex.lock();
    try {
      await this.#readers?.close();
      this.#readers = null;
      this.#connection?.close();
      this.#connection = null;
    } finally {
      this.#mutex.unlock();
    }
  }

  /**
   * Checks the database with a trivial query and `PRAGMA quick_check` (every
   * page read once), and reports versions, file and schema facts. Never
   * throws: a closed, failing or corrupt store reports `ok: false` with the
   * reason.
   *
   * @example
   * ```ts
   * const report = await store.health();
   * if (!report.ok) console.error(report.error);
   * ```
   */
  async health(): Promise<HealthReport> {
    const failed = (error: string): HealthReport => ({
      ok: false,
      backend: this.backend,
      latencyMs: 0,
      embeddingDimension:
        this.#connection?.embeddingDimension ?? this.#options.embeddingDimension ?? 0,
      schemaVersion: this.#connection?.schemaVersion ?? 0,
      details: { path: this.#options.path },
      error,
    });
    try {
      return await this.#run(() => {
        const connection = this.#requireConnection();
        const started = performance.now();
        connection.statement('SELECT 1').get();
        const latencyMs = performance.now() - started;
        assertIntact(connection.db, this.#options.path);
        const versions = connection
          .statement('SELECT sqlite_version() AS sqlite, vec_version() AS sqliteVec')
          .get() as { sqlite: string; sqliteVec: string };
        const pragma = (name: string) => connection.db.pragma(name, { simple: true });
        return {
          ok: true,
          backend: this.backend,
          latencyMs,
          embeddingDimension: connection.embeddingDimension,
          schemaVersion: connection.schemaVersion,
          versions: { sqlite: versions.sqlite, 'sqlite-vec': versions.sqliteVec },
          details: {
            path: this.#options.path,
            readonly: this.#options.readonly,
            sqliteVersion: versions.sqlite,
            sqliteVecVersion: versions.sqliteVec,
            journalMode: pragma('journal_mode'),
            foreignKeys: pragma('foreign_keys') === 1,
            synchronous: pragma('synchronous'),
            busyTimeoutMs: pragma('busy_timeout'),
            mmapSizeBytes: pragma('mmap_size'),
            readers: this.#options.readers,
            pageCount: pragma('page_count'),
            pageSize: pragma('page_size'),
          },
        };
      });
    } catch (error) {
      return failed(error instanceof Error ? error.message : String(error));
    }
  }

  /**
   * Row counts, consolidation states, embedding models, the file's size (with
   * its WAL) and the health of every index, read in one go.
   *
   * @example
   * ```ts
   * const { counts, sizeBytes, indexes } = await store.stats();
   * ```
   */
  async stats(options?: StatsOptions): Promise<StoreStats> {
    const { projectId } = parseStatsOptions(options);
    return this.#run(() => sqliteStats(this.#requireConnection(), this.#options.path, projectId));
  }

  /**
   * The applied and pending migrations. Before `init()` the file is opened
   * read-only just to look (a missing file is reported as not initialised
   * and is not created).
   *
   * @example
   * ```ts
   * const { pending } = await new SqliteStore({ path }).migrationStatus();
   * ```
   */
  async migrationStatus(): Promise<MigrationStatus> {
    if (this.#connection === null) {
      if (this.#closed) throw new StoreClosedError();
      return inspectFile(this.#options.path, migrationStatusOf);
    }
    return this.#run(() => migrationStatusOf(this.#requireConnection().db));
  }

  /**
   * A `transaction()`: SQLite's indexes (vec0, FTS5, the binary vectors) are
   * maintained by triggers as rows arrive, which costs no more than a
   * rebuild would. A load that at least doubles the memories ends by merging
   * the keyword index into one segment (FTS5 `optimize`): loading 10,000
   * memories left 7 segments, and merging them (11 ms) made keyword search
   * 20 % faster; at 100,000, 18 segments, 99 ms, 5 %. Smaller loads leave
   * the merging to FTS5's own, since `optimize` rewrites the whole index.
   *
   * @example
   * ```ts
   * await store.bulkLoad((tx) => tx.records.insert('memories', records), { memories: records.length });
   * ```
   */
  async bulkLoad<T>(
    fn: (tx: SqliteTransaction) => Promise<T>,
    options?: BulkLoadOptions,
  ): Promise<T> {
    parseBulkLoadOptions(options);
    parseTransactionCallback(fn);
    return this.transaction(async (tx) => {
      const before = memoryCount(this.#requireConnection());
      const result = await fn(tx);
      const connection = this.#requireConnection();
      // Not when the load failed inside (the transaction rolls back anyway).
      const failed =
        (this.#scope.getStore()?.failure ?? null) !== null || !connection.db.inTransaction;
      if (!failed && memoryCount(connection) >= 2 * before + 1) {
        connection.db.exec(`INSERT INTO memory_fts (memory_fts) VALUES ('optimize')`);
      }
      return result;
    });
  }

  /**
   * Runs `fn` in one transaction (`BEGIN IMMEDIATE`): commits when it
   * resolves, rolls back and rethrows when it throws. Calling
   * `transaction()` again inside — on `tx` or on the store — opens a
   * savepoint that rolls back on its own.
   *
   * @example
   * ```ts
   * await store.transaction(async (tx) => {
   *   const memory = await tx.memories.store(projectId, { content: 'a', embedding });
   *   await tx.relationships.link(projectId, { fromMemoryId: memory.id, toMemoryId: other, relationshipType: 'extends' });
   * });
   * ```
   */
  async transaction<T>(fn: (tx: SqliteTransaction) => Promise<T>): Promise<T> {
    parseTransactionCallback(fn);
    const parent = this.#scope.getStore();
    if (parent?.active === true) return this.#savepoint(parent, fn);
    if (this.#closed) throw new StoreClosedError();
    await this.#mutex.lock();
    const scope: TransactionScope = { active: true, failure: null, children: new AsyncMutex() };
    try {
      const { db } = this.#requireConnection();
      try {
        db.exec('BEGIN IMMEDIATE');
      } catch (error) {
        throw mapError(error);
      }
      let result: T;
      try {
        result = await this.#scope.run(scope, () => fn(this.#transactionFor(scope)));
      } catch (error) {
        scope.active = false;
        if (db.inTransaction) db.exec('ROLLBACK');
        throw error;
      }
      scope.active = false;
      if (!db.inTransaction) {
        throw new StorageError('SQLite rolled the transaction back after an error inside it');
      }
      if (scope.failure !== null) {
        db.exec('ROLLBACK');
        throw rolledBackInsteadOfCommitted('transaction', scope.failure);
      }
      try {
        db.exec('COMMIT');
      } catch (error) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw mapError(error);
      }
      return result;
    } finally {
      scope.active = false;
      this.#mutex.unlock();
    }
  }

  async #savepoint<T>(
    parent: TransactionScope,
    fn: (tx: SqliteTransaction) => Promise<T>,
  ): Promise<T> {
    parseTransactionCallback(fn);
    await parent.children.lock();
    const scope: TransactionScope = { active: true, failure: null, children: new AsyncMutex() };
    const name = `athena_savepoint_${++this.#savepoints}`;
    try {
      // A savepoint outside a transaction would silently start a new one.
      if (!parent.active) throw new StoreClosedError('this transaction has already ended');
      const { db } = this.#requireConnection();
      const exec = (sql: string) => {
        try {
          db.exec(sql);
        } catch (error) {
          throw mapError(error);
        }
      };
      exec(`SAVEPOINT ${name}`);
      let result: T;
      try {
        result = await this.#scope.run(scope, () => fn(this.#transactionFor(scope)));
      } catch (error) {
        scope.active = false;
        if (db.inTransaction) exec(`ROLLBACK TO ${name}; RELEASE ${name}`);
        throw error;
      }
      scope.active = false;
      if (scope.failure !== null) {
        // Undone to its start; the outer transaction stays usable.
        exec(`ROLLBACK TO ${name}; RELEASE ${name}`);
        throw rolledBackInsteadOfCommitted('transaction', scope.failure);
      }
      exec(`RELEASE ${name}`);
      return result;
    } finally {
      scope.active = false;
      parent.children.unlock();
    }
  }

  #transactionFor(scope: TransactionScope): SqliteTransaction {
    const gate: Gate = {
      open: () => scope.active,
      wait: async () => {
        throw new StoreClosedError('this transaction has already ended');
      },
    };
    const repositories = createRepositories(
      new Session(
        () => this.#requireConnection(),
        gate,
        () => scope,
      ),
      this,
    );
    return Object.freeze({
      ...repositories,
      transaction: <T>(fn: (tx: SqliteTransaction) => Promise<T>) => this.#savepoint(scope, fn),
    });
  }

  /**
   * Lets work run when no transaction is open; work started inside a
   * transaction's callback joins it instead of waiting for it (which would
   * deadlock). Work is synchronous, so running it needs no lock: only an
   * open transaction holds the mutex.
   */
  readonly #gate: Gate = {
    open: () =>
      this.#mutex.locked
        ? this.#scope.getStore()?.active === true
        : !this.#closed && this.#connection !== null,
    wait: async (work) => {
      if (this.#scope.getStore()?.active === true) return work();
      if (this.#closed) throw new StoreClosedError();
      await this.#mutex.lock();
      try {
        return work();
      } finally {
        this.#mutex.unlock();
      }
    },
  };

  /** The transaction work started now runs in, if one is open. */
  #activeScope(): TransactionScope | undefined {
    const scope = this.#scope.getStore();
    return scope?.active === true ? scope : undefined;
  }

  #run<T>(work: () => T): Promise<T> {
    return this.#gate.open() ? Promise.resolve().then(work) : this.#gate.wait(work);
  }

  #requireConnection(): Connection {
    if (this.#connection === null) throw new StoreClosedError();
    return this.#connection;
  }
}

/** How many memories the file holds, from the per-project counts its triggers keep. */
function memoryCount(connection: Connection): number {
  return connection
    .column<number>('SELECT coalesce(sum(memories), 0) FROM project_memory_counts')
    .get() as number;
}
