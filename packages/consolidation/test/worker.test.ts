import type { Store } from '@athena/core-types';
import { HashingEmbedder } from '@athena/search';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createConsolidator } from '../src/index.js';
import { BACKENDS } from './helpers/backends.js';
import type { OpenedStore } from './helpers/backends.js';

const DIMENSION = 256;
const embedder = new HashingEmbedder({ dimension: DIMENSION });

/**
 * `store`, except that its first `search.neighbours` call runs `meanwhile`
 * after searching and before returning: another worker acting between a
 * worker's search (outside the lock) and its settle.
 */
function pausingAfterSearch(store: Store, meanwhile: () => Promise<unknown>): Store {
  let paused = false;
  const bind = (target: object, value: unknown) =>
    typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
  return new Proxy(store, {
    get(target, property) {
      if (property !== 'search') return bind(target, Reflect.get(target, property, target));
      return new Proxy(target.search, {
        get(search, name) {
          if (name !== 'neighbours') return bind(search, Reflect.get(search, name, search));
          return async (...args: Parameters<Store['search']['neighbours']>) => {
            const found = await search.neighbours(...args);
            if (!paused) {
              paused = true;
              await meanwhile();
            }
            return found;
          };
        },
      });
    },
  });
}

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

  it("leaves the code graph's memories alone", async () => {
    const { store } = opened;
    const project = await store.projects.create({ name: 'p', path: '/p' });
    // Two overloads indexed as near-identical code memories, and a note about them
    // that a consolidation would make their representative.
    const texts = [
      'function parse in src/parse.ts parse text string Ast',
      'function parse in src/parse.ts\nparse(text: string): Ast',
      'function parse in src/parse.ts\nparse(text: string): Ast;',
    ];
    const vectors = await embedder.embedMany(texts);
    const [note, first, second] = (await store.memories.storeMany(
      project.id,
      texts.map((content, i) => ({
        content,
        memoryType: i === 0 ? ('fact' as const) : ('code' as const),
        embedding: vectors[i] as Float32Array,
      })),
    )) as [number, number, number];
    for (const [memoryId, qualifiedName] of [
      [first, 'parse#1'],
      [second, 'parse#2'],
    ] as const) {
      await store.code.upsertEntity(project.id, {
        filePath: 'src/parse.ts',
        name: 'parse',
        qualifiedName,
        entityType: 'function',
        memoryId,
      });
    }
    const run = await createConsolidator({ store, embedder }).run({ projectId: project.id });
    expect(run).toMatchObject({ claimed: 1, superseded: 0, errors: 0 });
    const after = await store.memories.getMany(project.id, [note, first, second]);
    expect(after.map((m) => [m.id, m.consolidationState, m.supersededBy])).toEqual([
      [note, 'consolidated', null],
      [first, 'unconsolidated', null],
      [second, 'unconsolidated', null],
    ]);
  });

  it('memories nearest to a member an earlier batch linked join that member’s representative (a copy of it superseded)', async () => {
    const { store } = opened;
    const project = await store.projects.create({ name: 'p', path: '/p' });
    const unit = (x: number, y: number) => {
      const v = new Array<number>(DIMENSION).fill(0);
      v[0] = x;
      v[1] = y;
      return v;
    };
    // The representative, and a related note (cosine 0.85) linked to it.
    const [rep, member] = (await store.memories.storeMany(project.id, [
      { content: 'The billing service retries webhooks', embedding: unit(1, 0) },
      { content: 'Webhook retries back off exponentially', embedding: unit(0.85, 0.527) },
    ])) as [number, number];
    const consolidator = createConsolidator({ store, embedder });
    expect(await consolidator.run({ projectId: project.id })).toMatchObject({
      clusters: 1,
      linked: 1,
      errors: 0,
    });
    const linkedTo = async (id: number) =>
      (await store.relationships.list(project.id, id, { direction: 'outgoing' })).map(
        (l) => l.toMemoryId,
      );
    expect(await linkedTo(member)).toEqual([rep]);
    // A copy of the member (cosine 0.996), further from the representative
    // (0.80), and a note related to the member only (0.82; 0.40 to the representative).
    const [copy, related] = (await store.memories.storeMany(project.id, [
      { content: 'Webhook retries back off exponentially, always', embedding: unit(0.8, 0.6) },
      {
        content: 'Backoff caps at ten minutes between webhook attempts',
        embedding: unit(0.4, 0.917),
      },
    ])) as [number, number];
    expect(await consolidator.run({ projectId: project.id })).toMatchObject({
      claimed: 2,
      errors: 0,
    });
    const after = await store.memories.getMany(project.id, [copy, related]);
    expect(after.map((m) => [m.consolidationState, m.supersededBy])).toEqual([
      ['superseded', rep],
      ['consolidated', null],
    ]);
    expect(await linkedTo(copy)).toEqual([]);
    expect(await linkedTo(related)).toEqual([rep]);
    expect(await store.relationships.list(project.id, member, { direction: 'incoming' })).toEqual(
      [],
    );
  });

  it('a representative another worker settles between a worker’s search and its settle is joined, not duplicated', async () => {
    const { store } = opened;
    const project = await store.projects.create({ name: 'p', path: '/p' });
    const texts = [
      'Deploys run nightly on GitHub Actions',
      'Deploys run nightly on GitHub Actions.',
    ];
    const vectors = await embedder.embedMany(texts);
    const [first, second] = await store.memories.storeMany(
      project.id,
      texts.map((content, i) => ({ content, embedding: vectors[i] as Float32Array })),
    );
    const other = createConsolidator({
      store,
      embedder,
      options: { workerId: 'w2', batchSize: 1, maxBatches: 1 },
    });
    let otherRun: Awaited<ReturnType<typeof other.run>> | null = null;
    // w1 claims the older memory and searches (no representative yet); then
    // w2 claims the newer one and settles it as a representative; then w1
    // settles.
    const paused = pausingAfterSearch(store, async () => {
      otherRun = await other.run({ projectId: project.id });
    });
    const consolidator = createConsolidator({
      store: paused,
      embedder,
      options: { workerId: 'w1', batchSize: 1, maxBatches: 1 },
    });
    const run = await consolidator.run({ projectId: project.id });
    expect(otherRun).toMatchObject({ claimed: 1, errors: 0 });
    expect(run).toMatchObject({ claimed: 1, clusters: 1, superseded: 1, errors: 0 });
    const [older, newer] = await store.memories.getMany(project.id, [
      first as number,
      second as number,
    ]);
    expect(newer?.consolidationState).toBe('consolidated');
    expect(older?.consolidationState).toBe('superseded');
    expect(older?.supersededBy).toBe(second);
  });
});
