import { afterAll, beforeAll, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION, type PostgresStore } from '../src/index.js';
import {
  adminQuery,
  createTestStore,
  describePostgres,
  dropSchema,
  freshSchema,
  randomVectors,
  rollBackTo,
} from './helpers.js';

/** `list[i]`, which the test knows is there. */
function at<T>(list: readonly T[], i: number): T {
  const value = list[i];
  if (value === undefined) throw new Error(`no element ${i}`);
  return value;
}

/** Rows where the state mirror and `memory_vectors` disagree (missing on either side included). */
async function stateMirrorDrift(schema: string): Promise<number> {
  const rows = await adminQuery<{ drift: string }>(
    `select count(*) as drift from "${schema}".memory_vectors m
     full join "${schema}".memory_states st on st.memory_id = m.id
     where m.id is null or st.memory_id is null or st.project_id <> m.project_id
       or st.state <> m.consolidation_state or st.created_at <> m.created_at`,
  );
  return Number(rows[0]?.drift);
}

/** Row updates of `memory_vectors` so far, and how many were HOT (heap-only, no index entry). */
async function memoryUpdates(schema: string): Promise<{ all: number; hot: number }> {
  const rows = await adminQuery<{ all: string; hot: string }>(
    `select n_tup_upd as all, n_tup_hot_upd as hot from pg_stat_user_tables
     where schemaname = $1 and relname = 'memory_vectors'`,
    [schema],
  );
  return { all: Number(rows[0]?.all ?? 0), hot: Number(rows[0]?.hot ?? 0) };
}

const cosine = (a: readonly number[], b: readonly number[]): number => {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += (a[i] ?? 0) * (b[i] ?? 0);
    na += (a[i] ?? 0) ** 2;
    nb += (b[i] ?? 0) ** 2;
  }
  return dot / Math.sqrt(na * nb);
};

