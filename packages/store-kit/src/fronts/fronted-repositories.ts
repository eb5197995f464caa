import type {
  GoalRepository,
  RecordRepository,
  Repositories,
  SearchRepository,
} from '@athena/core-types';
import type { FrontContext } from '../front.js';
import { GoalFront } from './goals.js';
import type { GoalBackend } from './goals.js';
import { RecordFront } from './records.js';
import type { RecordBackend } from './records.js';
import { SearchFront } from './search.js';
import type { SearchBackend } from './search.js';

/** A backend's repositories, each receiving parsed arguments. */
export interface RepositoryBackends extends Omit<Repositories, 'goals' | 'search' | 'records'> {
  readonly goals: GoalBackend;
  readonly search: SearchBackend;
  readonly records: RecordBackend;
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
    search: new SearchFront(backends.search, context) as SearchRepository,
    records: new RecordFront(backends.records, context) as RecordRepository,
  });
}
