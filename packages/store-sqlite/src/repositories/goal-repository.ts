import { NotFoundError } from '@athena/core-types';
import type { Goal } from '@athena/core-types';
import type { GoalBackend, ParsedArgument } from '@athena/store-kit';
import { mapError } from '../map-error.js';
import { toGoal, toMillis } from '../rows.js';
import type { GoalRow } from '../rows.js';
import type { Session } from '../session.js';
import { updateSql } from '../sql/update-sql.js';

const GOAL_COLUMNS = Object.freeze({
  title: 'title',
  description: 'description',
  status: 'status',
  priority: 'priority',
  progress: 'progress',
  deadline: 'deadline',
});

/** Goals (`prospective_goals`) on SQLite, behind the kit's validating front; sub-goals cascade, tasks are unlinked. */
export class SqliteGoalRepository implements GoalBackend {
  readonly #session: Session;

  constructor(session: Session) {
    this.#session = session;
  }

  async create(project: number, goal: ParsedArgument<GoalBackend, 'create', 1>): Promise<Goal> {
    return this.#session.run((c) => {
      if (goal.parentGoalId !== null) {
        const parent = c
          .statement('SELECT 1 FROM prospective_goals WHERE project_id = ? AND id = ?')
          .get(project, goal.parentGoalId);
        if (parent === undefined) throw new NotFoundError('goal', goal.parentGoalId);
      }
      const now = Date.now();
      try {
        const row = c
          .statement<unknown[], GoalRow>(
            `INSERT INTO prospective_goals (project_id, parent_goal_id, title, description, status,
               priority, progress, deadline, completed_at, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
          )
          .get(
            project,
            goal.parentGoalId,
            goal.title,
            goal.description,
            goal.status,
            goal.priority,
            goal.progress,
            toMillis(goal.deadline),
            goal.status === 'completed' ? now : null,
            now,
            now,
          );
        return toGoal(row as GoalRow);
      } catch (error) {
        throw mapError(error, { notFound: { entity: 'project', id: project } });
      }
    });
  }

  async get(project: number, goalId: number): Promise<Goal | null> {
    return this.#session.run((c) => {
      const row = c
        .statement<unknown[], GoalRow>(
          'SELECT * FROM prospective_goals WHERE project_id = ? AND id = ?',
        )
        .get(project, goalId);
      return row === undefined ? null : toGoal(row);
    });
  }

  async update(
    project: number,
    goalId: number,
    patch: ParsedArgument<GoalBackend, 'update', 2>,
  ): Promise<Goal> {
    return this.#session.run((c) => {
      const { sets, params } = updateSql(patch, GOAL_COLUMNS, Date.now());
      const row = c
        .statement<[Record<string, unknown>], GoalRow>(
          `UPDATE prospective_goals SET ${sets} WHERE project_id = @projectId AND id = @id RETURNING *`,
        )
        .get({ ...params, projectId: project, id: goalId });
      if (row === undefined) throw new NotFoundError('goal', goalId);
      return toGoal(row);
    });
  }

  /** By priority (highest first), then id. */
  async list(project: number, parsed: ParsedArgument<GoalBackend, 'list', 1>): Promise<Goal[]> {
    const conditions = ['project_id = @projectId'];
    const params: Record<string, unknown> = { projectId: project };
    if (parsed.statuses !== undefined && parsed.statuses.length > 0) {
      conditions.push('status IN (SELECT value FROM json_each(@statuses))');
      params['statuses'] = JSON.stringify(parsed.statuses);
    }
    if (parsed.minPriority !== undefined) {
      conditions.push('priority >= @minPriority');
      params['minPriority'] = parsed.minPriority;
    }
    if (parsed.parentGoalId === null) conditions.push('parent_goal_id IS NULL');
    else if (parsed.parentGoalId !== undefined) {
      conditions.push('parent_goal_id = @parentGoalId');
      params['parentGoalId'] = parsed.parentGoalId;
    }
    return this.#session.run((c) =>
      c
        .statement<[Record<string, unknown>], GoalRow>(
          `SELECT * FROM prospective_goals WHERE ${conditions.join(' AND ')}
           ORDER BY priority DESC, id`,
        )
        .all(params)
        .map(toGoal),
    );
  }

  async subgoals(project: number, goalId: number): Promise<Goal[]> {
    return this.list(project, { parentGoalId: goalId });
  }

  async delete(project: number, goalId: number): Promise<boolean> {
    return this.#session.run(
      (c) =>
        c
          .statement('DELETE FROM prospective_goals WHERE project_id = ? AND id = ?')
          .run(project, goalId).changes > 0,
    );
  }
}