describePostgres('state mirror (memory_states)', () => {
  const schema = freshSchema();
  let store: PostgresStore;

  beforeAll(async () => {
    store = createTestStore(schema);
    await store.init();
  });

  afterAll(async () => {
    await store.close();
    await dropSchema(schema);
  });

  it('stays equal to memory_vectors through inserts, every transition, deletes and a project delete', async () => {
    const project = await store.projects.create({ name: 'mirror', path: '/mirror' });
    const other = await store.projects.create({ name: 'elsewhere', path: '/elsewhere' });
    const vectors = randomVectors(12, 3, 8);
    const one = await store.memories.store(project.id, {
      content: 'one',
      embedding: at(vectors, 0),
    });
    const ids = await store.memories.storeMany(
      project.id,
      vectors.slice(1, 10).map((embedding, i) => ({ content: `many ${i}`, embedding })),
    );
    await store.memories.storeMany(other.id, [{ content: 'other', embedding: at(vectors, 10) }]);
    expect(await stateMirrorDrift(schema)).toBe(0);

    const now = new Date();
    const claimed = await store.consolidation.claimBatch(project.id, {
      worker: 'w',
      limit: 6,
      now,
    });
    expect(claimed.map((m) => m.id)).toEqual([one.id, ...ids.slice(0, 5)]);
    expect(await stateMirrorDrift(schema)).toBe(0);
    await store.consolidation.transitionMany(project.id, [
      { memoryId: one.id, to: 'consolidated' },
      { memoryId: at(ids, 0), to: 'superseded', supersededBy: one.id },
    ]);
    await store.consolidation.transition(project.id, at(ids, 1), 'consolidated');
    await store.consolidation.labilize(project.id, [one.id]);
    expect(await stateMirrorDrift(schema)).toBe(0);
    const released = await store.consolidation.releaseExpired(
      project.id,
      new Date(now.getTime() + 24 * 3600_000),
    );
    expect(released).toBe(3);
    expect(await stateMirrorDrift(schema)).toBe(0);
    const stats = await store.stats({ projectId: project.id });
    expect(stats.memoriesByState).toMatchObject({
      unconsolidated: 7,
      consolidated: 1,
      labile: 1,
      superseded: 1,
      consolidating: 0,
    });

    await store.memories.update(project.id, at(ids, 2), { content: 'edited' });
    await store.memories.recordAccess(project.id, [at(ids, 3)]);
    expect(await store.memories.delete(project.id, at(ids, 4))).toBe(true);
    expect(await stateMirrorDrift(schema)).toBe(0);
    expect(await store.projects.delete(project.id)).toBe(true);
    expect(await stateMirrorDrift(schema)).toBe(0);
    const left = await adminQuery<{ project_id: string }>(
      `select distinct project_id from "${schema}".memory_states`,
    );
    expect(left.map((row) => Number(row.project_id))).toEqual([other.id]);
    const { indexes } = await store.stats();
    expect(indexes.find((index) => index.name === 'memory_states')).toMatchObject({
      valid: true,
    });
  });

  it('claims and transitions rewrite no index entry: state changes are HOT updates', async () => {
    const writer = createTestStore(schema);
    await writer.init();
    const project = await writer.projects.create({ name: 'hot', path: '/hot' });
    const ids = await writer.memories.storeMany(
      project.id,
      randomVectors(80, 5, 8).map((embedding, i) => ({ content: `hot ${i}`, embedding })),
    );
    const before = await memoryUpdates(schema);
    // Each row changes once, so no update depends on pruning an older
    // version (which a concurrent snapshot elsewhere on the server can hold up).
    const claimed = await writer.consolidation.claimBatch(project.id, { worker: 'w', limit: 40 });
    const claimedIds = new Set(claimed.map((m) => m.id));
    await writer.consolidation.transitionMany(
      project.id,
      ids
        .filter((id) => !claimedIds.has(id))
        .map((memoryId) => ({ memoryId, to: 'consolidating' as const })),
    );
    // A backend reports its table statistics when it exits.
    await writer.close();
    let after = await memoryUpdates(schema);
    for (let wait = 0; after.all - before.all < 80 && wait < 50; wait++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      after = await memoryUpdates(schema);
    }
    expect(after.all - before.all).toBe(80);
    // A page without room for the new version makes an update non-HOT; with
    // the state indexed, none of the 80 was HOT.
    expect(after.hot - before.hot).toBeGreaterThanOrEqual(72);
  });

  it('neighbours() over few and over many memories in the states agrees with an exact search', async () => {
    const project = await store.projects.create({ name: 'near', path: '/near' });
    const vectors = randomVectors(700, 11, 8);
    const ids = await store.memories.storeMany(
      project.id,
      vectors.map((embedding, i) => ({ content: `near ${i}`, embedding })),
    );
    const byId = new Map(ids.map((id, i) => [id, at(vectors, i)]));
    const sources = ids.slice(0, 20);
    for (const consolidatedCount of [120, 600]) {
      const claimed = await store.consolidation.claimBatch(project.id, {
        worker: 'w',
        limit: consolidatedCount - (consolidatedCount === 600 ? 120 : 0),
      });
      await store.consolidation.transitionMany(
        project.id,
        claimed.map((m) => ({ memoryId: m.id, to: 'consolidated' as const })),
      );
      const consolidated = ids.slice(0, consolidatedCount);
      const found = await store.search.neighbours(project.id, sources, {
        k: 5,
        states: ['consolidated'],
      });
      let hits = 0;
      for (const entry of found) {
        const source = byId.get(entry.memoryId) as number[];
        const truth = consolidated
          .filter((id) => id !== entry.memoryId)
          .map((id) => ({ id, similarity: cosine(source, byId.get(id) as number[]) }))
          .sort((a, b) => b.similarity - a.similarity || a.id - b.id)
          .slice(0, 5);
        expect(entry.neighbours.every((n) => consolidated.includes(n.id))).toBe(true);
        if (consolidatedCount === 120) {
          // Few in the states: compared with each, exactly.
          expect(entry.neighbours.map((n) => n.id)).toEqual(truth.map((t) => t.id));
        }
        hits += entry.neighbours.filter((n) => truth.some((t) => t.id === n.id)).length;
      }
      expect(hits / (sources.length * 5)).toBeGreaterThanOrEqual(0.9);
    }
  });
});

describePostgres('migration 8 (state mirror) on an existing version-7 database', () => {
  const schema = freshSchema();
  afterAll(async () => {
    await dropSchema(schema);
  });

  it('fills the mirror from the rows written before it and drops the state index', async () => {
    const old = createTestStore(schema);
    let projectId: number;
    try {
      await old.init();
      const project = await old.projects.create({ name: 'v7', path: '/v7' });
      projectId = project.id;
      await old.memories.storeMany(
        projectId,
        randomVectors(5, 2, 8).map((embedding, i) => ({ content: `v7 ${i}`, embedding })),
      );
      await old.consolidation.claimBatch(projectId, { worker: 'w', limit: 2 });
      // Back to version 7, with those rows in it.
      await rollBackTo(schema, 7);
    } finally {
      await old.close();
    }
    const store = createTestStore(schema);
    try {
      await store.init();
      expect((await store.health()).schemaVersion).toBe(LATEST_SCHEMA_VERSION);
      expect(await stateMirrorDrift(schema)).toBe(0);
      const stats = await store.stats({ projectId });
      expect(stats.memoriesByState).toMatchObject({ unconsolidated: 3, consolidating: 2 });
      const indexes = await adminQuery<{ name: string }>(
        `select indexname as name from pg_indexes where schemaname = $1
         and indexname in ('memory_vectors_project_state_idx', 'memory_states_project_state_idx')`,
        [schema],
      );
      expect(indexes.map((row) => row.name)).toEqual(['memory_states_project_state_idx']);
    } finally {
      await store.close();
    }
  });
});
