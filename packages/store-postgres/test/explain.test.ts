import { afterAll, beforeAll, expect, it } from 'vitest';
import type { PostgresStore } from '../src/index.js';
import {
  adminQuery,
  createTestStore,
  describePostgres,
  dropSchema,
  freshSchema,
  randomVectors,
} from './helpers.js';

const DIMENSION = 32;
const ROWS = 20_000;
const RARE_EVERY = 200;

const WORDS = [
  'alpha',
  'bravo',
  'charlie',
  'delta',
  'echo',
  'foxtrot',
  'golf',
  'hotel',
  'india',
  'juliet',
];

describePostgres('index use (EXPLAIN) on 20K memories', () => {
  const schema = freshSchema();
  let store: PostgresStore;
  let projectId: number;
  const [query = []] = randomVectors(1, 99, DIMENSION);

  beforeAll(async () => {
    store = createTestStore(schema, { embeddingDimension: DIMENSION });
    await store.init();
    const project = await store.projects.create({ name: 'explain', path: '/explain' });
    projectId = project.id;
    const other = await store.projects.create({ name: 'other', path: '/other' });
    const vectors = randomVectors(ROWS, 7, DIMENSION);
    for (let start = 0; start < ROWS; start += 5_000) {
      await store.memories.storeMany(
        start === 0 ? other.id : projectId,
        vectors.slice(start, start + 5_000).map((embedding, i) => {
          const n = start + i;
          return {
            content: `${WORDS[n % WORDS.length]} ${WORDS[(n * 7) % WORDS.length]} note ${n}${n % RARE_EVERY === 0 ? ' zephyr' : ''}`,
            embedding,
            tags: n % RARE_EVERY === 0 ? ['rare'] : ['common'],
            // No index on domain: the planner cannot serve this filter but through the vector index.
            domain: n % 10 === 0 ? 'tenth' : 'rest',
          };
        }),
      );
    }
    await adminQuery(`analyze "${schema}".memory_vectors`);
  }, 240_000);

  afterAll(async () => {
    await store?.close();
    await dropSchema(schema);
  });

  it('semantic search is an HNSW index scan, never a Seq Scan on memory_vectors', async () => {
    const plan = await store.explainSearch({
      kind: 'semantic',
      projectId,
      embedding: query,
      options: { limit: 10 },
    });
    const text = plan.join('\n');
    expect(text).toContain('Index Scan using memory_vectors_embedding_hnsw_idx');
    expect(text).not.toMatch(/Seq Scan on memory_vectors/);
  });

  it('a filtered semantic search scans the HNSW index until `limit` rows match (iterative scan)', async () => {
    // 10% of rows match; ef_search 40 alone would yield about 4 of the 50 wanted.
    const filters = { domains: ['tenth'] };
    const options = { limit: 50, filters, efSearch: 40 };
    const plan = (
      await store.explainSearch({ kind: 'semantic', projectId, embedding: query, options })
    ).join('\n');
    expect(plan).toContain('Index Scan using memory_vectors_embedding_hnsw_idx');
    const hits = await store.search.semantic(projectId, query, options);
    expect(hits).toHaveLength(50);
    expect(hits.every((hit) => hit.memory.domain === 'tenth')).toBe(true);
    const similarities = hits.map((hit) => hit.score);
    expect([...similarities].sort((a, b) => b - a)).toEqual(similarities);
    const exact = await store.search.semantic(projectId, query, { ...options, exact: true });
    const overlap = exact.filter((hit) => hits.some((h) => h.memory.id === hit.memory.id)).length;
    expect(overlap).toBeGreaterThanOrEqual(45);
  });

  it('a very selective filter is served exactly through another index, never a Seq Scan', async () => {
    const filters = { tags: ['rare'] };
    const plan = (
      await store.explainSearch({
        kind: 'semantic',
        projectId,
        embedding: query,
        options: { filters },
      })
    ).join('\n');
    expect(plan).not.toMatch(/Seq Scan on memory_vectors/);
    const hits = await store.search.semantic(projectId, query, { limit: 10, filters });
    expect(hits).toHaveLength(10);
    expect(hits.every((hit) => hit.memory.tags.includes('rare'))).toBe(true);
  });

  it('exact search agrees with the index on the nearest neighbour', async () => {
    const [approximate] = await store.search.semantic(projectId, query, {
      limit: 1,
      efSearch: 200,
    });
    const [exact] = await store.search.semantic(projectId, query, { limit: 1, exact: true });
    expect(approximate?.memory.id).toBe(exact?.memory.id);
    const plan = (
      await store.explainSearch({
        kind: 'semantic',
        projectId,
        embedding: query,
        options: { exact: true },
      })
    ).join('\n');
    expect(plan).not.toContain('hnsw');
  });

  it('hybrid search takes its semantic leg from the HNSW index', async () => {
    const plan = (
      await store.explainSearch({
        kind: 'hybrid',
        projectId,
        query: { embedding: query, text: 'alpha delta' },
      })
    ).join('\n');
    expect(plan).toContain('Index Scan using memory_vectors_embedding_hnsw_idx');
    const hits = await store.search.hybrid(
      projectId,
      { embedding: query, text: 'alpha delta' },
      { limit: 10 },
    );
    expect(hits).toHaveLength(10);
  });

  it('neighbours() runs one HNSW index scan per source memory, with recall against an exact search', async () => {
    const sources = (await store.memories.list(projectId, { limit: 20 })).items.map((m) => m.id);
    const plan = (
      await store.explainSearch({
        kind: 'neighbours',
        projectId,
        memoryIds: sources,
        options: { k: 10, states: ['unconsolidated'] },
      })
    ).join('\n');
    expect(plan).toContain('Index Scan using memory_vectors_embedding_hnsw_idx');
    expect(plan).not.toMatch(/Seq Scan on memory_vectors/);
    const result = await store.search.neighbours(projectId, sources, { k: 10 });
    expect(result.map((entry) => entry.memoryId)).toEqual(sources);
    let found = 0;
    for (const entry of result) {
      const source = await store.memories.get(projectId, entry.memoryId);
      const exact = await store.search.semantic(projectId, source?.embedding ?? [], {
        limit: 11,
        exact: true,
        includeEmbedding: false,
      });
      const truth = new Set(
        exact.map((hit) => hit.memory.id).filter((id) => id !== entry.memoryId),
      );
      found += entry.neighbours.filter((n) => truth.has(n.id)).length;
      expect(entry.neighbours.map((n) => n.id)).not.toContain(entry.memoryId);
    }
    expect(found / (10 * sources.length)).toBeGreaterThanOrEqual(0.9);
  });

  it('keyword search uses the GIN index of the narrow keyword table', async () => {
    const plan = (
      await store.explainSearch(
        { kind: 'keyword', projectId, text: 'zephyr' },
        { enableSeqScan: false },
      )
    ).join('\n');
    expect(plan).toContain('Bitmap Index Scan on memory_text_index_project_tsv_idx');
    // The project is part of the index condition: other projects' matches are never read.
    expect(plan).toMatch(/Index Cond: \(\(project_id = [^)]+\) AND \(tsv @@/);
    const hits = await store.search.keyword(projectId, 'zephyr', { limit: 5 });
    expect(hits).toHaveLength(5);
    expect(hits.every((hit) => hit.memory.content.includes('zephyr'))).toBe(true);
  });

  it('another project never leaks into results', async () => {
    const hits = await store.search.semantic(projectId, query, { limit: 1000, exact: true });
    expect(hits.every((hit) => hit.memory.projectId === projectId)).toBe(true);
  });
});
