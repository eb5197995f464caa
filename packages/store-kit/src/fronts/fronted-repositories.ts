import type { Repositories } from '@athena/core-types';
import type { FrontContext } from '../front.js';
import { CodeFront } from './code.js';
import type { CodeBackend } from './code.js';
import { ConsolidationFront } from './consolidation.js';
import type { ConsolidationBackend } from './consolidation.js';
import { DecisionFront } from './decisions.js';
import type { DecisionBackend } from './decisions.js';
import { EpisodeFront } from './episodes.js';
import type { EpisodeBackend } from './episodes.js';
import { GoalFront } from './goals.js';
import type { GoalBackend } from './goals.js';
import { MemoryFront } from './memories.js';
import type { MemoryBackend } from './memories.js';
import { ProjectFront } from './projects.js';
import type { ProjectBackend } from './projects.js';
import { RecordFront } from './records.js';
import type { RecordBackend } from './records.js';
import { RelationshipFront } from './relationships.js';
import type { RelationshipBackend } from './relationships.js';
import { SearchFront } from './search.js';
import type { SearchBackend } from './search.js';
import { TaskFront } from './tasks.js';
import type { TaskBackend } from './tasks.js';

/** A backend's repositories, each receiving parsed arguments. */
export interface RepositoryBackends {
  readonly projects: ProjectBackend;
  readonly memories: MemoryBackend;
  readonly search: SearchBackend;
  readonly relationships: RelationshipBackend;
  readonly episodes: EpisodeBackend;
  readonly goals: GoalBackend;
  readonly tasks: TaskBackend;
  readonly code: CodeBackend;
  readonly decisions: DecisionBackend;
  readonly consolidation: ConsolidationBackend;
  readonly records: RecordBackend;
}

/**
 * The public repositories of a store: each backend repository behind its
 * validating front, so no backend parses an argument. `context` is the
 * store (its embedding dimension is read when an embedding is parsed, after
 * `init()`).
 *
 * @example
 * ```ts
 * const repositories = frontedRepositories({ projects: new SqliteProjectRepository(session), … }, store);
 * ```
 */
export function frontedRepositories(
  backends: RepositoryBackends,
  context: FrontContext,
): Repositories {
  return Object.freeze({
    projects: new ProjectFront(backends.projects, context),
    memories: new MemoryFront(backends.memories, context),
    search: new SearchFront(backends.search, context),
    relationships: new RelationshipFront(backends.relationships, context),
    episodes: new EpisodeFront(backends.episodes, context),
    goals: new GoalFront(backends.goals, context),
    tasks: new TaskFront(backends.tasks, context),
    code: new CodeFront(backends.code, context),
    decisions: new DecisionFront(backends.decisions, context),
    consolidation: new ConsolidationFront(backends.consolidation, context),
    records: new RecordFront(backends.records, context),
  });
}
