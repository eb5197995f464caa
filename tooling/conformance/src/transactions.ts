import { ConflictError, DimensionMismatchError, StorageError } from '@athena/core-types';
import { expect, it } from 'vitest';
import { expectAthenaError } from './expect-athena-error.js';
import { QUERY, atCosine, ids, memoryInput, present } from './fixtures.js';
import type { SuiteContext } from './suite-context.js';

class Boom extends Error {}

/** transaction(): commit, rollback, visibility of own writes, nesting. */
export function transactionTests(ctx: SuiteContext): void {
  it('commits when the callback resolves; returns its value; everything is visible after', async () => {
    const store = ctx.store();
    const slug = `tx-commit-${Date.now()}`;
    const result = await store.transaction(async (tx) => {
      const project = await tx.projects.create({ name: slug, path: `/${slug}` });
      const memory = await tx.memories.store(
        project.id,
        memoryInput({ content: 'committed quokka' }),
      );
      const more = await tx.memories.storeMany(project.id, [memoryInput(), memoryInput()]);
      const episode = await tx.episodes.record(project.id, {
        sessionId: 's',
        eventType: 'action',
        content: 'e',
      });
      const goal = await tx.goals.create(project.id, { title: 'g' });
      return { project, memory, more, episode, goal };
    });
    expect(await store.projects.getByName(slug)).toEqual(result.project);
    expect(await store.memories.get(result.project.id, result.memory.id)).toEqual(result.memory);
    expect(await store.memories.count(result.project.id)).toBe(3);
    expect(await store.episodes.get(result.project.id, result.episode.id)).toEqual(result.episode);
    expect(await store.goals.get(result.project.id, result.goal.id)).toEqual(result.goal);
    expect(ids(await store.search.keyword(result.project.id, 'quokka'))).toEqual([
      result.memory.id,
    ]);
  });

  it('a throw rolls back every write (projects, memories, episodes, goals, links, transitions) and rethrows the same error', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const [a, b] = await store.memories.storeMany(project.id, [memoryInput(), memoryInput()]);
    const aId = present(a);
    const bId = present(b);
    const slug = `tx-rollback-${Date.now()}`;
    const boom = new Boom('abort');
    const outcome = await store
      .transaction(async (tx) => {
        await tx.projects.create({ name: slug, path: `/${slug}` });
        await tx.memories.store(project.id, memoryInput({ content: 'rolled back walrus' }));
        await tx.episodes.record(project.id, { sessionId: 's', eventType: 'error', content: 'e' });
        await tx.goals.create(project.id, { title: 'g' });
        await tx.tasks.create(project.id, { title: 't' });
        await tx.decisions.create(project.id, { title: 'd' });
        await tx.code.upsertEntity(project.id, {
          filePath: 'x.ts',
          name: 'x',
          entityType: 'function',
        });
        await tx.relationships.link(project.id, {
          fromMemoryId: aId,
          toMemoryId: bId,
          relationshipType: 'extends',
        });
        await tx.consolidation.transition(project.id, aId, 'consolidating');
        await tx.memories.update(project.id, bId, { content: 'changed' });
        await tx.memories.recordAccess(project.id, [bId]);
        throw boom;
      })
      .then(
        () => 'resolved',
        (error: unknown) => error,
      );
    expect(outcome).toBe(boom);
    expect(await store.projects.getByName(slug)).toBeNull();
    expect(await store.memories.count(project.id)).toBe(2);
    expect(await store.search.keyword(project.id, 'walrus')).toEqual([]);
    expect((await store.episodes.list(project.id)).items).toEqual([]);
    expect(await store.goals.list(project.id)).toEqual([]);
    expect(await store.tasks.list(project.id)).toEqual([]);
    expect(await store.decisions.list(project.id)).toEqual([]);
    expect(await store.code.findEntities(project.id)).toEqual([]);
    expect(await store.relationships.list(project.id, aId)).toEqual([]);
    expect(await store.consolidation.history(project.id, aId)).toEqual([]);
    const [ma, mb] = await store.memories.getMany(project.id, [aId, bId]);
    expect(ma?.consolidationState).toBe('unconsolidated');
    expect(mb?.content).toBe('conformance memory');
    expect(mb?.version).toBe(1);
    expect(mb?.accessCount).toBe(0);
  });

  it('a delete inside a rolled-back transaction is undone', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const memory = await store.memories.store(project.id, memoryInput());
    await expect(
      store.transaction(async (tx) => {
        expect(await tx.memories.delete(project.id, memory.id)).toBe(true);
        expect(await tx.memories.get(project.id, memory.id)).toBeNull();
        throw new Boom('undo');
      }),
    ).rejects.toBeInstanceOf(Boom);
    expect(await store.memories.get(project.id, memory.id)).toEqual(memory);
  });

  it('a typed error inside the callback rolls back and propagates unchanged', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    await expectAthenaError(
      () =>
        store.transaction(async (tx) => {
          await tx.memories.store(project.id, memoryInput({ content: 'first' }));
          await tx.memories.store(project.id, memoryInput({ embedding: [1, 2, 3] }));
        }),
      DimensionMismatchError,
      'dimension_mismatch',
    );
    expect(await store.memories.count(project.id)).toBe(0);
  });

  it('a failed statement makes the transaction rollback-only: later work fails, nothing commits, transaction() throws', async () => {
    const store = ctx.store();
    const slug = `tx-rollback-only-${Date.now()}`;
    await store.projects.create({ name: `${slug}-taken`, path: `/${slug}-taken` });
    let later: unknown;
    const error = await expectAthenaError(
      () =>
        store.transaction(async (tx) => {
          const project = await tx.projects.create({ name: slug, path: `/${slug}` });
          // The caller catches the failed statement and goes on.
          await expectAthenaError(
            () => tx.projects.create({ name: `${slug}-taken`, path: `/${slug}-elsewhere` }),
            ConflictError,
            'conflict',
          );
          later = await tx.memories.store(project.id, memoryInput()).catch((e: unknown) => e);
        }),
      StorageError,
      'storage',
    );
    expect(error.message).toContain('rolled back instead of committed');
    expect(later).toBeInstanceOf(StorageError);
    expect((later as StorageError).message).toContain('rollback-only');
    expect(await store.projects.getByName(slug)).toBeNull();
  });

  it('input rejected before any statement leaves the transaction usable', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    await store.transaction(async (tx) => {
      await tx.memories.store(project.id, memoryInput({ content: 'kept' }));
      await expectAthenaError(
        () => tx.memories.store(project.id, memoryInput({ embedding: [1, 2, 3] })),
        DimensionMismatchError,
        'dimension_mismatch',
      );
      await tx.memories.store(project.id, memoryInput({ content: 'kept too' }));
    });
    expect(await store.memories.count(project.id)).toBe(2);
  });

  it('a nested transaction with a failed statement is undone to its start; the outer one commits', async () => {
    const store = ctx.store();
    const slug = `tx-nested-${Date.now()}`;
    await store.projects.create({ name: `${slug}-taken`, path: `/${slug}-taken` });
    const id = await store.transaction(async (tx) => {
      const project = await tx.projects.create({ name: slug, path: `/${slug}` });
      // The failure propagates out of the nested transaction…
      await expectAthenaError(
        () =>
          store.transaction(async (inner) => {
            await inner.memories.store(project.id, memoryInput({ content: 'undone one' }));
            await inner.projects.create({ name: `${slug}-taken`, path: `/${slug}-x` });
          }),
        ConflictError,
        'conflict',
      );
      // …or is caught inside it: undone all the same, and said so.
      const swallowed = await expectAthenaError(
        () =>
          store.transaction(async (inner) => {
            await inner.memories.store(project.id, memoryInput({ content: 'undone two' }));
            await inner.projects
              .create({ name: `${slug}-taken`, path: `/${slug}-y` })
              .catch(() => undefined);
          }),
        StorageError,
        'storage',
      );
      expect(swallowed.message).toContain('rolled back instead of committed');
      await tx.memories.store(project.id, memoryInput({ content: 'kept' }));
      return project.id;
    });
    const { items } = await store.memories.list(id);
    expect(items.map((m) => m.content)).toEqual(['kept']);
  });

  it('work inside the callback sees its own writes, including search', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    await store.transaction(async (tx) => {
      const memory = await tx.memories.store(
        project.id,
        memoryInput({ content: 'inside ocelot', embedding: atCosine(0.9) }),
      );
      expect(await tx.memories.get(project.id, memory.id)).toEqual(memory);
      expect(await tx.memories.count(project.id)).toBe(1);
      expect(ids(await tx.search.semantic(project.id, QUERY))).toEqual([memory.id]);
      expect(ids(await tx.search.keyword(project.id, 'ocelot'))).toEqual([memory.id]);
      expect(ids(await tx.search.hybrid(project.id, { embedding: QUERY, text: 'ocelot' }))).toEqual(
        [memory.id],
      );
      const updated = await tx.memories.update(project.id, memory.id, { tags: ['seen'] });
      expect(
        ids((await tx.memories.list(project.id, { filters: { tags: ['seen'] } })).items),
      ).toEqual([updated.id]);
    });
    expect(await store.memories.count(project.id, { tags: ['seen'] })).toBe(1);
  });

  it('transactions started together both commit', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const [left, right] = await Promise.all([
      store.transaction(async (tx) =>
        tx.memories.storeMany(project.id, [memoryInput(), memoryInput()]),
      ),
      store.transaction(async (tx) =>
        tx.memories.storeMany(project.id, [memoryInput(), memoryInput(), memoryInput()]),
      ),
    ]);
    expect(left).toHaveLength(2);
    expect(right).toHaveLength(3);
    expect(await store.memories.count(project.id)).toBe(5);
  });

  ctx.itRequires(
    'savepoints',
    'a nested transaction that throws rolls back only its own work',
    async (store) => {
      const project = await ctx.project();
      await store.transaction(async (tx) => {
        await tx.memories.store(project.id, memoryInput({ content: 'outer' }));
        await expect(
          tx.transaction(async (inner) => {
            await inner.memories.store(project.id, memoryInput({ content: 'inner' }));
            throw new Boom('inner');
          }),
        ).rejects.toBeInstanceOf(Boom);
        expect(await tx.memories.count(project.id)).toBe(1);
        await tx.memories.store(project.id, memoryInput({ content: 'after' }));
      });
      const contents = (await store.memories.list(project.id, { order: 'asc' })).items.map(
        (m) => m.content,
      );
      expect(contents).toEqual(['outer', 'after']);
    },
  );

  ctx.itRequires(
    'savepoints',
    'a nested transaction commits with its outer transaction, and rolls back with it',
    async (store) => {
      const project = await ctx.project();
      await store.transaction(async (tx) => {
        await tx.transaction(async (inner) =>
          inner.memories.store(project.id, memoryInput({ content: 'kept' })),
        );
      });
      expect(await store.memories.count(project.id)).toBe(1);
      await expect(
        store.transaction(async (tx) => {
          await tx.transaction(async (inner) =>
            inner.memories.store(project.id, memoryInput({ content: 'lost' })),
          );
          throw new Boom('outer');
        }),
      ).rejects.toBeInstanceOf(Boom);
      expect((await store.memories.list(project.id)).items.map((m) => m.content)).toEqual(['kept']);
    },
  );
}
