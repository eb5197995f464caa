import type { StoreCapabilities } from './capabilities.js';
import type {
  AddDependencyInput,
  CodeDependency,
  CodeEntity,
  CodeEntityType,
  CodeHotspot,
  HotspotOptions,
  ImpactedEntity,
  ImpactOptions,
  ListUnresolvedOptions,
  ListUnresolvedReferencesOptions,
  ReplaceFileInput,
  ReplaceFileResult,
  TraverseOptions,
  UnresolvedDependency,
  UnresolvedReference,
  UpsertCodeEntityInput,
} from './code.js';
import type { ConsolidationState } from './consolidation.js';
import type {
  ConsolidationRun,
  ConsolidationRunInput,
  ListRunsOptions,
  TransitionChange,
} from './consolidation-run.js';
import type {
  AddScenarioInput,
  CreateDecisionInput,
  Decision,
  DecisionStatus,
  Scenario,
} from './decision.js';
import type {
  EpisodicEvent,
  ListEpisodesOptions,
  MarkConsolidatedOptions,
  RecordEpisodeInput,
} from './episode.js';
import type {
  EmbeddingInput,
  Memory,
  RecordAccessOptions,
  StoreMemoryInput,
  UpdateMemoryInput,
} from './memory.js';
import type { Page, PageOptions } from './pagination.js';
import type { CreateProjectInput, Project } from './project.js';
import type { RecordRepository } from './records.js';
import type { BulkLoadOptions, MigrationStatus, StatsOptions, StoreStats } from './stats.js';
import type {
  CreateGoalInput,
  CreateTaskInput,
  Goal,
  ListGoalsOptions,
  ListTasksOptions,
  Task,
  UpdateGoalInput,
  UpdateTaskInput,
} from './prospective.js';
import type {
  LinkMemoriesInput,
  Relationship,
  RelationshipDirection,
  RelationshipType,
} from './relationship.js';
import type {
  HybridQuery,
  HybridSearchOptions,
  KeywordSearchOptions,
  MemoryFilters,
  MemoryNeighbours,
  NeighbourOptions,
  SearchHitMemory,
  SearchResult,
  SemanticSearchOptions,
} from './search.js';

/** Projects: the scope of everything else. */
export interface ProjectRepository {
  /**
   * Throws `ConflictError` when the name or path is taken.
   *
   * @example
   * ```ts
   * const project = await store.projects.create({ name: 'athena', path: '/src/athena' });
   * ```
   */
  create(input: CreateProjectInput): Promise<Project>;
  /** The project with this id, or `null`. */
  get(id: number): Promise<Project | null>;
  /**
   * The project at `path`, or `null`. A key no project can have (empty,
   * longer than `LIMITS.shortText`, with a NUL) is a `ValidationError`.
   */
  getByPath(path: string): Promise<Project | null>;
  /** The project named `name`, or `null`; keys are checked as in `getByPath()`. */
  getByName(name: string): Promise<Project | null>;
  /** Every project, by id. */
  list(): Promise<Project[]>;
  /** Sets `lastAccessedAt` to now. Throws `NotFoundError`. */
  touch(id: number): Promise<Project>;
  /** Deletes the project and everything in it. Returns whether it existed. */
  delete(id: number): Promise<boolean>;
}

/** Options of `memories.list()`. */
export interface ListMemoriesOptions extends PageOptions {
  readonly filters?: MemoryFilters;
  /** By id: `desc` (newest first, default) or `asc`. */
  readonly order?: 'asc' | 'desc';
}

