import { parseCreateTask, parseId, parseListTasks, parseUpdateTask } from '@athena/core-types';
import type { TaskRepository } from '@athena/core-types';
import { front } from '../front.js';
import type { BackendOf, Parsers } from '../front.js';
import { projectIdOf } from './ids.js';

const TASK_PARSERS = {
  /** Checks `create()`'s `projectId` and `input`. */
  create: (_, projectId, input) => [projectIdOf(projectId), parseCreateTask(input)] as const,
  /** Checks `get()`'s `projectId` and `id`. */
  get: (_, projectId, id) => [projectIdOf(projectId), parseId(id)] as const,
  /** Checks `update()`'s `projectId`, `id` and `input`. */
  update: (_, projectId, id, input) =>
    [projectIdOf(projectId), parseId(id), parseUpdateTask(input)] as const,
  /** Checks `list()`'s `projectId` and `options`. */
  list: (_, projectId, options) => [projectIdOf(projectId), parseListTasks(options)] as const,
  /** Checks `subtasks()`'s `projectId` and `taskId`. */
  subtasks: (_, projectId, taskId) => [projectIdOf(projectId), parseId(taskId, 'taskId')] as const,
  /** Checks `delete()`'s `projectId` and `id`. */
  delete: (_, projectId, id) => [projectIdOf(projectId), parseId(id)] as const,
} satisfies Parsers<TaskRepository>;

/** The validating front of a backend's tasks. */
export const TaskFront = front<TaskRepository>()(TASK_PARSERS);

/** What a backend implements for tasks: {@link TaskRepository} with parsed arguments. */
export type TaskBackend = BackendOf<TaskRepository, typeof TASK_PARSERS>;
