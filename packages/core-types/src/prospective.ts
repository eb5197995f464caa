/** Life cycle of a goal. */
export type GoalStatus = 'planned' | 'active' | 'blocked' | 'completed' | 'abandoned';

/** Every {@link GoalStatus}. */
export const GOAL_STATUSES: readonly GoalStatus[] = Object.freeze([
  'planned',
  'active',
  'blocked',
  'completed',
  'abandoned',
]);

/** Life cycle of a task. */
export type TaskStatus = 'pending' | 'in_progress' | 'blocked' | 'completed' | 'cancelled';

/** Every {@link TaskStatus}. */
export const TASK_STATUSES: readonly TaskStatus[] = Object.freeze([
  'pending',
  'in_progress',
  'blocked',
  'completed',
  'cancelled',
]);

/** Something the agent intends to achieve (`prospective_goals`); goals nest. */
export interface Goal {
  readonly id: number;
  readonly projectId: number;
  readonly parentGoalId: number | null;
  readonly title: string;
  readonly description: string | null;
  readonly status: GoalStatus;
  /** 1 (lowest) – 10 (highest). */
  readonly priority: number;
  /** In [0, 1]. */
  readonly progress: number;
  readonly deadline: Date | null;
  /** Set when the status becomes `completed`. */
  readonly completedAt: Date | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** Input of `goals.create()`. */
export interface CreateGoalInput {
  readonly title: string;
  readonly description?: string | null;
  readonly parentGoalId?: number | null;
  /** Default `planned`. */
  readonly status?: GoalStatus;
  /** Default 5. */
  readonly priority?: number;
  /** Default 0. */
  readonly progress?: number;
  readonly deadline?: Date | null;
}

/** Input of `goals.update()`: only the given fields change. */
export interface UpdateGoalInput {
  readonly title?: string;
  readonly description?: string | null;
  readonly status?: GoalStatus;
  readonly priority?: number;
  readonly progress?: number;
  readonly deadline?: Date | null;
}

/** Filters of `goals.list()`; ordered by priority (highest first), then id. */
export interface ListGoalsOptions {
  readonly statuses?: readonly GoalStatus[];
  readonly minPriority?: number;
  /** `null` lists top-level goals only; a number lists that goal's direct sub-goals. */
  readonly parentGoalId?: number | null;
}

/** A concrete step (`prospective_tasks`), optionally under a goal; tasks nest. */
export interface Task {
  readonly id: number;
  readonly projectId: number;
  readonly goalId: number | null;
  readonly parentTaskId: number | null;
  readonly title: string;
  readonly description: string | null;
  readonly status: TaskStatus;
  /** 1 (lowest) – 10 (highest). */
  readonly priority: number;
  readonly dueAt: Date | null;
  readonly completedAt: Date | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** Input of `tasks.create()`. */
export interface CreateTaskInput {
  readonly title: string;
  readonly description?: string | null;
  readonly goalId?: number | null;
  readonly parentTaskId?: number | null;
  /** Default `pending`. */
  readonly status?: TaskStatus;
  /** Default 5. */
  readonly priority?: number;
  readonly dueAt?: Date | null;
}

/** Input of `tasks.update()`: only the given fields change. */
export interface UpdateTaskInput {
  readonly title?: string;
  readonly description?: string | null;
  readonly status?: TaskStatus;
  readonly priority?: number;
  readonly dueAt?: Date | null;
}

/** Filters of `tasks.list()`; ordered by priority (highest first), then id. */
export interface ListTasksOptions {
  readonly statuses?: readonly TaskStatus[];
  readonly minPriority?: number;
  readonly goalId?: number;
  /** `null` lists top-level tasks only; a number lists that task's direct sub-tasks. */
  readonly parentTaskId?: number | null;
}
