import { z } from 'zod';
import { GOAL_STATUSES } from '@athena/core-types';
import type { Goal } from '@athena/core-types';
import { registerAthenaTool } from '../athena-tool.js';
import type { Session } from '../athena-tool.js';
import { defined, ID, INSTANT, oneOf, TEXT, UNIT } from '../schemas.js';
import { clip, toolResult } from '../tool-result.js';

/** A goal in one line, as the tools print it. */
export function goalLine(goal: Goal): string {
  return `[goal ${goal.id}] ${clip(goal.title, 120)} (${goal.status}, priority ${goal.priority}, ${Math.round(goal.progress * 100)}%${goal.parentGoalId === null ? '' : `, under goal ${goal.parentGoalId}`}${goal.deadline === null ? '' : `, due ${goal.deadline.toISOString().slice(0, 10)}`})`;
}

/** create_goal, list_goals. */
export function registerGoalTools(session: Session): void {
  registerAthenaTool(
    session,
    'create_goal',
    {
      title: 'Create a goal',
      description:
        'Create a goal of the project: an outcome worth working towards over several sessions. Goals nest ' +
        '(parentId); tasks serve goals (create_task with goalId).',
      inputSchema: {
        title: TEXT.describe('The outcome, short.'),
        description: z
          .string()
          .min(1)
          .optional()
          .describe('More detail: why, what done looks like.'),
        parentId: ID.optional().describe('The goal this one is part of.'),
        priority: z
          .number()
          .int()
          .min(1)
          .max(10)
          .optional()
          .describe('1–10, higher first (default 5).'),
        status: oneOf(GOAL_STATUSES).optional().describe('Default planned.'),
        progress: UNIT.optional().describe('How far along, 0–1 (default 0).'),
        deadline: INSTANT.optional().describe('When it should be reached, ISO 8601.'),
      },
    },
    async (args, { store, project }) => {
      const goal = await store.goals.create(project.id, {
        title: args.title,
        ...defined({
          description: args.description,
          parentGoalId: args.parentId,
          priority: args.priority,
          status: args.status,
          progress: args.progress,
          deadline: args.deadline === undefined ? undefined : new Date(args.deadline),
        }),
      });
      return toolResult(`Created ${goalLine(goal)}.`, { project: project.name, goal });
    },
  );

  registerAthenaTool(
    session,
    'list_goals',
    {
      title: 'List goals',
      description: 'The goals of the project, highest priority first, optionally filtered.',
      inputSchema: {
        statuses: z.array(oneOf(GOAL_STATUSES)).min(1).optional().describe('Only these statuses.'),
        minPriority: z.number().int().min(1).max(10).optional().describe('At least this priority.'),
        parentId: ID.optional().describe('Only the sub-goals of this goal.'),
        topLevelOnly: z.boolean().optional().describe('Only goals without a parent.'),
      },
      readOnly: true,
    },
    async (args, { store, project }) => {
      const goals = await store.goals.list(project.id, {
        ...defined({ statuses: args.statuses, minPriority: args.minPriority }),
        ...(args.parentId !== undefined
          ? { parentGoalId: args.parentId }
          : args.topLevelOnly === true
            ? { parentGoalId: null }
            : {}),
      });
      return toolResult(goals.length === 0 ? 'No goals.' : goals.map(goalLine).join('\n'), {
        project: project.name,
        goals,
      });
    },
  );
}
