import { z } from 'zod';
import { TASK_STATUSES } from '@athena/core-types';
import type { Task } from '@athena/core-types';
import { registerAthenaTool } from '../athena-tool.js';
import type { Session } from '../athena-tool.js';
import { defined, ID, INSTANT, oneOf, TEXT } from '../schemas.js';
import { clip, toolResult } from '../tool-result.js';

/** A task in one line, as the tools and resources print it. */
export function taskLine(task: Task): string {
  return `[task ${task.id}] ${clip(task.title, 120)} (${task.status}, priority ${task.priority}${task.goalId === null ? '' : `, goal ${task.goalId}`}${task.parentTaskId === null ? '' : `, under task ${task.parentTaskId}`}${task.dueAt === null ? '' : `, due ${task.dueAt.toISOString().slice(0, 10)}`})`;
}

const PRIORITY = z.number().int().min(1).max(10);

/** create_task, update_task, list_tasks. */
export function registerTaskTools(session: Session): void {
  registerAthenaTool(
    session,
    'create_task',
    {
      title: 'Create a task',
      description:
        'Create a task: a concrete piece of work to do in this or a later session, optionally serving a goal ' +
        '(goalId) or part of a bigger task (parentTaskId). Tasks outlive the session, so write them so that ' +
        'another agent could pick them up.',
      inputSchema: {
        title: TEXT.describe('What to do, short.'),
        description: z.string().min(1).optional().describe('Detail: context, acceptance criteria.'),
        goalId: ID.optional().describe('The goal it serves.'),
        parentTaskId: ID.optional().describe('The task it is part of.'),
        priority: PRIORITY.optional().describe('1–10, higher first (default 5).'),
        status: oneOf(TASK_STATUSES).optional().describe('Default pending.'),
        due: INSTANT.optional().describe('When it is due, ISO 8601.'),
      },
    },
    async (args, { store, project }) => {
      const task = await store.tasks.create(project.id, {
        title: args.title,
        ...defined({
          description: args.description,
          goalId: args.goalId,
          parentTaskId: args.parentTaskId,
          priority: args.priority,
          status: args.status,
          dueAt: args.due === undefined ? undefined : new Date(args.due),
        }),
      });
      return toolResult(`Created ${taskLine(task)}.`, { project: project.name, task });
    },
  );

  registerAthenaTool(
    session,
    'update_task',
    {
      title: 'Update a task',
      description:
        'Change a task: mark it in_progress when you start, completed when done (that records when), ' +
        'blocked or cancelled with a reason in the description; or change its title, priority or due date.',
      inputSchema: {
        id: ID.describe('The task id.'),
        title: TEXT.optional().describe('New title.'),
        description: z.string().min(1).optional().describe('New description.'),
        status: oneOf(TASK_STATUSES).optional().describe('New status.'),
        priority: PRIORITY.optional().describe('New priority, 1–10.'),
        due: INSTANT.optional().describe('New due date, ISO 8601.'),
      },
    },
    async (args, { store, project }) => {
      const task = await store.tasks.update(
        project.id,
        args.id,
        defined({
          title: args.title,
          description: args.description,
          status: args.status,
          priority: args.priority,
          dueAt: args.due === undefined ? undefined : new Date(args.due),
        }),
      );
      return toolResult(`Updated ${taskLine(task)}.`, { project: project.name, task });
    },
  );

  registerAthenaTool(
    session,
    'list_tasks',
    {
      title: 'List tasks',
      description:
        'The tasks of the project, highest priority first: check them at the start of a session to pick up ' +
        'open work (statuses pending, in_progress, blocked).',
      inputSchema: {
        statuses: z.array(oneOf(TASK_STATUSES)).min(1).optional().describe('Only these statuses.'),
        minPriority: PRIORITY.optional().describe('At least this priority.'),
        goalId: ID.optional().describe('Only the tasks of this goal.'),
      },
      readOnly: true,
    },
    async (args, { store, project }) => {
      const tasks = await store.tasks.list(
        project.id,
        defined({ statuses: args.statuses, minPriority: args.minPriority, goalId: args.goalId }),
      );
      return toolResult(tasks.length === 0 ? 'No tasks.' : tasks.map(taskLine).join('\n'), {
        project: project.name,
        tasks,
      });
    },
  );
}