/** Memories (`memory_vectors`), always within one project. */
export interface MemoryRepository {
  /**
   * Validates, then stores one memory. Throws `NotFoundError` for an unknown project.
   *
   * @example
   * ```ts
   * const memory = await store.memories.store(projectId, { content: 'Use pnpm', embedding });
   * ```
   */
  store(projectId: number, input: StoreMemoryInput): Promise<Memory>;
  /**
   * Stores many memories in one transaction: all or none. Every input is
   * validated before anything is written. Returns the new ids in input order.
   *
   * @example
   * ```ts
   * const ids = await store.memories.storeMany(projectId, [{ content: 'a', embedding }]);
   * ```
   */
  storeMany(projectId: number, inputs: readonly StoreMemoryInput[]): Promise<number[]>;
  /** The memory with this id in the project, or `null`. */
  get(projectId: number, id: number): Promise<Memory | null>;
  /** The memories with these ids that exist in the project, in the order of `ids`. */
  getMany(projectId: number, ids: readonly number[]): Promise<Memory[]>;
  /**
   * Changes the given fields, increments `version`. Throws `NotFoundError`.
   *
   * @example
   * ```ts
   * const memory = await store.memories.update(projectId, id, { tags: ['db', 'sqlite'] });
   * ```
   */
  update(projectId: number, id: number, input: UpdateMemoryInput): Promise<Memory>;
  /**
   * Deletes a memory, its relationships and its transition log; memories it
   * superseded keep `supersededBy = null`. Returns whether it existed.
   */
  delete(projectId: number, id: number): Promise<boolean>;
  /**
   * Keyset-paginated listing by id.
   *
   * @example
   * ```ts
   * const first = await store.memories.list(projectId, { limit: 100 });
   * const second = await store.memories.list(projectId, { limit: 100, after: first.nextCursor });
   * ```
   */
  list(projectId: number, options?: ListMemoriesOptions): Promise<Page<Memory>>;
  /** How many memories of the project match `filters` (all of them without). */
  count(projectId: number, filters?: MemoryFilters): Promise<number>;
  /**
   * Increments `accessCount` and sets `lastAccessed` (and `lastRetrieved`
   * when `retrieved`) for every id, in one statement. Unknown ids are
   * ignored. Returns the number of memories updated.
   *
   * @example
   * ```ts
   * await store.memories.recordAccess(projectId, hits.map((h) => h.memory.id), { retrieved: true });
   * ```
   */
  recordAccess(
    projectId: number,
    ids: readonly number[],
    options?: RecordAccessOptions,
  ): Promise<number>;
}

/**
 * Search over a project's memories, each kind one SQL statement inside the
 * database. The hits' memory type follows `includeEmbedding` (see
 * {@link SearchHitMemory}).
 */
export interface SearchRepository {
  /**
   * Nearest neighbours by cosine similarity, highest first.
   *
   * @example
   * ```ts
   * const hits = await store.search.semantic(projectId, queryVector, { limit: 5, threshold: 0.3 });
   * ```
   */
  semantic<const O extends SemanticSearchOptions | undefined = undefined>(
    projectId: number,
    embedding: EmbeddingInput,
    options?: O,
  ): Promise<SearchResult<SearchHitMemory<O>>[]>;
  /**
   * Full-text search: memories matching any term of `text`, most relevant
   * first. `text` is plain user text, never query syntax: quotes, operators
   * and punctuation are treated as words or ignored. Blank text, or text
   * over `LIMITS.searchTextLength` (4,096) characters or
   * `LIMITS.searchTerms` (64) words, is a `ValidationError` (`text`).
   *
   * @example
   * ```ts
   * const hits = await store.search.keyword(projectId, 'pnpm workspace', { limit: 5 });
   * ```
   */
  keyword<const O extends KeywordSearchOptions | undefined = undefined>(
    projectId: number,
    text: string,
    options?: O,
  ): Promise<SearchResult<SearchHitMemory<O>>[]>;
  /**
   * Semantic and keyword candidates fused by weighted sum or reciprocal rank
   * fusion. Empty or blank `text`, like text without a searchable word, gives
   * the keyword leg no candidates: the result is the semantic leg, fused as
   * usual (keyword 0). Text with a NUL or a lone surrogate, or over
   * `LIMITS.searchTextLength` characters or `LIMITS.searchTerms` words, is a
   * `ValidationError` (`query.text`).
   *
   * @example
   * ```ts
   * const hits = await store.search.hybrid(projectId, { embedding, text: 'pnpm' }, { fusion: 'rrf' });
   * ```
   */
  hybrid<const O extends HybridSearchOptions | undefined = undefined>(
    projectId: number,
    query: HybridQuery,
    options?: O,
  ): Promise<SearchResult<SearchHitMemory<O>>[]>;
  /**
   * For each memory of `memoryIds`, its `k` most similar memories of the
   * project (never itself), through the vector index, in one statement. Ids
   * that are not memories of the project are left out of the result, which
   * follows the order of `memoryIds` (repeats removed).
   *
   * @example
   * ```ts
   * const [first] = await store.search.neighbours(projectId, [memory.id], { k: 5, minSimilarity: 0.8 });
   * ```
   */
  neighbours(
    projectId: number,
    memoryIds: readonly number[],
    options?: NeighbourOptions,
  ): Promise<MemoryNeighbours[]>;
}

