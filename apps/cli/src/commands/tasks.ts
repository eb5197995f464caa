import { Option } from 'commander';
import type { Command } from 'commander';
import { TASK_STATUSES } from '@athena/core-types';
import type { Task, TaskStatus, UpdateTaskInput } from '@athena/core-types';
import type { CliContext } from '../cli-context.js';
import { id, instant, integerIn, listOf } from '../parse.js';
import { action } from '../run.js';
import { renderTable, when } from '../table.js';

const taskTable = (tasks: readonly Task[]) =>
  tasks.length === 0
    ? 'No tasks.'
    : renderTable(tasks, [
        { header: 'id', value: (t) => String(t.id), align: 'right' },
        { header: 'prio', value: (t) => String(t.priority), align: 'right' },
        { header: 'status', value: (t) => t.status },
        { header: 'goal', value: (t) => (t.goalId === null ? '' : String(t.goalId)) },
        { header: 'parent', value: (t) => (t.parentTaskId === null ? '' : String(t.parentTaskId)) },
        { header: 'due', value: (t) => when(t.dueAt) },
        { header: 'task', value: (t) => t.title, max: 60 },
      ]);

async function update(ctx: CliContext, taskId: number, input: UpdateTaskInput): Promise<void> {
  const project = await ctx.project();
  const updated = await (await ctx.store()).tasks.update(project.id, taskId, input);
  ctx.print({
    result: { task: updated },
    human: (r) => `Updated task ${r.task.id}: ${r.task.status}`,
  });
}

/** `athena task create|list|update|done`. */
export function registerTaskCommands(program: Command): void {
  const task = program.command('task').description('tasks of the project (under goals; they nest)');

  task
    .command('create')
    .description('create a task')
    .argument('<title...>', 'the task')
    .option('--description <text>', 'more detail')
    .option('--goal <id>', 'the goal it serves', id)
    .option('--parent <id>', 'the parent task', id)
    .option('--priority <n>', 'priority 1–10 (default 5)', integerIn(1, 10))
    .addOption(new Option('--status <status>', 'status (default pending)').choices(TASK_STATUSES))
    .option('--due <instant>', 'due date, e.g. 2025-12-31', instant)
    .action(
      action(
        async (
          ctx,
          words: string[],
          options: {
            description?: string;
            goal?: number;
            parent?: number;
            priority?: number;
            status?: TaskStatus;
            due?: Date;
          },
        ) => {
          const project = await ctx.project();
          const created = await (
            await ctx.store()
          ).tasks.create(project.id, {
            title: words.join(' '),
            ...(options.description === undefined ? {} : { description: options.description }),
            ...(options.goal === undefined ? {} : { goalId: options.goal }),
            ...(options.parent === undefined ? {} : { parentTaskId: options.parent }),
            ...(options.priority === undefined ? {} : { priority: options.priority }),
            ...(options.status === undefined ? {} : { status: options.status }),
            ...(options.due === undefined ? {} : { dueAt: options.due }),
          });
          ctx.print({
            result: { task: created },
            human: (r) => `Created task ${r.task.id}: ${r.task.title}`,
          });
        },
      ),
    );

  task
    .command('list')
    .description('tasks by priority, highest first')
    .option('--status <statuses>', `statuses (${TASK_STATUSES.join(', ')})`, listOf(TASK_STATUSES))
    .option('--min-priority <n>', 'at least this priority', integerIn(1, 10))
    .option('--goal <id>', 'only the tasks of this goal', id)
    .action(
      action(
        async (ctx, options: { status?: TaskStatus[]; minPriority?: number; goal?: number }) => {
          const project = await ctx.project();
          const tasks = await (
            await ctx.store()
          ).tasks.list(project.id, {
            ...(options.status === undefined ? {} : { statuses: options.status }),
            ...(options.minPriority === undefined ? {} : { minPriority: options.minPriority }),
            ...(options.goal === undefined ? {} : { goalId: options.goal }),
          });
          ctx.print({ result: { tasks }, human: (r) => taskTable(r.tasks) });
        },
      ),
    );

  task
    .command('update')
    .description('change a task (completing it records when)')
    .argument('<id>', 'task id', id)
    .option('--title <title>', 'new title')
    .option('--description <text>', 'new description')
    .addOption(new Option('--status <status>', 'new status').choices(TASK_STATUSES))
    .option('--priority <n>', 'priority 1–10', integerIn(1, 10))
    .option('--due <instant>', 'new due date', instant)
    .action(
      action(
        async (
          ctx,
          taskId: number,
          options: {
            title?: string;
            description?: string;
            status?: TaskStatus;
            priority?: number;
            due?: Date;
          },
        ) => {
          const { due, ...rest } = options;
          await update(ctx, taskId, { ...rest, ...(due === undefined ? {} : { dueAt: due }) });
        },
      ),
    );

  task
    .command('done')
    .description('mark a task completed')
    .argument('<id>', 'task id', id)
    .action(action(async (ctx, taskId: number) => update(ctx, taskId, { status: 'completed' })));
}
