import type {
  GoalRepository,
  MemoryRepository,
  ProjectRepository,
  RelationshipRepository,
  Repositories,
} from '@athena/core-types';
import type { FrontContext } from '../front.js';
import { GoalFront } from './goals.js';
import type { GoalBackend } from './goals.js';
import { MemoryFront } from './memories.js';
import type { MemoryBackend } from './memories.js';
import { ProjectFront } from './projects.js';
import type { ProjectBackend } from './projects.js';
import { RelationshipFront } from './relationships.js';
import type { RelationshipBackend } from './relationships.js';

/** A backend's repositories, each receiving parsed arguments. */
export interface RepositoryBackends extends Omit<
  Repositories,
  'goals' | 'projects' | 'memories' | 'relationships'
> {
  readonly goals: GoalBackend;
  readonly projects: ProjectBackend;
  readonly memories: MemoryBackend;
  readonly relationships: RelationshipBackend;
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
    projects: new ProjectFront(backends.projects, context) as ProjectRepository,
    memories: new MemoryFront(backends.memories, context) as MemoryRepository,
    relationships: new RelationshipFront(backends.relationships, context) as RelationshipRepository,
  });
}
