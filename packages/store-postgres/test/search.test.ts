import { ConflictError, NotFoundError } from '@athena/core-types';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { PostgresStore } from '../src/index.js';
import { createTestStore, describePostgres, dropSchema, freshSchema, vector } from './helpers.js';

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return dot / Math.sqrt(na * nb);
}

describePostgres('search semantics and error mapping', () => {
  const schema = freshSchema();
  let store: PostgresStore;
  let projectId: number;
  let ids: number[];
  beforeAll(async () => {
    store = createTestStore(schema);
    await store.init();
    projectId = (await store.projects.create({ name: 'search', path: '/search' })).id;
    ids = await store.memories.storeMany(projectId, [
      { content: 'Use pnpm workspaces for the monorepo', embedding: vector(8, 1) },
      { content: 'PostgreSQL with pgvector stores embeddings', embedding: vector(8, 2) },
      { content: 'The cat sat on the mat', embedding: vector(8, 3) },
      { content: "C++ templates & O'Reilly's (book) -- a:b | c!", embedding: vector(8, 4) },
    ]);
  });
  afterAll(async () => {
    await store?.close();
    await dropSchema(schema);
  });

  it('keyword text is plain text: any word matches, operators and quotes are just words', async () => {
    const hits = await store.search.keyword(projectId, 'pnpm OR "cats" & !');
    expect(hits.map((h) => h.memory.id).sort()).toEqual([ids[0], ids[2]].sort());
    const odd = await store.search.keyword(projectId, "O'Reilly's (templates) | a:b & !c");
    expect(odd[0]?.memory.id).toBe(ids[3]);
    expect(await store.search.keyword(projectId, 'the and of')).toEqual([]);
    for (const hit of hits) {
      expect(hit.score).toBeGreaterThan(0);
      expect(hit.score).toBeLessThan(1);
    }
  });

  it('semantic similarity is the cosine of the stored 32-bit vectors', async () => {
    const query = vector(8, 2);
    const hits = await store.search.semantic(projectId, query, { limit: 4 });
    expect(hits[0]?.memory.id).toBe(ids[1]);
    for (const hit of hits)
      expect(hit.score).toBeCloseTo(cosine(hit.memory.embedding, Float32Array.from(query)), 5);
    const above = await store.search.semantic(projectId, query, { threshold: 0.99 });
    expect(above.map((h) => h.memory.id)).toEqual([ids[1]]);
  });

  it('hybrid scores follow the documented fusion formulas', async () => {
    const query = { embedding: vector(8, 3), text: 'pgvector embeddings' };
    const weighted = await store.search.hybrid(projectId, query, {
      weights: { semantic: 0.6, keyword: 0.4 },
    });
    expect(weighted).toHaveLength(4);
    // Every row is a semantic candidate; only the pgvector memory matches the text,
    // so the keyword leg is that one row and normalises to 1.
    const similarities = weighted.map((hit) => hit.breakdown.semantic ?? Number.NaN);
    const low = Math.min(...similarities);
    const high = Math.max(...similarities);
    for (const hit of weighted) {
      const { semantic, keywordRank, semanticNormalized, keywordNormalized, fused } = hit.breakdown;
      const matched = hit.memory.id === ids[1];
      expect(keywordRank).toBe(matched ? 1 : null);
      expect(keywordNormalized).toBe(matched ? 1 : 0);
      expect(semanticNormalized).toBeCloseTo(((semantic ?? Number.NaN) - low) / (high - low), 9);
      expect(fused).toBeCloseTo(0.6 * (semanticNormalized ?? 0) + 0.4 * (matched ? 1 : 0), 9);
      expect(hit.score).toBe(fused);
    }
    const rrf = await store.search.hybrid(projectId, query, { fusion: 'rrf', rrfK: 10 });
    for (const hit of rrf) {
      const { semanticRank, keywordRank, fused } = hit.breakdown;
      const expected =
        (semanticRank ? 1 / (10 + semanticRank) : 0) + (keywordRank ? 1 / (10 + keywordRank) : 0);
      expect(fused).toBeCloseTo(expected, 12);
    }
    const fusedScores = rrf.map((h) => h.score);
    expect([...fusedScores].sort((a, b) => b - a)).toEqual(fusedScores);
    const pgHit = rrf.find((h) => h.memory.id === ids[1]);
    expect(pgHit?.breakdown.keywordRank).toBe(1);
  });

  it('maps driver errors to typed errors that keep the driver error as cause', async () => {
    const conflict: unknown = await store.projects
      .create({ name: 'search', path: '/x' })
      .catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(ConflictError);
    expect((conflict as ConflictError).details).toMatchObject({ sqlstate: '23505' });
    expect(((conflict as ConflictError).cause as { code?: string }).code).toBe('23505');
    const missing: unknown = await store.memories
      .store(987_654, { content: 'orphan', embedding: vector(8, 1) })
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect((missing as NotFoundError).details).toMatchObject({
      entity: 'project',
      id: 987_654,
      sqlstate: '23503',
    });
  });
});
