import { afterAll, beforeAll, expect, it } from 'vitest';
import { EXACT_SCAN_MAX_ROWS } from '../src/ann-settings.js';
import type { PostgresStore } from '../src/index.js';
import {
  adminQuery,
  createTestStore,
  describePostgres,
  dropSchema,
  freshSchema,
  randomVectors,
} from './helpers.js';

const DIMENSION = 16;

/** Definitions of the HNSW indexes of `schema`'s memory_vectors, by name. */
async function hnswIndexes(schema: string): Promise<Map<string, string>> {
  const rows = await adminQuery<{ name: string; definition: string }>(
    `select c.relname as name, pg_get_indexdef(i.indexrelid) as definition
     from pg_index i join pg_class c on c.oid = i.indexrelid
     join pg_namespace n on n.oid = c.relnamespace join pg_am am on am.oid = c.relam
     where n.nspname = $1 and am.amname = 'hnsw'`,
    [schema],
  );
  return new Map(rows.map((row) => [row.name, row.definition]));
}

const HALF =
  /\(\((\w+\.)?l2_normalize\(embedding\)\)::(\w+\.)?halfvec\(16\)\) (\w+\.)?halfvec_cosine_ops/;
const FULL = /\(embedding (\w+\.)?vector_cosine_ops\)/;

describePostgres('vector index precision', () => {
  const schema = freshSchema();
  let store: PostgresStore;
  let projectId: number;
  const queries = randomVectors(8, 5, DIMENSION);

  beforeAll(async () => {
    store = createTestStore(schema, {
      embeddingDimension: DIMENSION,
      vectorIndex: { type: 'hnsw', precision: 'half' },
    });
    await store.init();
    projectId = (await store.projects.create({ name: 'p', path: '/p' })).id;
    await store.memories.storeMany(
      projectId,
      // Above EXACT_SCAN_MAX_ROWS: searches use the index rather than scanning the project.
      randomVectors(EXACT_SCAN_MAX_ROWS + 1_000, 3, DIMENSION).map((embedding, i) => ({
        content: `note ${i}`,
        embedding,
      })),
    );
    // A second project, so that the first holds less than all rows (a graph's maxShare).
    const other = (await store.projects.create({ name: 'q', path: '/q' })).id;
    await store.memories.store(other, { content: 'elsewhere', embedding: queries[0] ?? [] });
  }, 60_000);

  afterAll(async () => {
    await store?.close();
    await dropSchema(schema);
  });

  it('builds a half-precision HNSW index over halfvec casts of the normalised vectors', async () => {
    const indexes = await hnswIndexes(schema);
    expect(indexes.get('memory_vectors_embedding_hnsw_idx')).toMatch(HALF);
    const health = await store.health();
    expect(health.details).toMatchObject({
      vectorIndex: {
        indexes: [{ name: 'memory_vectors_embedding_hnsw_idx', precision: 'half', valid: true }],
      },
    });
  });

  it('returns the exact search’s neighbours with full-precision similarities, in their order', async () => {
    const plan = await store.explainSearch({
      kind: 'semantic',
      projectId,
      embedding: queries[0] ?? [],
    });
    expect(plan.join('\n')).toContain('Index Scan using memory_vectors_embedding_hnsw_idx');
    for (const embedding of queries) {
      const exact = await store.search.semantic(projectId, embedding, { limit: 10, exact: true });
      const approximate = await store.search.semantic(projectId, embedding, { limit: 10 });
      expect(approximate.map((hit) => hit.memory.id)).toEqual(exact.map((hit) => hit.memory.id));
      // Bit for bit: a similarity computed from 16-bit floats would differ around 1e-4.
      expect(approximate.map((hit) => hit.score)).toEqual(exact.map((hit) => hit.score));
      const hybrid = await store.search.hybrid(
        projectId,
        { embedding, text: 'note' },
        { limit: 5 },
      );
      const byId = new Map(exact.map((hit) => [hit.memory.id, hit.score]));
      for (const hit of hybrid) {
        if (byId.has(hit.memory.id)) expect(hit.breakdown.semantic).toBe(byId.get(hit.memory.id));
      }
    }
  });

  it('rebuilds the shared index and the project graphs when the precision changes', async () => {
    await store.buildProjectGraphs({ minRows: 2_000, maxShare: 0.9999 });
    const graph = `memory_vectors_p${projectId}_hnsw_idx`;
    expect((await hnswIndexes(schema)).get(graph)).toMatch(HALF);

    // The default precision: full.
    const full = createTestStore(schema, { embeddingDimension: DIMENSION });
    try {
      await full.init();
      const indexes = await hnswIndexes(schema);
      expect(indexes.get('memory_vectors_embedding_hnsw_idx')).toMatch(FULL);
      // A graph over the other precision serves no search: init() drops it.
      expect(indexes.has(graph)).toBe(false);
      expect(await full.buildProjectGraphs({ minRows: 2_000, maxShare: 0.9999 })).toEqual({
        created: [projectId],
        dropped: [],
        kept: [],
      });
      expect((await hnswIndexes(schema)).get(graph)).toMatch(FULL);
      const [embedding = []] = queries;
      const exact = await full.search.semantic(projectId, embedding, { limit: 10, exact: true });
      const approximate = await full.search.semantic(projectId, embedding, { limit: 10 });
      expect(approximate.map((hit) => hit.score)).toEqual(exact.map((hit) => hit.score));
    } finally {
      await full.close();
    }

    // Back to half: the store's own ensureVectorIndex() and buildProjectGraphs().
    expect((await store.ensureVectorIndex()).action).toBe('created');
    expect(await store.buildProjectGraphs({ minRows: 2_000, maxShare: 0.9999 })).toEqual({
      created: [projectId],
      dropped: [],
      kept: [],
    });
    const indexes = await hnswIndexes(schema);
    expect(indexes.get('memory_vectors_embedding_hnsw_idx')).toMatch(HALF);
    expect(indexes.get(graph)).toMatch(HALF);
  });
});
