import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store } from '@athena/core-types';
import { HashingEmbedder } from '@athena/search';
import { SqliteStore } from '@athena/store-sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createConsolidator } from '../src/index.js';
import type { ConsolidationLogger } from '../src/index.js';

const DIMENSION = 64;
const embedder = new HashingEmbedder({ dimension: DIMENSION });
const TEXTS = [
  'The deploy pipeline runs on GitHub Actions every night',
  'The deploy pipeline runs on GitHub Actions every night.',
  'Use pnpm workspaces for the monorepo packages',
  'PostgreSQL connection pool size is twenty',
  'the deploy pipeline runs on github actions every night',
];

/**
 * Another process's writer, played by a second connection to the same
 * file: `hold()` resolves once it holds SQLite's write lock, which it keeps
 * until `release()`.
 */
function writer(store: Store) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let holding!: () => void;
  const held = new Promise<void>((resolve) => (holding = resolve));
  const done = store.transaction(async () => {
    holding();
    await released;
  });
  return { held, release, done };
}

/** Log lines, kept for the assertions. */
function recordingLogger(onWarn: (fields: Record<string, unknown>) => void = () => {}) {
  const warnings: Record<string, unknown>[] = [];
  const logger: ConsolidationLogger = {
    info: () => {},
    warn: (_message, fields) => {
      warnings.push(fields);
      onWarn(fields);
    },
  };
  return { logger, warnings };
}

// Two SQLite connections on one file contend for its single write lock; a
// short busy timeout makes the contention show at once (the bench saw it
// past the default 5 s with two worker processes at 10K memories).
describe('consolidation worker under SQLite write contention', () => {
  let dir: string;
  let store: Store;
  let other: Store;
  let projectId: number;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'athena-contention-'));
    const path = join(dir, 'memory.db');
    store = new SqliteStore({ path, embeddingDimension: DIMENSION, busyTimeoutMs: 20 });
    other = new SqliteStore({ path, embeddingDimension: DIMENSION, busyTimeoutMs: 20 });
    await store.init();
    await other.init();
    projectId = (await store.projects.create({ name: 'p', path: '/p' })).id;
    const vectors = await embedder.embedMany(TEXTS);
    await store.memories.storeMany(
      projectId,
      TEXTS.map((content, i) => ({ content, embedding: vectors[i] as Float32Array })),
    );
  });
  afterEach(async () => {
    await store.close();
    await other.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('waits out a writer holding the lock (bounded retries) and finishes the pass without an error', async () => {
    const blocker = writer(other);
    await blocker.held;
    // The writer lets go once a step has failed and is about to retry: the
    // pass must then succeed on a later attempt. (A timer here made the test
    // depend on the jittered backoff outlasting it.)
    const { logger, warnings } = recordingLogger((fields) => {
      if (fields['attempt'] !== undefined) blocker.release();
    });
    const consolidator = createConsolidator({
      store,
      embedder,
      options: { workerId: 'w1', logger },
    });
    const run = await consolidator.run({ projectId });
    blocker.release(); // in case no step ever retried: the assertions below say so
    await blocker.done;
    expect(run).toMatchObject({ claimed: 5, clusters: 1, superseded: 2, errors: 0, error: null });
    expect(await store.consolidation.listRuns(projectId)).toEqual([run]);
    expect(warnings.some((w) => w['attempt'] !== undefined)).toBe(true);
  });

  it('a run record that cannot be written is logged and counted, not thrown', async () => {
    const blocker = writer(other);
    await blocker.held;
    const { logger, warnings } = recordingLogger();
    const consolidator = createConsolidator({
      store,
      embedder,
      options: { workerId: 'w1', logger },
    });
    const run = await consolidator.run({ projectId });
    blocker.release();
    await blocker.done;
    expect(run.id).toBe(0);
    expect(run.projectId).toBe(projectId);
    expect(run.errors).toBe(2);
    expect(run.error).toMatch(
      /^record run: another SQLite transaction holds a lock or conflicts; retry \(database is locked\)$/,
    );
    expect(warnings.map((w) => w['phase']).filter((p) => p !== undefined)).toContain('record run');
    expect(await store.consolidation.listRuns(projectId)).toEqual([]);
    const states = (await store.memories.list(projectId, { limit: 10 })).items.map(
      (m) => m.consolidationState,
    );
    expect(states).toEqual(TEXTS.map(() => 'unconsolidated'));
  });

  it('releases the claim of a batch whose settle failed, though the database was still locked', async () => {
    let blocker: ReturnType<typeof writer> | null = null;
    // The writer takes the lock right after the claim and gives it up only
    // once the settle has failed (its retries exhausted): the release comes
    // while it is still committing.
    const claimThenBlock = new Proxy(store, {
      get(target, property) {
        if (property !== 'consolidation') {
          const value = Reflect.get(target, property, target) as unknown;
          return typeof value === 'function' ? value.bind(target) : value;
        }
        const consolidation = target.consolidation;
        return new Proxy(consolidation, {
          get(repository, name) {
            const value = Reflect.get(repository, name, repository) as unknown;
            if (name !== 'claimBatch' || typeof value !== 'function') {
              return typeof value === 'function' ? value.bind(repository) : value;
            }
            return async (...args: unknown[]) => {
              const claimed = (await value.apply(repository, args)) as unknown[];
              if (claimed.length > 0 && blocker === null) {
                blocker = writer(other);
                await blocker.held;
              }
              return claimed;
            };
          },
        });
      },
    });
    const { logger } = recordingLogger((fields) => {
      if (fields['phase'] === 'settle' && fields['attempt'] === undefined) blocker?.release();
    });
    const consolidator = createConsolidator({
      store: claimThenBlock,
      embedder,
      options: { workerId: 'w1', logger },
    });
    const run = await consolidator.run({ projectId });
    await (blocker as ReturnType<typeof writer> | null)?.done;
    expect(run).toMatchObject({ claimed: 5, errors: 1 });
    expect(run.error).toMatch(
      /^settle: another SQLite transaction holds a lock or conflicts; retry \(database is locked\)$/,
    );
    const memories = (await store.memories.list(projectId, { limit: 10 })).items;
    expect(memories.map((m) => [m.consolidationState, m.claimedBy])).toEqual(
      TEXTS.map(() => ['unconsolidated', null]),
    );
    const first = memories[0];
    expect(first).toBeDefined();
    const history = await store.consolidation.history(projectId, first?.id ?? 0);
    expect(history.map((entry) => entry.reason)).toContain('batch failed');
  });
});