/** Options of `relationships.list()`. */
export interface ListRelationshipsOptions {
  /** Default `both`. */
  readonly direction?: RelationshipDirection;
  readonly types?: readonly RelationshipType[];
}

/** Typed links between memories (`memory_relationships`). */
export interface RelationshipRepository {
  /**
   * Links two memories of the project; linking the same pair and type again
   * updates the strength. Throws `NotFoundError` when either memory is not in
   * the project, `ValidationError` for a self-link.
   *
   * @example
   * ```ts
   * await store.relationships.link(projectId, { fromMemoryId: a, toMemoryId: b, relationshipType: 'extends' });
   * ```
   */
  link(projectId: number, input: LinkMemoriesInput): Promise<Relationship>;
  /** Returns whether the link existed. */
  unlink(
    projectId: number,
    link: Pick<LinkMemoriesInput, 'fromMemoryId' | 'toMemoryId' | 'relationshipType'>,
  ): Promise<boolean>;
  /** Links of one memory, by id. */
  list(
    projectId: number,
    memoryId: number,
    options?: ListRelationshipsOptions,
  ): Promise<Relationship[]>;
}

/** Episodic memory: what happened, when (`episodic_events`). */
export interface EpisodeRepository {
  /**
   * @example
   * ```ts
   * await store.episodes.record(projectId, { sessionId: 's1', eventType: 'test_run', content: 'vitest: 42 passed' });
   * ```
   */
  record(projectId: number, input: RecordEpisodeInput): Promise<EpisodicEvent>;
  /** All or none, in one transaction; returns the events in input order. */
  recordMany(projectId: number, inputs: readonly RecordEpisodeInput[]): Promise<EpisodicEvent[]>;
  /** The event with this id in the project, or `null`. */
  get(projectId: number, id: number): Promise<EpisodicEvent | null>;
  /**
   * Chronological (timestamp, then id), keyset-paginated.
   *
   * @example
   * ```ts
   * const page = await store.episodes.list(projectId, { sessionId: 's1', limit: 100 });
   * ```
   */
  list(
    projectId: number,
    options?: ListEpisodesOptions & PageOptions,
  ): Promise<Page<EpisodicEvent>>;
  /**
   * Marks unconsolidated events consolidated (at `at`, default now; `into`
   * records the memory they became, which must be a memory of the project:
   * otherwise `NotFoundError`). A `Date` as third argument is `{ at }`.
   * Returns how many changed: events already consolidated are left as they are.
   *
   * @example
   * ```ts
   * await store.episodes.markConsolidated(projectId, [3, 4], { into: lesson.id });
   * ```
   */
  markConsolidated(
    projectId: number,
    ids: readonly number[],
    options?: Date | MarkConsolidatedOptions,
  ): Promise<number>;
}

/** Goals (`prospective_goals`). */
export interface GoalRepository {
  /**
   * Throws `NotFoundError` when `parentGoalId` is not a goal of the project.
   *
   * @example
   * ```ts
   * const goal = await store.goals.create(projectId, { title: 'Ship v1', priority: 8 });
   * ```
   */
  create(projectId: number, input: CreateGoalInput): Promise<Goal>;
  /** The goal with this id in the project, or `null`. */
  get(projectId: number, id: number): Promise<Goal | null>;
  /**
   * Setting status `completed` sets `completedAt`; leaving it clears it. Throws `NotFoundError`.
   *
   * @example
   * ```ts
   * await store.goals.update(projectId, goalId, { status: 'completed', progress: 1 });
   * ```
   */
  update(projectId: number, id: number, input: UpdateGoalInput): Promise<Goal>;
  /** The project's goals that match `options`, highest priority first, then by id. */
  list(projectId: number, options?: ListGoalsOptions): Promise<Goal[]>;
  /** Direct sub-goals, by priority then id. */
  subgoals(projectId: number, goalId: number): Promise<Goal[]>;
  /** Deletes the goal and its sub-goals; its tasks keep `goalId = null`. */
  delete(projectId: number, id: number): Promise<boolean>;
}

