import type { Store } from '@athena/core-types';
import { expect, it } from 'vitest';
import { atCosine, exactly, ids, memoryInput, nth, sorted } from './fixtures.js';
import type { SuiteContext } from './suite-context.js';

/**
 * Documents of equal length whose relevance differs only by how often, or how
 * many of, the query terms occur: BM25 (FTS5) and ts_rank agree on the order.
 */
const FILLER = ['river', 'stone', 'cloud', 'lamp', 'tree', 'bird', 'hill', 'sand'];

function doc(terms: readonly string[], length = 8): string {
  return [...terms, ...FILLER].slice(0, length).join(' ');
}

async function storeDocs(
  store: Store,
  projectId: number,
  contents: readonly string[],
): Promise<number[]> {
  const stored: number[] = [];
  for (const content of contents) {
    stored.push((await store.memories.store(projectId, memoryInput({ content }))).id);
  }
  return stored;
}

/** search.keyword(): relevance order, normalised scores, plain-text queries. */
export function keywordSearchTests(ctx: SuiteContext): void {
  it('more occurrences of the term rank higher; documents without it are not returned', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const [once, , thrice, twice] = exactly(
      await storeDocs(store, project.id, [
        doc(['quokka']),
        doc([]),
        doc(['quokka', 'quokka', 'quokka']),
        doc(['quokka', 'quokka']),
      ]),
      4,
    );
    expect(ids(await store.search.keyword(project.id, 'quokka'))).toEqual([thrice, twice, once]);
  });

  it('covering more query terms ranks higher (any term matches)', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const [two, unrelated, one, three] = await storeDocs(store, project.id, [
      doc(['pangolin', 'narwhal']),
      doc(['gibbon']),
      doc(['narwhal']),
      doc(['pangolin', 'narwhal', 'axolotl']),
    ]);
    const hits = await store.search.keyword(project.id, 'axolotl pangolin narwhal');
    expect(ids(hits)).toEqual([three, two, one]);
    expect(ids(hits)).not.toContain(unrelated);
  });

  it('scores are in (0, 1), non-increasing; breakdown: keyword = score = fused, rank = position, semantic and normalised scores null', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    await storeDocs(store, project.id, [
      doc(['quokka']),
      doc(['quokka', 'quokka', 'quokka']),
      doc(['quokka', 'quokka']),
    ]);
    const hits = await store.search.keyword(project.id, 'quokka');
    expect(hits).toHaveLength(3);
    hits.forEach((hit, i) => {
      expect(hit.score).toBeGreaterThan(0);
      expect(hit.score).toBeLessThan(1);
      expect(hit.score).toBe(hit.breakdown.fused);
      expect(hit.breakdown.keyword).toBe(hit.score);
      expect(hit.breakdown.semantic).toBeNull();
      expect(hit.breakdown.semanticRank).toBeNull();
      expect(hit.breakdown.keywordRank).toBe(i + 1);
      expect(hit.breakdown.semanticNormalized).toBeNull();
      expect(hit.breakdown.keywordNormalized).toBeNull();
      if (i > 0) expect(hit.score).toBeLessThan(nth(hits, i - 1).score);
    });
  });

  it('matching is case-insensitive', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const stored = await storeDocs(store, project.id, [
      'the quokka sleeps',
      'QUOKKA facts',
      'otter',
    ]);
    expect(sorted(ids(await store.search.keyword(project.id, 'Quokka')))).toEqual(
      stored.slice(0, 2),
    );
  });

  it('user text is never query syntax: quotes, operators and punctuation are words or ignored', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const [target, other] = await storeDocs(store, project.id, [doc(['quokka']), doc(['wombat'])]);
    const queries = [
      'quokka AND',
      'quokka OR',
      'NOT quokka',
      '"quokka',
      "quokka'",
      'quokka*',
      '-quokka',
      'quokka:',
      '(quokka',
      'NEAR(quokka)',
      'quokka & | ! <->',
      'title:quokka',
      '^quokka',
      "quokka'); DROP TABLE memory_vectors; --",
    ];
    for (const text of queries) {
      const found = ids(await store.search.keyword(project.id, text));
      expect(found, `query ${JSON.stringify(text)}`).toContain(target);
      expect(found, `query ${JSON.stringify(text)}`).not.toContain(other);
    }
    expect(await store.memories.count(project.id)).toBe(2);
  });

  it('a query with no words (only punctuation) returns no results', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    await storeDocs(store, project.id, [doc(['quokka'])]);
    // Reading: with nothing to match, the answer is empty rather than an error.
    expect(await store.search.keyword(project.id, '"\'*()-:^')).toEqual([]);
  });

  it('a word that occurs nowhere returns no results', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    await storeDocs(store, project.id, [doc(['quokka']), doc(['wombat'])]);
    expect(await store.search.keyword(project.id, 'platypus')).toEqual([]);
  });

  it('limit caps the results; the default limit is 10', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    await storeDocs(
      store,
      project.id,
      Array.from({ length: 12 }, (_, i) => `quokka ${FILLER.slice(0, 1 + (i % 7)).join(' ')}`),
    );
    expect(await store.search.keyword(project.id, 'quokka')).toHaveLength(10);
    expect(await store.search.keyword(project.id, 'quokka', { limit: 4 })).toHaveLength(4);
    expect(await store.search.keyword(project.id, 'quokka', { limit: 50 })).toHaveLength(12);
  });

  it('fresh (unconsolidated) memories are found by default, and so is every other state', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const [fresh, claimed, replacement, superseded] = exactly(
      await storeDocs(store, project.id, [
        'quokka fresh',
        'quokka claimed',
        'quokka replacement',
        'quokka superseded',
      ]),
      4,
    );
    await store.consolidation.transition(project.id, claimed, 'consolidating');
    await store.consolidation.transition(project.id, superseded, 'superseded', {
      supersededBy: replacement,
    });
    const found = ids(await store.search.keyword(project.id, 'quokka'));
    expect(found.sort((a, b) => a - b)).toEqual([fresh, claimed, replacement, superseded]);
  });

  it('returns whole memories', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const memory = await store.memories.store(
      project.id,
      memoryInput({ content: 'the wombat digs', tags: ['t'], embedding: atCosine(0.2) }),
    );
    const hits = await store.search.keyword(project.id, 'wombat');
    expect(hits).toHaveLength(1);
    expect(nth(hits, 0).memory).toEqual(memory);
  });
}
