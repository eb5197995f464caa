import { afterAll, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION } from '../src/index.js';
import {
  adminQuery,
  createTestStore,
  describePostgres,
  dropSchema,
  freshSchema,
  randomVectors,
  rollBackTo,
} from './helpers.js';

/** ANN indexes in `schema`, as `table.index`, sorted. */
async function annIndexes(schema: string): Promise<string[]> {
  const rows = await adminQuery<{ name: string }>(
    `select t.relname || '.' || i.relname as name
     from pg_index x
     join pg_class i on i.oid = x.indexrelid
     join pg_class t on t.oid = x.indrelid
     join pg_namespace n on n.oid = t.relnamespace
     join pg_am am on am.oid = i.relam
     where n.nspname = $1 and am.amname in ('hnsw', 'ivfflat')
     order by 1`,
    [schema],
  );
  return rows.map((row) => row.name);
}

describePostgres(
  'migration 9 (vectors in memory_embeddings) on an existing version-8 database',
  () => {
    const schema = freshSchema();
    afterAll(async () => {
      await dropSchema(schema);
    });

    it('moves every vector out of its row, keeps search answers, and moves the ANN index', async () => {
      const vectors = randomVectors(40, 9, 8);
      const query = randomVectors(1, 77, 8)[0] as number[];
      const old = createTestStore(schema);
      let projectId: number;
      let ids: number[];
      let before: { id: number; score: number }[];
      try {
        await old.init();
        projectId = (await old.projects.create({ name: 'v8', path: '/v8' })).id;
        ids = await old.memories.storeMany(
          projectId,
          vectors.map((embedding, i) => ({ content: `memory ${i}`, embedding })),
        );
        before = (await old.search.semantic(projectId, query, { limit: 10, exact: true })).map(
          (hit) => ({ id: hit.memory.id, score: hit.score }),
        );
        // Back to version 8: the vectors in the rows, with the ANN indexes a store of then built.
        await rollBackTo(schema, 8);
        await adminQuery(
          `create index memory_vectors_embedding_hnsw_idx on "${schema}".memory_vectors
         using hnsw (embedding vector_cosine_ops)`,
        );
        await adminQuery(
          `create index memory_vectors_p${projectId}_hnsw_idx on "${schema}".memory_vectors
         using hnsw (embedding vector_cosine_ops) where project_id = ${projectId}`,
        );
      } finally {
        await old.close();
      }
      expect(await annIndexes(schema)).toEqual([
        'memory_vectors.memory_vectors_embedding_hnsw_idx',
        `memory_vectors.memory_vectors_p${projectId}_hnsw_idx`,
      ]);

      const store = createTestStore(schema);
      try {
        await store.init();
        expect((await store.health()).schemaVersion).toBe(LATEST_SCHEMA_VERSION);
        const columns = await adminQuery<{ column_name: string }>(
          `select column_name from information_schema.columns
         where table_schema = $1 and table_name = 'memory_vectors' and column_name = 'embedding'`,
          [schema],
        );
        expect(columns).toEqual([]);
        // Every vector, bit for bit, under its memory's id.
        const memories = await store.memories.getMany(projectId, ids);
        expect(memories.map((m) => Array.from(m.embedding))).toEqual(
          vectors.map((v) => Array.from(Float32Array.from(v))),
        );
        const exact = await store.search.semantic(projectId, query, { limit: 10, exact: true });
        expect(exact.map((hit) => ({ id: hit.memory.id, score: hit.score }))).toEqual(before);
        const approximate = await store.search.semantic(projectId, query, { limit: 10 });
        expect(approximate.map((hit) => hit.memory.id)).toEqual(before.map((hit) => hit.id));
        // The old column's indexes went with it; init() built the configured one on the new table.
        expect(await annIndexes(schema)).toEqual([
          'memory_embeddings.memory_vectors_embedding_hnsw_idx',
        ]);
        // A deleted memory takes its vector with it.
        await store.memories.delete(projectId, ids[0] as number);
        const counted = await adminQuery<{ n: string }>(
          `select count(*) as n from "${schema}".memory_embeddings`,
        );
        expect(Number(counted[0]?.n)).toBe(vectors.length - 1);
        expect((await store.stats()).indexes.find((i) => i.name === 'memory_embeddings')).toEqual(
          expect.objectContaining({ valid: true }),
        );
      } finally {
        await store.close();
      }
    });
  },
);
