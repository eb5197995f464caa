import { CONSOLIDATION_STATES, RECORD_TABLES, ValidationError } from '@athena/core-types';
import type { Store } from '@athena/core-types';
import { expect, it } from 'vitest';
import { expectAthenaError } from './expect-athena-error.js';
import { unitVector } from './fixtures.js';
import { richProject } from './rich-project.js';
import type { SuiteContext } from './suite-context.js';

/** stats(): counts, states, models, size, index health; migrationStatus(). */
export function statsTests(ctx: SuiteContext): void {
  it('stats() of a project counts its rows per table, state, status and model', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const other = await ctx.project();
    await richProject(store, project.id);
    await store.memories.store(other.id, { content: 'elsewhere', embedding: unitVector(0) });
    const stats = await store.stats({ projectId: project.id });
    const transitions = await store.records.count('transitions', { projectIds: [project.id] });
    expect(stats).toMatchObject({
      backend: store.backend,
      embeddingDimension: ctx.dimension,
      projectId: project.id,
      counts: {
        projects: 1,
        memories: 4,
        relationships: 2,
        transitions,
        episodes: 2,
        goals: 2,
        tasks: 2,
        codeEntities: 3,
        codeDependencies: 1,
        unresolvedDependencies: 1,
        unresolvedReferences: 1,
        decisions: 2,
        scenarios: 1,
        consolidationRuns: 1,
      },
      memoriesByState: {
        unconsolidated: 1,
        consolidating: 1,
        consolidated: 0,
        labile: 1,
        reconsolidating: 0,
        superseded: 1,
      },
      episodesByStatus: { unconsolidated: 1, consolidated: 1 },
      embeddingModels: [{ model: 'model-a', memories: 4 }],
    });
    expect(transitions).toBe(5);
    expect(Object.keys(stats.counts).sort()).toEqual([...RECORD_TABLES].sort());
    expect(Object.keys(stats.memoriesByState).sort()).toEqual([...CONSOLIDATION_STATES].sort());
    const empty = await store.stats({ projectId: 999_999_999 });
    expect(Object.values(empty.counts).every((n) => n === 0)).toBe(true);
    expect(empty.embeddingModels).toEqual([]);
    await expectAthenaError(() => store.stats({ projectId: 0 }), ValidationError, 'validation');
  });

  it('stats() of the whole database sums every project; reports size, schema and healthy indexes', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    await store.memories.storeMany(project.id, [
      { content: 'one', embedding: unitVector(0) },
      { content: 'two', embedding: unitVector(1), embeddingModel: 'model-b' },
    ]);
    const stats = await store.stats();
    expect(stats.projectId).toBeNull();
    expect(stats.counts.projects).toBe(await store.records.count('projects'));
    expect(stats.counts.memories).toBe(await store.records.count('memories'));
    expect(stats.counts.memories).toBeGreaterThanOrEqual(2);
    const byState = Object.values(stats.memoriesByState).reduce((sum, n) => sum + n, 0);
    expect(byState).toBe(stats.counts.memories);
    const byModel = stats.embeddingModels.reduce((sum, entry) => sum + entry.memories, 0);
    expect(byModel).toBe(stats.counts.memories);
    expect(stats.embeddingModels).toContainEqual({ model: 'model-b', memories: 1 });
    expect(stats.sizeBytes).toBeGreaterThan(0);
    expect(stats.schemaVersion).toBe((await store.migrationStatus()).latestVersion);
    expect(stats.indexes.length).toBeGreaterThan(5);
    expect(stats.indexes.filter((index) => !index.present || !index.valid)).toEqual([]);
    expect(new Set(stats.indexes.map((index) => index.name)).size).toBe(stats.indexes.length);
  });

  it('migrationStatus() after init(): every migration applied, none pending', async () => {
    const status = await ctx.store().migrationStatus();
    expect(status.backend).toBe(ctx.store().backend);
    expect(status.initialised).toBe(true);
    expect(status.pending).toEqual([]);
    expect(status.currentVersion).toBe(status.latestVersion);
    const versions = status.applied.map((migration) => migration.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(versions.at(-1)).toBe(status.latestVersion);
    for (const migration of status.applied) {
      expect(migration.name.length).toBeGreaterThan(0);
      if (migration.appliedAt !== null) expect(migration.appliedAt).toBeInstanceOf(Date);
    }
  });

  it('migrationStatus() before init() reports a new database as not initialised and leaves it so', async () => {
    let store: Store | undefined = await ctx.createStore(ctx.dimension);
    try {
      const before = await store.migrationStatus();
      expect(before).toMatchObject({ initialised: false, currentVersion: 0, applied: [] });
      expect(before.pending.length).toBeGreaterThan(0);
      expect(before.pending.at(-1)?.version).toBe(before.latestVersion);
      expect(await store.migrationStatus()).toEqual(before);
      await store.init();
      const after = await store.migrationStatus();
      expect(after.pending).toEqual([]);
      expect(after.applied.map(({ version, name }) => ({ version, name }))).toEqual(before.pending);
    } finally {
      if (store !== undefined) await ctx.destroyStore(store);
      store = undefined;
    }
  });

  const reopen = ctx.options.reopenStore;
  it.skipIf(!reopen)(
    reopen
      ? 'migrationStatus() before init() reads an existing database without changing it'
      : 'migrationStatus() before init() reads an existing database [skipped: no reopenStore in the conformance options]',
    async () => {
      if (!reopen) return;
      const first = await ctx.openStore(ctx.dimension);
      const applied = (await first.migrationStatus()).applied;
      await first.close();
      const second = await reopen(first, {});
      try {
        const status = await second.migrationStatus();
        expect(status).toMatchObject({ initialised: true, pending: [] });
        expect(status.applied).toEqual(applied);
      } finally {
        await ctx.destroyStore(second);
      }
    },
  );
}
