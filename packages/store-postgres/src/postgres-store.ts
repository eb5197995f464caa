import { AsyncLocalStorage } from 'node:async_hooks';
import {
  StoreClosedError,
  parseBulkLoadOptions,
  parseStatsOptions,
  parseTransactionCallback,
  resolveCapabilities,
} from '@athena/core-types';
import type {
  BulkLoadOptions,
  EmbeddingInput,
  HealthReport,
  MigrationStatus,
  StatsOptions,
  StoreStats,
  HybridQuery,
  HybridSearchOptions,
  KeywordSearchOptions,
  NeighbourOptions,
  ProjectRepository,
  MemoryRepository,
  SearchRepository,
  RelationshipRepository,
  EpisodeRepository,
  GoalRepository,
  TaskRepository,
  CodeRepository,
  DecisionRepository,
  ConsolidationRepository,
  RecordRepository,
  Repositories,
  Transaction,
  SemanticSearchOptions,
  Store,
  StoreCapabilities,
} from '@athena/core-types';
import { SEARCH_PARSERS, frontedRepositories } from '@athena/store-kit';
import type { FrontContext } from '@athena/store-kit';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { schemaLockKey, withAdvisoryLock } from './advisory-lock.js';
import { annQueryOf, annSettingsFor, applyAnnSettings, customPlans } from './ann-settings.js';
import { PostgresCodeRepository } from './repositories/code-repository.js';
import { restoreIndexes, suspendIndexesFor } from './bulk-load-indexes.js';
import { postgresHealth } from './health.js';
import { PostgresConsolidationRepository } from './repositories/consolidation-repository.js';
import { PostgresDecisionRepository } from './repositories/decision-repository.js';
import { PostgresEpisodeRepository } from './repositories/episode-repository.js';
import { PostgresGoalRepository } from './repositories/goal-repository.js';
import { PGVECTOR_MAX_INDEXED_DIMENSIONS } from './limits.js';
import { mapError } from './map-error.js';
import { PostgresMemoryRepository } from './repositories/memory-repository.js';
import { migrate } from './migrations/migrate.js';
import { resolveOptions, resolveProjectGraphOptions } from './options.js';
import type { PostgresStoreOptions, ProjectGraphOptions, ResolvedOptions } from './options.js';
import { InFlight } from './in-flight.js';
import { openDatabase, openPool, toKyselyPool } from './pool.js';
import { ReadReplicas } from './replicas.js';
import type { PoolHandle } from './pool.js';
import { PostgresProjectRepository } from './repositories/project-repository.js';
import { PostgresRecordRepository } from './repositories/record-repository.js';
import { FreshStatistics } from './fresh-statistics.js';
import { ProjectShares } from './project-shares.js';
import { PostgresRelationshipRepository } from './repositories/relationship-repository.js';
import type { Database } from './schema.js';
import {
  exactNeighbours,
  PostgresSearchRepository,
  withVectorIndexImposed,
} from './repositories/search-repository.js';
import { hybridSql, keywordSql, neighboursSql, semanticSql } from './sql/search-sql.js';
import { Session } from './session.js';
import type { SessionEnv } from './session.js';
import { postgresStats, readMigrationStatus } from './stats.js';
import type { ExpectedVectorIndex } from './stats.js';
import { PostgresTaskRepository } from './repositories/task-repository.js';
import {
  INDEX_NAMES,
  buildProjectGraphs,
  ensureVectorIndex,
  rebuildVectorIndex,
} from './vector-index.js';
import type { ProjectGraphsOutcome, VectorIndexOutcome } from './vector-index.js';

/** The capabilities of {@link PostgresStore}. */
export const POSTGRES_CAPABILITIES: StoreCapabilities = resolveCapabilities({
  annIndexes: ['hnsw', 'ivfflat'],
  concurrentWriters: true,
  savepoints: true,
  iterativeFilteredScan: true,
  maxEmbeddingDimension: PGVECTOR_MAX_INDEXED_DIMENSIONS,
});

/**
 * What `transaction()` hands its callback: every repository bound to one
 * transaction, plus `transaction()` for a nested savepoint.
 */
export interface PostgresTransaction extends Transaction {
  /** Runs `fn` in a savepoint: its failure rolls back only its own work. */
  transaction<T>(fn: (tx: PostgresTransaction) => Promise<T>): Promise<T>;
}

