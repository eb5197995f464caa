import { HashingEmbedder } from '@athena/search';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createConsolidator } from '../src/index.js';
import { BACKENDS } from './helpers/backends.js';
import type { OpenedStore } from './helpers/backends.js';

const DIMENSION = 256;
const embedder = new HashingEmbedder({ dimension: DIMENSION });

describe.each(BACKENDS)('consolidation worker on $name', (backend) => {
  let opened: OpenedStore;
  beforeEach(async () => {
    opened = await backend.open(DIMENSION);
  });
  afterEach(async () => {
    await opened.dispose();
  });

  it('clusters duplicates into one representative and supersedes the copies', async () => {
    const { store } = opened;
    const project = await store.projects.create({ name: 'p', path: '/p' });
    const texts = [
      'The deploy pipeline runs on GitHub Actions every night',
      'The deploy pipeline runs on GitHub Actions every night.',
      'Use pnpm workspaces for the monorepo packages',
      'PostgreSQL connection pool size is twenty',
      'the deploy pipeline runs on github actions every night',
    ];
    const vectors = await embedder.embedMany(texts);
    await store.memories.storeMany(
      project.id,
      texts.map((content, i) => ({ content, embedding: vectors[i] as Float32Array })),
    );
    const consolidator = createConsolidator({ store, embedder, options: { workerId: 'w1' } });
    const run = await consolidator.run({ projectId: project.id });
    expect(run).toMatchObject({ claimed: 5, clusters: 1, created: 1, superseded: 2, errors: 0 });
    const all = (await store.memories.list(project.id, { order: 'asc', limit: 100 })).items;
    expect(all.map((m) => m.consolidationState)).toEqual([
      'consolidated',
      'superseded',
      'consolidated',
      'consolidated',
      'superseded',
    ]);
    expect(all[1]?.supersededBy).toBe(all[0]?.id);
    expect(await store.consolidation.listRuns(project.id)).toEqual([run]);
    const again = await consolidator.run({ projectId: project.id });
    expect(again).toMatchObject({ claimed: 0, clusters: 0 });
  });
});
