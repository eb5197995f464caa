import { NotFoundError } from '@athena/core-types';
import type { Goal } from '@athena/core-types';
import type { GoalBackend, ParsedArgument } from '@athena/store-kit';
import { sql } from 'kysely';
import { assertInProject } from './relationship-repository.js';
import { toGoal } from '../rows.js';
import type { Session } from '../session.js';

/** `prospective_goals` on PostgreSQL, behind the kit's validating front. */
export class PostgresGoalRepository implements GoalBackend {
  readonly #session: () => Session;

  constructor(session: () => Session) {
    this.#session = session;
  }

  /**
   * Creates a goal, optionally under a parent goal of the same project.
   */
  async create(project: number, goal: ParsedArgument<GoalBackend, 'create', 1>): Promise<Goal> {
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

  async get(project: number, goalId: number): Promise<Goal | null> {
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

  async update(
    project: number,
    goalId: number,
    patch: ParsedArgument<GoalBackend, 'update', 2>,
  ): Promise<Goal> {
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

  async list(
    project: number,
    { statuses, minPriority, parentGoalId }: ParsedArgument<GoalBackend, 'list', 1>,
  ): Promise<Goal[]> {
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

  async subgoals(project: number, goalId: number): Promise<Goal[]> {
    return this.list(project, { parentGoalId: goalId });
  }

  async delete(project: number, goalId: number): Promise<boolean> {
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
