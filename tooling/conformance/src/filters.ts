import type { MemoryFilters, Store, StoreMemoryInput } from '@athena/core-types';
import { beforeAll, describe, expect, it } from 'vitest';
import { QUERY, atCosine, cosine, ids, memoryInput, present, sorted } from './fixtures.js';
import type { SuiteContext } from './suite-context.js';

const T = (day: number) => new Date(Date.UTC(2024, 0, day, 0, 0, 0, 0));

/**
 * The filter data set: every memory mentions `quokka` once, all at positive,
 * distinct cosines, in descending cosine order. States after seeding:
 * m1, m3 unconsolidated; m2, m5 consolidated; m4 consolidating; m6 superseded.
 */
const ROWS: readonly (StoreMemoryInput & { readonly key: string })[] = [
  {
    key: 'm1',
    memoryType: 'fact',
    domain: 'alpha',
    tags: ['red', 'blue'],
    sessionId: 's1',
    createdAt: T(1),
    content: 'quokka one river stone',
    embedding: atCosine(0.9, { other: 1 }),
  },
  {
    key: 'm2',
    memoryType: 'pattern',
    domain: 'beta',
    tags: ['red'],
    sessionId: 's2',
    createdAt: T(2),
    content: 'quokka two river stone',
    embedding: atCosine(0.8, { other: 2 }),
  },
  {
    key: 'm3',
    memoryType: 'decision',
    domain: 'alpha',
    tags: ['blue'],
    sessionId: 's1',
    createdAt: T(3),
    content: 'quokka three river stone',
    embedding: atCosine(0.7, { other: 3 }),
  },
  {
    key: 'm4',
    memoryType: 'fact',
    domain: null,
    tags: [],
    sessionId: null,
    createdAt: T(4),
    content: 'quokka four river stone',
    embedding: atCosine(0.6, { other: 4 }),
  },
  {
    key: 'm5',
    memoryType: 'insight',
    domain: 'gamma',
    tags: ['red', 'blue', 'green'],
    sessionId: 's2',
    createdAt: T(5),
    content: 'quokka five river stone',
    embedding: atCosine(0.5, { other: 5 }),
  },
  {
    key: 'm6',
    memoryType: 'code',
    domain: 'beta',
    tags: ['green'],
    sessionId: 's3',
    createdAt: T(6),
    content: 'quokka six river stone',
    embedding: atCosine(0.4, { other: 6 }),
  },
];

const CASES: readonly {
  readonly title: string;
  readonly filters: MemoryFilters;
  readonly expected: readonly string[];
}[] = [
  {
    title: 'memoryTypes (any of)',
    filters: { memoryTypes: ['fact', 'insight'] },
    expected: ['m1', 'm4', 'm5'],
  },
  {
    title: 'domains (any of)',
    filters: { domains: ['alpha', 'gamma'] },
    expected: ['m1', 'm3', 'm5'],
  },
  { title: 'tags (every one)', filters: { tags: ['red', 'blue'] }, expected: ['m1', 'm5'] },
  { title: 'a single tag', filters: { tags: ['green'] }, expected: ['m5', 'm6'] },
  {
    title: 'consolidationStates (one)',
    filters: { consolidationStates: ['consolidated'] },
    expected: ['m2', 'm5'],
  },
  {
    title: 'consolidationStates (any of)',
    filters: { consolidationStates: ['unconsolidated', 'consolidating'] },
    expected: ['m1', 'm3', 'm4'],
  },
  {
    title: 'createdAfter (inclusive)',
    filters: { createdAfter: T(3) },
    expected: ['m3', 'm4', 'm5', 'm6'],
  },
  { title: 'createdBefore (exclusive)', filters: { createdBefore: T(3) }, expected: ['m1', 'm2'] },
  {
    title: 'a created range [after, before)',
    filters: { createdAfter: T(2), createdBefore: T(5) },
    expected: ['m2', 'm3', 'm4'],
  },
  { title: 'sessionId', filters: { sessionId: 's1' }, expected: ['m1', 'm3'] },
  {
    title: 'several filters at once (all must hold)',
    filters: { domains: ['alpha', 'beta'], tags: ['red'], createdBefore: T(6) },
    expected: ['m1', 'm2'],
  },
  {
    title: 'empty lists (no filter)',
    filters: { memoryTypes: [], domains: [], tags: [], consolidationStates: [] },
    expected: ['m1', 'm2', 'm3', 'm4', 'm5', 'm6'],
  },
  { title: 'a value nothing has', filters: { domains: ['nowhere'] }, expected: [] },
];

