import { DEFAULT_FUSION_WEIGHTS, DEFAULT_RRF_K } from '@athena/core-types';
import type { SearchResult, Store } from '@athena/core-types';
import { expect, it } from 'vitest';
import {
  QUERY,
  SIMILARITY_TOLERANCE,
  atCosine,
  ids,
  memoryInput,
  nth,
  sorted,
} from './fixtures.js';
import type { SuiteContext } from './suite-context.js';

const FILLER = ['river', 'stone', 'cloud', 'lamp', 'tree', 'bird', 'hill', 'sand'];

function doc(terms: readonly string[]): string {
  return [...terms, ...FILLER].slice(0, 8).join(' ');
}

/**
 * Six memories with known cosines to QUERY and known keyword relevance for
 * the text `quokka`:
 *   semantic order: a (0.9), b (0.89), d (0.5), f (0.3), c (0.1), e (-0.6)
 *   keyword order:  c (3 occurrences), a (2), e (1); b, d, f do not match.
 */
interface HybridSet {
  readonly a: number;
  readonly b: number;
  readonly c: number;
  readonly d: number;
  readonly e: number;
  readonly f: number;
  readonly cosines: ReadonlyMap<number, number>;
}

async function seedHybrid(store: Store, projectId: number): Promise<HybridSet> {
  const rows = [
    ['a', 0.9, 1, doc(['quokka', 'quokka'])],
    ['b', 0.89, 2, doc([])],
    ['c', 0.1, 3, doc(['quokka', 'quokka', 'quokka'])],
    ['d', 0.5, 4, doc(['gibbon'])],
    ['e', -0.6, 5, doc(['quokka'])],
    ['f', 0.3, 6, doc(['lemur'])],
  ] as const;
  const out: Record<string, number> = {};
  const cosines = new Map<number, number>();
  for (const [name, value, other, content] of rows) {
    const memory = await store.memories.store(
      projectId,
      memoryInput({ content, embedding: atCosine(value, { other }) }),
    );
    out[name] = memory.id;
    cosines.set(memory.id, value);
  }
  const get = (name: string) => {
    const id = out[name];
    if (id === undefined) throw new Error(`missing ${name}`);
    return id;
  };
  return { a: get('a'), b: get('b'), c: get('c'), d: get('d'), e: get('e'), f: get('f'), cosines };
}

function expectNonIncreasing(hits: readonly SearchResult[]): void {
  for (let i = 1; i < hits.length; i++) {
    expect(nth(hits, i).score).toBeLessThanOrEqual(nth(hits, i - 1).score);
  }
}

