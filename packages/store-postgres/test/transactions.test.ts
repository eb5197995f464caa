import { afterAll, beforeAll, expect, it } from 'vitest';
import type { PostgresStore } from '../src/index.js';
import { createTestStore, describePostgres, dropSchema, freshSchema, vector } from './helpers.js';

describePostgres('transactions', () => {
  const schema = freshSchema();
  let store: PostgresStore;
  beforeAll(async () => {
    store = createTestStore(schema);
    await store.init();
  });
  afterAll(async () => {
    await store?.close();
    await dropSchema(schema);
  });

  it('commits when the callback resolves', async () => {
    const id = await store.transaction(async (tx) => {
      const project = await tx.projects.create({ name: 'commit', path: '/commit' });
      await tx.memories.store(project.id, { content: 'kept', embedding: vector(8, 1) });
      return project.id;
    });
    expect(await store.memories.count(id)).toBe(1);
  });

  it('rolls back and rethrows the very same error', async () => {
    const boom = new Error('boom');
    const thrown = await store
      .transaction(async (tx) => {
        await tx.projects.create({ name: 'rollback', path: '/rollback' });
        throw boom;
      })
      .catch((e: unknown) => e);
    expect(thrown).toBe(boom);
    expect(await store.projects.getByName('rollback')).toBeNull();
  });

  it('runs nested tx.transaction() as a savepoint: inner rollback keeps outer work', async () => {
    const projectId = await store.transaction(async (tx) => {
      const project = await tx.projects.create({ name: 'nested', path: '/nested' });
      await tx.memories.store(project.id, { content: 'outer before', embedding: vector(8, 1) });
      await expect(
        tx.transaction(async (inner) => {
          await inner.memories.store(project.id, { content: 'inner', embedding: vector(8, 2) });
          throw new Error('inner fails');
        }),
      ).rejects.toThrow('inner fails');
      await tx.transaction(async (inner) => {
        await inner.memories.store(project.id, { content: 'inner kept', embedding: vector(8, 3) });
      });
      await tx.memories.store(project.id, { content: 'outer after', embedding: vector(8, 4) });
      return project.id;
    });
    const page = await store.memories.list(projectId, { order: 'asc' });
    expect(page.items.map((m) => m.content)).toEqual(['outer before', 'inner kept', 'outer after']);
  });

  it('turns store.transaction() inside a transaction into a savepoint', async () => {
    const projectId = await store.transaction(async (tx) => {
      const project = await tx.projects.create({ name: 'ambient', path: '/ambient' });
      await store
        .transaction(async (inner) => {
          await inner.memories.store(project.id, { content: 'lost', embedding: vector(8, 2) });
          throw new Error('nope');
        })
        .catch(() => undefined);
      await tx.memories.store(project.id, { content: 'kept', embedding: vector(8, 1) });
      return project.id;
    });
    const page = await store.memories.list(projectId);
    expect(page.items.map((m) => m.content)).toEqual(['kept']);
  });

  it('a failed statement inside a savepoint leaves the transaction usable', async () => {
    await store.projects.create({ name: 'taken', path: '/taken' });
    const id = await store.transaction(async (tx) => {
      const project = await tx.projects.create({ name: 'after-conflict', path: '/after-conflict' });
      await expect(
        tx.transaction((inner) => inner.projects.create({ name: 'taken', path: '/elsewhere' })),
      ).rejects.toMatchObject({ code: 'conflict' });
      await tx.memories.store(project.id, { content: 'still works', embedding: vector(8, 1) });
      return project.id;
    });
    expect(await store.memories.count(id)).toBe(1);
  });

  it('a swallowed statement error makes the transaction fail loudly instead of committing nothing', async () => {
    await store.projects.create({ name: 'dup', path: '/dup' });
    const error: unknown = await store
      .transaction(async (tx) => {
        await tx.projects.create({ name: 'lost', path: '/lost' });
        await tx.projects.create({ name: 'dup', path: '/dup-2' }).catch(() => undefined);
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'storage' });
    expect(await store.projects.getByName('lost')).toBeNull();
  });

  it('storeMany is all or none', async () => {
    const project = await store.projects.create({ name: 'batch', path: '/batch' });
    await expect(
      store.memories.storeMany(project.id, [
        { content: 'fine', embedding: vector(8, 1) },
        { content: 'bad', embedding: [1, 2, 3] },
      ]),
    ).rejects.toMatchObject({ code: 'dimension_mismatch' });
    await expect(
      store.memories.storeMany(999_999, [{ content: 'x', embedding: vector(8, 1) }]),
    ).rejects.toMatchObject({
      code: 'not_found',
    });
    expect(await store.memories.count(project.id)).toBe(0);
  });

  it('two transactions superseding each other’s memory at once never leave a cycle', async () => {
    const project = await store.projects.create({ name: 'cycle', path: '/cycle' });
    const [a, b] = (await store.memories.storeMany(project.id, [
      { content: 'a', embedding: vector(8, 1) },
      { content: 'b', embedding: vector(8, 2) },
    ])) as [number, number];
    let superseded!: () => void;
    const firstDone = new Promise<void>((resolve) => (superseded = resolve));
    const first = store.transaction(async (tx) => {
      await tx.consolidation.transition(project.id, a, 'superseded', { supersededBy: b });
      superseded();
      // Still open while the second transaction checks `a`.
      await new Promise((resolve) => setTimeout(resolve, 300));
    });
    await firstDone;
    const second = store
      .transaction((tx) =>
        tx.consolidation.transition(project.id, b, 'superseded', { supersededBy: a }),
      )
      .catch((e: unknown) => e);
    await first;
    expect(await second).toMatchObject({ code: 'conflict' });
    const after = await store.memories.getMany(project.id, [a, b]);
    expect(after.map((m) => [m.consolidationState, m.supersededBy])).toEqual([
      ['superseded', b],
      ['unconsolidated', null],
    ]);
  });
});
