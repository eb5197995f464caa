import { Option } from 'commander';
import type { Command } from 'commander';
import { GOAL_STATUSES } from '@athena/core-types';
import type { Goal, GoalStatus } from '@athena/core-types';
import { id, instant, integerIn, listOf, numberIn } from '../parse.js';
import { action } from '../run.js';
import { renderTable, when } from '../table.js';

const goalTable = (goals: readonly Goal[]) =>
  goals.length === 0
    ? 'No goals.'
    : renderTable(goals, [
        { header: 'id', value: (g) => String(g.id), align: 'right' },
        { header: 'prio', value: (g) => String(g.priority), align: 'right' },
        { header: 'status', value: (g) => g.status },
        { header: 'progress', value: (g) => `${Math.round(g.progress * 100)}%`, align: 'right' },
        { header: 'parent', value: (g) => (g.parentGoalId === null ? '' : String(g.parentGoalId)) },
        { header: 'deadline', value: (g) => when(g.deadline) },
        { header: 'goal', value: (g) => g.title, max: 60 },
      ]);

/** `athena goal create|list|update`. */
export function registerGoalCommands(program: Command): void {
  const goal = program.command('goal').description('goals of the project (they nest)');

  goal
    .command('create')
    .description('create a goal')
    .argument('<title...>', 'the goal')
    .option('--description <text>', 'more detail')
    .option('--parent <id>', 'the parent goal', id)
    .option('--priority <n>', 'priority 1–10 (default 5)', integerIn(1, 10))
    .addOption(new Option('--status <status>', 'status (default planned)').choices(GOAL_STATUSES))
    .option('--progress <n>', 'progress in [0, 1]', numberIn(0, 1))
    .option('--deadline <instant>', 'deadline, e.g. 2025-12-31', instant)
    .action(
      action(
        async (
          ctx,
          words: string[],
          options: {
            description?: string;
            parent?: number;
            priority?: number;
            status?: GoalStatus;
            progress?: number;
            deadline?: Date;
          },
        ) => {
          const project = await ctx.project();
          const created = await (
            await ctx.store()
          ).goals.create(project.id, {
            title: words.join(' '),
            ...(options.description === undefined ? {} : { description: options.description }),
            ...(options.parent === undefined ? {} : { parentGoalId: options.parent }),
            ...(options.priority === undefined ? {} : { priority: options.priority }),
            ...(options.status === undefined ? {} : { status: options.status }),
            ...(options.progress === undefined ? {} : { progress: options.progress }),
            ...(options.deadline === undefined ? {} : { deadline: options.deadline }),
          });
          ctx.print({
            result: { goal: created },
            human: (r) => `Created goal ${r.goal.id}: ${r.goal.title}`,
          });
        },
      ),
    );

  goal
    .command('list')
    .description('goals by priority, highest first')
    .option('--status <statuses>', `statuses (${GOAL_STATUSES.join(', ')})`, listOf(GOAL_STATUSES))
    .option('--min-priority <n>', 'at least this priority', integerIn(1, 10))
    .option('--parent <id>', 'only the sub-goals of this goal', id)
    .option('--top', 'only top-level goals')
    .action(
      action(
        async (
          ctx,
          options: { status?: GoalStatus[]; minPriority?: number; parent?: number; top?: boolean },
        ) => {
          const project = await ctx.project();
          const goals = await (
            await ctx.store()
          ).goals.list(project.id, {
            ...(options.status === undefined ? {} : { statuses: options.status }),
            ...(options.minPriority === undefined ? {} : { minPriority: options.minPriority }),
            ...(options.parent !== undefined
              ? { parentGoalId: options.parent }
              : options.top === true
                ? { parentGoalId: null }
                : {}),
          });
          ctx.print({ result: { goals }, human: (r) => goalTable(r.goals) });
        },
      ),
    );

  goal
    .command('update')
    .description('change a goal (completing it records when)')
    .argument('<id>', 'goal id', id)
    .option('--title <title>', 'new title')
    .option('--description <text>', 'new description')
    .addOption(new Option('--status <status>', 'new status').choices(GOAL_STATUSES))
    .option('--priority <n>', 'priority 1–10', integerIn(1, 10))
    .option('--progress <n>', 'progress in [0, 1]', numberIn(0, 1))
    .option('--deadline <instant>', 'new deadline', instant)
    .action(
      action(
        async (
          ctx,
          goalId: number,
          options: {
            title?: string;
            description?: string;
            status?: GoalStatus;
            priority?: number;
            progress?: number;
            deadline?: Date;
          },
        ) => {
          const project = await ctx.project();
          const updated = await (await ctx.store()).goals.update(project.id, goalId, options);
          ctx.print({
            result: { goal: updated },
            human: (r) =>
              `Updated goal ${r.goal.id}: ${r.goal.status}, ${Math.round(r.goal.progress * 100)}%`,
          });
        },
      ),
    );
}
