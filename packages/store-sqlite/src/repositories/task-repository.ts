import { NotFoundError } from '@athena/core-types';
import type { Task } from '@athena/core-types';
import type { ParsedArgument, TaskBackend } from '@athena/store-kit';
import { mapError } from '../map-error.js';
import { toMillis, toTask } from '../rows.js';
import type { TaskRow } from '../rows.js';
import type { Session } from '../session.js';
import { updateSql } from '../sql/update-sql.js';

const TASK_COLUMNS = Object.freeze({
  title: 'title',
  description: 'description',
  status: 'status',
  priority: 'priority',
  dueAt: 'due_at',
});

/** Tasks (`prospective_tasks`) on SQLite, behind the kit's validating front; sub-tasks cascade. */
export class SqliteTaskRepository implements TaskBackend {
  readonly #session: Session;

  constructor(session: Session) {
    this.#session = session;
  }

  async create(project: number, task: ParsedArgument<TaskBackend, 'create', 1>): Promise<Task> {
    return this.#session.run((c) => {
      if (task.goalId !== null) {
        const goal = c
          .statement('SELECT 1 FROM prospective_goals WHERE project_id = ? AND id = ?')
          .get(project, task.goalId);
        if (goal === undefined) throw new NotFoundError('goal', task.goalId);
      }
      if (task.parentTaskId !== null) {
        const parent = c
          .statement('SELECT 1 FROM prospective_tasks WHERE project_id = ? AND id = ?')
          .get(project, task.parentTaskId);
        if (parent === undefined) throw new NotFoundError('task', task.parentTaskId);
      }
      const now = Date.now();
      try {
        const row = c
          .statement<unknown[], TaskRow>(
            `INSERT INTO prospective_tasks (project_id, goal_id, parent_task_id, title, description,
               status, priority, due_at, completed_at, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
          )
          .get(
            project,
            task.goalId,
            task.parentTaskId,
            task.title,
            task.description,
            task.status,
            task.priority,
            toMillis(task.dueAt),
            task.status === 'completed' ? now : null,
            now,
            now,
          );
        return toTask(row as TaskRow);
      } catch (error) {
        throw mapError(error, { notFound: { entity: 'project', id: project } });
      }
    });
  }

  async get(project: number, taskId: number): Promise<Task | null> {
    return this.#session.run((c) => {
      const row = c
        .statement<unknown[], TaskRow>(
          'SELECT * FROM prospective_tasks WHERE project_id = ? AND id = ?',
        )
        .get(project, taskId);
      return row === undefined ? null : toTask(row);
    });
  }

  async update(
    project: number,
    taskId: number,
    patch: ParsedArgument<TaskBackend, 'update', 2>,
  ): Promise<Task> {
    return this.#session.run((c) => {
      const { sets, params } = updateSql(patch, TASK_COLUMNS, Date.now());
      const row = c
        .statement<[Record<string, unknown>], TaskRow>(
          `UPDATE prospective_tasks SET ${sets} WHERE project_id = @projectId AND id = @id RETURNING *`,
        )
        .get({ ...params, projectId: project, id: taskId });
      if (row === undefined) throw new NotFoundError('task', taskId);
      return toTask(row);
    });
  }

  /** By priority (highest first), then id. */
  async list(project: number, parsed: ParsedArgument<TaskBackend, 'list', 1>): Promise<Task[]> {
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
    if (parsed.goalId !== undefined) {
      conditions.push('goal_id = @goalId');
      params['goalId'] = parsed.goalId;
    }
    if (parsed.parentTaskId === null) conditions.push('parent_task_id IS NULL');
    else if (parsed.parentTaskId !== undefined) {
      conditions.push('parent_task_id = @parentTaskId');
      params['parentTaskId'] = parsed.parentTaskId;
    }
    return this.#session.run((c) =>
      c
        .statement<[Record<string, unknown>], TaskRow>(
          `SELECT * FROM prospective_tasks WHERE ${conditions.join(' AND ')}
           ORDER BY priority DESC, id`,
        )
        .all(params)
        .map(toTask),
    );
  }

  async subtasks(project: number, taskId: number): Promise<Task[]> {
    return this.list(project, { parentTaskId: taskId });
  }

  async delete(project: number, taskId: number): Promise<boolean> {
    return this.#session.run(
      (c) =>
        c
          .statement('DELETE FROM prospective_tasks WHERE project_id = ? AND id = ?')
          .run(project, taskId).changes > 0,
    );
  }
}
