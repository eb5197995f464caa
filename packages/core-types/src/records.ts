import type {
  CodeDependency,
  CodeEntity,
  UnresolvedDependency,
  UnresolvedReference,
} from './code.js';
import type { ConsolidationRun } from './consolidation-run.js';
import type { Decision, Scenario } from './decision.js';
import type { EpisodicEvent } from './episode.js';
import type { Memory } from './memory.js';
import type { Project } from './project.js';
import type { Goal, Task } from './prospective.js';
import type { Relationship } from './relationship.js';
import type { TransitionLogEntry } from './store.js';

/**
 * The tables a whole-database export, import or copy moves, by the name of
 * their domain record. `transitions` is the consolidation transition log.
 */
export type RecordTable =
  | 'projects'
  | 'memories'
  | 'relationships'
  | 'transitions'
  | 'episodes'
  | 'goals'
  | 'tasks'
  | 'codeEntities'
  | 'codeDependencies'
  | 'unresolvedDependencies'
  | 'unresolvedReferences'
  | 'decisions'
  | 'scenarios'
  | 'consolidationRuns';

/**
 * Every {@link RecordTable}, in dependency order: a table's records refer
 * only to tables before it (plus `supersededBy` of memories and decisions,
 * which points forward and is set afterwards with `linkSupersession`).
 */
export const RECORD_TABLES: readonly RecordTable[] = Object.freeze([
  'projects',
  'memories',
  'relationships',
  'transitions',
  'episodes',
  'goals',
  'tasks',
  'codeEntities',
  'codeDependencies',
  'unresolvedDependencies',
  'unresolvedReferences',
  'decisions',
  'scenarios',
  'consolidationRuns',
]);

/** The domain record stored in each {@link RecordTable}. */
export interface RecordTypes {
  readonly projects: Project;
  readonly memories: Memory;
  readonly relationships: Relationship;
  readonly transitions: TransitionLogEntry;
  readonly episodes: EpisodicEvent;
  readonly goals: Goal;
  readonly tasks: Task;
  readonly codeEntities: CodeEntity;
  readonly codeDependencies: CodeDependency;
  /** Code edges waiting for their target to be indexed (`code_unresolved_dependencies`). */
  readonly unresolvedDependencies: UnresolvedDependency;
  /** What an indexer could not resolve, kept as written (`code_unresolved_references`). */
  readonly unresolvedReferences: UnresolvedReference;
  readonly decisions: Decision;
  readonly scenarios: Scenario;
  /** Records of consolidation passes (`consolidation_runs`). */
  readonly consolidationRuns: ConsolidationRun;
}

/** The domain record of table `T`. */
export type RecordOf<T extends RecordTable> = RecordTypes[T];

/** The tables whose records can be superseded by a later record of the same table. */
export type SupersedingTable = 'memories' | 'decisions';

/** `id` is superseded by `supersededBy` (both rows of the same project and table). */
export interface SupersessionLink {
  readonly id: number;
  readonly supersededBy: number;
}

/** Options of `records.page()`. */
export interface RecordPageOptions {
  /** Only records with a larger id (keyset); default none. */
  readonly after?: number;
  /** 1–10,000; default 500. */
  readonly limit?: number;
  /** Only records of these projects; default every project. */
  readonly projectIds?: readonly number[];
}

/** What `records.checksum()` returns. */
export interface RecordChecksum {
  /** Memories hashed. */
  readonly memories: number;
  /** `sha256:<hex>`, see `MemoryChecksum`. */
  readonly checksum: string;
}

/** Options of `records.count()`. */
export interface RecordCountOptions {
  /** Only records of these projects; default every project. */
  readonly projectIds?: readonly number[];
}

/**
 * Whole tables as plain domain records, for moving a database between stores
 * (export, import, copy). Unlike the create methods of the other
 * repositories, `insert` writes every field as given — timestamps, access
 * counts, consolidation state and claims, versions, statuses — so a copy
 * loses nothing; only the ids are new.
 *
 * @example
 * ```ts
 * const page = await source.records.page('memories', { after: 0, limit: 500 });
 * const ids = await target.records.insert('memories', page.map((m) => ({ ...m, projectId: newProject })));
 * ```
 */
export interface RecordRepository {
  /**
   * Up to `limit` records of `table` with an id above `after`, by id
   * ascending: page through a table with constant memory by passing the
   * last id seen as the next `after`.
   *
   * @example
   * ```ts
   * const first = await store.records.page('memories', { limit: 500 });
   * const next = await store.records.page('memories', { after: first.at(-1)!.id, limit: 500 });
   * ```
   */
  page<T extends RecordTable>(table: T, options?: RecordPageOptions): Promise<RecordOf<T>[]>;
  /** How many records `table` holds (in the given projects). */
  count(table: RecordTable, options?: RecordCountOptions): Promise<number>;
  /**
   * The `MemoryChecksum` of the memories (of the given projects): content
   * and embedding of each, in id order. Backends hash where it is cheapest
   * (PostgreSQL in SQL: only 32 bytes per memory leave the server), with
   * the same result for the same memories.
   *
   * @example
   * ```ts
   * const { checksum } = await store.records.checksum({ projectIds: [project.id] });
   * ```
   */
  checksum(options?: RecordCountOptions): Promise<RecordChecksum>;
  /**
   * Validates every record, then inserts them verbatim with new ids, in one
   * multi-row statement per batch, all or none; returns the new ids in input
   * order (ascending). `id` is ignored, and so are derived fields
   * (`qualityScore`). References (`projectId`, memory, goal, task, entity and
   * decision ids) must name rows of this store, and rows of the record's own
   * project — otherwise `NotFoundError`. A project's `name` or `path` that
   * exists already is a `ConflictError`. At most 10,000 records per call.
   *
   * @example
   * ```ts
   * const [id] = await store.records.insert('goals', [{ ...goal, projectId: target.id, parentGoalId: null }]);
   * ```
   */
  insert<T extends RecordTable>(table: T, records: readonly RecordOf<T>[]): Promise<number[]>;
  /**
   * Sets `supersededBy` of memories or decisions without touching any other
   * field (`updatedAt` and `version` included): the second step of an
   * insert, once the replacements exist. Both ids must be rows of one
   * project, and different; otherwise `NotFoundError` / `ValidationError`
   * and nothing changes. Returns how many rows were linked.
   *
   * @example
   * ```ts
   * await store.records.linkSupersession('memories', [{ id: old.id, supersededBy: replacement.id }]);
   * ```
   */
  linkSupersession(table: SupersedingTable, links: readonly SupersessionLink[]): Promise<number>;
}
