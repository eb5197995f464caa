import { DEFAULT_FUSION_WEIGHTS, DEFAULT_RRF_K } from '@athena/core-types';
import type { ScoreBreakdown, SearchResult, Store } from '@athena/core-types';
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

function byId(hits: readonly SearchResult[], id: number): ScoreBreakdown {
  const hit = hits.find((h) => h.memory.id === id);
  if (hit === undefined) throw new Error(`memory ${id} not in the results`);
  return hit.breakdown;
}

const LEGS = [
  {
    name: 'semantic',
    raw: (b: ScoreBreakdown) => b.semantic,
    rank: (b: ScoreBreakdown) => b.semanticRank,
    normalized: (b: ScoreBreakdown) => b.semanticNormalized,
  },
  {
    name: 'keyword',
    raw: (b: ScoreBreakdown) => b.keyword,
    rank: (b: ScoreBreakdown) => b.keywordRank,
    normalized: (b: ScoreBreakdown) => b.keywordNormalized,
  },
] as const;

/**
 * Checks both normalised scores of every hit against the documented
 * definition, computed here from the raw scores. `hits` must hold every
 * candidate of both legs (`limit` at least the size of their union).
 */
function expectNormalizedAsDocumented(hits: readonly SearchResult[]): void {
  for (const leg of LEGS) {
    const scores = hits
      .filter((hit) => leg.rank(hit.breakdown) !== null)
      .map((hit) => leg.raw(hit.breakdown) ?? Number.NaN);
    const low = Math.min(...scores);
    const high = Math.max(...scores);
    for (const { memory, breakdown } of hits) {
      const normalized = leg.normalized(breakdown);
      if (leg.rank(breakdown) === null) {
        expect(normalized, `${leg.name} of ${memory.id}`).toBe(0);
      } else {
        const raw = leg.raw(breakdown) ?? Number.NaN;
        const expected = high === low ? 1 : (raw - low) / (high - low);
        expect(normalized, `${leg.name} of ${memory.id}`).toBeCloseTo(expected, 6);
      }
    }
  }
}

