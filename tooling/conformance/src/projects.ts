import { AthenaError, ConflictError, NotFoundError, ValidationError } from '@athena/core-types';
import { expect, it } from 'vitest';
import { expectAthenaError } from './expect-athena-error.js';
import { QUERY, atCosine, exactly, ids, memoryInput, pause } from './fixtures.js';
import type { SuiteContext } from './suite-context.js';

/** projects: create, lookups, touch, delete and its cascade. */
export function projectTests(ctx: SuiteContext): void {
  it('create() returns the project with defaults', async () => {
    const before = Date.now();
    const project = await ctx.store().projects.create({ name: 'p-defaults', path: '/p/defaults' });
    expect(project.id).toBeGreaterThan(0);
    expect(Number.isInteger(project.id)).toBe(true);
    expect(project.name).toBe('p-defaults');
    expect(project.path).toBe('/p/defaults');
    expect(project.description).toBeNull();
    expect(project.createdAt).toBeInstanceOf(Date);
    expect(project.lastAccessedAt).toBeInstanceOf(Date);
    expect(Math.abs(project.createdAt.getTime() - before)).toBeLessThan(60_000);
  });

  it('get, getByPath and getByName find the same project; unknown keys give null', async () => {
    const store = ctx.store();
    const project = await store.projects.create({
      name: 'p-lookup',
      path: '/p/lookup',
      description: 'described',
    });
    expect(await store.projects.get(project.id)).toEqual(project);
    expect(await store.projects.getByPath('/p/lookup')).toEqual(project);
    expect(await store.projects.getByName('p-lookup')).toEqual(project);
    expect(project.description).toBe('described');
    expect(await store.projects.get(project.id + 10_000)).toBeNull();
    expect(await store.projects.getByPath('/p/missing')).toBeNull();
    expect(await store.projects.getByName('p-missing')).toBeNull();
  });

  it('list() returns every project ordered by id', async () => {
    const store = ctx.store();
    const a = await ctx.project('list');
    const b = await ctx.project('list');
    const all = await store.projects.list();
    const listed = ids(all);
    expect(listed).toEqual([...listed].sort((x, y) => x - y));
    expect(listed).toContain(a.id);
    expect(listed).toContain(b.id);
    expect(all.find((p) => p.id === b.id)).toEqual(b);
  });

  it('a duplicate name is a ConflictError that keeps the driver error as cause', async () => {
    const store = ctx.store();
    await store.projects.create({ name: 'p-dup-name', path: '/p/dup-name-1' });
    const count = (await store.projects.list()).length;
    // Assumption: uniqueness is enforced by a unique constraint (a pre-check
    // would race with a concurrent writer), so the wrapped driver error is the cause.
    const error = await expectAthenaError(
      () => store.projects.create({ name: 'p-dup-name', path: '/p/dup-name-2' }),
      ConflictError,
      'conflict',
    );
    expect(error.cause).toBeDefined();
    expect(error.cause).not.toBeInstanceOf(AthenaError);
    expect((await store.projects.list()).length).toBe(count);
    expect(await store.projects.getByPath('/p/dup-name-2')).toBeNull();
  });

  it('a duplicate path is a ConflictError that keeps the driver error as cause', async () => {
    const store = ctx.store();
    await store.projects.create({ name: 'p-dup-path-1', path: '/p/dup-path' });
    const error = await expectAthenaError(
      () => store.projects.create({ name: 'p-dup-path-2', path: '/p/dup-path' }),
      ConflictError,
      'conflict',
    );
    expect(error.cause).toBeDefined();
    expect(error.message.length).toBeGreaterThan(0);
    expect(await store.projects.getByName('p-dup-path-2')).toBeNull();
  });

  it('invalid input is a ValidationError and creates nothing', async () => {
    const store = ctx.store();
    const count = (await store.projects.list()).length;
    await expectAthenaError(
      () => store.projects.create({ name: '', path: '/p/empty-name' }),
      ValidationError,
      'validation',
    );
    await expectAthenaError(
      () => store.projects.create({ name: 'nul\u0000name', path: '/p/nul' }),
      ValidationError,
      'validation',
    );
    expect((await store.projects.list()).length).toBe(count);
  });

  it('touch() moves lastAccessedAt forward; an unknown id is NotFoundError', async () => {
    const store = ctx.store();
    const project = await ctx.project('touch');
    await pause();
    const touched = await store.projects.touch(project.id);
    expect(touched.id).toBe(project.id);
    expect(touched.lastAccessedAt.getTime()).toBeGreaterThan(project.lastAccessedAt.getTime());
    expect((await store.projects.get(project.id))?.lastAccessedAt.getTime()).toBe(
      touched.lastAccessedAt.getTime(),
    );
    expect(touched.createdAt.getTime()).toBe(project.createdAt.getTime());
    await expectAthenaError(
      () => store.projects.touch(project.id + 10_000),
      NotFoundError,
      'not_found',
    );
  });

  it('delete() returns true, then false; the project is gone', async () => {
    const store = ctx.store();
    const project = await ctx.project('delete');
    expect(await store.projects.delete(project.id)).toBe(true);
    expect(await store.projects.delete(project.id)).toBe(false);
    expect(await store.projects.get(project.id)).toBeNull();
    expect(await store.projects.getByName(project.name)).toBeNull();
  });

  it('delete() removes everything in the project and nothing elsewhere', async () => {
    const store = ctx.store();
    const doomed = await ctx.project('doomed');
    const kept = await ctx.project('kept');
    const [m1, m2] = exactly(
      await store.memories.storeMany(doomed.id, [
        memoryInput({ content: 'doomed quokka one' }),
        memoryInput({ content: 'doomed quokka two', embedding: atCosine(0.5) }),
      ]),
      2,
    );
    const keptMemory = await store.memories.store(kept.id, memoryInput({ content: 'kept quokka' }));
    await store.relationships.link(doomed.id, {
      fromMemoryId: m1,
      toMemoryId: m2,
      relationshipType: 'extends',
    });
    await store.consolidation.transition(doomed.id, m1, 'consolidating');
    const episode = await store.episodes.record(doomed.id, {
      sessionId: 's',
      eventType: 'action',
      content: 'did something',
    });
    const goal = await store.goals.create(doomed.id, { title: 'goal' });
    const task = await store.tasks.create(doomed.id, { title: 'task', goalId: goal.id });
    const entity = await store.code.upsertEntity(doomed.id, {
      filePath: 'a.ts',
      name: 'a',
      entityType: 'function',
    });
    const decision = await store.decisions.create(doomed.id, { title: 'decide' });
    await store.decisions.addScenario(doomed.id, decision.id, {
      scenarioType: 'likely',
      description: 'it works',
    });

    expect(await store.projects.delete(doomed.id)).toBe(true);

    expect(await store.memories.get(doomed.id, m1)).toBeNull();
    expect(await store.memories.getMany(doomed.id, [m1, m2])).toEqual([]);
    expect(await store.memories.count(doomed.id)).toBe(0);
    expect(await store.search.semantic(doomed.id, QUERY)).toEqual([]);
    expect(await store.search.keyword(doomed.id, 'quokka')).toEqual([]);
    expect(await store.relationships.list(doomed.id, m1)).toEqual([]);
    expect(await store.consolidation.history(doomed.id, m1)).toEqual([]);
    expect(await store.episodes.get(doomed.id, episode.id)).toBeNull();
    expect(await store.goals.get(doomed.id, goal.id)).toBeNull();
    expect(await store.tasks.get(doomed.id, task.id)).toBeNull();
    expect(await store.code.getEntity(doomed.id, entity.id)).toBeNull();
    expect(await store.decisions.get(doomed.id, decision.id)).toBeNull();
    expect(await store.decisions.listScenarios(doomed.id, decision.id)).toEqual([]);

    expect(await store.memories.get(kept.id, keptMemory.id)).toEqual(keptMemory);
    expect(ids(await store.search.keyword(kept.id, 'quokka'))).toEqual([keptMemory.id]);
  });
}