/** A search to EXPLAIN, exactly as the store would issue it. */
export type ExplainableSearch =
  | {
      readonly kind: 'semantic';
      readonly projectId: number;
      readonly embedding: EmbeddingInput;
      readonly options?: SemanticSearchOptions;
    }
  | {
      readonly kind: 'keyword';
      readonly projectId: number;
      readonly text: string;
      readonly options?: KeywordSearchOptions;
    }
  | {
      readonly kind: 'hybrid';
      readonly projectId: number;
      readonly query: HybridQuery;
      readonly options?: HybridSearchOptions;
    }
  | {
      readonly kind: 'neighbours';
      readonly projectId: number;
      readonly memoryIds: readonly number[];
      readonly options?: NeighbourOptions;
    };

/**
 * The arguments of a search to explain, parsed by the search's own parsers
 * (same order, same errors, same defaults), after its kind.
 */
function parseSearch(search: ExplainableSearch, context: FrontContext) {
  const { semantic, keyword, hybrid, neighbours } = SEARCH_PARSERS;
  switch (search.kind) {
    case 'semantic':
      return [
        search.kind,
        ...semantic(context, search.projectId, search.embedding, search.options),
      ] as const;
    case 'keyword':
      return [
        search.kind,
        ...keyword(context, search.projectId, search.text, search.options),
      ] as const;
    case 'neighbours':
      return [
        search.kind,
        ...neighbours(context, search.projectId, search.memoryIds, search.options),
      ] as const;
    default:
      return [
        'hybrid',
        ...hybrid(context, search.projectId, search.query, search.options),
      ] as const;
  }
}

interface OpenState {
  readonly db: Kysely<Database>;
  readonly pool: PoolHandle;
  readonly session: Session;
  readonly schemaVersion: number;
}

function repositories(session: () => Session, context: FrontContext): Repositories {
  return frontedRepositories(
    {
      projects: new PostgresProjectRepository(session),
      memories: new PostgresMemoryRepository(session),
      search: new PostgresSearchRepository(session),
      relationships: new PostgresRelationshipRepository(session),
      episodes: new PostgresEpisodeRepository(session),
      goals: new PostgresGoalRepository(session),
      tasks: new PostgresTaskRepository(session),
      code: new PostgresCodeRepository(session),
      decisions: new PostgresDecisionRepository(session),
      consolidation: new PostgresConsolidationRepository(session),
      records: new PostgresRecordRepository(session),
    },
    context,
  );
}

/**
 * Athena's production backend: PostgreSQL with pgvector, queried through
 * kysely over a `pg` pool.
 *
 * @example
 * ```ts
 * const store = new PostgresStore({ connectionString: process.env.DATABASE_URL!, embeddingDimension: 384 });
 * await store.init();
 * const project = await store.projects.create({ name: 'demo', path: '/src/demo' });
 * await store.memories.store(project.id, { content: 'Use pnpm workspaces', embedding });
 * const hits = await store.search.hybrid(project.id, { embedding, text: 'pnpm' });
 * await store.close();
 * ```
 */
export class PostgresStore implements Store {
  readonly backend: string = 'postgres';
  readonly capabilities: StoreCapabilities = POSTGRES_CAPABILITIES;
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

  readonly #options: ResolvedOptions;
  /** The open transaction of the current async context, so nested `transaction()` calls become savepoints. */
  readonly #ambient = new AsyncLocalStorage<Session>();
  #state: OpenState | null = null;
  #opening: Promise<OpenState> | null = null;
  #closed = false;
  /** IVFFlat only: whether the deferred index is known to exist. */
  #annIndexReady = false;
  #ensuring: Promise<VectorIndexOutcome> | null = null;