/** Tasks (`prospective_tasks`). */
export interface TaskRepository {
  /**
   * Throws `NotFoundError` when `goalId` or `parentTaskId` is not in the project.
   *
   * @example
   * ```ts
   * const task = await store.tasks.create(projectId, { title: 'Write tests', goalId });
   * ```
   */
  create(projectId: number, input: CreateTaskInput): Promise<Task>;
  /** The task with this id in the project, or `null`. */
  get(projectId: number, id: number): Promise<Task | null>;
  /**
   * Setting status `completed` sets `completedAt`; leaving it clears it. Throws `NotFoundError`.
   *
   * @example
   * ```ts
   * await store.tasks.update(projectId, taskId, { status: 'in_progress' });
   * ```
   */
  update(projectId: number, id: number, input: UpdateTaskInput): Promise<Task>;
  /** The project's tasks that match `options`, highest priority first, then by id. */
  list(projectId: number, options?: ListTasksOptions): Promise<Task[]>;
  /** Direct sub-tasks, by priority then id. */
  subtasks(projectId: number, taskId: number): Promise<Task[]>;
  /** Deletes the task and its sub-tasks. */
  delete(projectId: number, id: number): Promise<boolean>;
}

/** Filters of `code.findEntities()`. */
export interface FindCodeEntitiesOptions {
  readonly filePath?: string;
  readonly name?: string;
  readonly qualifiedName?: string;
  /** Only entities of these types. */
  readonly entityTypes?: readonly CodeEntityType[];
  /** Only entities whose line range contains this line (entities without one never match). */
  readonly line?: number;
}

/** Code entities and their dependency graph (`code_metadata`, `code_dependencies`). */
export interface CodeRepository {
  /**
   * Inserts, or updates the entity with the same (filePath, qualifiedName,
   * entityType). Pending edges that name it are resolved.
   *
   * @example
   * ```ts
   * const fn = await store.code.upsertEntity(projectId, { filePath: 'src/a.ts', name: 'run', entityType: 'function' });
   * ```
   */
  upsertEntity(projectId: number, input: UpsertCodeEntityInput): Promise<CodeEntity>;
  /**
   * `upsertEntity` for many entities in one transaction, all or none, in
   * batched statements; returns them in input order. Two inputs with the same
   * key are a `ValidationError`.
   *
   * @example
   * ```ts
   * const [reader, run] = await store.code.upsertEntities(projectId, [
   *   { filePath: 'src/io.ts', name: 'Reader', entityType: 'class' },
   *   { filePath: 'src/io.ts', name: 'run', qualifiedName: 'Reader.run', entityType: 'method' },
   * ]);
   * ```
   */
  upsertEntities(
    projectId: number,
    inputs: readonly UpsertCodeEntityInput[],
  ): Promise<CodeEntity[]>;
  /**
   * Makes the stored file say exactly what `input` says, in one transaction:
   * entities that still exist keep their ids (updated only when a field
   * changed), new ones are inserted, the rest are deleted with their edges.
   * The file's outgoing edges are replaced: an edge whose target is indexed
   * (and unique) becomes a dependency, any other is kept pending and resolved
   * when its target arrives. Edges of other files that pointed at a deleted
   * entity go back to pending, so they resolve again if it returns.
   *
   * @example
   * ```ts
   * const result = await store.code.replaceFile(projectId, 'src/io.ts', {
   *   entities: [{ name: 'Reader', entityType: 'class' }, { name: 'parse', entityType: 'function' }],
   *   edges: [{ from: { qualifiedName: 'Reader' }, to: { qualifiedName: 'parse', filePath: 'src/io.ts' }, dependencyType: 'calls' }],
   * });
   * ```
   */
  replaceFile(
    projectId: number,
    filePath: string,
    input: ReplaceFileInput,
  ): Promise<ReplaceFileResult>;
  /**
   * Pending edges, by id.
   *
   * @example
   * ```ts
   * const pending = await store.code.unresolvedDependencies(projectId, { filePath: 'src/io.ts' });
   * ```
   */
  unresolvedDependencies(
    projectId: number,
    options?: ListUnresolvedOptions,
  ): Promise<UnresolvedDependency[]>;
  /**
   * References that resolve to no entity (see `ReplaceFileInput.unresolved`), by id.
   *
   * @example
   * ```ts
   * const calls = await store.code.unresolvedReferences(projectId, { dependencyType: 'calls' });
   * ```
   */
  unresolvedReferences(
    projectId: number,
    options?: ListUnresolvedReferencesOptions,
  ): Promise<UnresolvedReference[]>;
  /** The code entity with this id in the project, or `null`. */
  getEntity(projectId: number, id: number): Promise<CodeEntity | null>;
  /** By file path, then start line, then id. */
  findEntities(projectId: number, options?: FindCodeEntitiesOptions): Promise<CodeEntity[]>;
  /** Deletes the entity and its dependency edges. */
  deleteEntity(projectId: number, id: number): Promise<boolean>;
  /**
   * Idempotent. Throws `NotFoundError` when an entity is not in the project, `ValidationError` for a self-edge.
   *
   * @example
   * ```ts
   * await store.code.addDependency(projectId, { fromEntityId: caller.id, toEntityId: callee.id, dependencyType: 'calls' });
   * ```
   */
  addDependency(projectId: number, input: AddDependencyInput): Promise<CodeDependency>;
  /** Removes the dependency edge `input` names; `false` when there was none. */
  removeDependency(projectId: number, input: AddDependencyInput): Promise<boolean>;
  /** What `entityId` depends on directly, by id. */
  dependenciesOf(projectId: number, entityId: number): Promise<CodeEntity[]>;
  /** What depends on `entityId` directly, by id. */
  dependentsOf(projectId: number, entityId: number): Promise<CodeEntity[]>;
  /**
   * Everything affected by a change to `entityId`: its transitive dependents,
   * each once at its shortest depth, by depth then id. Depth-bounded and
   * safe on cycles; never includes the entity itself.
   *
   * @example
   * ```ts
   * const affected = await store.code.impact(projectId, entity.id, { maxDepth: 3 });
   * ```
   */
  impact(projectId: number, entityId: number, options?: ImpactOptions): Promise<ImpactedEntity[]>;
  /**
   * A breadth-first walk from `entityId` in one direction, inside the
   * database: `dependents` is `impact()`, `dependencies` what the entity
   * depends on, transitively. Each entity once, at its shortest depth with
   * one shortest path, by depth then id; safe on cycles; never the start.
   *
   * @example
   * ```ts
   * const uses = await store.code.traverse(projectId, entity.id, { direction: 'dependencies', maxDepth: null });
   * ```
   */
  traverse(
    projectId: number,
    entityId: number,
    options: TraverseOptions,
  ): Promise<ImpactedEntity[]>;
  /**
   * The most depended-on entities (or, with `orderBy: 'fanOut'`, the most
   * dependent ones), counted inside the database: by the chosen count
   * descending, then the other descending, then id.
   *
   * @example
   * ```ts
   * const [top] = await store.code.hotspots(projectId, { limit: 10, entityTypes: ['function', 'method'] });
   * ```
   */
  hotspots(projectId: number, options?: HotspotOptions): Promise<CodeHotspot[]>;
}