async function seedFilterSet(store: Store, projectId: number): Promise<Map<string, number>> {
  const byKey = new Map<string, number>();
  for (const { key, ...input } of ROWS) {
    byKey.set(key, (await store.memories.store(projectId, input)).id);
  }
  const id = (key: string) => present(byKey.get(key), key);
  await store.consolidation.transition(projectId, id('m2'), 'consolidating');
  await store.consolidation.transition(projectId, id('m2'), 'consolidated');
  await store.consolidation.transition(projectId, id('m4'), 'consolidating');
  await store.consolidation.transition(projectId, id('m5'), 'consolidating');
  await store.consolidation.transition(projectId, id('m5'), 'consolidated');
  await store.consolidation.transition(projectId, id('m6'), 'superseded', {
    supersededBy: id('m5'),
  });
  return byKey;
}

/** Every filter on every search kind and on list/count; filtered searches still fill `limit`. */
export function filterTests(ctx: SuiteContext): void {
  describe('each filter on every operation', () => {
    let projectId = 0;
    let byKey = new Map<string, number>();
    beforeAll(async () => {
      projectId = (await ctx.project('filters')).id;
      byKey = await seedFilterSet(ctx.store(), projectId);
    });
    const expectedIds = (keys: readonly string[]) =>
      keys.map((key) => present(byKey.get(key), key));

    for (const { title, filters, expected } of CASES) {
      it(`${title}: semantic search returns exactly the matching rows, by similarity`, async () => {
        // ROWS are in descending cosine order, so the expected order is the ROWS order.
        const hits = await ctx.store().search.semantic(projectId, QUERY, { filters });
        expect(ids(hits)).toEqual(expectedIds(expected));
      });

      it(`${title}: keyword search returns exactly the matching rows`, async () => {
        const hits = await ctx.store().search.keyword(projectId, 'quokka', { filters });
        expect(sorted(ids(hits))).toEqual(sorted(expectedIds(expected)));
      });

      it(`${title}: hybrid search (weighted and rrf) returns exactly the matching rows`, async () => {
        const query = { embedding: QUERY, text: 'quokka' };
        const weighted = await ctx.store().search.hybrid(projectId, query, { filters });
        expect(ids(weighted)).toEqual(expectedIds(expected));
        const rrf = await ctx.store().search.hybrid(projectId, query, { filters, fusion: 'rrf' });
        expect(sorted(ids(rrf))).toEqual(sorted(expectedIds(expected)));
      });

      it(`${title}: list and count agree with the filter`, async () => {
        const page = await ctx.store().memories.list(projectId, { filters });
        expect(ids(page.items)).toEqual(sorted(expectedIds(expected)).reverse());
        expect(page.nextCursor).toBeNull();
        expect(await ctx.store().memories.count(projectId, filters)).toBe(expected.length);
      });
    }
  });

  describe('a selective filter still returns `limit` rows', () => {
    /**
     * 200 memories: 170 close to the query, and 30 "rare" ones far from it
     * that carry every filterable attribute. Each filter selects exactly the
     * rare rows, so an index scan that filters afterwards would find none in
     * its first candidates.
     */
    const RARE = 30;
    const COMMON = 170;
    let projectId = 0;
    let rareByRank: number[] = [];

    beforeAll(async () => {
      const store = ctx.store();
      projectId = (await ctx.project('selective')).id;
      const inputs: StoreMemoryInput[] = [];
      const rareVectors: number[][] = [];
      for (let i = 0; i < RARE; i++) {
        const vector = atCosine(-0.05 - 0.02 * i, { other: 1 + (i % 7) });
        rareVectors.push(vector);
        inputs.push(
          memoryInput({
            content: `quokka rare ${i}`,
            embedding: vector,
            tags: ['rare', `r${i}`],
            domain: 'rare-domain',
            memoryType: 'insight',
            sessionId: 'rare-session',
            createdAt: new Date(Date.UTC(2020, 0, 1, 0, i)),
          }),
        );
      }
      for (let i = 0; i < COMMON; i++) {
        inputs.push(
          memoryInput({
            content: `quokka quokka quokka common ${i}`,
            embedding: atCosine(0.99 - 0.005 * i, { other: 1 + (i % 7) }),
            tags: ['common'],
            domain: 'common-domain',
            memoryType: 'fact',
            sessionId: 'common-session',
            createdAt: new Date(Date.UTC(2024, 0, 1, 0, i)),
          }),
        );
      }
      const stored = await store.memories.storeMany(projectId, inputs);
      const rareIds = stored.slice(0, RARE);
      rareByRank = rareIds
        .map((id, i) => ({ id, similarity: cosine(QUERY, rareVectors[i] ?? []) }))
        .sort((x, y) => y.similarity - x.similarity)
        .map((row) => row.id);
      // claimBatch takes the oldest unconsolidated memories first: exactly the rare ones.
      const claimed = await store.consolidation.claimBatch(projectId, {
        worker: 'filters',
        limit: RARE,
      });
      expect(sorted(ids(claimed))).toEqual(sorted(rareIds));
    });

    const SELECTIVE: readonly { readonly title: string; readonly filters: MemoryFilters }[] = [
      { title: 'tags', filters: { tags: ['rare'] } },
      { title: 'domains', filters: { domains: ['rare-domain'] } },
      { title: 'memoryTypes', filters: { memoryTypes: ['insight'] } },
      { title: 'sessionId', filters: { sessionId: 'rare-session' } },
      { title: 'createdBefore', filters: { createdBefore: new Date(Date.UTC(2021, 0, 1)) } },
      { title: 'consolidationStates', filters: { consolidationStates: ['consolidating'] } },
    ];

    for (const { title, filters } of SELECTIVE) {
      it(`${title}: semantic search with limit 10 returns the 10 nearest matching rows`, async () => {
        const hits = await ctx.store().search.semantic(projectId, QUERY, { limit: 10, filters });
        expect(ids(hits)).toEqual(rareByRank.slice(0, 10));
      });

      it(`${title}: keyword and hybrid search with limit 10 return 10 matching rows`, async () => {
        const store = ctx.store();
        const rare = new Set(rareByRank);
        const keyword = await store.search.keyword(projectId, 'quokka', { limit: 10, filters });
        expect(keyword).toHaveLength(10);
        for (const hit of keyword) expect(rare.has(hit.memory.id)).toBe(true);
        for (const fusion of ['weighted', 'rrf'] as const) {
          const hybrid = await store.search.hybrid(
            projectId,
            { embedding: QUERY, text: 'quokka' },
            { limit: 10, filters, fusion },
          );
          expect(hybrid).toHaveLength(10);
          for (const hit of hybrid) expect(rare.has(hit.memory.id)).toBe(true);
        }
      });
    }

    it('count and list see exactly the 30 matching rows', async () => {
      const store = ctx.store();
      expect(await store.memories.count(projectId, { tags: ['rare'] })).toBe(RARE);
      expect(await store.memories.count(projectId)).toBe(RARE + COMMON);
      const page = await store.memories.list(projectId, {
        filters: { domains: ['rare-domain'] },
        limit: 100,
      });
      expect(sorted(ids(page.items))).toEqual(sorted(rareByRank));
    });
  });
}