  constructor(options: PostgresStoreOptions) {
    this.#options = resolveOptions(options);
    const repos = repositories(() => this.#open().session, this);
    this.projects = repos.projects;
    this.memories = repos.memories;
    this.search = repos.search;
    this.relationships = repos.relationships;
    this.episodes = repos.episodes;
    this.goals = repos.goals;
    this.tasks = repos.tasks;
    this.code = repos.code;
    this.decisions = repos.decisions;
    this.consolidation = repos.consolidation;
    this.records = repos.records;
  }

  /** The database's embedding dimension, known after `init()`. */
  get embeddingDimension(): number {
    return this.#open().session.env.dimension;
  }

  /** The schema holding the tables. */
  get schema(): string {
    return this.#options.schema;
  }

  /**
   * Connects, creates the pgvector extension if needed, migrates the schema
   * under an advisory lock and makes sure the vector index exists. Idempotent.
   *
   * @example
   * ```ts
   * await store.init();
   * ```
   */
  async init(): Promise<void> {
    if (this.#closed)
      throw new StoreClosedError('the store was closed; create a new PostgresStore');
    if (this.#state !== null) return;
    this.#opening ??= this.#connect().finally(() => {
      this.#opening = null;
    });
    this.#state = await this.#opening;
  }

  async #connect(): Promise<OpenState> {
    const pool = openPool(this.#options);
    const { db, direct } = openDatabase(pool, this.#options);
    let replicas: ReadReplicas | null = null;
    try {
      let indexOutcome: VectorIndexOutcome | undefined;
      const outcome = await migrate(db, this.#options, async (connection, facts) => {
        indexOutcome = await ensureVectorIndex(connection, {
          schema: this.#options.schema,
          vectorSchema: facts.vectorSchema,
          dimension: facts.dimension,
          vectorIndex: this.#options.vectorIndex,
        });
      });
      this.#noteIndex(indexOutcome);
      const env: SessionEnv = {
        options: this.#options,
        schema: this.#options.schema,
        vectorSchema: outcome.vectorSchema,
        dimension: outcome.dimension,
        textSearchConfig: outcome.textSearchConfig,
        annDefaults: pool.annDefaults,
        projectShares: new ProjectShares(db, this.#options.schema),
        statistics: new FreshStatistics(),
        statements: new Map(),
        afterMemoriesInserted: (session) => this.#afterMemoriesInserted(session),
        operations: new InFlight(),
        replicas: this.#options.readReplicas === null ? null : new ReadReplicas(this.#options, db),
      };
      replicas = env.replicas;
      replicas?.bind(env);
      return {
        db,
        pool,
        session: new Session(db, env, 0, direct),
        schemaVersion: outcome.schemaVersion,
      };
    } catch (error) {
      await replicas?.close();
      await db.destroy().catch(() => undefined);
      await pool.release().catch(() => undefined);
      throw error;
    }
  }

  #noteIndex(outcome: VectorIndexOutcome | undefined): void {
    if (outcome === undefined) return;
    this.#annIndexReady = outcome.index !== null;
    if (outcome.action === 'deferred') {
      this.#options.logger.warn('IVFFlat index deferred until enough memories exist', {
        rows: outcome.rows,
        minRows:
          this.#options.vectorIndex.type === 'ivfflat'
            ? this.#options.vectorIndex.minRows
            : undefined,
      });
    }
  }

  async #afterMemoriesInserted(session: Session): Promise<void> {
    // Only IVFFlat is deferred; inside a caller's transaction the rows are not committed yet.
    if (this.#options.vectorIndex.type !== 'ivfflat' || this.#annIndexReady || session.depth > 0) {
      return;
    }
    // Concurrent inserts share one check instead of queueing on the advisory lock.
    this.#ensuring ??= this.ensureVectorIndex().finally(() => {
      this.#ensuring = null;
    });
    await this.#ensuring;
  }

  #open(): OpenState {
    if (this.#state === null || this.#closed) throw new StoreClosedError();
    return this.#state;
  }

  #target(state: OpenState) {
    return {
      schema: this.#options.schema,
      vectorSchema: state.session.env.vectorSchema,
      dimension: state.session.env.dimension,
      vectorIndex: this.#options.vectorIndex,
    };
  }

  /**
   * Builds the configured vector index if it is missing (IVFFlat: once
   * `minRows` memories exist). Called by `init()` and, for IVFFlat, after
   * inserts until the index exists.
   *
   * @example
   * ```ts
   * const { action } = await store.ensureVectorIndex(); // 'created' | 'exists' | 'deferred' | 'disabled'
   * ```
   */
  async ensureVectorIndex(): Promise<VectorIndexOutcome> {
    const state = this.#open();
    try {
      const outcome = await withAdvisoryLock(
        state.db,
        schemaLockKey(this.#options.schema),
        this.#options.connectionPooler,
        (connection) => ensureVectorIndex(connection, this.#target(state)),
      );
      this.#annIndexReady = outcome.index !== null;
      return outcome;
    } catch (error) {
      throw mapError(error, { operation: 'ensure vector index' });
    }
  }

  /**
   * Gives every project with at least `minRows` memories (default 10,000)
   * and less than `maxShare` of all memories (default 0.5) its own HNSW graph:
   * a partial index `WHERE project_id = <id>` beside the shared one, which
   * searches in that project then use with the plain ef_search. A project
   * filter on the shared graph throws away the other projects' neighbours
   * (a 10 % project needs a 5× larger ef_search for the same recall); its
   * own graph holds only its rows. Measured on 100K memories over 10
   * projects: semantic top-10 in a project 4.6 ms → 1.9 ms.
   *
   * Built with CREATE INDEX CONCURRENTLY: reads and writes go on meanwhile
   * (a 10K-memory project takes seconds). Graphs of projects that no longer
   * qualify by share, or no longer exist, are dropped; an interrupted build
   * is redone; the table is ANALYZEd. Call it after bulk loads or from a maintenance job: memories
   * of a project with a graph are inserted into two graphs, so each insert
   * costs more. Only for `vectorIndex.type: 'hnsw'` (otherwise nothing is
   * built). Other stores notice new graphs within a minute.
   *
   * @example
   * ```ts
   * const { created } = await store.buildProjectGraphs({ minRows: 5_000 }); // [3, 7]
   * ```
   */
  async buildProjectGraphs(options?: ProjectGraphOptions): Promise<ProjectGraphsOutcome> {
    const policy = resolveProjectGraphOptions(options);
    const state = this.#open();
    try {
      const outcome = await withAdvisoryLock(
        state.db,
        schemaLockKey(this.#options.schema),
        this.#options.connectionPooler,
        (connection) => buildProjectGraphs(connection, this.#target(state), policy),
      );
      await state.session.env.projectShares.refresh();
      return outcome;
    } catch (error) {
      throw mapError(error, { operation: 'build project graphs' });
    }
  }

  /**
   * Drops and rebuilds the vector index from the current rows (IVFFlat:
   * fresh centroids after the data changed).
   *
   * @example
   * ```ts
   * await store.rebuildVectorIndex();
   * ```
   */
  async rebuildVectorIndex(): Promise<VectorIndexOutcome> {
    const state = this.#open();
    try {
      const outcome = await withAdvisoryLock(
        state.db,
        schemaLockKey(this.#options.schema),
        this.#options.connectionPooler,
        (connection) => rebuildVectorIndex(connection, this.#target(state)),
      );
      this.#annIndexReady = outcome.index !== null;
      return outcome;
    } catch (error) {
      throw mapError(error, { operation: 'rebuild vector index' });
    }
  }

  /**
   * The query plan of a search exactly as the store issues it (same SQL, same
   * ANN settings), one line per element. For tests and tuning.
   *
   * @example
   * ```ts
   * const plan = await store.explainSearch({ kind: 'semantic', projectId, embedding });
   * plan.some((line) => line.includes('memory_vectors_embedding_hnsw_idx')); // true
   * ```
   */
  async explainSearch(
    search: ExplainableSearch,
    planner: { readonly enableSeqScan?: boolean } = {},
  ): Promise<string[]> {
    const session = this.#open().session;
    const parsed = parseSearch(search, this);
    const project = parsed[1];
    // Loaded outside the transaction, so the plan is the one the search gets.
    await session.env.projectShares.scope(project);
    return session.atomic({ operation: 'explain search' }, async (s) => {
      if (planner.enableSeqScan === false)
        await sql`select set_config('enable_seqscan', 'off', true)`.execute(s.raw);
      // The ANN settings the search would run with; whether it reads a project's own graph.
      const applyAnnFor = async (options: Parameters<typeof annQueryOf>[0]) => {
        const settings = await annSettingsFor(s, project, annQueryOf(options));
        await applyAnnSettings(s, settings);
        return settings;
      };
      let statement;
      let projectGraph = false;
      // A state-filtered neighbour search on the graph path runs with the index imposed.
      let vectorIndexImposed = false;
      if (parsed[0] === 'semantic') {
        const [, , vector, options] = parsed;
        const settings = await applyAnnFor(options);
        projectGraph = settings.projectGraph;
        // A small project is scanned exactly, as the search would.
        const exact = options.exact || settings.exact;
        statement = semanticSql(s, project, vector, { ...options, exact });
      } else if (parsed[0] === 'keyword') {
        const [, , text, options] = parsed;
        statement = keywordSql(s, project, text, options);
      } else if (parsed[0] === 'neighbours') {
        const [, , { ids, options }] = parsed;
        const settings = await annSettingsFor(s, project, annQueryOf(options));
        await applyAnnSettings(s, settings);
        projectGraph = settings.projectGraph;
        const exact = await exactNeighbours(s, project, options.states);
        vectorIndexImposed = options.states !== undefined && !exact;
        statement = neighboursSql(s, project, ids, { ...options, exact });
      } else {
        const [, , { embedding, text }, options] = parsed;
        const settings = await applyAnnFor(options);
        projectGraph = settings.projectGraph;
        statement = hybridSql(s, project, embedding, text, options, settings.exact);
      }
      const explain = sql<{ 'QUERY PLAN': string }>`explain ${statement}`;
      // A project graph is only matched by a plan for the project id, as searches there get.
      const execute = () =>
        projectGraph ? customPlans.run(true, () => explain.execute(s.raw)) : explain.execute(s.raw);
      const { rows } = vectorIndexImposed
        ? await withVectorIndexImposed(s, execute)
        : await execute();
      return rows.map((row) => row['QUERY PLAN']);
    });
  }

  /**
   * Runs `fn` in one transaction: commit when it resolves, roll back and
   * rethrow when it throws. Called again inside `fn` (on the store or on
   * `tx`), it opens a savepoint instead. A transaction that failed with a
   * serialization failure or deadlock, or whose connection broke before
   * COMMIT, is retried from the start: keep `fn` free of side effects
   * outside the database.
   *
   * @example
   * ```ts
   * await store.transaction(async (tx) => {
   *   const project = await tx.projects.create({ name: 'demo', path: '/demo' });
   *   await tx.memories.store(project.id, { content: 'x', embedding });
   * });
   * ```
   */
  async transaction<T>(fn: (tx: PostgresTransaction) => Promise<T>): Promise<T> {
    parseTransactionCallback(fn);
    const base = this.#ambient.getStore() ?? this.#open().session;
    return await base.atomic(
      { operation: 'transaction' },
      (session) => this.#ambient.run(session, () => fn(this.#transactionView(session))),
      true,
    );
  }

  #transactionView(session: Session): PostgresTransaction {
    return {
      ...repositories(() => session, this),
      transaction: (fn) => {
        parseTransactionCallback(fn);
        return session.atomic(
          { operation: 'transaction' },
          (inner) => this.#ambient.run(inner, () => fn(this.#transactionView(inner))),
          true,
        );
      },
    };
  }

  /**
   * Row counts, consolidation states, embedding models, the schema's size on
   * disk and the health of every index, read in one repeatable-read
   * transaction so the figures agree.
   *
   * @example
   * ```ts
   * const { counts, sizeBytes, indexes } = await store.stats();
   * ```
   */
  async stats(options?: StatsOptions): Promise<StoreStats> {
    const state = this.#open();
    const { projectId } = parseStatsOptions(options);
    const spec = this.#options.vectorIndex;
    const vectorIndex: ExpectedVectorIndex | null =
      spec.type === 'none'
        ? null
        : {
            name: INDEX_NAMES[spec.type],
            kind: spec.type,
            minRows: spec.type === 'ivfflat' ? spec.minRows : 0,
          };
    return state.session.atomic({ operation: 'stats' }, async (s) => {
      await sql`set transaction isolation level repeatable read, read only`.execute(s.raw);
      return postgresStats(s, {
        backend: this.backend,
        schemaVersion: state.schemaVersion,
        vectorIndex,
        projectId,
      });
    });
  }

  /**
   * The applied and pending migrations. Before `init()` it connects just to
   * look (a missing schema is reported as not initialised, and nothing is
   * created), then disconnects.
   *
   * @example
   * ```ts
   * const { pending } = await new PostgresStore({ connectionString }).migrationStatus();
   * ```
   */
  async migrationStatus(): Promise<MigrationStatus> {
    if (this.#closed) throw new StoreClosedError();
    const state = this.#state;
    const context = { operation: 'read migration status' };
    if (state !== null) {
      return state.session.read(context, (s) =>
        readMigrationStatus(s.raw, this.#options.schema, this.backend),
      );
    }
    const pool = openPool(this.#options);
    const db = new Kysely<Database>({
      dialect: new PostgresDialect({
        pool: toKyselyPool(pool.pool, pool.onError),
      }),
    });
    try {
      return await readMigrationStatus(db, this.#options.schema, this.backend);
    } catch (error) {
      throw mapError(error, context);
    } finally {
      await db.destroy().catch(() => undefined);
      await pool.release().catch(() => undefined);
    }
  }

  /**
   * Runs `fn` in one transaction, like `transaction()`, for a load of many
   * rows. When the load brings at least as many memories (`options.memories`)
   * as the table holds, the indexes that are slow to maintain row by row —
   * the ANN index (HNSW: ~1.5 ms per 768-dimension row) and the GIN indexes
   * on tags and keywords — are dropped inside the transaction and built once
   * from their catalog definitions before it commits, with
   * `maintenance_work_mem` raised for the HNSW graph (to fit it, at most
   * 1 GiB). Measured on 20K memories: the insert phase 5.7 → 3.6 s without
   * the GIN indexes, which then build in 0.6 s. Until the load commits,
   * other writers and readers of `memory_vectors` wait (DROP INDEX locks the
   * table). The loaded tables are ANALYZEd before commit. A failure rolls
   * everything back, the indexes included. Nested in a transaction it is a
   * plain savepoint.
   *
   * @example
   * ```ts
   * await store.bulkLoad((tx) => tx.records.insert('memories', records), { memories: records.length });
   * ```
   */
  async bulkLoad<T>(
    fn: (tx: PostgresTransaction) => Promise<T>,
    options?: BulkLoadOptions,
  ): Promise<T> {
    const { memories } = parseBulkLoadOptions(options);
    parseTransactionCallback(fn);
    if (this.#ambient.getStore() !== undefined) return this.transaction(fn);
    const state = this.#open();
    let rebuilt: VectorIndexOutcome | null = null;
    const result = await state.session.atomic(
      { operation: 'bulk load' },
      async (session) => {
        rebuilt = null;
        const suspended = await suspendIndexesFor(session, this.#options.schema, memories);
        const value = await this.#ambient.run(session, () => fn(this.#transactionView(session)));
        if (suspended !== null) {
          rebuilt = await restoreIndexes(session, suspended, this.#target(this.#open()));
        }
        return value;
      },
      true,
    );
    this.#noteIndex(rebuilt ?? undefined);
    return result;
  }

  /**
   * Round trip, versions, pool and index facts. Never throws and never
   * reports a password.
   *
   * @example
   * ```ts
   * const report = await store.health();
   * if (!report.ok) console.error(report.error);
   * ```
   */
  async health(): Promise<HealthReport> {
    const state = this.#state;
    if (state === null || this.#closed) {
      return {
        ok: false,
        backend: this.backend,
        latencyMs: 0,
        embeddingDimension: this.#options.embeddingDimension ?? 0,
        schemaVersion: 0,
        details: { schema: this.#options.schema },
        error: this.#closed ? 'the store is closed' : 'the store is not initialised: call init()',
      };
    }
    return postgresHealth({
      backend: this.backend,
      db: state.db,
      pool: state.pool,
      env: state.session.env,
      schemaVersion: state.schemaVersion,
      options: this.#options,
    });
  }

  /**
   * Releases the store's connections once the operations in flight have
   * settled (new ones throw `StoreClosedError` at once). An injected pool is
   * left open for its owner. Idempotent.
   *
   * @example
   * ```ts
   * await store.close();
   * ```
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const state = this.#state ?? (await this.#opening?.catch(() => null)) ?? null;
    this.#state = null;
    if (state === null) return;
    await state.session.env.operations.idle();
    await state.session.env.replicas?.close();
    await state.db.destroy();
    await state.pool.release();
  }
}