/** Options of `decisions.list()`. */
export interface ListDecisionsOptions {
  readonly statuses?: readonly DecisionStatus[];
}

/** Planning decisions and their scenarios (`planning_decisions`, `planning_scenarios`). */
export interface DecisionRepository {
  /**
   * @example
   * ```ts
   * const decision = await store.decisions.create(projectId, { title: 'Use SQLite by default' });
   * ```
   */
  create(projectId: number, input: CreateDecisionInput): Promise<Decision>;
  /** The decision with this id in the project, or `null`. */
  get(projectId: number, id: number): Promise<Decision | null>;
  /** By id. */
  list(projectId: number, options?: ListDecisionsOptions): Promise<Decision[]>;
  /**
   * `proposed → validated`; otherwise `InvalidTransitionError`.
   *
   * @example
   * ```ts
   * await store.decisions.validate(projectId, decision.id, 'benchmarks agree');
   * ```
   */
  validate(projectId: number, id: number, notes?: string | null): Promise<Decision>;
  /** `proposed → rejected`; otherwise `InvalidTransitionError`. */
  reject(projectId: number, id: number, notes?: string | null): Promise<Decision>;
  /**
   * Atomically creates `replacement` and marks decision `id` superseded by
   * it. A superseded or rejected decision cannot be superseded.
   *
   * @example
   * ```ts
   * const { previous, replacement } = await store.decisions.supersede(projectId, old.id, { title: 'Use PostgreSQL' });
   * ```
   */
  supersede(
    projectId: number,
    id: number,
    replacement: CreateDecisionInput,
  ): Promise<{ previous: Decision; replacement: Decision }>;
  /** Throws `NotFoundError` when the decision is not in the project. */
  addScenario(projectId: number, decisionId: number, input: AddScenarioInput): Promise<Scenario>;
  /** By id. */
  listScenarios(projectId: number, decisionId: number): Promise<Scenario[]>;
}

/** One recorded consolidation state change (append-only). */
export interface TransitionLogEntry {
  readonly id: number;
  readonly projectId: number;
  readonly memoryId: number;
  readonly fromState: ConsolidationState;
  readonly toState: ConsolidationState;
  readonly reason: string | null;
  /** Who made the change (worker id, `recall`, …). */
  readonly actor: string | null;
  readonly at: Date;
}

