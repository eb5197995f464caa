import { NotFoundError, ValidationError } from '@athena/core-types';
import type { UpdateGoalInput } from '@athena/core-types';
import { describe, expect, it } from 'vitest';
import { expectAthenaError } from './expect-athena-error.js';
import { ids, pause } from './fixtures.js';
import type { SuiteContext } from './suite-context.js';

/** goals and tasks: CRUD, completion time, filters, ordering, nesting, cascades. */
export function goalTaskTests(ctx: SuiteContext): void {
  describe('goals', () => {
    it('create() applies defaults; get() returns the same goal', async () => {
      const store = ctx.store();
      const project = await ctx.project();
      const goal = await store.goals.create(project.id, { title: 'ship v1' });
      expect(goal).toMatchObject({
        projectId: project.id,
        parentGoalId: null,
        title: 'ship v1',
        description: null,
        status: 'planned',
        priority: 5,
        progress: 0,
        deadline: null,
        completedAt: null,
      });
      expect(await store.goals.get(project.id, goal.id)).toEqual(goal);
      expect(await store.goals.get(project.id, goal.id + 10_000)).toBeNull();
    });

    it('update() changes only the given fields; unknown id → NotFoundError; bad input → ValidationError', async () => {
      const store = ctx.store();
      const project = await ctx.project();
      const deadline = new Date('2025-12-31T23:59:59.999Z');
      const goal = await store.goals.create(project.id, {
        title: 'g',
        description: 'd',
        priority: 7,
        deadline,
      });
      await pause();
      const updated = await store.goals.update(project.id, goal.id, {
        progress: 0.4,
        status: 'active',
      });
      expect(updated).toMatchObject({
        title: 'g',
        description: 'd',
        priority: 7,
        progress: 0.4,
        status: 'active',
      });
      expect(updated.deadline?.getTime()).toBe(deadline.getTime());
      expect(updated.updatedAt.getTime()).toBeGreaterThan(goal.updatedAt.getTime());
      await expectAthenaError(
        () => store.goals.update(project.id, goal.id + 10_000, { progress: 1 }),
        NotFoundError,
        'not_found',
      );
      await expectAthenaError(
        () => store.goals.update(project.id, goal.id, { priority: 11 }),
        ValidationError,
        'validation',
      );
      await expectAthenaError(
        () =>
          store.goals.update(project.id, goal.id, {
            parentGoalId: 1,
          } as unknown as UpdateGoalInput),
        ValidationError,
        'validation',
      );
      expect(await store.goals.get(project.id, goal.id)).toEqual(updated);
      const cleared = await store.goals.update(project.id, goal.id, {
        deadline: null,
        description: null,
      });
      expect(cleared).toMatchObject({
        deadline: null,
        description: null,
        title: 'g',
        progress: 0.4,
      });
    });

    it('completing sets completedAt; leaving completed clears it', async () => {
      const store = ctx.store();
      const project = await ctx.project();
      const goal = await store.goals.create(project.id, { title: 'g' });
      const before = Date.now();
      const done = await store.goals.update(project.id, goal.id, { status: 'completed' });
      expect(done.completedAt).toBeInstanceOf(Date);
      expect(Math.abs((done.completedAt?.getTime() ?? 0) - before)).toBeLessThan(60_000);
      const again = await store.goals.update(project.id, goal.id, { progress: 1 });
      expect(again.completedAt?.getTime()).toBe(done.completedAt?.getTime());
      const reopened = await store.goals.update(project.id, goal.id, { status: 'active' });
      expect(reopened.completedAt).toBeNull();
      const created = await store.goals.create(project.id, {
        title: 'born done',
        status: 'completed',
      });
      expect(created.completedAt).toBeInstanceOf(Date);
    });

    it('list() filters by status, minPriority and parent; ordered by priority desc, then id', async () => {
      const store = ctx.store();
      const project = await ctx.project();
      const low = await store.goals.create(project.id, { title: 'low', priority: 2 });
      const highA = await store.goals.create(project.id, {
        title: 'high a',
        priority: 9,
        status: 'active',
      });
      const mid = await store.goals.create(project.id, {
        title: 'mid',
        priority: 5,
        status: 'blocked',
      });
      const highB = await store.goals.create(project.id, { title: 'high b', priority: 9 });
      const child = await store.goals.create(project.id, {
        title: 'child',
        priority: 10,
        parentGoalId: mid.id,
      });
      expect(ids(await store.goals.list(project.id))).toEqual([
        child.id,
        highA.id,
        highB.id,
        mid.id,
        low.id,
      ]);
      expect(ids(await store.goals.list(project.id, { statuses: ['planned'] }))).toEqual([
        child.id,
        highB.id,
        low.id,
      ]);
      expect(ids(await store.goals.list(project.id, { statuses: ['active', 'blocked'] }))).toEqual([
        highA.id,
        mid.id,
      ]);
      expect(ids(await store.goals.list(project.id, { minPriority: 5 }))).toEqual([
        child.id,
        highA.id,
        highB.id,
        mid.id,
      ]);
      expect(ids(await store.goals.list(project.id, { parentGoalId: null }))).toEqual([
        highA.id,
        highB.id,
        mid.id,
        low.id,
      ]);
      expect(ids(await store.goals.list(project.id, { parentGoalId: mid.id }))).toEqual([child.id]);
    });

    it('subgoals() lists direct sub-goals by priority then id', async () => {
      const store = ctx.store();
      const project = await ctx.project();
      const root = await store.goals.create(project.id, { title: 'root' });
      const a = await store.goals.create(project.id, {
        title: 'a',
        parentGoalId: root.id,
        priority: 3,
      });
      const b = await store.goals.create(project.id, {
        title: 'b',
        parentGoalId: root.id,
        priority: 8,
      });
      const c = await store.goals.create(project.id, {
        title: 'c',
        parentGoalId: root.id,
        priority: 3,
      });
      const grandchild = await store.goals.create(project.id, { title: 'gc', parentGoalId: b.id });
      expect(ids(await store.goals.subgoals(project.id, root.id))).toEqual([b.id, a.id, c.id]);
      expect(ids(await store.goals.subgoals(project.id, b.id))).toEqual([grandchild.id]);
      expect(await store.goals.subgoals(project.id, a.id)).toEqual([]);
    });

    it('a parent goal that is not in the project is NotFoundError', async () => {
      const store = ctx.store();
      const project = await ctx.project();
      await expectAthenaError(
        () => store.goals.create(project.id, { title: 'orphan', parentGoalId: 999_999 }),
        NotFoundError,
        'not_found',
      );
      expect(await store.goals.list(project.id)).toEqual([]);
    });

    it('delete() removes the goal and its sub-goals; its tasks keep goalId = null', async () => {
      const store = ctx.store();
      const project = await ctx.project();
      const root = await store.goals.create(project.id, { title: 'root' });
      const child = await store.goals.create(project.id, { title: 'child', parentGoalId: root.id });
      const grandchild = await store.goals.create(project.id, {
        title: 'grandchild',
        parentGoalId: child.id,
      });
      const other = await store.goals.create(project.id, { title: 'other' });
      const task = await store.tasks.create(project.id, { title: 'task', goalId: root.id });
      const childTask = await store.tasks.create(project.id, {
        title: 'child task',
        goalId: child.id,
      });
      expect(await store.goals.delete(project.id, root.id)).toBe(true);
      expect(await store.goals.delete(project.id, root.id)).toBe(false);
      expect(await store.goals.get(project.id, child.id)).toBeNull();
      expect(await store.goals.get(project.id, grandchild.id)).toBeNull();
      expect(ids(await store.goals.list(project.id))).toEqual([other.id]);
      expect((await store.tasks.get(project.id, task.id))?.goalId).toBeNull();
      expect((await store.tasks.get(project.id, childTask.id))?.goalId).toBeNull();
    });
  });

  describe('tasks', () => {
    it('create() applies defaults; get() returns the same task', async () => {
      const store = ctx.store();
      const project = await ctx.project();
      const task = await store.tasks.create(project.id, { title: 'write tests' });
      expect(task).toMatchObject({
        projectId: project.id,
        goalId: null,
        parentTaskId: null,
        title: 'write tests',
        description: null,
        status: 'pending',
        priority: 5,
        dueAt: null,
        completedAt: null,
      });
      expect(await store.tasks.get(project.id, task.id)).toEqual(task);
      expect(await store.tasks.get(project.id, task.id + 10_000)).toBeNull();
    });

    it('update() changes only the given fields; completing sets completedAt, leaving clears it', async () => {
      const store = ctx.store();
      const project = await ctx.project();
      const dueAt = new Date('2025-01-31T09:15:00.042Z');
      const task = await store.tasks.create(project.id, {
        title: 't',
        description: 'd',
        dueAt,
        priority: 3,
      });
      const started = await store.tasks.update(project.id, task.id, { status: 'in_progress' });
      expect(started).toMatchObject({
        title: 't',
        description: 'd',
        priority: 3,
        status: 'in_progress',
        completedAt: null,
      });
      expect(started.dueAt?.getTime()).toBe(dueAt.getTime());
      const done = await store.tasks.update(project.id, task.id, { status: 'completed' });
      expect(done.completedAt).toBeInstanceOf(Date);
      const reopened = await store.tasks.update(project.id, task.id, {
        status: 'blocked',
        dueAt: null,
      });
      expect(reopened.completedAt).toBeNull();
      expect(reopened.dueAt).toBeNull();
      await expectAthenaError(
        () => store.tasks.update(project.id, task.id + 10_000, { status: 'completed' }),
        NotFoundError,
        'not_found',
      );
    });

    it('list() filters by status, minPriority, goal and parent; ordered by priority desc, then id', async () => {
      const store = ctx.store();
      const project = await ctx.project();
      const goal = await store.goals.create(project.id, { title: 'g' });
      const t1 = await store.tasks.create(project.id, {
        title: 't1',
        priority: 4,
        goalId: goal.id,
      });
      const t2 = await store.tasks.create(project.id, {
        title: 't2',
        priority: 8,
        status: 'in_progress',
      });
      const t3 = await store.tasks.create(project.id, {
        title: 't3',
        priority: 4,
        goalId: goal.id,
        status: 'cancelled',
      });
      const sub = await store.tasks.create(project.id, {
        title: 'sub',
        priority: 6,
        parentTaskId: t2.id,
      });
      expect(ids(await store.tasks.list(project.id))).toEqual([t2.id, sub.id, t1.id, t3.id]);
      expect(ids(await store.tasks.list(project.id, { statuses: ['pending'] }))).toEqual([
        sub.id,
        t1.id,
      ]);
      expect(ids(await store.tasks.list(project.id, { minPriority: 6 }))).toEqual([t2.id, sub.id]);
      expect(ids(await store.tasks.list(project.id, { goalId: goal.id }))).toEqual([t1.id, t3.id]);
      expect(ids(await store.tasks.list(project.id, { parentTaskId: null }))).toEqual([
        t2.id,
        t1.id,
        t3.id,
      ]);
      expect(ids(await store.tasks.list(project.id, { parentTaskId: t2.id }))).toEqual([sub.id]);
    });

    it('subtasks() lists direct sub-tasks by priority then id; delete() cascades to them', async () => {
      const store = ctx.store();
      const project = await ctx.project();
      const root = await store.tasks.create(project.id, { title: 'root' });
      const a = await store.tasks.create(project.id, {
        title: 'a',
        parentTaskId: root.id,
        priority: 2,
      });
      const b = await store.tasks.create(project.id, {
        title: 'b',
        parentTaskId: root.id,
        priority: 9,
      });
      const deep = await store.tasks.create(project.id, { title: 'deep', parentTaskId: a.id });
      const other = await store.tasks.create(project.id, { title: 'other' });
      expect(ids(await store.tasks.subtasks(project.id, root.id))).toEqual([b.id, a.id]);
      expect(ids(await store.tasks.subtasks(project.id, a.id))).toEqual([deep.id]);
      expect(await store.tasks.delete(project.id, root.id)).toBe(true);
      expect(await store.tasks.delete(project.id, root.id)).toBe(false);
      for (const id of [a.id, b.id, deep.id])
        expect(await store.tasks.get(project.id, id)).toBeNull();
      expect(ids(await store.tasks.list(project.id))).toEqual([other.id]);
    });

    it('a goal or parent task that is not in the project is NotFoundError', async () => {
      const store = ctx.store();
      const project = await ctx.project();
      await expectAthenaError(
        () => store.tasks.create(project.id, { title: 't', goalId: 999_999 }),
        NotFoundError,
        'not_found',
      );
      await expectAthenaError(
        () => store.tasks.create(project.id, { title: 't', parentTaskId: 999_999 }),
        NotFoundError,
        'not_found',
      );
      expect(await store.tasks.list(project.id)).toEqual([]);
    });
  });
}
