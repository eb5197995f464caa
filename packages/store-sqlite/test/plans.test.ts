import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../src/index.js';
import { parseFilters } from '@athena/core-types';
import { memoryPageSql } from '../src/sql/memory-page-sql.js';
import { hybridSql, keywordSql, semanticSql } from '../src/sql/search-sql.js';
import type { SemanticPlan } from '../src/sql/search-sql.js';
import { axis, rawConnection, removeTmpFiles, tmpFile } from './temp-db.js';

afterEach(removeTmpFiles);

function plan(path: string, sql: string): string {
  const raw = rawConnection(path);
  try {
    const params = {
      embedding: Buffer.from(new Float32Array(axis(0)).buffer),
      projectId: 1,
      candidates: 10,
      limit: 10,
      threshold: 0,
      match: '"x"',
      semanticWeight: 0.7,
      keywordWeight: 0.3,
      rrfK: 60,
      filterTags: '["a"]',
      quantizedCandidates: 200,
    };
    const rows = raw.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[];
    return rows.map((row) => row.detail).join('\n');
  } finally {
    raw.close();
  }
}

/** A semantic statement shape over 8-dimensional vectors, embeddings selected. */
const shape = (plan: SemanticPlan) =>
  ({ plan, withThreshold: false, withEmbedding: true, dimension: 8 }) as const;

describe('query plans', () => {
  it('unfiltered semantic and hybrid search use the vec0 KNN index and the FTS5 index', async () => {
    const path = tmpFile();
    const store = new SqliteStore({ path, embeddingDimension: 8 });
    await store.init();
    await store.close();
    const knn = plan(path, semanticSql(shape('knn'), {}).sql);
    expect(knn).toMatch(/SCAN vec_memories VIRTUAL TABLE INDEX/);
    const hybrid = plan(
      path,
      hybridSql(
        { ...shape('knn'), fusion: 'weighted', withThreshold: true, withKeywords: true },
        {},
      ).sql,
    );
    expect(hybrid).toMatch(/SCAN vec_memories VIRTUAL TABLE INDEX/);
    expect(hybrid).toMatch(/SCAN memory_fts VIRTUAL TABLE INDEX/);
  });

  it('quantised candidates come from the project range of memory_bits, re-scored by id', async () => {
    const path = tmpFile();
    const store = new SqliteStore({ path, embeddingDimension: 8 });
    await store.init();
    await store.close();
    const quantized = plan(path, semanticSql(shape('quantized'), {}).sql);
    expect(quantized).toMatch(/SEARCH memory_bits USING PRIMARY KEY \(project_id=\?\)/);
    expect(quantized).toMatch(/SEARCH m USING INTEGER PRIMARY KEY \(rowid=\?\)/);
    expect(quantized).not.toMatch(/vec_memories/);
    const hybrid = plan(
      path,
      hybridSql({ ...shape('quantized'), fusion: 'rrf', withKeywords: true }, {}).sql,
    );
    expect(hybrid).toMatch(/SEARCH memory_bits USING PRIMARY KEY \(project_id=\?\)/);
    expect(hybrid).toMatch(/SCAN memory_fts VIRTUAL TABLE INDEX/);
  });

  it('an unfiltered keyword search checks the project in memory_bits, per FTS5 match', async () => {
    const path = tmpFile();
    const store = new SqliteStore({ path, embeddingDimension: 8 });
    await store.init();
    await store.close();
    const keyword = plan(path, keywordSql({}, true).sql);
    expect(keyword).toMatch(/SCAN memory_fts VIRTUAL TABLE INDEX/);
    expect(keyword).toMatch(/SEARCH b USING PRIMARY KEY \(project_id=\? AND memory_id=\?\)/);
    const filtered = plan(path, keywordSql(parseFilters({ tags: ['a'] }), true).sql);
    expect(filtered).not.toMatch(/memory_bits/);
  });

  it('a filtered semantic search scans the project rows by index, not the vec0 table', async () => {
    const path = tmpFile();
    const store = new SqliteStore({ path, embeddingDimension: 8 });
    await store.init();
    await store.close();
    const exact = plan(path, semanticSql(shape('exact'), parseFilters({ tags: ['a'] })).sql);
    expect(exact).not.toMatch(/vec_memories/);
    expect(exact).toMatch(/SEARCH m USING INDEX memory_vectors_project/);
  });

  it('a page of memories reads the project in id order through its index, never sorting it all', async () => {
    const path = tmpFile();
    const store = new SqliteStore({ path, embeddingDimension: 8 });
    await store.init();
    await store.close();
    const raw = rawConnection(path);
    try {
      for (const order of ['asc', 'desc'] as const) {
        for (const keyset of [false, true]) {
          const page = memoryPageSql(parseFilters(undefined), order, keyset);
          const detail = (
            raw.prepare(`EXPLAIN QUERY PLAN ${page.sql}`).all({
              projectId: 1,
              limit: 21,
              ...(keyset ? { afterId: 5 } : {}),
              ...page.params,
            }) as {
              detail: string;
            }[]
          )
            .map((row) => row.detail)
            .join('\n');
          expect(detail).toMatch(
            /SEARCH m USING (COVERING )?INDEX memory_vectors_project_id \(project_id=\?/,
          );
          expect(detail).not.toMatch(/TEMP B-TREE/);
        }
      }
    } finally {
      raw.close();
    }
  });
});

describe('two stores on one file', () => {
  it('claimBatch() never hands the same memory to two workers', async () => {
    const path = tmpFile();
    const first = new SqliteStore({ path, embeddingDimension: 8 });
    await first.init();
    const second = new SqliteStore({ path });
    await second.init();
    const project = await first.projects.create({ name: 'claims', path: '/claims' });
    await first.memories.storeMany(
      project.id,
      Array.from({ length: 50 }, (_, i) => ({ content: `m${i}`, embedding: axis(i % 8) })),
    );
    const batches = await Promise.all([
      first.consolidation.claimBatch(project.id, { worker: 'a', limit: 30 }),
      second.consolidation.claimBatch(project.id, { worker: 'b', limit: 30 }),
    ]);
    const claimed = batches.flat().map((memory) => memory.id);
    expect(claimed).toHaveLength(50);
    expect(new Set(claimed).size).toBe(50);
    expect(
      await second.memories.count(project.id, { consolidationStates: ['consolidating'] }),
    ).toBe(50);
    await first.close();
    await second.close();
  });
});