/** Options of `consolidation.transition()`. */
export interface TransitionOptions {
  readonly reason?: string | null;
  readonly actor?: string | null;
  /** Required when moving to `superseded`: a different memory of the project. */
  readonly supersededBy?: number;
  /** Default now. */
  readonly at?: Date;
}

/** Options of `consolidation.claimBatch()`. */
export interface ClaimBatchOptions {
  /** Identifies the claiming worker. */
  readonly worker: string;
  /** 1–1000; default 10. */
  readonly limit?: number;
  /** How long the claim lasts; default 300 000 (5 minutes). */
  readonly leaseMs?: number;
  /** Default now. */
  readonly now?: Date;
}

/** Options of `consolidation.reconsolidationWindow()`. */
export interface ReconsolidationWindowOptions {
  /** How far back a retrieval keeps a memory open; default 60. */
  readonly windowMinutes?: number;
  /** Default now. */
  readonly now?: Date;
}

/** The consolidation state machine, applied to stored memories. */
export interface ConsolidationRepository {
  /**
   * Moves a memory to `to` if the state machine allows it, and logs it.
   * Moving to `consolidated` sets `consolidatedAt`; leaving `consolidating`
   * clears the claim. Throws `InvalidTransitionError` or `NotFoundError`.
   *
   * @example
   * ```ts
   * await store.consolidation.transition(projectId, id, 'consolidated', { actor: 'worker-1' });
   * ```
   */
  transition(
    projectId: number,
    memoryId: number,
    to: ConsolidationState,
    options?: TransitionOptions,
  ): Promise<Memory>;
  /**
   * Applies many transitions at once, in order (a memory may appear more
   * than once: `unconsolidated → consolidating → consolidated`), each
   * validated against the state machine and logged like `transition()`. All
   * or nothing: an unknown memory (`NotFoundError`), a forbidden move
   * (`InvalidTransitionError`) or a `supersededBy` outside the project
   * changes nothing. Returns how many transitions were applied.
   *
   * @example
   * ```ts
   * await tx.consolidation.transitionMany(projectId, [
   *   { memoryId: 7, to: 'consolidated' },
   *   { memoryId: 8, to: 'superseded', supersededBy: 7 },
   * ], { actor: 'worker-1' });
   * ```
   */
  transitionMany(
    projectId: number,
    changes: readonly TransitionChange[],
    options?: Omit<TransitionOptions, 'supersededBy'>,
  ): Promise<number>;
  /**
   * Takes the project's consolidation lock for the rest of the enclosing
   * transaction, waiting while another transaction holds it: consolidation
   * workers settle one batch of a project at a time, so a cluster never gets
   * two representatives. PostgreSQL: a transaction-level advisory lock
   * (other projects are not blocked). SQLite: the transaction already holds
   * the database's single write lock, so this returns at once. Outside a
   * transaction it throws a `StorageError` (the lock would end with the call).
   */
  lock(projectId: number): Promise<void>;
  /**
   * Stores the record of one consolidation pass.
   *
   * @example
   * ```ts
   * const run = await store.consolidation.recordRun(projectId, { workerId: 'w1', ...counters });
   * ```
   */
  recordRun(projectId: number, run: ConsolidationRunInput): Promise<ConsolidationRun>;
  /** The project's consolidation runs, newest first (by id). */
  listRuns(projectId: number, options?: ListRunsOptions): Promise<ConsolidationRun[]>;
  /** The memory's transition log, oldest first. */
  history(projectId: number, memoryId: number): Promise<TransitionLogEntry[]>;
  /**
   * Where the project's transition log stands: the id of its newest entry,
   * 0 when it has none (or the project does not exist). Entry ids only grow.
   * Read inside a transaction holding `lock()`, it is a position every later
   * locked transaction's entries come after — what a worker that searches
   * outside the lock needs to find, under it, what changed since
   * (`changedSince`).
   *
   * @example
   * ```ts
   * const position = await store.consolidation.logPosition(projectId);
   * ```
   */
  logPosition(projectId: number): Promise<number>;
  /**
   * The memories a transition logged after `position` (exclusive) moved into
   * one of `states` (default: any state), each once, ids ascending. Empty
   * for an unknown project. Throws a `ValidationError` for a position that
   * is not a non-negative integer or an unknown state.
   *
   * @example
   * ```ts
   * const since = await store.consolidation.logPosition(projectId);
   * // … other workers settle …
   * const settled = await store.consolidation.changedSince(projectId, since, ['consolidated']);
   * ```
   */
  changedSince(
    projectId: number,
    position: number,
    states?: readonly ConsolidationState[],
  ): Promise<number[]>;
  /**
   * Claims up to `limit` unconsolidated memories (oldest first) for one
   * worker: `unconsolidated → consolidating` with a lease. Concurrent claims
   * never receive the same memory. The memory of a code entity
   * (`CodeEntity.memoryId`) is never claimed: the code graph owns it and
   * replaces it when its code changes.
   *
   * @example
   * ```ts
   * const batch = await store.consolidation.claimBatch(projectId, { worker: 'w1', limit: 20 });
   * ```
   */
  claimBatch(projectId: number, options: ClaimBatchOptions): Promise<Memory[]>;
  /**
   * Returns expired claims to `unconsolidated`; returns how many. A lease
   * expiring exactly at `now` has expired.
   */
  releaseExpired(projectId: number, now?: Date): Promise<number>;
  /**
   * Makes retrieved memories labile: every `consolidated` memory among `ids`
   * moves to `labile` (logged, actor `recall`). Others are left as they are.
   * Returns the ids that changed.
   *
   * @example
   * ```ts
   * const reopened = await store.consolidation.labilize(projectId, hits.map((h) => h.memory.id));
   * ```
   */
  labilize(projectId: number, ids: readonly number[], at?: Date): Promise<number[]>;
  /**
   * The reconsolidation window: labile memories retrieved within the last
   * `windowMinutes`, most recently retrieved first, ties by id ascending.
   * Both ends are included: a retrieval exactly `windowMinutes` before `now`
   * is inside, as is one at `now`; a retrieval after `now` is not.
   *
   * @example
   * ```ts
   * const open = await store.consolidation.reconsolidationWindow(project.id, { windowMinutes: 30 });
   * ```
   */
  reconsolidationWindow(
    projectId: number,
    options?: ReconsolidationWindowOptions,
  ): Promise<Memory[]>;
}

