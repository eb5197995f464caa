import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createConsolidator } from '../src/index.js';
import { HashingEmbedder } from '@athena/search';
import { BACKENDS } from './helpers/backends.js';
import type { OpenedStore } from './helpers/backends.js';
import { expectOneRepresentativePerGroup, seedGroups } from './helpers/groups.js';
import { spawnWorker } from './helpers/spawn-worker.js';

const DIMENSION = 128;
const GROUPS = 50;

describe.each(BACKENDS)('workers in separate processes on $name', (backend) => {
  let opened: OpenedStore;
  beforeEach(async () => {
    opened = await backend.open(DIMENSION);
  });
  afterEach(async () => {
    await opened.dispose();
  });

  it.each([
    { path: 'the heuristic', slowPath: false },
    { path: 'the slow path', slowPath: true },
  ])(
    'two concurrent workers on $path never take one memory twice and leave one representative per cluster',
    async ({ slowPath }) => {
      const { store, location } = opened;
      const project = await store.projects.create({ name: 'p', path: '/p' });
      const groups = await seedGroups(store, project.id, GROUPS, DIMENSION);
      const options = { batchSize: 7, episodes: false };
      const workers = await Promise.all(
        ['worker-a', 'worker-b'].map((workerId) =>
          spawnWorker({
            location,
            projectId: project.id,
            options: { ...options, workerId },
            mode: 'run',
            slowPath,
          }),
        ),
      );
      for (const worker of workers) worker.go();
      const runs = await Promise.all(workers.map((worker) => worker.result()));
      expect(runs.map((run) => run.errors)).toEqual([0, 0]);
      expect(runs.reduce((sum, run) => sum + run.claimed, 0)).toBe(GROUPS * 4);
      // The slow path keeps each worker busy for seconds, so both take batches
      // (SQLite's busy handler may otherwise let the first worker finish alone).
      if (slowPath) expect(runs.every((run) => run.claimed > 0)).toBe(true);
      for (const group of groups) {
        for (const id of group.ids) {
          const claims = (await store.consolidation.history(project.id, id)).filter(
            (h) => h.toState === 'consolidating',
          );
          expect(claims, `claims of memory ${id}`).toHaveLength(1);
        }
      }
      await expectOneRepresentativePerGroup(store, project.id, groups);
      expect(await store.memories.count(project.id, { consolidationStates: ['superseded'] })).toBe(
        runs.reduce((sum, run) => sum + run.superseded, 0),
      );
    },
  );

  it('a worker killed with SIGKILL mid-batch leaves nothing half-written; the next run finishes the work once', async () => {
    const { store, location } = opened;
    const project = await store.projects.create({ name: 'p', path: '/p' });
    const groups = await seedGroups(store, project.id, GROUPS, DIMENSION);
    const victim = await spawnWorker({
      location,
      projectId: project.id,
      options: { batchSize: 40, leaseMs: 1_000, workerId: 'victim', episodes: false },
      mode: 'hang',
    });
    victim.go();
    await victim.printed('settling');
    victim.child.kill('SIGKILL');
    await victim.exited();

    const claimed = await store.memories.list(project.id, {
      filters: { consolidationStates: ['consolidating'] },
      limit: 1000,
    });
    expect(claimed.items).toHaveLength(40);
    expect(claimed.items.every((m) => m.claimedBy === 'victim')).toBe(true);
    expect(
      await store.memories.count(project.id, { consolidationStates: ['unconsolidated'] }),
    ).toBe(GROUPS * 4 - 40);
    const linksAfterCrash = await Promise.all(
      groups.flatMap((g) => g.ids).map((id) => store.relationships.list(project.id, id)),
    );
    expect(linksAfterCrash.flat()).toEqual([]);
    expect(await store.consolidation.listRuns(project.id)).toEqual([]);

    // The victim's lease (1 s) must lapse before another worker may take its batch over.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const survivor = createConsolidator({
      store,
      embedder: new HashingEmbedder({ dimension: DIMENSION }),
      options: { batchSize: 40, workerId: 'survivor', episodes: false },
    });
    const run = await survivor.run({ projectId: project.id });
    expect(run).toMatchObject({ released: 40, claimed: GROUPS * 4, errors: 0 });
    await expectOneRepresentativePerGroup(store, project.id, groups);
  });
});
