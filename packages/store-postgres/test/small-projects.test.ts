import { afterAll, beforeAll, expect, it } from 'vitest';
import { EXACT_SCAN_MAX_ROWS } from '../src/ann-settings.js';
import type { PostgresStore } from '../src/index.js';
import type { VectorIndexPrecision } from '../src/index.js';
import {
  adminQuery,
  createTestStore,
  describePostgres,
  dropSchema,
  freshSchema,
  randomVectors,
} from './helpers.js';

const DIMENSION = 16;
const HNSW = 'memory_vectors_embedding_hnsw_idx';

/**
 * A project of at most EXACT_SCAN_MAX_ROWS memories is searched by scanning
 * its rows, never through the shared graph: the exact answer, whatever the
 * index's precision. A large project, or a search with its own efSearch,
 * still uses the index.
 */
describePostgres('semantic search in a small project', () => {
  const schema = freshSchema();
  const stores: PostgresStore[] = [];
  const queries = randomVectors(5, 11, DIMENSION);
  let big: number;
  let small: number;

  function open(precision: VectorIndexPrecision): PostgresStore {
    const store = createTestStore(schema, {
      embeddingDimension: DIMENSION,
      vectorIndex: { type: 'hnsw', precision },
    });
    stores.push(store);
    return store;
  }

  beforeAll(async () => {
    const store = open('full');
    await store.init();
    big = (await store.projects.create({ name: 'big', path: '/big' })).id;
    small = (await store.projects.create({ name: 'small', path: '/small' })).id;
    const rows = (count: number, seed: number) =>
      randomVectors(count, seed, DIMENSION).map((embedding, i) => ({
        content: `m ${i}`,
        embedding,
      }));
    await store.memories.storeMany(big, rows(EXACT_SCAN_MAX_ROWS + 1_000, 1));
    await store.memories.storeMany(small, rows(400, 2));
    // The statistics the store estimates a project's size from.
    await adminQuery(`analyze "${schema}".memory_vectors`);
  }, 60_000);

  afterAll(async () => {
    for (const store of stores) await store.close();
    await dropSchema(schema);
  });

  for (const precision of ['full', 'half'] as const) {
    it(`${precision} precision: scans the small project exactly (semantic and hybrid), searches the large one through the index`, async () => {
      const store = open(precision);
      await store.init();
      const plan = async (projectId: number, options = {}) =>
        (
          await store.explainSearch({
            kind: 'semantic',
            projectId,
            embedding: queries[0] ?? [],
            options,
          })
        ).join('\n');
      // The exact scan's plan: the distances of the project's rows (CTE c), then the top rows.
      const smallPlan = await plan(small);
      expect(smallPlan).toContain('CTE c');
      expect(smallPlan).not.toContain(HNSW);
      const bigPlan = await plan(big);
      expect(bigPlan).toContain(`Index Scan using ${HNSW}`);
      expect(bigPlan).not.toContain('CTE c');
      // A search that sets its own efSearch asks for the index: the planner decides.
      expect(await plan(small, { efSearch: 100 })).not.toContain('CTE c');
      // Hybrid search's semantic leg too.
      const hybridPlan = async (projectId: number) =>
        (
          await store.explainSearch({
            kind: 'hybrid',
            projectId,
            query: { embedding: queries[0] ?? [], text: 'm' },
          })
        ).join('\n');
      expect(await hybridPlan(small)).toContain('CTE sem_all');
      expect(await hybridPlan(big)).not.toContain('CTE sem_all');
      for (const embedding of queries) {
        const exact = await store.search.semantic(small, embedding, { limit: 10, exact: true });
        const found = await store.search.semantic(small, embedding, { limit: 10 });
        expect(found.map((hit) => [hit.memory.id, hit.score])).toEqual(
          exact.map((hit) => [hit.memory.id, hit.score]),
        );
        // No word matches: the hybrid ranking is the semantic one, over exact candidates.
        const hybrid = await store.search.hybrid(small, { embedding, text: 'qqqq' }, { limit: 10 });
        expect(hybrid.map((hit) => [hit.memory.id, hit.breakdown.semantic])).toEqual(
          exact.map((hit) => [hit.memory.id, hit.score]),
        );
      }
    });
  }
});