/** Every repository of a store; what `transaction()` hands its callback. */
export interface Repositories {
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
  /** Whole tables as domain records, written verbatim: export, import and copy. */
  readonly records: RecordRepository;
}

/**
 * What `transaction()` hands its callback: every repository bound to one
 * transaction, plus `transaction()` for nesting. On a backend that declares
 * `capabilities.savepoints`, a nested transaction is a savepoint: its throw
 * rolls back only its own work. A backend without savepoints rejects nesting
 * with a `StorageError`.
 */
export interface Transaction extends Repositories {
  /** Runs `fn` in a nested transaction: a savepoint, undone alone when it throws. */
  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T>;
}

/** What `store.health()` reports. Never contains secrets. */
export interface HealthReport {
  readonly ok: boolean;
  readonly backend: string;
  /** Round-trip time of a trivial query. */
  readonly latencyMs: number;
  readonly embeddingDimension: number;
  readonly schemaVersion: number;
  /** Backend-specific facts: versions, pool stats, indexes, file path. */
  readonly details: Readonly<Record<string, unknown>>;
  /** Why `ok` is false. */
  readonly error?: string;
  /**
   * Versions of the engine and its extensions, by name (`sqlite`,
   * `sqlite-vec`; `postgresql`, `pgvector`, `btree_gin`), when known.
   */
  readonly versions?: Readonly<Record<string, string>>;
  /** The connection pool, on backends that keep one. */
  readonly pool?: PoolHealth;
  /** Where reads went and how each read replica stands, on a store configured with replicas. */
  readonly readReplicas?: ReadReplicasHealth;
}

/**
 * Where a read replica stands: `up` serves reads; `lagging` (replay further
 * behind than the store allows) and `down` (its last check or read failed)
 * are out of rotation until a check finds them healthy again.
 */
export type ReplicaState = 'up' | 'lagging' | 'down';

/** One read replica, as `health()` reports it. */
export interface ReplicaHealth {
  /** `host:port/database` of its URL; never the user or password. */
  readonly replica: string;
  readonly state: ReplicaState;
  /** How long its replay trails the last commit it received, in ms; 0 when caught up; null when unknown. */
  readonly lagMs: number | null;
  /** WAL bytes the primary has written that it has not replayed; null when unknown. */
  readonly lagBytes: number | null;
  /** The last WAL position it replayed (`16/B374D848`); null when unknown or not a standby. */
  readonly replayLsn: string | null;
  /** Reads it served through this store. */
  readonly reads: number;
  /** When it was last checked (ISO 8601); null before the first check. */
  readonly checkedAt: string | null;
  /** Why it is down, when it is. */
  readonly error?: string;
}

