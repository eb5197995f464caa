import { NotFoundError, ValidationError, qualityScore } from '@athena/core-types';
import type { UpdateMemoryInput } from '@athena/core-types';
import { expect, it } from 'vitest';
import { expectAthenaError } from './expect-athena-error.js';
import {
  QUERY,
  atCosine,
  exactly,
  ids,
  memoryInput,
  nth,
  pause,
  present,
  unitVector,
} from './fixtures.js';
import type { SuiteContext } from './suite-context.js';

/** memories: store, storeMany, get, getMany, update, delete, count, recordAccess. */
export function memoryTests(ctx: SuiteContext): void {
  it('store() applies the documented defaults', async () => {
    const project = await ctx.project();
    const memory = await ctx.store().memories.store(project.id, {
      content: 'defaults',
      embedding: QUERY,
    });
    expect(memory).toMatchObject({
      projectId: project.id,
      content: 'defaults',
      contentType: 'text',
      memoryType: 'fact',
      domain: null,
      tags: [],
      embeddingModel: null,
      accessCount: 0,
      lastAccessed: null,
      lastRetrieved: null,
      usefulnessScore: 0,
      confidence: 1,
      consolidationState: 'unconsolidated',
      consolidatedAt: null,
      supersededBy: null,
      claimedBy: null,
      claimExpiresAt: null,
      version: 1,
      sessionId: null,
      eventType: null,
      codeLanguage: null,
      codeHash: null,
    });
    expect(memory.qualityScore).toBeCloseTo(0.3, 9);
    expect(memory.createdAt).toBeInstanceOf(Date);
    expect(memory.updatedAt).toBeInstanceOf(Date);
  });

  it('store() round-trips every field through get()', async () => {
    const project = await ctx.project();
    const createdAt = new Date('2023-06-15T08:30:00.250Z');
    const memory = await ctx.store().memories.store(project.id, {
      content: '```ts\nconst x = 1;\n```',
      embedding: atCosine(0.25),
      contentType: 'markdown',
      memoryType: 'pattern',
      domain: 'typescript',
      tags: ['b', 'a'],
      embeddingModel: 'model-x',
      usefulnessScore: 0.75,
      confidence: 0.5,
      sessionId: 'session-1',
      eventType: 'edit',
      codeLanguage: 'ts',
      codeHash: 'abc123',
      createdAt,
    });
    expect(memory).toMatchObject({
      content: '```ts\nconst x = 1;\n```',
      contentType: 'markdown',
      memoryType: 'pattern',
      domain: 'typescript',
      tags: ['b', 'a'],
      embeddingModel: 'model-x',
      usefulnessScore: 0.75,
      confidence: 0.5,
      sessionId: 'session-1',
      eventType: 'edit',
      codeLanguage: 'ts',
      codeHash: 'abc123',
    });
    expect(memory.createdAt.getTime()).toBe(createdAt.getTime());
    expect(memory.qualityScore).toBeCloseTo(0.5 * 0.75 + 0.3 * 0.5, 9);
    expect(await ctx.store().memories.get(project.id, memory.id)).toEqual(memory);
  });

  it('tags are deduplicated, first occurrence order kept', async () => {
    const project = await ctx.project();
    const memory = await ctx
      .store()
      .memories.store(project.id, memoryInput({ tags: ['x', 'y', 'x', 'z', 'y'] }));
    expect(memory.tags).toEqual(['x', 'y', 'z']);
    expect((await ctx.store().memories.get(project.id, memory.id))?.tags).toEqual(['x', 'y', 'z']);
  });

  it('the embedding is returned as the stored Float32Array; typed-array input is accepted', async () => {
    const project = await ctx.project();
    const input = [0.1, -0.2, 0.3, 1 / 3, 0, 0, 0, 0.7];
    const memory = await ctx.store().memories.store(project.id, memoryInput({ embedding: input }));
    expect(memory.embedding).toBeInstanceOf(Float32Array);
    expect(Array.from(memory.embedding)).toEqual(input.map((x) => Math.fround(x)));
    const fromTyped = await ctx
      .store()
      .memories.store(project.id, memoryInput({ embedding: Float32Array.from(input) }));
    expect(
      Array.from(present(await ctx.store().memories.get(project.id, fromTyped.id)).embedding),
    ).toEqual(input.map((x) => Math.fround(x)));
  });

  it('store() into an unknown project is NotFoundError and writes nothing', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    await expectAthenaError(
      () => store.memories.store(project.id + 10_000, memoryInput()),
      NotFoundError,
      'not_found',
    );
    await expectAthenaError(
      () => store.memories.storeMany(project.id + 10_000, [memoryInput()]),
      NotFoundError,
      'not_found',
    );
    expect(await store.memories.count(project.id + 10_000)).toBe(0);
  });

  it('storeMany() returns the new ids in input order', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const contents = ['first', 'second', 'third', 'fourth'];
    const newIds = await store.memories.storeMany(
      project.id,
      contents.map((content, i) => memoryInput({ content, embedding: unitVector(i) })),
    );
    expect(newIds).toHaveLength(4);
    expect(new Set(newIds).size).toBe(4);
    const fetched = await store.memories.getMany(project.id, newIds);
    expect(fetched.map((m) => m.content)).toEqual(contents);
    expect(fetched.map((m) => Array.from(m.embedding).indexOf(1))).toEqual([0, 1, 2, 3]);
    expect(await store.memories.count(project.id)).toBe(4);
    expect(await store.memories.storeMany(project.id, [])).toEqual([]);
    expect(await store.memories.count(project.id)).toBe(4);
  });

  it('get() of an unknown id is null; getMany() keeps the order of ids and skips unknown ones', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const [ia, ib, ic] = exactly(
      await store.memories.storeMany(project.id, [
        memoryInput({ content: 'a' }),
        memoryInput({ content: 'b' }),
        memoryInput({ content: 'c' }),
      ]),
      3,
    );
    expect(await store.memories.get(project.id, ic + 10_000)).toBeNull();
    const many = await store.memories.getMany(project.id, [ic, ic + 10_000, ia, ib]);
    expect(ids(many)).toEqual([ic, ia, ib]);
    expect(many.map((m) => m.content)).toEqual(['c', 'a', 'b']);
    expect(await store.memories.getMany(project.id, [])).toEqual([]);
  });

  it('update() changes only the given fields and increments version', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const original = await store.memories.store(
      project.id,
      memoryInput({
        content: 'before',
        domain: 'd1',
        tags: ['t1'],
        confidence: 0.9,
        sessionId: 's',
      }),
    );
    const updated = await store.memories.update(project.id, original.id, {
      domain: 'd2',
      usefulnessScore: 0.6,
    });
    expect(updated.version).toBe(2);
    expect(updated.domain).toBe('d2');
    expect(updated.usefulnessScore).toBe(0.6);
    expect(updated.qualityScore).toBeCloseTo(0.5 * 0.6 + 0.3 * 0.9, 9);
    expect(updated).toMatchObject({
      id: original.id,
      content: 'before',
      tags: ['t1'],
      confidence: 0.9,
      sessionId: 's',
      memoryType: original.memoryType,
      contentType: original.contentType,
      consolidationState: 'unconsolidated',
    });
    expect(Array.from(updated.embedding)).toEqual(Array.from(original.embedding));
    expect(updated.createdAt.getTime()).toBe(original.createdAt.getTime());
    const again = await store.memories.update(project.id, original.id, { domain: null, tags: [] });
    expect(again.version).toBe(3);
    expect(again.domain).toBeNull();
    expect(again.tags).toEqual([]);
    expect(await store.memories.get(project.id, original.id)).toEqual(again);
  });

  it('update() moves updatedAt forward', async () => {
    const project = await ctx.project();
    const original = await ctx.store().memories.store(project.id, memoryInput());
    await pause();
    const updated = await ctx
      .store()
      .memories.update(project.id, original.id, { content: 'later' });
    expect(updated.updatedAt.getTime()).toBeGreaterThan(original.updatedAt.getTime());
  });

  it('update() with a new embedding re-embeds: semantic search finds the new vector', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const moving = await store.memories.store(
      project.id,
      memoryInput({ embedding: unitVector(3) }),
    );
    const fixed = await store.memories.store(project.id, memoryInput({ embedding: atCosine(0.5) }));
    expect(ids(await store.search.semantic(project.id, QUERY))).toEqual([fixed.id, moving.id]);
    await store.memories.update(project.id, moving.id, { embedding: QUERY });
    const hits = await store.search.semantic(project.id, QUERY);
    expect(ids(hits)).toEqual([moving.id, fixed.id]);
    expect(nth(hits, 0).score).toBeCloseTo(1, 5);
    expect(nth(hits, 0).memory.embedding).toEqual(Float32Array.from(QUERY));
    const byOldVector = await store.search.semantic(project.id, unitVector(3));
    expect(byOldVector.find((hit) => hit.memory.id === moving.id)?.score).toBeCloseTo(0, 5);
  });

  it('update() of the content changes what keyword search finds', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const memory = await store.memories.store(project.id, memoryInput({ content: 'walrus notes' }));
    expect(ids(await store.search.keyword(project.id, 'walrus'))).toEqual([memory.id]);
    await store.memories.update(project.id, memory.id, { content: 'narwhal notes' });
    expect(await store.search.keyword(project.id, 'walrus')).toEqual([]);
    expect(ids(await store.search.keyword(project.id, 'narwhal'))).toEqual([memory.id]);
  });

  it('update() of an unknown id is NotFoundError; unknown fields are ValidationError and change nothing', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const memory = await store.memories.store(project.id, memoryInput());
    await expectAthenaError(
      () => store.memories.update(project.id, memory.id + 10_000, { content: 'x' }),
      NotFoundError,
      'not_found',
    );
    await expectAthenaError(
      () =>
        store.memories.update(project.id, memory.id, {
          consolidationState: 'consolidated',
        } as unknown as UpdateMemoryInput),
      ValidationError,
      'validation',
    );
    await expectAthenaError(
      () => store.memories.update(project.id, memory.id, { confidence: 1.5 }),
      ValidationError,
      'validation',
    );
    expect(await store.memories.get(project.id, memory.id)).toEqual(memory);
  });

  it('delete() returns true when the memory existed, then false', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const memory = await store.memories.store(project.id, memoryInput());
    const other = await store.memories.store(project.id, memoryInput());
    expect(await store.memories.delete(project.id, memory.id)).toBe(true);
    expect(await store.memories.delete(project.id, memory.id)).toBe(false);
    expect(await store.memories.get(project.id, memory.id)).toBeNull();
    expect(await store.memories.count(project.id)).toBe(1);
    expect(ids(await store.search.semantic(project.id, QUERY))).toEqual([other.id]);
  });

  it('delete() removes the relationships in both directions and the transition log', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const [a, b, c] = exactly(
      await store.memories.storeMany(project.id, [memoryInput(), memoryInput(), memoryInput()]),
      3,
    );
    await store.relationships.link(project.id, {
      fromMemoryId: a,
      toMemoryId: b,
      relationshipType: 'extends',
    });
    await store.relationships.link(project.id, {
      fromMemoryId: c,
      toMemoryId: a,
      relationshipType: 'reinforces',
    });
    const bc = await store.relationships.link(project.id, {
      fromMemoryId: b,
      toMemoryId: c,
      relationshipType: 'depends_on',
    });
    await store.consolidation.transition(project.id, a, 'consolidating', { actor: 'test' });
    expect(await store.consolidation.history(project.id, a)).toHaveLength(1);

    expect(await store.memories.delete(project.id, a)).toBe(true);
    expect(await store.relationships.list(project.id, b)).toEqual([bc]);
    expect(await store.relationships.list(project.id, c)).toEqual([bc]);
    expect(await store.consolidation.history(project.id, a)).toEqual([]);
  });

  it('delete() of a superseding memory leaves the superseded one with supersededBy = null', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const old = await store.memories.store(project.id, memoryInput({ content: 'old' }));
    const replacement = await store.memories.store(project.id, memoryInput({ content: 'new' }));
    const superseded = await store.consolidation.transition(project.id, old.id, 'superseded', {
      supersededBy: replacement.id,
    });
    expect(superseded.supersededBy).toBe(replacement.id);
    expect(await store.memories.delete(project.id, replacement.id)).toBe(true);
    const after = present(await store.memories.get(project.id, old.id));
    expect(after.supersededBy).toBeNull();
    expect(after.consolidationState).toBe('superseded');
  });

  it('concurrent writes all land, each with its own id', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const written = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        i % 2 === 0
          ? store.memories
              .store(project.id, memoryInput({ content: `single ${i}` }))
              .then((m) => [m.id])
          : store.memories.storeMany(project.id, [
              memoryInput({ content: `batch ${i} a` }),
              memoryInput({ content: `batch ${i} b` }),
            ]),
      ),
    );
    const all = written.flat();
    expect(all).toHaveLength(30);
    expect(new Set(all).size).toBe(30);
    expect(await store.memories.count(project.id)).toBe(30);
  });

  it('large batches: storeMany of 5,000 rows, getMany and recordAccess with 70,000 ids', async () => {
    // Sized past engine limits on bound parameters (65,535 in PostgreSQL,
    // 32,766 in SQLite), which a backend must batch around.
    const store = ctx.store();
    const project = await ctx.project();
    const inputs = Array.from({ length: 5_000 }, (_, i) =>
      memoryInput({
        content: `bulk ${i}`,
        embedding: atCosine(i / 5_000, { other: 1 + (i % 7) }),
        tags: ['bulk'],
      }),
    );
    const stored = await store.memories.storeMany(project.id, inputs);
    expect(stored).toHaveLength(5_000);
    expect(new Set(stored).size).toBe(5_000);
    expect(await store.memories.count(project.id, { tags: ['bulk'] })).toBe(5_000);
    const unknown = Array.from({ length: 65_000 }, (_, i) => nth(stored, 4_999) + 1 + i);
    const requested = [
      ...unknown.slice(0, 30_000),
      ...[...stored].reverse(),
      ...unknown.slice(30_000),
    ];
    const fetched = await store.memories.getMany(project.id, requested);
    expect(ids(fetched)).toEqual([...stored].reverse());
    expect(nth(fetched, 0).content).toBe('bulk 4999');
    expect(await store.memories.recordAccess(project.id, requested)).toBe(5_000);
    expect(await store.memories.count(project.id)).toBe(5_000);
    expect((await store.memories.get(project.id, nth(stored, 1234)))?.accessCount).toBe(1);
  });

  it('count() counts the project, with and without filters', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    expect(await store.memories.count(project.id)).toBe(0);
    await store.memories.storeMany(project.id, [
      memoryInput({ memoryType: 'fact', tags: ['a'] }),
      memoryInput({ memoryType: 'fact', tags: ['a', 'b'] }),
      memoryInput({ memoryType: 'insight', tags: ['b'] }),
    ]);
    expect(await store.memories.count(project.id)).toBe(3);
    expect(await store.memories.count(project.id, {})).toBe(3);
    expect(await store.memories.count(project.id, { memoryTypes: ['fact'] })).toBe(2);
    expect(await store.memories.count(project.id, { tags: ['a', 'b'] })).toBe(1);
    expect(await store.memories.count(project.id, { tags: ['c'] })).toBe(0);
  });

  it('recordAccess() increments accessCount, sets lastAccessed, ignores unknown ids and returns the count', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const [a, b, c] = exactly(
      await store.memories.storeMany(project.id, [memoryInput(), memoryInput(), memoryInput()]),
      3,
    );
    const at = new Date('2025-03-01T10:00:00.123Z');
    expect(await store.memories.recordAccess(project.id, [a, b, c + 10_000], { at })).toBe(2);
    const [ma, mb, mc] = await store.memories.getMany(project.id, [a, b, c]);
    expect(ma?.accessCount).toBe(1);
    expect(mb?.accessCount).toBe(1);
    expect(mc?.accessCount).toBe(0);
    expect(ma?.lastAccessed?.getTime()).toBe(at.getTime());
    expect(ma?.lastRetrieved).toBeNull();
    expect(mc?.lastAccessed).toBeNull();
    expect(await store.memories.recordAccess(project.id, [a])).toBe(1);
    expect((await store.memories.get(project.id, a))?.accessCount).toBe(2);
    expect(await store.memories.recordAccess(project.id, [])).toBe(0);
    expect(await store.memories.recordAccess(project.id, [c + 10_000])).toBe(0);
  });

  it('recordAccess() counts a repeated id once', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const memory = await store.memories.store(project.id, memoryInput());
    expect(await store.memories.recordAccess(project.id, [memory.id, memory.id])).toBe(1);
    expect((await store.memories.get(project.id, memory.id))?.accessCount).toBe(1);
  });

  it('recordAccess({ retrieved: true }) also sets lastRetrieved', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const memory = await store.memories.store(project.id, memoryInput());
    const at = new Date('2025-04-02T12:34:56.789Z');
    expect(
      await store.memories.recordAccess(project.id, [memory.id], { retrieved: true, at }),
    ).toBe(1);
    const after = present(await store.memories.get(project.id, memory.id));
    expect(after.lastAccessed?.getTime()).toBe(at.getTime());
    expect(after.lastRetrieved?.getTime()).toBe(at.getTime());
  });

  it('recordAccess() recomputes qualityScore = 0.5·u + 0.3·c + 0.2·min(accessCount/100, 1)', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const memory = await store.memories.store(
      project.id,
      memoryInput({ usefulnessScore: 0.8, confidence: 0.6 }),
    );
    expect(memory.qualityScore).toBeCloseTo(0.58, 9);
    for (let i = 0; i < 3; i++) await store.memories.recordAccess(project.id, [memory.id]);
    const after = present(await store.memories.get(project.id, memory.id));
    expect(after.accessCount).toBe(3);
    expect(after.qualityScore).toBeCloseTo(0.5 * 0.8 + 0.3 * 0.6 + 0.2 * 0.03, 9);
    expect(after.qualityScore).toBeCloseTo(qualityScore(after), 9);
  });
}
