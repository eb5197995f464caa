import type {
  ConsolidationRepository,
  DecisionRepository,
  EpisodeRepository,
  GoalRepository,
  Repositories,
  TaskRepository,
} from '@athena/core-types';
import type { FrontContext } from '../front.js';
import { ConsolidationFront } from './consolidation.js';
import type { ConsolidationBackend } from './consolidation.js';
import { DecisionFront } from './decisions.js';
import type { DecisionBackend } from './decisions.js';
import { EpisodeFront } from './episodes.js';
import type { EpisodeBackend } from './episodes.js';
import { GoalFront } from './goals.js';
import type { GoalBackend } from './goals.js';
import { TaskFront } from './tasks.js';
import type { TaskBackend } from './tasks.js';

/** A backend's repositories, each receiving parsed arguments. */
export interface RepositoryBackends extends Omit<
  Repositories,
  'goals' | 'decisions' | 'tasks' | 'episodes' | 'consolidation'
> {
  readonly goals: GoalBackend;
  readonly decisions: DecisionBackend;
  readonly tasks: TaskBackend;
  readonly episodes: EpisodeBackend;
  readonly consolidation: ConsolidationBackend;
}

/**
 * The public repositories of a store: each backend repository behind its
 * validating front. `context` is the store (its embedding dimension is read
 * when an embedding is parsed, after `init()`).
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
    ...backends,
    goals: new GoalFront(backends.goals, context) as GoalRepository,
    decisions: new DecisionFront(backends.decisions, context) as DecisionRepository,
    tasks: new TaskFront(backends.tasks, context) as TaskRepository,
    episodes: new EpisodeFront(backends.episodes, context) as EpisodeRepository,
    consolidation: new ConsolidationFront(
      backends.consolidation,
      context,
    ) as ConsolidationRepository,
  });
}
