import { parseCreateGoal, parseId, parseListGoals, parseUpdateGoal } from '@athena/core-types';
import type { GoalRepository } from '@athena/core-types';
import { front } from '../front.js';
import type { BackendOf, Parsers } from '../front.js';
import { projectIdOf } from './ids.js';

const GOAL_PARSERS = {
  /** Checks `create()`'s `projectId` and `input`. */
  create: (_, projectId, input) => [projectIdOf(projectId), parseCreateGoal(input)] as const,
  /** Checks `get()`'s `projectId` and `id`. */
  get: (_, projectId, id) => [projectIdOf(projectId), parseId(id)] as const,
  /** Checks `update()`'s `projectId`, `id` and `input`. */
  update: (_, projectId, id, input) =>
    [projectIdOf(projectId), parseId(id), parseUpdateGoal(input)] as const,
  /** Checks `list()`'s `projectId` and `options`. */
  list: (_, projectId, options) => [projectIdOf(projectId), parseListGoals(options)] as const,
  /** Checks `subgoals()`'s `projectId` and `goalId`. */
  subgoals: (_, projectId, goalId) => [projectIdOf(projectId), parseId(goalId, 'goalId')] as const,
  /** Checks `delete()`'s `projectId` and `id`. */
  delete: (_, projectId, id) => [projectIdOf(projectId), parseId(id)] as const,
} satisfies Parsers<GoalRepository>;

/** The validating front of a backend's goals. */
export const GoalFront = front<GoalRepository>()(GOAL_PARSERS);

/** What a backend implements for goals: {@link GoalRepository} with parsed arguments. */
export type GoalBackend = BackendOf<GoalRepository, typeof GOAL_PARSERS>;