/** The read replicas of a store and the reads that went to the primary instead. */
export interface ReadReplicasHealth {
  /** Reads outside transactions served by the primary: no replica was up, or caught up in time. */
  readonly primaryReads: number;
  readonly replicas: readonly ReplicaHealth[];
}

/** Connections of a store's pool, as `health()` reports them; `null` when the pool does not say. */
export interface PoolHealth {
  /** Open connections. */
  readonly total: number | null;
  readonly idle: number | null;
  /** Callers waiting for a connection. */
  readonly waiting: number | null;
  /** The configured maximum, when the store owns the pool. */
  readonly max: number | null;
}

/**
 * The storage contract every Athena backend implements. All operations are
 * async; all take a project id where the data is project-scoped.
 *
 * @example
 * ```ts
 * const store = new SqliteStore({ path: 'memory.db', embeddingDimension: 384 });
 * await store.init();
 * const project = await store.projects.create({ name: 'demo', path: '/src/demo' });
 * await store.memories.store(project.id, { content: 'Use pnpm', embedding });
 * const hits = await store.search.hybrid(project.id, { embedding, text: 'pnpm' });
 * await store.close();
 * ```
 */
export interface Store extends Repositories {
  /** `sqlite`, `postgres`, or a third-party name. */
  readonly backend: string;
  readonly capabilities: StoreCapabilities;
  /**
   * The database's embedding dimension: fixed when the database is created
   * and stored in it. Throws `StoreClosedError` before `init()`.
   */
  readonly embeddingDimension: number;
  /** Opens, migrates (idempotent, versioned) and checks the database. Safe to call twice. */
  init(): Promise<void>;
  /** Releases connections; the store cannot be used afterwards. Idempotent. */
  close(): Promise<void>;
  /** Whether the database answers, with its latency, schema version and engine versions; never secrets. */
  health(): Promise<HealthReport>;
  /**
   * Runs `fn` with every repository bound to one transaction: commit when it
   * resolves, roll back when it throws (the error is rethrown). A `fn` that
   * is not a function is a `ValidationError`, before anything opens.
   *
   * A statement that fails inside (a conflict, a constraint) makes the
   * transaction rollback-only on every backend, even when `fn` catches the
   * error: later operations in it throw a `StorageError` saying so, and when
   * `fn` returns the transaction rolls back and this throws a `StorageError`
   * ("rolled back instead of committed"). Input rejected before any statement
   * (a `ValidationError`, a `NotFoundError` found by a read) does not. A
   * nested `transaction()` whose statement failed is undone to its start —
   * it throws, whether its callback threw or caught the failure — and leaves
   * the outer transaction usable.
   */
  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T>;
  /**
   * Row counts (per table, per consolidation state, per embedding model), the
   * database's size and the health of every index it relies on. Reads only.
   *
   * @example
   * ```ts
   * const { counts, memoriesByState, indexes } = await store.stats();
   * ```
   */
  stats(options?: StatsOptions): Promise<StoreStats>;
  /**
   * Which schema migrations the database has applied and which `init()`
   * would apply. Callable before `init()` (then it opens the database just
   * to look, creating nothing: a missing file or schema is reported as not
   * initialised) and after it. Never changes the database.
   */
  migrationStatus(): Promise<MigrationStatus>;
  /**
   * Like `transaction()`, for loading many rows at once (imports, copies):
   * all or nothing, and the backend may defer index maintenance to the end —
   * PostgreSQL drops its ANN and GIN indexes inside the transaction and
   * builds them once before committing (when the load is at least the
   * table's size), which is several times faster than maintaining them row by
   * row, but blocks other users of the memory table until the load commits.
   */
  bulkLoad<T>(fn: (tx: Transaction) => Promise<T>, options?: BulkLoadOptions): Promise<T>;
}

/**
 * The store type of every installed backend, by name: each store package
 * adds its own entry by module augmentation, so `createStore({ type })` of
 * `@athena/factory` returns that backend's store type (with its own methods)
 * while the factory's published types import no store package.
 *
 * @example
 * ```ts
 * // in a store package's index.ts
 * declare module '@athena/core-types' {
 *   interface Backends {
 *     sqlite: SqliteStore;
 *   }
 * }
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by module augmentation
export interface Backends {}
