import { NotFoundError } from '@athena/core-types';
import type { Task } from '@athena/core-types';
import type { ParsedArgument, TaskBackend } from '@athena/store-kit';
import { sql } from 'kysely';
import { assertInProject } from './relationship-repository.js';
import { toTask } from '../rows.js';
import type { Session } from '../session.js';

/** `prospective_tasks` on PostgreSQL, behind the kit's validating front. */
export class PostgresTaskRepository implements TaskBackend {
  readonly #session: () => Session;

  constructor(session: () => Session) {
    this.#session = session;
  }

  /**
   * Creates a task, optionally under a goal and/or a parent task of the project.
   */
  async create(project: number, task: ParsedArgument<TaskBackend, 'create', 1>): Promise<Task> {
    return this.#session().write(
      { operation: 'create task', notFound: { entity: 'project', id: project } },
      async (s) => {
        if (task.goalId !== null)
          await assertInProject(s, 'prospective_goals', 'goal', project, [task.goalId]);
        if (task.parentTaskId !== null) {
          await assertInProject(s, 'prospective_tasks', 'task', project, [task.parentTaskId]);
        }
        const now = new Date();
        const row = await s.db
          .insertInto('prospective_tasks')
          .values({
            project_id: project,
            goal_id: task.goalId,
            parent_task_id: task.parentTaskId,
            title: task.title,
            description: task.description,
            status: task.status,
            priority: task.priority,
            due_at: task.dueAt,
            completed_at: task.status === 'completed' ? now : null,
            created_at: now,
            updated_at: now,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        return toTask(row);
      },
    );
  }

  async get(project: number, taskId: number): Promise<Task | null> {
    return this.#session().read({ operation: 'get task' }, async (s) => {
      const row = await s.db
        .selectFrom('prospective_tasks')
        .selectAll()
        .where('project_id', '=', project)
        .where('id', '=', taskId)
        .executeTakeFirst();
      return row === undefined ? null : toTask(row);
    });
  }

  async update(
    project: number,
    taskId: number,
    patch: ParsedArgument<TaskBackend, 'update', 2>,
  ): Promise<Task> {
    return this.#session().write({ operation: 'update task' }, async (s) => {
      const now = new Date();
      const { dueAt, ...rest } = patch;
      const row = await s.db
        .updateTable('prospective_tasks')
        .set({
          ...rest,
          ...(dueAt === undefined ? {} : { due_at: dueAt }),
          ...(patch.status === undefined
            ? {}
            : {
                completed_at:
                  patch.status === 'completed' ? sql<Date>`coalesce(completed_at, ${now})` : null,
              }),
          updated_at: now,
        })
        .where('project_id', '=', project)
        .where('id', '=', taskId)
        .returningAll()
        .executeTakeFirst();
      if (row === undefined)
        throw new NotFoundError('task', taskId, { details: { projectId: project } });
      return toTask(row);
    });
  }

  async list(
    project: number,
    { statuses, minPriority, goalId, parentTaskId }: ParsedArgument<TaskBackend, 'list', 1>,
  ): Promise<Task[]> {
    return this.#session().read({ operation: 'list tasks' }, async (s) => {
      let query = s.db
        .selectFrom('prospective_tasks')
        .selectAll()
        .where('project_id', '=', project);
      if (statuses !== undefined && statuses.length > 0)
        query = query.where('status', 'in', statuses);
      if (minPriority !== undefined) query = query.where('priority', '>=', minPriority);
      if (goalId !== undefined) query = query.where('goal_id', '=', goalId);
      if (parentTaskId === null) query = query.where('parent_task_id', 'is', null);
      else if (parentTaskId !== undefined) query = query.where('parent_task_id', '=', parentTaskId);
      const rows = await query.orderBy('priority', 'desc').orderBy('id').execute();
      return rows.map(toTask);
    });
  }

  async subtasks(project: number, taskId: number): Promise<Task[]> {
    return this.list(project, { parentTaskId: taskId });
  }

  async delete(project: number, taskId: number): Promise<boolean> {
    return this.#session().write({ operation: 'delete task' }, async (s) => {
      const result = await s.db
        .deleteFrom('prospective_tasks')
        .where('project_id', '=', project)
        .where('id', '=', taskId)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    });
  }
}
