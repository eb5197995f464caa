import type { GoalRepository, Repositories } from '@athena/core-types';
import type { FrontContext } from '../front.js';
import { CodeFront } from './code.js';
import type { CodeBackend } from './code.js';
import { GoalFront } from './goals.js';
import type { GoalBackend } from './goals.js';

/** A backend's repositories, each receiving parsed arguments. */
export interface RepositoryBackends extends Omit<Repositories, 'goals' | 'code'> {
  readonly goals: GoalBackend;
  readonly code: CodeBackend;
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
    code: new CodeFront(backends.code, context),
  });
}
