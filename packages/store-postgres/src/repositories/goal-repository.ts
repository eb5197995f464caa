import {
  NotFoundError,
  parseCreateGoal,
  parseId,
  parseListGoals,
  parseUpdateGoal,
} from '@athena/core-types';
import type {
  CreateGoalInput,
  Goal,
  GoalRepository,
  ListGoalsOptions,
  UpdateGoalInput,
} from '@athena/core-types';
import { sql } from 'kysely';
import { assertInProject } from './relationship-repository.js';
import { toGoal } from '../rows.js';
import type { Session } from '../session.js';

/** `prospective_goals` on PostgreSQL. */
export class PostgresGoalRepository implements GoalRepository {
  readonly #session: () => Session;

  constructor(session: () => Session) {
    this.#session = session;
  }

  /**
   * Creates a goal, optionally under a parent goal of the same project.
   */
  async create(projectId: number, input: CreateGoalInput): Promise<Goal> {
    const project = parseId(projectId, 'projectId');
    const goal = parseCreateGoal(input);
    return this.#session().write(
      { operation: 'create goal', notFound: { entity: 'project', id: project } },
      async (s) => {
        if (goal.parentGoalId !== null) {
          await assertInProject(s, 'prospective_goals', 'goal', project, [goal.parentGoalId]);
        }
        const now = new Date();
        const row = await s.db
          .insertInto('prospective_goals')
          .values({
            project_id: project,
            parent_goal_id: goal.parentGoalId,
            title: goal.title,
            description: goal.description,
            status: goal.status,
            priority: goal.priority,
            progress: goal.progress,
            deadline: goal.deadline,
            completed_at: goal.status === 'completed' ? now : null,
            created_at: now,
            updated_at: now,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        return toGoal(row);
      },
    );
  }

  async get(projectId: number, id: number): Promise<Goal | null> {
    const project = parseId(projectId, 'projectId');
    const goalId = parseId(id, 'id');
    return this.#session().read({ operation: 'get goal' }, async (s) => {
      const row = await s.db
        .selectFrom('prospective_goals')
        .selectAll()
        .where('project_id', '=', project)
        .where('id', '=', goalId)
        .executeTakeFirst();
      return row === undefined ? null : toGoal(row);
    });
  }

  async update(projectId: number, id: number, input: UpdateGoalInput): Promise<Goal> {
    const project = parseId(projectId, 'projectId');
    const goalId = parseId(id, 'id');
    const patch = parseUpdateGoal(input);
    return this.#session().write({ operation: 'update goal' }, async (s) => {
      const now = new Date();
      const row = await s.db
        .updateTable('prospective_goals')
        .set({
          ...patch,
          ...(patch.status === undefined
            ? {}
            : {
                completed_at:
                  patch.status === 'completed' ? sql<Date>`coalesce(completed_at, ${now})` : null,
              }),
          updated_at: now,
        })
        .where('project_id', '=', project)
        .where('id', '=', goalId)
        .returningAll()
        .executeTakeFirst();
      if (row === undefined)
        throw new NotFoundError('goal', goalId, { details: { projectId: project } });
      return toGoal(row);
    });
  }

  async list(projectId: number, options?: ListGoalsOptions): Promise<Goal[]> {
    const project = parseId(projectId, 'projectId');
    const { statuses, minPriority, parentGoalId } = parseListGoals(options);
    return this.#session().read({ operation: 'list goals' }, async (s) => {
      let query = s.db
        .selectFrom('prospective_goals')
        .selectAll()
        .where('project_id', '=', project);
      if (statuses !== undefined && statuses.length > 0)
        query = query.where('status', 'in', statuses);
      if (minPriority !== undefined) query = query.where('priority', '>=', minPriority);
      if (parentGoalId === null) query = query.where('parent_goal_id', 'is', null);
      else if (parentGoalId !== undefined) query = query.where('parent_goal_id', '=', parentGoalId);
      const rows = await query.orderBy('priority', 'desc').orderBy('id').execute();
      return rows.map(toGoal);
    });
  }

  async subgoals(projectId: number, goalId: number): Promise<Goal[]> {
    return this.list(projectId, { parentGoalId: parseId(goalId, 'goalId') });
  }

  async delete(projectId: number, id: number): Promise<boolean> {
    const project = parseId(projectId, 'projectId');
    const goalId = parseId(id, 'id');
    return this.#session().write({ operation: 'delete goal' }, async (s) => {
      const result = await s.db
        .deleteFrom('prospective_goals')
        .where('project_id', '=', project)
        .where('id', '=', goalId)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    });
  }
}
