import type { Repositories } from '@athena/core-types';
import { frontedRepositories } from '@athena/store-kit';
import type { FrontContext } from '@athena/store-kit';
import { SqliteCodeRepository } from './repositories/code-repository.js';
import { SqliteConsolidationRepository } from './repositories/consolidation-repository.js';
import { SqliteDecisionRepository } from './repositories/decision-repository.js';
import { SqliteEpisodeRepository } from './repositories/episode-repository.js';
import { SqliteGoalRepository } from './repositories/goal-repository.js';
import { SqliteMemoryRepository } from './repositories/memory-repository.js';
import { SqliteProjectRepository } from './repositories/project-repository.js';
import { SqliteRecordRepository } from './repositories/record-repository.js';
import { SqliteRelationshipRepository } from './repositories/relationship-repository.js';
import { SqliteSearchRepository } from './repositories/search-repository.js';
import { SqliteTaskRepository } from './repositories/task-repository.js';
import type { Session } from './session.js';

/**
 * Every repository, bound to one session (the store's own, or an open
 * transaction's), behind the kit's validating fronts; `context` is the store.
 *
 * @example
 * ```ts
 * const repositories = createRepositories(session, store);
 * ```
 */
export function createRepositories(session: Session, context: FrontContext): Repositories {
  return frontedRepositories(
    {
      projects: new SqliteProjectRepository(session),
      memories: new SqliteMemoryRepository(session),
      search: new SqliteSearchRepository(session),
      relationships: new SqliteRelationshipRepository(session),
      episodes: new SqliteEpisodeRepository(session),
      goals: new SqliteGoalRepository(session),
      tasks: new SqliteTaskRepository(session),
      code: new SqliteCodeRepository(session),
      decisions: new SqliteDecisionRepository(session),
      consolidation: new SqliteConsolidationRepository(session),
      records: new SqliteRecordRepository(session),
    },
    context,
  );
}
