import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, LATEST_SCHEMA_VERSION, SqliteStore } from '../src/index.js';
import { rawConnection, removeTmpFiles, tmpFile } from './temp-db.js';

afterEach(removeTmpFiles);

/** A deterministic pseudo-random generator (LCG), so the data never changes. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

/** `count` unit vectors around `clusters` random centres, like real embeddings. */
function clustered(count: number, dimension: number, clusters: number, seed: number): number[][] {
  const next = random(seed);
  const gaussian = () => Math.sqrt(-2 * Math.log(next() + 1e-12)) * Math.cos(2 * Math.PI * next());
  const centres = Array.from({ length: clusters }, () =>
    Array.from({ length: dimension }, gaussian),
  );
  return Array.from({ length: count }, (_, i) => {
    const centre = centres[i % clusters] as number[];
    const vector = centre.map((x) => x + 0.6 * gaussian());
    const norm = Math.hypot(...vector);
    return vector.map((x) => x / norm);
  });
}

/**
 * `count` unit vectors around `clusters` centres at `noise`, like
 * {@link clustered} but from a generator with a full 32-bit state
 * (mulberry32 from `seed`), so no two vectors repeat; vector `i` belongs to
 * cluster `i % clusters`. At noise 0.6 similarities within a cluster spread
 * around 0.75.
 */
function around(
  count: number,
  dimension: number,
  clusters: number,
  noise: number,
  seed: number,
): number[][] {
  let state = seed;
  const next = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const gaussian = () => Math.sqrt(-2 * Math.log(next() + 1e-12)) * Math.cos(2 * Math.PI * next());
  const centres = Array.from({ length: clusters }, () =>
    Array.from({ length: dimension }, gaussian),
  );
  return Array.from({ length: count }, (_, i) => {
    const centre = centres[i % clusters] as number[];
    const vector = centre.map((x) => x + noise * gaussian());
    const norm = Math.hypot(...vector);
    return vector.map((x) => x / norm);
  });
}

function bitsRows(path: string): { memory_id: number; project_id: number; bytes: number }[] {
  const raw = rawConnection(path);
  try {
    return raw
      .prepare(
        'SELECT memory_id, project_id, length(bits) AS bytes FROM memory_bits ORDER BY memory_id',
      )
      .all() as { memory_id: number; project_id: number; bytes: number }[];
  } finally {
    raw.close();
  }
}

function memoryCounts(path: string): { project_id: number; memories: number }[] {
  const raw = rawConnection(path);
  try {
    return raw
      .prepare('SELECT project_id, memories FROM project_memory_counts ORDER BY project_id')
      .all() as { project_id: number; memories: number }[];
  } finally {
    raw.close();
  }
}