/** search.hybrid(): weighted and RRF fusion, breakdowns, candidates, threshold. */
export function hybridSearchTests(ctx: SuiteContext): void {
  const query = { embedding: QUERY, text: 'quokka' };

  it('weighted (default): a memory strong in both legs beats those strong in one', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const both = await store.memories.store(
      project.id,
      memoryInput({ content: doc(['quokka', 'quokka']), embedding: atCosine(0.9, { other: 1 }) }),
    );
    const semanticOnly = await store.memories.store(
      project.id,
      memoryInput({ content: doc([]), embedding: atCosine(0.89, { other: 2 }) }),
    );
    const keywordOnly = await store.memories.store(
      project.id,
      memoryInput({
        content: doc(['quokka', 'quokka', 'quokka']),
        embedding: atCosine(0.1, { other: 3 }),
      }),
    );
    // 0.7·0.9 + 0.3·k(both) > 0.7·0.89 > 0.7·0.1 + 0.3·k(keywordOnly), since k < 1.
    expect(ids(await store.search.hybrid(project.id, query))).toEqual([
      both.id,
      semanticOnly.id,
      keywordOnly.id,
    ]);
    // RRF: both = 1/61 + 1/62 > keywordOnly = 1/63 + 1/61 > semanticOnly = 1/62.
    expect(ids(await store.search.hybrid(project.id, query, { fusion: 'rrf' }))).toEqual([
      both.id,
      keywordOnly.id,
      semanticOnly.id,
    ]);
  });

  it('weighted: fused = wS·max(similarity, 0) + wK·keyword, for default and custom weights', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const set = await seedHybrid(store, project.id);
    const keywordScores = new Map(
      (await store.search.keyword(project.id, 'quokka')).map((hit) => [hit.memory.id, hit.score]),
    );
    for (const weights of [
      undefined,
      { semantic: 0.4, keyword: 0.6 },
      { semantic: 2, keyword: 3 },
    ]) {
      const w = weights ?? DEFAULT_FUSION_WEIGHTS;
      const hits = await store.search.hybrid(project.id, query, weights ? { weights } : {});
      expect(sorted(ids(hits))).toEqual(sorted([set.a, set.b, set.c, set.d, set.e, set.f]));
      for (const hit of hits) {
        const { semantic, keyword, fused } = hit.breakdown;
        expect(typeof semantic).toBe('number');
        expect(typeof keyword).toBe('number');
        const cos = set.cosines.get(hit.memory.id) ?? Number.NaN;
        expect(Math.abs((semantic ?? Number.NaN) - cos)).toBeLessThan(SIMILARITY_TOLERANCE);
        expect(keyword ?? Number.NaN).toBeCloseTo(keywordScores.get(hit.memory.id) ?? 0, 6);
        expect(fused).toBeCloseTo(
          w.semantic * Math.max(semantic ?? 0, 0) + w.keyword * (keyword ?? 0),
          6,
        );
        expect(hit.score).toBe(fused);
      }
      expectNonIncreasing(hits);
      expect(nth(hits, 0).memory.id).toBe(set.a);
    }
  });

  it('weighted: a negative similarity contributes nothing', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const set = await seedHybrid(store, project.id);
    const hits = await store.search.hybrid(project.id, query);
    const e = hits.find((hit) => hit.memory.id === set.e);
    expect(e?.breakdown.semantic).toBeCloseTo(-0.6, 5);
    expect(e?.score).toBeCloseTo(
      DEFAULT_FUSION_WEIGHTS.keyword * (e?.breakdown.keyword ?? Number.NaN),
      6,
    );
  });

  it('weights { semantic: 1, keyword: 0 } reproduce the semantic order', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    await seedHybrid(store, project.id);
    const semantic = ids(await store.search.semantic(project.id, QUERY));
    const hybrid = await store.search.hybrid(project.id, query, {
      weights: { semantic: 1, keyword: 0 },
    });
    expect(ids(hybrid)).toEqual(semantic);
  });

  it('weights { semantic: 0, keyword: 1 } put the keyword matches first, in keyword order', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const set = await seedHybrid(store, project.id);
    const keyword = ids(await store.search.keyword(project.id, 'quokka'));
    expect(keyword).toEqual([set.c, set.a, set.e]);
    const hybrid = await store.search.hybrid(project.id, query, {
      weights: { semantic: 0, keyword: 1 },
    });
    expect(ids(hybrid).slice(0, 3)).toEqual(keyword);
    const rest = hybrid.slice(3);
    expect(sorted(ids(rest))).toEqual(sorted([set.b, set.d, set.f]));
    for (const hit of rest) {
      expect(hit.score).toBe(0);
      expect(hit.breakdown.keyword).toBe(0);
      expect(hit.breakdown.keywordRank).toBeNull();
    }
  });

  it('the breakdown: semantic always a number, keyword 0 and rank null when the text did not match', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const set = await seedHybrid(store, project.id);
    const semanticOrder = ids(await store.search.semantic(project.id, QUERY, { limit: 40 }));
    const keywordOrder = ids(await store.search.keyword(project.id, 'quokka', { limit: 40 }));
    for (const fusion of ['weighted', 'rrf'] as const) {
      const hits = await store.search.hybrid(project.id, query, { fusion });
      expect(hits).toHaveLength(6);
      for (const hit of hits) {
        const { semantic, keyword, semanticRank, keywordRank } = hit.breakdown;
        expect(semantic).toBeCloseTo(set.cosines.get(hit.memory.id) ?? Number.NaN, 5);
        expect(semanticRank).toBe(semanticOrder.indexOf(hit.memory.id) + 1);
        const inKeywordLeg = keywordOrder.indexOf(hit.memory.id);
        if (inKeywordLeg < 0) {
          expect(keyword).toBe(0);
          expect(keywordRank).toBeNull();
        } else {
          expect(keyword).toBeGreaterThan(0);
          expect(keyword).toBeLessThan(1);
          expect(keywordRank).toBe(inKeywordLeg + 1);
        }
      }
    }
  });

  it('rrf: fused = Σ 1/(k + rank) over the legs a row is in, for k = 60 (default) and k = 10', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    await seedHybrid(store, project.id);
    for (const rrfK of [undefined, 10]) {
      const k = rrfK ?? DEFAULT_RRF_K;
      const hits = await store.search.hybrid(
        project.id,
        query,
        rrfK === undefined ? { fusion: 'rrf' } : { fusion: 'rrf', rrfK },
      );
      expect(hits).toHaveLength(6);
      for (const hit of hits) {
        const { semanticRank, keywordRank, fused } = hit.breakdown;
        const expected =
          (semanticRank === null ? 0 : 1 / (k + semanticRank)) +
          (keywordRank === null ? 0 : 1 / (k + keywordRank));
        expect(fused).toBeCloseTo(expected, 10);
        expect(hit.score).toBe(fused);
      }
      expectNonIncreasing(hits);
    }
  });

  it('rrf with few candidates: rows outside a leg have a null rank there, but a similarity', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const set = await seedHybrid(store, project.id);
    // Semantic leg top-3: a, b, d. Keyword leg top-3: c, a, e.
    // a = 1/61 + 1/62, c = 1/61, b = 1/62, then d = e = 1/63.
    const hits = await store.search.hybrid(project.id, query, {
      fusion: 'rrf',
      limit: 3,
      candidates: 3,
    });
    expect(ids(hits)).toEqual([set.a, set.c, set.b]);
    const [a, c, b] = hits;
    expect(a?.breakdown).toMatchObject({ semanticRank: 1, keywordRank: 2 });
    expect(c?.breakdown.semanticRank).toBeNull();
    expect(c?.breakdown.keywordRank).toBe(1);
    expect(c?.breakdown.semantic).toBeCloseTo(0.1, 5);
    expect(b?.breakdown).toMatchObject({ semanticRank: 2, keywordRank: null, keyword: 0 });
    expect(c?.score).toBeCloseTo(1 / 61, 10);
  });

  it('threshold limits the semantic leg only; keyword matches below it still come in', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const set = await seedHybrid(store, project.id);
    // Reading of "minimum cosine similarity for semantic-leg candidates": f (0.3,
    // no keyword match) drops out; c (0.1) and e (-0.6) stay through the keyword leg.
    const hits = await store.search.hybrid(project.id, query, { threshold: 0.4 });
    expect(sorted(ids(hits))).toEqual(sorted([set.a, set.b, set.c, set.d, set.e]));
    const c = hits.find((hit) => hit.memory.id === set.c);
    expect(c?.breakdown.semanticRank).toBeNull();
    expect(c?.breakdown.semantic).toBeCloseTo(0.1, 5);
    expect(hits.find((hit) => hit.memory.id === set.b)?.breakdown.semanticRank).toBe(2);
  });

  it('text that matches nothing leaves the semantic order, with keyword 0 everywhere', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    await seedHybrid(store, project.id);
    const semantic = ids(await store.search.semantic(project.id, QUERY));
    const hits = await store.search.hybrid(project.id, { embedding: QUERY, text: 'platypus' });
    expect(ids(hits)).toEqual(semantic);
    for (const hit of hits) {
      expect(hit.breakdown.keyword).toBe(0);
      expect(hit.breakdown.keywordRank).toBeNull();
    }
  });

  it('candidates below limit are raised to limit', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const set = await seedHybrid(store, project.id);
    // candidates 1 → 5 per leg: semantic a, b, d, f, c; keyword c, a, e.
    const hits = await store.search.hybrid(project.id, query, {
      fusion: 'rrf',
      limit: 5,
      candidates: 1,
    });
    expect(hits).toHaveLength(5);
    const ranks = new Map(hits.map((hit) => [hit.memory.id, hit.breakdown.semanticRank]));
    expect(ranks.get(set.c)).toBe(5);
    expect(ids(hits)).not.toContain(set.f);
  });

  it('limit caps the results; the default limit is 10', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    await store.memories.storeMany(
      project.id,
      Array.from({ length: 12 }, (_, i) =>
        memoryInput({ content: doc(['quokka']), embedding: atCosine(0.9 - i * 0.05) }),
      ),
    );
    expect(await store.search.hybrid(project.id, query)).toHaveLength(10);
    expect(await store.search.hybrid(project.id, query, { limit: 2 })).toHaveLength(2);
    expect(await store.search.hybrid(project.id, query, { limit: 2, fusion: 'rrf' })).toHaveLength(
      2,
    );
  });

  it('fresh (unconsolidated) memories are found by default, and so is every other state', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const fresh = await store.memories.store(project.id, memoryInput({ content: 'quokka fresh' }));
    const claimed = await store.memories.store(
      project.id,
      memoryInput({ content: 'quokka claimed' }),
    );
    const replacement = await store.memories.store(
      project.id,
      memoryInput({ content: 'quokka new' }),
    );
    const superseded = await store.memories.store(
      project.id,
      memoryInput({ content: 'quokka old' }),
    );
    await store.consolidation.transition(project.id, claimed.id, 'consolidating');
    await store.consolidation.transition(project.id, superseded.id, 'superseded', {
      supersededBy: replacement.id,
    });
    const expected = sorted([fresh.id, claimed.id, replacement.id, superseded.id]);
    expect(sorted(ids(await store.search.hybrid(project.id, query)))).toEqual(expected);
    expect(sorted(ids(await store.search.hybrid(project.id, query, { fusion: 'rrf' })))).toEqual(
      expected,
    );
  });

  it('an empty project returns no results', async () => {
    const project = await ctx.project();
    expect(await ctx.store().search.hybrid(project.id, query)).toEqual([]);
    expect(await ctx.store().search.hybrid(project.id, query, { fusion: 'rrf' })).toEqual([]);
  });
}
