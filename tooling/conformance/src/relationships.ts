import { NotFoundError, ValidationError } from '@athena/core-types';
import type { RelationshipType, Store } from '@athena/core-types';
import { expect, it } from 'vitest';
import { expectAthenaError } from './expect-athena-error.js';
import { ids, memoryInput, nth } from './fixtures.js';
import type { SuiteContext } from './suite-context.js';

async function three(store: Store, projectId: number): Promise<[number, number, number]> {
  const stored = await store.memories.storeMany(projectId, [
    memoryInput(),
    memoryInput(),
    memoryInput(),
  ]);
  return [nth(stored, 0), nth(stored, 1), nth(stored, 2)];
}

/** relationships: link (upsert), unlink, list by direction and type. */
export function relationshipTests(ctx: SuiteContext): void {
  it('link() returns the relationship with strength 0.5 by default', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const [a, b] = await three(store, project.id);
    const link = await store.relationships.link(project.id, {
      fromMemoryId: a,
      toMemoryId: b,
      relationshipType: 'reinforces',
    });
    expect(link).toMatchObject({
      projectId: project.id,
      fromMemoryId: a,
      toMemoryId: b,
      relationshipType: 'reinforces',
      strength: 0.5,
    });
    expect(link.id).toBeGreaterThan(0);
    expect(link.createdAt).toBeInstanceOf(Date);
    expect(await store.relationships.list(project.id, a)).toEqual([link]);
  });

  it('linking the same pair and type again updates the strength of the one link', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const [a, b] = await three(store, project.id);
    const first = await store.relationships.link(project.id, {
      fromMemoryId: a,
      toMemoryId: b,
      relationshipType: 'extends',
      strength: 0.2,
    });
    const second = await store.relationships.link(project.id, {
      fromMemoryId: a,
      toMemoryId: b,
      relationshipType: 'extends',
      strength: 0.9,
    });
    expect(second.id).toBe(first.id);
    expect(second.strength).toBe(0.9);
    const listed = await store.relationships.list(project.id, a);
    expect(listed).toHaveLength(1);
    expect(nth(listed, 0).strength).toBe(0.9);
  });

  it('the same pair with another type, or the reverse direction, is another link', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const [a, b] = await three(store, project.id);
    const l1 = await store.relationships.link(project.id, {
      fromMemoryId: a,
      toMemoryId: b,
      relationshipType: 'extends',
    });
    const l2 = await store.relationships.link(project.id, {
      fromMemoryId: a,
      toMemoryId: b,
      relationshipType: 'contradicts',
    });
    const l3 = await store.relationships.link(project.id, {
      fromMemoryId: b,
      toMemoryId: a,
      relationshipType: 'extends',
    });
    expect(new Set([l1.id, l2.id, l3.id]).size).toBe(3);
    expect(ids(await store.relationships.list(project.id, a))).toEqual([l1.id, l2.id, l3.id]);
  });

  it('list() filters by direction and by type, ordered by id', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const [a, b, c] = await three(store, project.id);
    const link = (from: number, to: number, relationshipType: RelationshipType) =>
      store.relationships.link(project.id, {
        fromMemoryId: from,
        toMemoryId: to,
        relationshipType,
      });
    const ab = await link(a, b, 'depends_on');
    const ca = await link(c, a, 'caused_by');
    const ac = await link(a, c, 'reinforces');
    const bc = await link(b, c, 'extends');
    expect(ids(await store.relationships.list(project.id, a))).toEqual([ab.id, ca.id, ac.id]);
    expect(ids(await store.relationships.list(project.id, a, { direction: 'both' }))).toEqual([
      ab.id,
      ca.id,
      ac.id,
    ]);
    expect(ids(await store.relationships.list(project.id, a, { direction: 'outgoing' }))).toEqual([
      ab.id,
      ac.id,
    ]);
    expect(ids(await store.relationships.list(project.id, a, { direction: 'incoming' }))).toEqual([
      ca.id,
    ]);
    expect(
      ids(await store.relationships.list(project.id, a, { types: ['caused_by', 'reinforces'] })),
    ).toEqual([ca.id, ac.id]);
    expect(
      ids(
        await store.relationships.list(project.id, a, {
          direction: 'outgoing',
          types: ['caused_by'],
        }),
      ),
    ).toEqual([]);
    expect(ids(await store.relationships.list(project.id, c, { direction: 'incoming' }))).toEqual([
      ac.id,
      bc.id,
    ]);
  });

  it('unlink() returns whether the link existed and removes only that link', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const [a, b] = await three(store, project.id);
    await store.relationships.link(project.id, {
      fromMemoryId: a,
      toMemoryId: b,
      relationshipType: 'extends',
    });
    const kept = await store.relationships.link(project.id, {
      fromMemoryId: a,
      toMemoryId: b,
      relationshipType: 'reinforces',
    });
    const target = { fromMemoryId: a, toMemoryId: b, relationshipType: 'extends' as const };
    expect(await store.relationships.unlink(project.id, target)).toBe(true);
    expect(await store.relationships.unlink(project.id, target)).toBe(false);
    expect(
      await store.relationships.unlink(project.id, {
        fromMemoryId: b,
        toMemoryId: a,
        relationshipType: 'reinforces',
      }),
    ).toBe(false);
    expect(await store.relationships.list(project.id, a)).toEqual([kept]);
  });

  it('a self-link is a ValidationError; nothing is written', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const [a] = await three(store, project.id);
    await expectAthenaError(
      () =>
        store.relationships.link(project.id, {
          fromMemoryId: a,
          toMemoryId: a,
          relationshipType: 'extends',
        }),
      ValidationError,
      'validation',
    );
    expect(await store.relationships.list(project.id, a)).toEqual([]);
  });

  it('an unknown memory, type or strength is refused; nothing is written', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const [a, b, c] = await three(store, project.id);
    await expectAthenaError(
      () =>
        store.relationships.link(project.id, {
          fromMemoryId: a,
          toMemoryId: c + 10_000,
          relationshipType: 'extends',
        }),
      NotFoundError,
      'not_found',
    );
    await expectAthenaError(
      () =>
        store.relationships.link(project.id, {
          fromMemoryId: c + 10_000,
          toMemoryId: a,
          relationshipType: 'extends',
        }),
      NotFoundError,
      'not_found',
    );
    await expectAthenaError(
      () =>
        store.relationships.link(project.id, {
          fromMemoryId: a,
          toMemoryId: b,
          relationshipType: 'loves' as RelationshipType,
        }),
      ValidationError,
      'validation',
    );
    await expectAthenaError(
      () =>
        store.relationships.link(project.id, {
          fromMemoryId: a,
          toMemoryId: b,
          relationshipType: 'extends',
          strength: 1.5,
        }),
      ValidationError,
      'validation',
    );
    expect(await store.relationships.list(project.id, a)).toEqual([]);
  });

  it('a memory in another project is NotFoundError', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const other = await ctx.project();
    const [a] = await three(store, project.id);
    const [foreign] = await three(store, other.id);
    await expectAthenaError(
      () =>
        store.relationships.link(project.id, {
          fromMemoryId: a,
          toMemoryId: foreign,
          relationshipType: 'extends',
        }),
      NotFoundError,
      'not_found',
    );
    expect(await store.relationships.list(project.id, a)).toEqual([]);
    expect(await store.relationships.list(other.id, foreign)).toEqual([]);
  });
}