describe('binary-quantised candidates', () => {
  it('finds the same neighbours as the exact search on clustered data', async () => {
    const store = new SqliteStore({ path: tmpFile(), embeddingDimension: 128 });
    await store.init();
    const project = await store.projects.create({ name: 'q', path: '/q' });
    // More rows than QUANTIZED_MIN_ROWS (2,048), so the quantised plan answers.
    const vectors = clustered(3_000, 128, 60, 7);
    await store.memories.storeMany(
      project.id,
      vectors.map((embedding, i) => ({ content: `memory ${i}`, embedding })),
    );
    const queries = clustered(20, 128, 60, 7);
    let found = 0;
    for (const query of queries) {
      const exact = await store.search.semantic(project.id, query, { exact: true });
      const fast = await store.search.semantic(project.id, query);
      const wanted = new Set(exact.map((hit) => hit.memory.id));
      found += fast.filter((hit) => wanted.has(hit.memory.id)).length;
      // Re-scored exactly: the scores are cosine similarities, nearest first.
      expect(fast.map((hit) => hit.score)).toEqual(
        [...fast.map((hit) => hit.score)].sort((a, b) => b - a),
      );
      expect(fast[0]?.score).toBeCloseTo(exact[0]?.score ?? Number.NaN, 6);
    }
    expect(found / (10 * queries.length)).toBeGreaterThanOrEqual(0.95);
    const hybrid = await store.search.hybrid(project.id, {
      embedding: queries[0] ?? [],
      text: 'memory 5',
    });
    expect(hybrid).toHaveLength(10);
    await store.close();
  });

  it('re-scores a share of a large project: clusters bigger than 200 keep their recall', async () => {
    const store = new SqliteStore({ path: tmpFile(), embeddingDimension: 128 });
    await store.init();
    const project = await store.projects.create({ name: 't', path: '/t' });
    // 100 tight clusters of 256: each query's cluster outnumbers the
    // fixed 200 candidates, so only a share of the project (1/64: 400) keeps
    // the true top 10 among them.
    const drawn = around(25_630, 128, 100, 0.2, 13);
    const vectors = drawn.slice(0, 25_600);
    // Queries from the same clusters, not stored.
    const queries = drawn.slice(25_600);
    for (let start = 0; start < vectors.length; start += 3_200) {
      await store.memories.storeMany(
        project.id,
        vectors
          .slice(start, start + 3_200)
          .map((embedding, i) => ({ content: `memory ${start + i}`, embedding })),
      );
    }
    let found = 0;
    for (const query of queries) {
      const exact = await store.search.semantic(project.id, query, {
        exact: true,
        includeEmbedding: false,
      });
      const fast = await store.search.semantic(project.id, query, { includeEmbedding: false });
      const wanted = new Set(exact.map((hit) => hit.memory.id));
      found += fast.filter((hit) => wanted.has(hit.memory.id)).length;
    }
    // 200 fixed candidates find 0.89 here.
    expect(found / (10 * queries.length)).toBeGreaterThanOrEqual(0.97);
    await store.close();
  });

  it('neighbours() in a large project: quantised candidates agree with an exact search, states filter before ranking', async () => {
    const store = new SqliteStore({ path: tmpFile(), embeddingDimension: 128 });
    await store.init();
    const project = await store.projects.create({ name: 'n', path: '/n' });
    const ids = await store.memories.storeMany(
      project.id,
      clustered(3_000, 128, 60, 5).map((embedding, i) => ({ content: `memory ${i}`, embedding })),
    );
    const sources = ids.filter((_, i) => i % 150 === 0);
    const result = await store.search.neighbours(project.id, sources, { k: 10 });
    expect(result.map((entry) => entry.memoryId)).toEqual(sources);
    let found = 0;
    for (const entry of result) {
      const source = await store.memories.get(project.id, entry.memoryId);
      const exact = await store.search.semantic(project.id, source?.embedding ?? [], {
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
    expect(found / (10 * sources.length)).toBeGreaterThanOrEqual(0.95);
    // Every memory of the first source's cluster (same index modulo 60) but one is consolidated:
    // the filtered neighbours are still k memories, all consolidated.
    const members = ids.filter((_, i) => i % 60 === 0).slice(1);
    const settled = members.slice(1);
    for (const id of settled) {
      await store.consolidation.transition(project.id, id, 'consolidating');
      await store.consolidation.transition(project.id, id, 'consolidated');
    }
    const [filtered] = await store.search.neighbours(project.id, [ids[0] as number], {
      k: 10,
      states: ['consolidated'],
    });
    expect(filtered?.neighbours).toHaveLength(10);
    const consolidated = new Set(settled);
    expect(filtered?.neighbours.every((n) => consolidated.has(n.id))).toBe(true);
    await store.close();
  });

  it('neighbours() of many sources (sign bits scanned in JavaScript) with states and a threshold: as exact as the per-source plan, padded bits included', async () => {
    // 130 dimensions: 17 bytes of bits, not a whole number of 32-bit words.
    const store = new SqliteStore({ path: tmpFile(), embeddingDimension: 130 });
    await store.init();
    const project = await store.projects.create({ name: 'm', path: '/m' });
    const other = await store.projects.create({ name: 'o', path: '/o' });
    const vectors = around(3_000, 130, 60, 0.6, 9);
    const ids = await store.memories.storeMany(
      project.id,
      vectors.map((embedding, i) => ({ content: `memory ${i}`, embedding })),
    );
    const [foreign] = await store.memories.storeMany(other.id, [
      { content: 'elsewhere', embedding: vectors[0] ?? [] },
    ]);
    // Two memories in three consolidated: a neighbour must be one of them.
    const settled = ids.filter((_, i) => i % 3 !== 0);
    await store.consolidation.transitionMany(
      project.id,
      settled.flatMap((memoryId) => [
        { memoryId, to: 'consolidating' as const },
        { memoryId, to: 'consolidated' as const },
      ]),
    );
    const consolidated = new Set(settled);
    const sources = ids.filter((_, i) => i % 97 === 0);
    const options = { k: 5, minSimilarity: 0.77, states: ['consolidated' as const] };
    const result = await store.search.neighbours(
      project.id,
      [...sources, sources[0] as number, foreign as number],
      options,
    );
    expect(result.map((entry) => entry.memoryId)).toEqual(sources);

    const cosine = (a: ArrayLike<number>, b: ArrayLike<number>) =>
      Array.from(a).reduce((sum, x, i) => sum + x * (b[i] ?? 0), 0);
    const stored = new Map(
      (await store.memories.getMany(project.id, ids)).map((m) => [m.id, m.embedding]),
    );
    let wanted = 0;
    let found = 0;
    let empty = 0;
    for (const entry of result) {
      const source = stored.get(entry.memoryId) ?? [];
      const truth = settled
        .filter((id) => id !== entry.memoryId)
        .map((id) => ({ id, similarity: cosine(source, stored.get(id) ?? []) }))
        .filter((n) => n.similarity >= options.minSimilarity)
        .sort((a, b) => b.similarity - a.similarity)
        .slice(0, options.k);
      const exact = new Map(truth.map((n) => [n.id, n.similarity]));
      wanted += truth.length;
      found += entry.neighbours.filter((n) => exact.has(n.id)).length;
      if (entry.neighbours.length === 0) empty += 1;
      expect(entry.neighbours.length).toBeLessThanOrEqual(options.k);
      for (const n of entry.neighbours) {
        expect(n.id).not.toBe(entry.memoryId);
        expect(consolidated.has(n.id)).toBe(true);
        expect(n.similarity).toBeGreaterThanOrEqual(options.minSimilarity);
        expect(n.similarity).toBeCloseTo(cosine(source, stored.get(n.id) ?? []), 5);
      }
    }
    // The threshold leaves some sources short or empty, and the rest nearly exact.
    expect(wanted).toBeLessThan(options.k * sources.length);
    expect(empty).toBeLessThan(sources.length);
    expect(found / wanted).toBeGreaterThanOrEqual(0.95);
    // Three sources take the per-source statement: the same answer for each.
    const few = await store.search.neighbours(project.id, sources.slice(0, 3), options);
    expect(few).toEqual(result.slice(0, 3));
    await store.close();
  });

  it('keeps one bit row per memory through insert, update and delete, padded to whole bytes', async () => {
    const path = tmpFile();
    const store = new SqliteStore({ path, embeddingDimension: 130 });
    await store.init();
    const project = await store.projects.create({ name: 'b', path: '/b' });
    const [a, b] = clustered(2, 130, 2, 3) as [number[], number[]];
    const ids = await store.memories.storeMany(project.id, [
      { content: 'a', embedding: a },
      { content: 'b', embedding: b },
    ]);
    expect(bitsRows(path)).toEqual(
      ids.map((id) => ({ memory_id: id, project_id: project.id, bytes: 17 })),
    );
    await store.memories.update(project.id, ids[0] as number, { embedding: b });
    const [top] = await store.search.semantic(project.id, b, { limit: 1 });
    expect(top?.score).toBeCloseTo(1, 6);
    expect(memoryCounts(path)).toEqual([{ project_id: project.id, memories: 2 }]);
    await store.memories.delete(project.id, ids[1] as number);
    expect(bitsRows(path).map((row) => row.memory_id)).toEqual([ids[0]]);
    expect(memoryCounts(path)).toEqual([{ project_id: project.id, memories: 1 }]);
    await store.projects.delete(project.id);
    expect(bitsRows(path)).toEqual([]);
    expect(memoryCounts(path)).toEqual([]);
    await store.close();
  });

  it('migrates a version-1 file forward: bits are backfilled and nothing is lost', async () => {
    const path = tmpFile();
    const dimension = 128;
    const vectors = clustered(2_100, dimension, 30, 11);
    // A file as the previous release wrote it: only migration 1 applied.
    const old = new Database(path);
    sqliteVec.load(old);
    old.exec(
      'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
    );
    const [first] = MIGRATIONS;
    first?.up(old, { embeddingDimension: dimension });
    old.prepare('INSERT INTO schema_migrations VALUES (1, ?, 0)').run(first?.name);
    old
      .prepare(
        "INSERT INTO projects (name, path, created_at, last_accessed_at) VALUES ('p', '/p', 0, 0)",
      )
      .run();
    const insert = old.prepare(
      `INSERT INTO memory_vectors (project_id, content, content_type, memory_type, tags, embedding, created_at, updated_at)
       VALUES (1, ?, 'text', 'fact', '[]', ?, 0, 0)`,
    );
    old.transaction(() => {
      for (const [i, vector] of vectors.entries()) {
        insert.run(`old memory ${i}`, Buffer.from(new Float32Array(vector).buffer));
      }
    })();
    expect(
      old.prepare("SELECT 1 FROM sqlite_master WHERE name = 'memory_bits'").get(),
    ).toBeUndefined();
    old.close();

    const store = new SqliteStore({ path });
    await store.init();
    expect(store.embeddingDimension).toBe(dimension);
    expect((await store.health()).schemaVersion).toBe(LATEST_SCHEMA_VERSION);
    expect(await store.memories.count(1)).toBe(2_100);
    expect(bitsRows(path)).toHaveLength(2_100);
    expect(memoryCounts(path)).toEqual([{ project_id: 1, memories: 2_100 }]);
    const [hit] = await store.search.semantic(1, vectors[42] ?? [], { limit: 1 });
    expect(hit?.memory.content).toBe('old memory 42');
    expect(hit?.score).toBeCloseTo(1, 6);
    const added = await store.memories.store(1, { content: 'new', embedding: vectors[7] ?? [] });
    expect(bitsRows(path)).toHaveLength(2_101);
    expect(memoryCounts(path)).toEqual([{ project_id: 1, memories: 2_101 }]);
    expect((await store.search.keyword(1, 'new')).map((h) => h.memory.id)).toEqual([added.id]);
    await store.close();
  });
});
