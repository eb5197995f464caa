import { ValidationError } from '@athena/core-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

async function graphIndex(
  schema: string,
  projectId: number,
): Promise<{ valid: boolean; definition: string } | undefined> {
  const rows = await adminQuery<{ valid: boolean; definition: string }>(
    `select i.indisvalid as valid, pg_get_indexdef(i.indexrelid) as definition
     from pg_index i join pg_class c on c.oid = i.indexrelid
     join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = $1 and c.relname = $2`,
    [schema, `memory_vectors_p${projectId}_hnsw_idx`],
  );
  return rows[0];
}

async function indexScans(schema: string, index: string): Promise<number> {
  const rows = await adminQuery<{ scans: string }>(
    `select coalesce(sum(idx_scan), 0) as scans from pg_stat_user_indexes
     where schemaname = $1 and indexrelname = $2`,
    [schema, index],
  );
  return Number(rows[0]?.scans ?? 0);
}

describePostgres('project graphs (buildProjectGraphs)', () => {
  const schema = freshSchema();
  let store: PostgresStore;
  /** 6,000 memories: 74 % of the rows, served by the shared graph. */
  let big: number;
  /** 2,000 memories: its own graph with minRows 1,000. */
  let medium: number;
  /** 50 memories: too small for a graph. */
  let small: number;
  const queries = randomVectors(12, 99, DIMENSION);

  beforeAll(async () => {
    store = createTestStore(schema, { embeddingDimension: DIMENSION });
    await store.init();
    const sizes: [string, number][] = [
      ['big', 6_000],
      ['medium', 2_000],
      ['small', 50],
    ];
    const ids: number[] = [];
    for (const [name, rows] of sizes) {
      const project = await store.projects.create({ name, path: `/${name}` });
      ids.push(project.id);
      await store.memories.storeMany(
        project.id,
        randomVectors(rows, project.id * 7, DIMENSION).map((embedding, i) => ({
          content: `${name} note ${i}`,
          embedding,
        })),
      );
    }
    [big = 0, medium = 0, small = 0] = ids;
  }, 60_000);

  afterAll(async () => {
    await store?.close();
    await dropSchema(schema);
  });

  it('rejects bad options with a ValidationError naming the field, building nothing', async () => {
    await expect(store.buildProjectGraphs({ minRows: 0 })).rejects.toThrow(ValidationError);
    await expect(store.buildProjectGraphs({ minRows: 1.5 })).rejects.toThrow(/minRows/);
    await expect(store.buildProjectGraphs({ maxShare: 0 })).rejects.toThrow(/maxShare/);
    await expect(store.buildProjectGraphs({ maxShare: 1.5 })).rejects.toThrow(/maxShare/);
    for (const project of [big, medium, small]) {
      expect(await graphIndex(schema, project)).toBeUndefined();
    }
  });

  it('builds a partial HNSW graph only for a project large enough and not dominant', async () => {
    const outcome = await store.buildProjectGraphs({ minRows: 1_000, maxShare: 0.5 });
    expect(outcome).toEqual({ created: [medium], dropped: [], kept: [] });
    const index = await graphIndex(schema, medium);
    expect(index?.valid).toBe(true);
    expect(index?.definition).toMatch(/USING hnsw/);
    expect(index?.definition).toMatch(new RegExp(`WHERE \\(project_id = '?${medium}'?`));
    expect(await graphIndex(schema, big)).toBeUndefined();
    expect(await graphIndex(schema, small)).toBeUndefined();
  });

  it('is idempotent: a second call keeps the graph', async () => {
    const outcome = await store.buildProjectGraphs({ minRows: 1_000, maxShare: 0.5 });
    expect(outcome).toEqual({ created: [], dropped: [], kept: [medium] });
  });

  it('plans searches in that project on its graph, the others on the shared one', async () => {
    const embedding = queries[0] ?? [];
    const own = (
      await store.explainSearch({ kind: 'semantic', projectId: medium, embedding })
    ).join('\n');
    expect(own).toContain(`Index Scan using memory_vectors_p${medium}_hnsw_idx`);
    expect(own).not.toContain('Filter: (project_id');
    const shared = (
      await store.explainSearch({ kind: 'semantic', projectId: small, embedding })
    ).join('\n');
    expect(shared).not.toContain(`memory_vectors_p${medium}_hnsw_idx`);
    const hybrid = (
      await store.explainSearch({
        kind: 'hybrid',
        projectId: medium,
        query: { embedding, text: 'note' },
      })
    ).join('\n');
    expect(hybrid).toContain(`memory_vectors_p${medium}_hnsw_idx`);
  });

  it('finds the nearest neighbours there (recall@10 ≥ 0.9), in and out of transactions', async () => {
    for (const embedding of queries.slice(0, 5)) {
      const exact = await store.search.semantic(medium, embedding, { limit: 10, exact: true });
      const approximate = await store.search.semantic(medium, embedding, { limit: 10 });
      const inTransaction = await store.transaction((tx) =>
        tx.search.semantic(medium, embedding, { limit: 10 }),
      );
      const truth = new Set(exact.map((hit) => hit.memory.id));
      expect(approximate.filter((hit) => truth.has(hit.memory.id)).length).toBeGreaterThanOrEqual(
        9,
      );
      expect(inTransaction.map((hit) => hit.memory.id)).toEqual(
        approximate.map((hit) => hit.memory.id),
      );
      expect(approximate.every((hit) => hit.memory.projectId === medium)).toBe(true);
    }
  });

  it('serves repeated searches from the graph, past the prepared-statement plan cache', async () => {
    const index = `memory_vectors_p${medium}_hnsw_idx`;
    const before = await indexScans(schema, index);
    const searcher = createTestStore(schema, {
      embeddingDimension: DIMENSION,
      poolMin: 1,
      poolMax: 1,
    });
    await searcher.init();
    // More than the 5 custom plans after which PostgreSQL may switch a prepared statement to a
    // generic plan, which could not match the partial index.
    for (const embedding of queries) await searcher.search.semantic(medium, embedding);
    await searcher.close();
    // A backend flushes its statistics when it exits.
    let after = before;
    for (let i = 0; i < 50 && after < before + queries.length; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      after = await indexScans(schema, index);
    }
    expect(after - before).toBeGreaterThanOrEqual(queries.length);
  });

  it('rebuilds a graph an interrupted build left invalid', async () => {
    await adminQuery(`update pg_index set indisvalid = false where indexrelid = $1::regclass`, [
      `${schema}.memory_vectors_p${medium}_hnsw_idx`,
    ]);
    const outcome = await store.buildProjectGraphs({ minRows: 1_000, maxShare: 0.5 });
    expect(outcome).toEqual({ created: [medium], dropped: [], kept: [] });
    expect((await graphIndex(schema, medium))?.valid).toBe(true);
  });

  it('drops the graph of a deleted project, and searches elsewhere are unaffected', async () => {
    await store.projects.delete(medium);
    const outcome = await store.buildProjectGraphs({ minRows: 1_000, maxShare: 0.5 });
    expect(outcome).toEqual({ created: [], dropped: [medium], kept: [] });
    expect(await graphIndex(schema, medium)).toBeUndefined();
    const hits = await store.search.semantic(small, queries[0] ?? [], { limit: 5 });
    expect(hits).toHaveLength(5);
  });
});

describePostgres('project graphs without HNSW', () => {
  describe.each([
    ['ivfflat', { type: 'ivfflat', lists: 1, minRows: 1 }],
    ['none', { type: 'none' }],
  ] as const)('vectorIndex %s', (_, vectorIndex) => {
    it('builds nothing', async () => {
      const schema = freshSchema();
      const store = createTestStore(schema, { embeddingDimension: DIMENSION, vectorIndex });
      try {
        await store.init();
        // Two projects of 50 % each: with HNSW, both would get a graph.
        for (const name of ['p', 'q']) {
          const project = await store.projects.create({ name, path: `/${name}` });
          await store.memories.storeMany(
            project.id,
            randomVectors(20, project.id, DIMENSION).map((embedding, i) => ({
              content: `n${i}`,
              embedding,
            })),
          );
        }
        expect(await store.buildProjectGraphs({ minRows: 1, maxShare: 1 })).toEqual({
          created: [],
          dropped: [],
          kept: [],
        });
      } finally {
        await store.close();
        await dropSchema(schema);
      }
    });
  });
});
