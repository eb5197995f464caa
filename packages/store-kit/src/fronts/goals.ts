import { parseCreateGoal, parseId, parseListGoals, parseUpdateGoal } from '@athena/core-types';
import type { GoalRepository } from '@athena/core-types';
import { front } from '../front.js';
import type { BackendOf, Parsers } from '../front.js';
import { projectIdOf } from './ids.js';

const GOAL_PARSERS = {
  create: (_, projectId, input) => [projectIdOf(projectId), parseCreateGoal(input)] as const,
  get: (_, projectId, id) => [projectIdOf(projectId), parseId(id)] as const,
  update: (_, projectId, id, input) =>
    [projectIdOf(projectId), parseId(id), parseUpdateGoal(input)] as const,
  list: (_, projectId, options) => [projectIdOf(projectId), parseListGoals(options)] as const,
  subgoals: (_, projectId, goalId) => [projectIdOf(projectId), parseId(goalId, 'goalId')] as const,
  delete: (_, projectId, id) => [projectIdOf(projectId), parseId(id)] as const,
} satisfies Parsers<GoalRepository>;

/** The validating front of a backend's goals. */
export const GoalFront = front<GoalRepository>()(GOAL_PARSERS);

/** What a backend implements for goals: {@link GoalRepository} with parsed arguments. */
export type GoalBackend = BackendOf<GoalRepository, typeof GOAL_PARSERS>;
