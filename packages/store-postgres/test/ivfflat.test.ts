import { afterAll, expect, it } from 'vitest';
import type { VectorIndexInfo } from '../src/index.js';
import { createTestStore, describePostgres, dropSchema, freshSchema, vector } from './helpers.js';

describePostgres('IVFFlat deferred build', () => {
  const schema = freshSchema();
  afterAll(async () => {
    await dropSchema(schema);
  });

  it('is not built on an empty table, is built once minRows exist, and rebuilds on request', async () => {
    const warnings: string[] = [];
    const store = createTestStore(schema, {
      vectorIndex: { type: 'ivfflat', lists: 4, minRows: 40 },
      logger: { warn: (message) => warnings.push(message) },
    });
    const indexes = async () =>
      ((await store.health()).details.vectorIndex as { indexes: VectorIndexInfo[] }).indexes;
    try {
      await store.init();
      expect(await indexes()).toEqual([]);
      expect(warnings.some((w) => w.includes('deferred'))).toBe(true);
      const project = await store.projects.create({ name: 'ivf', path: '/ivf' });
      await store.memories.storeMany(
        project.id,
        Array.from({ length: 30 }, (_, i) => ({ content: `row ${i}`, embedding: vector(8, i) })),
      );
      expect(await indexes()).toEqual([]);
      expect((await store.ensureVectorIndex()).action).toBe('deferred');
      await store.memories.storeMany(
        project.id,
        Array.from({ length: 9 }, (_, i) => ({
          content: `more ${i}`,
          embedding: vector(8, 100 + i),
        })),
      );
      expect(await indexes()).toEqual([]);
      await store.memories.store(project.id, {
        content: 'the fortieth',
        embedding: vector(8, 500),
      });
      expect(await indexes()).toEqual([
        {
          name: 'memory_vectors_embedding_ivfflat_idx',
          method: 'ivfflat',
          precision: 'full',
          valid: true,
        },
      ]);
      const rebuilt = await store.rebuildVectorIndex();
      expect(rebuilt.action).toBe('rebuilt');
      expect(rebuilt.index).toMatchObject({ method: 'ivfflat', valid: true });
      const hits = await store.search.semantic(project.id, vector(8, 3), { limit: 5, probes: 4 });
      expect(hits[0]?.memory.content).toBe('row 3');
    } finally {
      await store.close();
    }
  });

  it('switching the same schema back to HNSW replaces the IVFFlat index', async () => {
    const store = createTestStore(schema);
    try {
      await store.init();
      const indexes = ((await store.health()).details.vectorIndex as { indexes: VectorIndexInfo[] })
        .indexes;
      expect(indexes.map((i) => i.method)).toEqual(['hnsw']);
    } finally {
      await store.close();
    }
  });
});
