import type { Store } from '@athena/core-types';
import { expect, it } from 'vitest';
import {
  QUERY,
  SIMILARITY_TOLERANCE,
  atCosine,
  cosine,
  ids,
  memoryInput,
  nth,
  randomVector,
  seededRandom,
  unitVector,
} from './fixtures.js';
import type { SuiteContext } from './suite-context.js';

/** Cosines to QUERY of the hand-built data set, in the order search must return them. */
const COSINES = [1, 0.95, 0.8, 0.5, 0.2, -0.3, -0.7, -1] as const;

async function seedCosines(store: Store, projectId: number): Promise<number[]> {
  // Stored in a scrambled order so insertion order cannot pass for ranking.
  const order = [4, 0, 6, 2, 7, 1, 5, 3];
  const stored = new Map<number, number>();
  for (const index of order) {
    const value = COSINES[index] ?? 0;
    const memory = await store.memories.store(
      projectId,
      memoryInput({
        content: `cosine ${value}`,
        embedding: atCosine(value, { other: 1 + (index % 6) }),
      }),
    );
    stored.set(index, memory.id);
  }
  return COSINES.map((_, index) => stored.get(index) ?? -1);
}

/** search.semantic(): cosine similarity, ordering, thresholds, breakdown. */
export function semanticSearchTests(ctx: SuiteContext): void {
  it('orders by cosine similarity, highest first, with exact scores', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const expected = await seedCosines(store, project.id);
    const hits = await store.search.semantic(project.id, QUERY);
    expect(ids(hits)).toEqual(expected);
    hits.forEach((hit, i) => {
      expect(Math.abs(hit.score - (COSINES[i] ?? Number.NaN))).toBeLessThan(SIMILARITY_TOLERANCE);
    });
  });

  it('identical → 1, orthogonal → 0, opposite → -1 (cosine, not distance or dot product)', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const same = await store.memories.store(
      project.id,
      memoryInput({ embedding: [2, 0, 0, 0, 0, 0, 0, 0] }),
    );
    const orthogonal = await store.memories.store(
      project.id,
      memoryInput({ embedding: unitVector(5) }),
    );
    const opposite = await store.memories.store(
      project.id,
      memoryInput({ embedding: [-0.5, 0, 0, 0, 0, 0, 0, 0] }),
    );
    const hits = await store.search.semantic(project.id, [3, 0, 0, 0, 0, 0, 0, 0]);
    expect(ids(hits)).toEqual([same.id, orthogonal.id, opposite.id]);
    expect(Math.abs(nth(hits, 0).score - 1)).toBeLessThan(SIMILARITY_TOLERANCE);
    expect(Math.abs(nth(hits, 1).score)).toBeLessThan(SIMILARITY_TOLERANCE);
    expect(Math.abs(nth(hits, 2).score + 1)).toBeLessThan(SIMILARITY_TOLERANCE);
    for (const hit of hits) {
      expect(hit.score).toBeGreaterThanOrEqual(-1 - SIMILARITY_TOLERANCE);
      expect(hit.score).toBeLessThanOrEqual(1 + SIMILARITY_TOLERANCE);
    }
  });

  it('similarity ignores vector length: a scaled copy scores like the unit vector', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const big = await store.memories.store(
      project.id,
      memoryInput({ embedding: atCosine(0.6).map((x) => x * 40) }),
    );
    const small = await store.memories.store(
      project.id,
      memoryInput({ embedding: atCosine(0.8).map((x) => x * 0.01) }),
    );
    const hits = await store.search.semantic(
      project.id,
      QUERY.map((x) => x * 7),
    );
    expect(ids(hits)).toEqual([small.id, big.id]);
    expect(nth(hits, 0).score).toBeCloseTo(0.8, 5);
    expect(nth(hits, 1).score).toBeCloseTo(0.6, 5);
  });

  it('the breakdown of a semantic hit: semantic = score = fused, rank = position, keyword and normalised scores null', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    await seedCosines(store, project.id);
    const hits = await store.search.semantic(project.id, QUERY);
    hits.forEach((hit, i) => {
      expect(hit.score).toBe(hit.breakdown.fused);
      expect(hit.breakdown.semantic).toBe(hit.score);
      expect(hit.breakdown.keyword).toBeNull();
      expect(hit.breakdown.keywordRank).toBeNull();
      expect(hit.breakdown.semanticRank).toBe(i + 1);
      expect(hit.breakdown.semanticNormalized).toBeNull();
      expect(hit.breakdown.keywordNormalized).toBeNull();
    });
  });

  it('limit caps the results; the default limit is 10', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const cosines = Array.from({ length: 12 }, (_, i) => 0.99 - i * 0.05);
    const stored = await store.memories.storeMany(
      project.id,
      cosines.map((c) => memoryInput({ embedding: atCosine(c) })),
    );
    expect(ids(await store.search.semantic(project.id, QUERY))).toEqual(stored.slice(0, 10));
    expect(ids(await store.search.semantic(project.id, QUERY, { limit: 3 }))).toEqual(
      stored.slice(0, 3),
    );
    expect(ids(await store.search.semantic(project.id, QUERY, { limit: 1000 }))).toEqual(stored);
  });

  it('threshold drops rows below it: positive, zero and negative thresholds', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const expected = await seedCosines(store, project.id);
    const above = (t: number) => expected.filter((_, i) => (COSINES[i] ?? -2) >= t);
    expect(ids(await store.search.semantic(project.id, QUERY, { threshold: 0.5 - 0.01 }))).toEqual(
      above(0.49),
    );
    expect(ids(await store.search.semantic(project.id, QUERY, { threshold: 0.9 }))).toEqual(
      above(0.9),
    );
    expect(ids(await store.search.semantic(project.id, QUERY, { threshold: 0.1 }))).toEqual(
      above(0.1),
    );
    expect(ids(await store.search.semantic(project.id, QUERY, { threshold: -0.5 }))).toEqual(
      above(-0.5),
    );
    expect(ids(await store.search.semantic(project.id, QUERY, { threshold: -0.99 }))).toEqual(
      above(-0.99),
    );
    expect(ids(await store.search.semantic(project.id, QUERY, { threshold: -1 }))).toEqual(
      expected,
    );
    const hits = await store.search.semantic(project.id, QUERY, { threshold: -0.5 });
    for (const hit of hits) expect(hit.score).toBeGreaterThanOrEqual(-0.5);
  });

  it('threshold and filters combine', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const stored = await store.memories.storeMany(
      project.id,
      [0.9, 0.8, 0.6, 0.4, 0.2].map((c, i) =>
        memoryInput({
          embedding: atCosine(c, { other: 1 + i }),
          tags: i % 2 === 0 ? ['even'] : ['odd'],
        }),
      ),
    );
    const hits = await store.search.semantic(project.id, QUERY, {
      threshold: 0.5,
      filters: { tags: ['even'] },
    });
    expect(ids(hits)).toEqual([stored[0], stored[2]]);
  });

  it('exact: true ranks 100 seeded random vectors exactly as cosine similarity does', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const random = seededRandom(20_240_229);
    const vectors = Array.from({ length: 100 }, () => randomVector(random));
    const query = randomVector(random);
    const stored = await store.memories.storeMany(
      project.id,
      vectors.map((embedding) => memoryInput({ embedding })),
    );
    const expected = stored
      .map((id, i) => ({ id, similarity: cosine(query, nth(vectors, i)) }))
      .sort((x, y) => y.similarity - x.similarity);
    const hits = await store.search.semantic(project.id, query, { exact: true, limit: 20 });
    expect(ids(hits)).toEqual(expected.slice(0, 20).map((row) => row.id));
    hits.forEach((hit, i) => {
      expect(Math.abs(hit.score - nth(expected, i).similarity)).toBeLessThan(SIMILARITY_TOLERANCE);
    });
  });

  it('exact: true returns the same ranking', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const expected = await seedCosines(store, project.id);
    expect(ids(await store.search.semantic(project.id, QUERY, { exact: true }))).toEqual(expected);
    expect(
      ids(await store.search.semantic(project.id, QUERY, { exact: true, efSearch: 10, probes: 1 })),
    ).toEqual(expected);
  });

  it('fresh (unconsolidated) memories are found by default, and so is every other state', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const fresh = await store.memories.store(project.id, memoryInput({ embedding: atCosine(0.9) }));
    const claimed = await store.memories.store(
      project.id,
      memoryInput({ embedding: atCosine(0.8) }),
    );
    const replacement = await store.memories.store(
      project.id,
      memoryInput({ embedding: atCosine(0.7) }),
    );
    const superseded = await store.memories.store(
      project.id,
      memoryInput({ embedding: atCosine(0.6) }),
    );
    await store.consolidation.transition(project.id, claimed.id, 'consolidating');
    await store.consolidation.transition(project.id, superseded.id, 'superseded', {
      supersededBy: replacement.id,
    });
    expect(ids(await store.search.semantic(project.id, QUERY))).toEqual([
      fresh.id,
      claimed.id,
      replacement.id,
      superseded.id,
    ]);
  });

  it('an empty project returns no results', async () => {
    const project = await ctx.project();
    expect(await ctx.store().search.semantic(project.id, QUERY)).toEqual([]);
  });

  it('accepts a Float32Array query and returns whole memories', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const memory = await store.memories.store(
      project.id,
      memoryInput({ content: 'whole', tags: ['t'], domain: 'd', embedding: atCosine(0.3) }),
    );
    const hits = await store.search.semantic(project.id, Float32Array.from(QUERY));
    expect(hits).toHaveLength(1);
    expect(nth(hits, 0).memory).toEqual(memory);
  });
}
