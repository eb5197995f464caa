import { z } from 'zod';
import { GOAL_STATUSES, TASK_STATUSES } from '../prospective.js';
import {
  dropUndefined,
  id,
  instant,
  longText,
  parseWith,
  priority,
  shortText,
  unit,
} from './internal.js';

const createGoalSchema = z
  .object({
    title: shortText,
    description: longText.nullable().default(null),
    parentGoalId: id.nullable().default(null),
    status: z.enum(GOAL_STATUSES as [string, ...string[]]).default('planned'),
    priority: priority.default(5),
    progress: unit.default(0),
    deadline: instant.nullable().default(null),
  })
  .strict();

/** Validates `goals.create()` input. */
export function parseCreateGoal(input: unknown): z.output<typeof createGoalSchema> {
  return parseWith(createGoalSchema, input, 'goal');
}

const updateGoalSchema = z
  .object({
    title: shortText.optional(),
    description: longText.nullable().optional(),
    status: z.enum(GOAL_STATUSES as [string, ...string[]]).optional(),
    priority: priority.optional(),
    progress: unit.optional(),
    deadline: instant.nullable().optional(),
  })
  .strict();

/** Validates `goals.update()` input; unknown fields are rejected. */
export function parseUpdateGoal(input: unknown): z.output<typeof updateGoalSchema> {
  return dropUndefined(parseWith(updateGoalSchema, input, 'goal update'));
}

const listGoalsSchema = z
  .object({
    statuses: z.array(z.enum(GOAL_STATUSES as [string, ...string[]])).optional(),
    minPriority: priority.optional(),
    parentGoalId: id.nullable().optional(),
  })
  .strict();

/** Validates `goals.list()` options. */
export function parseListGoals(options: unknown): z.output<typeof listGoalsSchema> {
  return parseWith(listGoalsSchema, options ?? {}, 'options');
}

const createTaskSchema = z
  .object({
    title: shortText,
    description: longText.nullable().default(null),
    goalId: id.nullable().default(null),
    parentTaskId: id.nullable().default(null),
    status: z.enum(TASK_STATUSES as [string, ...string[]]).default('pending'),
    priority: priority.default(5),
    dueAt: instant.nullable().default(null),
  })
  .strict();

/** Validates `tasks.create()` input. */
export function parseCreateTask(input: unknown): z.output<typeof createTaskSchema> {
  return parseWith(createTaskSchema, input, 'task');
}

const updateTaskSchema = z
  .object({
    title: shortText.optional(),
    description: longText.nullable().optional(),
    status: z.enum(TASK_STATUSES as [string, ...string[]]).optional(),
    priority: priority.optional(),
    dueAt: instant.nullable().optional(),
  })
  .strict();

/** Validates `tasks.update()` input; unknown fields are rejected. */
export function parseUpdateTask(input: unknown): z.output<typeof updateTaskSchema> {
  return dropUndefined(parseWith(updateTaskSchema, input, 'task update'));
}

const listTasksSchema = z
  .object({
    statuses: z.array(z.enum(TASK_STATUSES as [string, ...string[]])).optional(),
    minPriority: priority.optional(),
    goalId: id.optional(),
    parentTaskId: id.nullable().optional(),
  })
  .strict();

/** Validates `tasks.list()` options. */
export function parseListTasks(options: unknown): z.output<typeof listTasksSchema> {
  return parseWith(listTasksSchema, options ?? {}, 'options');
}