/** search.hybrid(): weighted (relative-score) and RRF fusion, breakdowns, candidates, threshold. */
export function hybridSearchTests(ctx: SuiteContext): void {
  const query = { embedding: QUERY, text: 'quokka' };

  it('weighted (default): a memory strong in both legs beats those strong in one', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const seed = async (cosine: number, quokkas: number, other: number) =>
      (
        await store.memories.store(
          project.id,
          memoryInput({
            content: doc(Array.from({ length: quokkas }, () => 'quokka')),
            embedding: atCosine(cosine, { other }),
          }),
        )
      ).id;
    const both = await seed(0.85, 2, 1);
    const semanticOnly = await seed(0.9, 0, 2);
    const keywordOnly = await seed(0.1, 3, 3);
    const weak = await seed(0.15, 1, 4);
    // Semantic leg 0.9 … 0.1 normalises to semanticOnly 1, both 0.9375, weak
    // 0.0625, keywordOnly 0; keyword leg to keywordOnly 1, both x, weak 0.
    // Weighted: both 0.65625 + 0.3·x beats semanticOnly 0.7 once x > 0.15,
    // i.e. unless two occurrences score barely above one; then keywordOnly 0.3, weak 0.04375.
    const weighted = await store.search.hybrid(project.id, query);
    const x = byId(weighted, both).keywordNormalized ?? Number.NaN;
    expect(x).toBeGreaterThan(0.15);
    expect(x).toBeLessThan(1);
    expect(ids(weighted)).toEqual([both, semanticOnly, keywordOnly, weak]);
    // RRF: both 2/62 > keywordOnly 1/64 + 1/61 > weak 2/63 > semanticOnly 1/61.
    expect(ids(await store.search.hybrid(project.id, query, { fusion: 'rrf' }))).toEqual([
      both,
      keywordOnly,
      weak,
      semanticOnly,
    ]);
  });

  it('weighted: fused = wS·norm_s + wK·norm_k, each leg min–max normalised over its candidates', async () => {
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
        const { semantic, keyword, semanticNormalized, keywordNormalized, fused } = hit.breakdown;
        // The breakdown keeps the raw scores.
        const cos = set.cosines.get(hit.memory.id) ?? Number.NaN;
        expect(Math.abs((semantic ?? Number.NaN) - cos)).toBeLessThan(SIMILARITY_TOLERANCE);
        expect(keyword ?? Number.NaN).toBeCloseTo(keywordScores.get(hit.memory.id) ?? 0, 6);
        expect(fused).toBeCloseTo(
          w.semantic * (semanticNormalized ?? Number.NaN) +
            w.keyword * (keywordNormalized ?? Number.NaN),
          6,
        );
        expect(hit.score).toBe(fused);
      }
      expectNormalizedAsDocumented(hits);
      // By hand: similarities 0.9 … −0.6 span 1.5; keyword c (best) … e (worst).
      expect(byId(hits, set.a).semanticNormalized).toBeCloseTo(1, 6);
      expect(byId(hits, set.d).semanticNormalized).toBeCloseTo(1.1 / 1.5, 4);
      expect(byId(hits, set.e).semanticNormalized).toBeCloseTo(0, 6);
      expect(byId(hits, set.c).keywordNormalized).toBeCloseTo(1, 6);
      expect(byId(hits, set.e).keywordNormalized).toBeCloseTo(0, 6);
      expect(byId(hits, set.b).keywordNormalized).toBe(0);
      expectNonIncreasing(hits);
    }
    // Default weights, by hand: a ≥ 0.7 > b 0.69533 > c 0.62667 > d 0.51333 > f 0.42 > e 0,
    // whatever the backend's keyword scale.
    expect(ids(await store.search.hybrid(project.id, query))).toEqual([
      set.a,
      set.b,
      set.c,
      set.d,
      set.f,
      set.e,
    ]);
  });

  it('weighted: a leg normalises over its own candidates; a row outside a leg gets 0 from it', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const set = await seedHybrid(store, project.id);
    // Threshold 0.4: the semantic leg is a (0.9), b (0.89), d (0.5), so d is its
    // minimum and b = 0.39 / 0.4. c (0.1) and e (−0.6) come in by keyword only and
    // get 0 from the semantic leg, however low their similarity.
    // Fused: a = 0.7 + 0.3·x, b = 0.6825, c = 0.3, then d = e = 0 by similarity.
    const hits = await store.search.hybrid(project.id, query, { threshold: 0.4 });
    expect(ids(hits)).toEqual([set.a, set.b, set.c, set.d, set.e]);
    expectNormalizedAsDocumented(hits);
    expect(byId(hits, set.b).semanticNormalized).toBeCloseTo(0.975, 3);
    expect(byId(hits, set.d)).toMatchObject({ semanticNormalized: 0, keywordNormalized: 0 });
    expect(byId(hits, set.e).semantic).toBeCloseTo(-0.6, 5);
    expect(byId(hits, set.e)).toMatchObject({ semanticRank: null, semanticNormalized: 0 });
    expect(byId(hits, set.c).fused).toBeCloseTo(0.3, 10);
    expect(byId(hits, set.e).fused).toBe(0);
  });

  it('weighted: a leg with a single candidate gives it 1', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const set = await seedHybrid(store, project.id);
    // Semantic leg: a alone (0.9 ≥ 0.895). Keyword leg: d alone ("gibbon").
    const single = { embedding: QUERY, text: 'gibbon' };
    const hits = await store.search.hybrid(project.id, single, { threshold: 0.895 });
    expect(ids(hits)).toEqual([set.a, set.d]);
    expect(byId(hits, set.a)).toMatchObject({
      semanticNormalized: 1,
      keywordNormalized: 0,
      keywordRank: null,
    });
    expect(byId(hits, set.d)).toMatchObject({
      semanticNormalized: 0,
      keywordNormalized: 1,
      semanticRank: null,
    });
    expect(byId(hits, set.a).fused).toBeCloseTo(0.7, 10);
    expect(byId(hits, set.d).fused).toBeCloseTo(0.3, 10);
    const reweighted = await store.search.hybrid(project.id, single, {
      threshold: 0.895,
      weights: { semantic: 2, keyword: 3 },
    });
    expect(ids(reweighted)).toEqual([set.d, set.a]);
    expect(reweighted.map((hit) => hit.score)).toEqual([3, 2]);
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
    // c normalises to 1 and a to x in (0, 1); e, the weakest match, to 0 like the
    // rows that did not match, so it ties with them and similarity orders the tie.
    expect(ids(hybrid)).toEqual([set.c, set.a, set.b, set.d, set.f, set.e]);
    expect(nth(hybrid, 0).score).toBeCloseTo(1, 10);
    expect(nth(hybrid, 1).score).toBeGreaterThan(0);
    expect(nth(hybrid, 1).score).toBeLessThan(1);
    for (const hit of hybrid.slice(2)) expect(hit.score).toBe(0);
    for (const id of [set.b, set.d, set.f]) {
      expect(byId(hybrid, id)).toMatchObject({ keyword: 0, keywordRank: null });
    }
    expect(byId(hybrid, set.e).keyword).toBeGreaterThan(0);
    expect(byId(hybrid, set.e).keywordRank).toBe(3);
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
      // Both fusions report the normalised scores.
      expectNormalizedAsDocumented(hits);
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
      expect(hit.breakdown).toMatchObject({ keyword: 0, keywordRank: null, keywordNormalized: 0 });
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
