import { DimensionMismatchError, StoreClosedError, ValidationError } from '@athena/core-types';
import type { Store } from '@athena/core-types';
import { describe, expect, it } from 'vitest';
import { expectAthenaError } from './expect-athena-error.js';
import { DIMENSION, OTHER_DIMENSION, QUERY, atCosine, memoryInput } from './fixtures.js';
import type { SuiteContext } from './suite-context.js';

/** init/close/health/capabilities: the store's life cycle. */
export function lifecycleTests(ctx: SuiteContext): void {
  async function withStore(dimension: number, fn: (store: Store) => Promise<void>): Promise<void> {
    const store = await ctx.createStore(dimension);
    try {
      await fn(store);
    } finally {
      await ctx.destroyStore(store);
    }
  }

  it('init() is idempotent: a second call succeeds and keeps the data', async () => {
    await withStore(DIMENSION, async (store) => {
      await store.init();
      const project = await store.projects.create({ name: 'twice', path: '/twice' });
      const memory = await store.memories.store(project.id, memoryInput());
      await store.init();
      expect((await store.memories.get(project.id, memory.id))?.content).toBe('conformance memory');
      expect(await store.memories.count(project.id)).toBe(1);
    });
  });

  it('embeddingDimension is the dimension the database was created with', async () => {
    expect(ctx.store().embeddingDimension).toBe(DIMENSION);
    await withStore(OTHER_DIMENSION, async (store) => {
      await store.init();
      expect(store.embeddingDimension).toBe(OTHER_DIMENSION);
      expect((await store.health()).embeddingDimension).toBe(OTHER_DIMENSION);
    });
  });

  it('health() reports ok, latency ≥ 0, the dimension, the backend and the schema version', async () => {
    const store = ctx.store();
    const health = await store.health();
    expect(health.ok).toBe(true);
    expect(health.error).toBeUndefined();
    expect(health.backend).toBe(store.backend);
    expect(Number.isFinite(health.latencyMs)).toBe(true);
    expect(health.latencyMs).toBeGreaterThanOrEqual(0);
    expect(health.embeddingDimension).toBe(DIMENSION);
    expect(Number.isInteger(health.schemaVersion)).toBe(true);
    expect(health.schemaVersion).toBeGreaterThanOrEqual(1);
    expect(typeof health.details).toBe('object');
  });

  it('declares a backend name and every capability with the right type', () => {
    const store = ctx.store();
    expect(typeof store.backend).toBe('string');
    expect(store.backend.length).toBeGreaterThan(0);
    const caps = store.capabilities;
    expect(Array.isArray(caps.annIndexes)).toBe(true);
    for (const kind of caps.annIndexes) expect(['hnsw', 'ivfflat', 'quantized']).toContain(kind);
    expect(typeof caps.concurrentWriters).toBe('boolean');
    expect(typeof caps.savepoints).toBe('boolean');
    expect(typeof caps.iterativeFilteredScan).toBe('boolean');
    expect(caps.maxEmbeddingDimension).toBeGreaterThanOrEqual(OTHER_DIMENSION);
  });

  it('before init(), embeddingDimension and operations throw StoreClosedError', async () => {
    await withStore(DIMENSION, async (store) => {
      expect(() => store.embeddingDimension).toThrow(StoreClosedError);
      await expectAthenaError(() => store.projects.list(), StoreClosedError, 'store_closed');
    });
  });

  it('after close(), every operation throws StoreClosedError and close() stays idempotent', async () => {
    await withStore(DIMENSION, async (store) => {
      await store.init();
      const project = await store.projects.create({ name: 'closing', path: '/closing' });
      await store.close();
      await store.close();
      await expectAthenaError(() => store.projects.list(), StoreClosedError, 'store_closed');
      await expectAthenaError(
        () => store.memories.store(project.id, memoryInput()),
        StoreClosedError,
        'store_closed',
      );
      await expectAthenaError(
        () => store.memories.get(project.id, 1),
        StoreClosedError,
        'store_closed',
      );
      await expectAthenaError(
        () => store.search.semantic(project.id, QUERY),
        StoreClosedError,
        'store_closed',
      );
      await expectAthenaError(
        () => store.search.keyword(project.id, 'memory'),
        StoreClosedError,
        'store_closed',
      );
      await expectAthenaError(
        () => store.episodes.list(project.id),
        StoreClosedError,
        'store_closed',
      );
      await expectAthenaError(
        () => store.transaction(async (tx) => tx.projects.list()),
        StoreClosedError,
        'store_closed',
      );
    });
  });

  it('after close(), a bad argument is still a ValidationError: arguments are checked first', async () => {
    await withStore(DIMENSION, async (store) => {
      await store.init();
      await store.close();
      const badProject = await expectAthenaError(
        () => store.memories.store(0, memoryInput()),
        ValidationError,
        'validation',
      );
      expect(badProject.message).toMatch(/projectId/);
      const badId = await expectAthenaError(
        () => store.memories.get(1, 0),
        ValidationError,
        'validation',
      );
      expect(badId.message).toMatch(/\bid\b/);
      await expectAthenaError(
        () => store.memories.update(1, 0, { content: 'x' }),
        ValidationError,
        'validation',
      );
    });
  });

  const reopen = ctx.options.reopenStore;
  const reopenTitle = (title: string) =>
    reopen ? title : `${title} [skipped: no reopenStore in the conformance options]`;

  it.skipIf(!reopen)(
    reopenTitle(
      'the dimension is stored in the database: reopening without one keeps it, and the data',
    ),
    async () => {
      if (!reopen) return;
      const first = await ctx.openStore(OTHER_DIMENSION);
      let second: Store | undefined;
      try {
        const project = await first.projects.create({ name: 'persisted', path: '/persisted' });
        const vector = atCosine(0.5, { dimension: OTHER_DIMENSION });
        const memory = await first.memories.store(project.id, memoryInput({ embedding: vector }));
        await first.close();
        second = await reopen(first, {});
        await second.init();
        expect(second.embeddingDimension).toBe(OTHER_DIMENSION);
        expect(await second.memories.get(project.id, memory.id)).toEqual(memory);
        await expectAthenaError(
          () => (second as Store).memories.store(project.id, memoryInput()),
          DimensionMismatchError,
          'dimension_mismatch',
        );
      } finally {
        await second?.close();
        await ctx.destroyStore(first);
      }
    },
  );

  it.skipIf(!reopen)(
    reopenTitle(
      'reopening a database with another dimension fails in init() with DimensionMismatchError',
    ),
    async () => {
      if (!reopen) return;
      const first = await ctx.openStore(DIMENSION);
      let second: Store | undefined;
      try {
        await first.close();
        second = await reopen(first, { embeddingDimension: OTHER_DIMENSION });
        const error = await expectAthenaError(
          () => (second as Store).init(),
          DimensionMismatchError,
          'dimension_mismatch',
        );
        expect(error.expected).toBe(DIMENSION);
        expect(error.actual).toBe(OTHER_DIMENSION);
      } finally {
        await second?.close();
        await ctx.destroyStore(first);
      }
    },
  );

  describe('a store of another dimension', () => {
    const other = ctx.useStore(OTHER_DIMENSION);

    it('stores and searches vectors of its own dimension', async () => {
      const store = other.store();
      const project = await other.project();
      const vector = Array.from({ length: OTHER_DIMENSION }, (_, i) => (i === 3 ? 1 : 0));
      const memory = await store.memories.store(project.id, {
        content: 'sixteen',
        embedding: vector,
      });
      expect(memory.embedding).toHaveLength(OTHER_DIMENSION);
      const hits = await store.search.semantic(project.id, vector);
      expect(hits.map((hit) => hit.memory.id)).toEqual([memory.id]);
      expect(hits[0]?.score).toBeCloseTo(1, 5);
    });
  });
}
