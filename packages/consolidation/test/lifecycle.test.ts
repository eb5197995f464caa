import {
  ConflictError,
  InvalidTransitionError,
  NotFoundError,
  ValidationError,
} from '@athena/core-types';
import type { Store } from '@athena/core-types';
import { HashingEmbedder } from '@athena/search';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createConsolidator,
  DEFAULT_CONSOLIDATOR_OPTIONS,
  lessonConfidence,
} from '../src/index.js';
import type { ConsolidationLogger } from '../src/index.js';
import { BACKENDS } from './helpers/backends.js';
import type { OpenedStore } from './helpers/backends.js';

const DIMENSION = 256;
const embedder = new HashingEmbedder({ dimension: DIMENSION });
const MINUTE = 60_000;

async function storeTexts(store: Store, projectId: number, texts: readonly string[]) {
  const vectors = await embedder.embedMany(texts);
  return store.memories.storeMany(
    projectId,
    texts.map((content, i) => ({ content, embedding: vectors[i] as Float32Array })),
  );
}

describe('createConsolidator() options', () => {
  const store = { transaction: () => undefined } as unknown as Store;

  it.each([
    [{ similarityThreshold: 1.5 }, 'options.similarityThreshold'],
    [{ duplicateThreshold: 0.5 }, 'options.duplicateThreshold'],
    [{ minClusterSize: 1 }, 'options.minClusterSize'],
    [{ batchSize: 0 }, 'options.batchSize'],
    [{ batchSize: 2.5 }, 'options.batchSize'],
    [{ leaseMs: 10 }, 'options.leaseMs'],
    [{ workerId: '  ' }, 'options.workerId'],
    [{ neighbours: 101 }, 'options.neighbours'],
    [{ intervalMs: -1 }, 'options.intervalMs'],
    [{ logger: { info: () => undefined } }, 'options.logger'],
    [{ episodes: 'yes' }, 'options.episodes'],
    [{ unknownOption: 1 }, 'options'],
  ])('rejects %o with a ValidationError naming %s', (options, path) => {
    let error: unknown;
    try {
      createConsolidator({ store, embedder, options: options as never });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.path)).toContain(path);
  });

  it('rejects a missing store, embedder or a summarizer without its methods', () => {
    expect(() => createConsolidator({ store: null as never, embedder })).toThrow(/store/);
    expect(() => createConsolidator({ store, embedder: {} as never })).toThrow(/embedder/);
    expect(() => createConsolidator({ store, embedder, summarizer: {} as never })).toThrow(
      /summarizer/,
    );
  });

  it('applies the documented defaults', () => {
    const { options } = createConsolidator({ store, embedder });
    expect(options).toMatchObject(DEFAULT_CONSOLIDATOR_OPTIONS);
    // The thresholds tuned on the labelled set (docs/consolidation-quality.md).
    expect(options).toMatchObject({
      similarityThreshold: 0.68,
      duplicateThreshold: 0.88,
    });
    expect(options.workerId).toMatch(/-\d+-[0-9a-f]{6}$/);
  });

  it('lessonConfidence: smoothed success share times the mean confidence', () => {
    expect(
      lessonConfidence([
        { outcome: 'success', confidence: 1 },
        { outcome: 'success', confidence: 1 },
      ]),
    ).toBe(0.75);
    expect(
      lessonConfidence([
        { outcome: 'failure', confidence: 0.8 },
        { outcome: null, confidence: 0.8 },
      ]),
    ).toBeCloseTo(0.8 / 3);
  });
});

describe.each(BACKENDS)('consolidator life cycle on $name', (backend) => {
  let opened: OpenedStore;
  beforeEach(async () => {
    opened = await backend.open(DIMENSION);
  });
  afterEach(async () => {
    await opened.dispose();
  });

  it('run() rejects a bad project id and an embedder of another dimension', async () => {
    const { store } = opened;
    const consolidator = createConsolidator({ store, embedder });
    await expect(consolidator.run({ projectId: -1 })).rejects.toBeInstanceOf(ValidationError);
    await expect(consolidator.run({ projectId: 1, maxBatches: 0 })).rejects.toBeInstanceOf(
      ValidationError,
    );
    const other = createConsolidator({ store, embedder: new HashingEmbedder({ dimension: 8 }) });
    await expect(other.run({ projectId: 1 })).rejects.toThrow(/dimension/);
  });

  it('joins later memories to the consolidated representative, bumping its version', async () => {
    const { store } = opened;
    const project = await store.projects.create({ name: 'p', path: '/p' });
    const consolidator = createConsolidator({ store, embedder, options: { workerId: 'w' } });
    const [first] = await storeTexts(store, project.id, [
      'Release builds are signed with the hardware key in the vault',
    ]);
    await consolidator.run({ projectId: project.id });
    const [copy, detail] = await storeTexts(store, project.id, [
      'Release builds are signed with the hardware key in the vault.',
      'Release builds are signed with the hardware key in the vault after approval by security',
    ]);
    const run = await consolidator.run({ projectId: project.id });
    expect(run).toMatchObject({ claimed: 2, clusters: 1, created: 0, superseded: 1, linked: 1 });
    const [rep, dup, ext] = await store.memories.getMany(project.id, [
      first as number,
      copy as number,
      detail as number,
    ]);
    expect(rep).toMatchObject({ consolidationState: 'consolidated', version: 2 });
    expect(dup).toMatchObject({ consolidationState: 'superseded', supersededBy: first });
    expect(ext?.consolidationState).toBe('consolidated');
    const [link] = await store.relationships.list(project.id, detail as number);
    expect(link).toMatchObject({ toMemoryId: first, relationshipType: 'extends' });
    const runs = await store.consolidation.listRuns(project.id);
    expect(runs.map((r) => r.id)).toEqual([run.id, runs[1]?.id]);
    expect(Object.keys(run.phases)).toEqual(
      expect.arrayContaining(['release', 'sweep', 'episodes', 'claim', 'settle']),
    );
  });

  it('turns episodes into lessons with provenance and a confidence from their outcomes', async () => {
    const { store } = opened;
    const project = await store.projects.create({ name: 'p', path: '/p' });
    const events = await store.episodes.recordMany(project.id, [
      {
        sessionId: 's1',
        eventType: 'test_run',
        content: 'vitest failed: flaky timer',
        outcome: 'failure',
        context: { task: 'fix flaky tests' },
      },
      {
        sessionId: 's1',
        eventType: 'success',
        content: 'fake timers fixed it',
        outcome: 'success',
        learned: 'Use fake timers for time-dependent tests',
        context: { task: 'fix flaky tests' },
      },
      { sessionId: 's2', eventType: 'deployment', content: 'deployed v2', outcome: 'success' },
    ]);
    const logger: ConsolidationLogger & { lines: Record<string, unknown>[] } = {
      lines: [],
      info(_message, fields) {
        this.lines.push({ ...fields });
      },
      warn: () => undefined,
    };
    const consolidator = createConsolidator({ store, embedder, options: { logger } });
    const run = await consolidator.run({ projectId: project.id });
    expect(run).toMatchObject({ episodes: 3, created: 2, claimed: 2 });
    expect(logger.lines).toEqual([expect.objectContaining({ runId: run.id, episodes: 3 })]);
    const lessons = (await store.memories.list(project.id, { order: 'asc' })).items;
    expect(lessons.map((m) => [m.memoryType, m.tags, m.sessionId, m.consolidationState])).toEqual([
      ['insight', ['lesson'], 's1', 'consolidated'],
      ['insight', ['lesson'], 's2', 'consolidated'],
    ]);
    expect(lessons[0]?.content).toContain('Use fake timers for time-dependent tests');
    expect(lessons[0]?.confidence).toBeCloseTo(lessonConfidence(events.slice(0, 2)));
    const sources = await store.episodes.list(project.id, {
      consolidatedInto: lessons[0]?.id as number,
    });
    expect(sources.items.map((e) => e.id)).toEqual([events[0]?.id, events[1]?.id]);
    expect((await consolidator.run({ projectId: project.id })).episodes).toBe(0);
  });

  it('reconsolidates an updated labile memory inside its window into a new version', async () => {
    const { store } = opened;
    const project = await store.projects.create({ name: 'p', path: '/p' });
    const consolidator = createConsolidator({
      store,
      embedder,
      options: { workerId: 'w', reconsolidationWindowMinutes: 30 },
    });
    const [id, other] = await storeTexts(store, project.id, [
      'The API rate limit is 100 requests per minute',
      'Clients retry with exponential backoff',
    ]);
    await consolidator.run({ projectId: project.id });
    await store.relationships.link(project.id, {
      fromMemoryId: other as number,
      toMemoryId: id as number,
      relationshipType: 'depends_on',
      strength: 0.4,
    });
    const now = new Date();
    await store.memories.recordAccess(project.id, [id as number], { retrieved: true, at: now });
    expect(await store.consolidation.labilize(project.id, [id as number], now)).toEqual([id]);

    const { previous, current } = await consolidator.reconsolidate({
      projectId: project.id,
      memoryId: id as number,
      content: 'The API rate limit is 300 requests per minute since March',
    });
    expect(previous).toMatchObject({ consolidationState: 'superseded', supersededBy: current.id });
    expect(previous.content).toBe('The API rate limit is 100 requests per minute');
    expect(current).toMatchObject({
      consolidationState: 'consolidated',
      content: 'The API rate limit is 300 requests per minute since March',
    });
    const history = await store.consolidation.history(project.id, id as number);
    expect(history.slice(-2).map((h) => h.toState)).toEqual(['reconsolidating', 'superseded']);
    const moved = await store.relationships.list(project.id, current.id);
    expect(moved.map((l) => [l.fromMemoryId, l.relationshipType])).toEqual([[other, 'depends_on']]);

    await expect(
      consolidator.reconsolidate({ projectId: project.id, memoryId: id as number, content: 'x' }),
    ).rejects.toBeInstanceOf(InvalidTransitionError);
    await expect(
      consolidator.reconsolidate({ projectId: project.id, memoryId: 999_999, content: 'x' }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses an update after the window and the sweep closes it', async () => {
    const { store } = opened;
    const project = await store.projects.create({ name: 'p', path: '/p' });
    const consolidator = createConsolidator({
      store,
      embedder,
      options: { reconsolidationWindowMinutes: 30 },
    });
    const [stale, fresh] = await storeTexts(store, project.id, [
      'Old fact about the billing cron job schedule',
      'Fresh fact about the search index rebuild',
    ]);
    await consolidator.run({ projectId: project.id });
    const longAgo = new Date(Date.now() - 90 * MINUTE);
    await store.memories.recordAccess(project.id, [stale as number], {
      retrieved: true,
      at: longAgo,
    });
    await store.memories.recordAccess(project.id, [fresh as number], { retrieved: true });
    await store.consolidation.labilize(project.id, [stale as number, fresh as number]);
    await expect(
      consolidator.reconsolidate({
        projectId: project.id,
        memoryId: stale as number,
        content: 'x',
      }),
    ).rejects.toBeInstanceOf(ConflictError);
    const run = await consolidator.run({ projectId: project.id });
    expect(run.closed).toBe(1);
    const [a, b] = await store.memories.getMany(project.id, [stale as number, fresh as number]);
    expect(a?.consolidationState).toBe('consolidated');
    expect(b?.consolidationState).toBe('labile');
  });

  it('start() loops over every project and stop() waits for the pass to end', async () => {
    const { store } = opened;
    const one = await store.projects.create({ name: 'one', path: '/one' });
    const two = await store.projects.create({ name: 'two', path: '/two' });
    await storeTexts(store, one.id, ['First project note']);
    await storeTexts(store, two.id, ['Second project note']);
    const infos: unknown[] = [];
    const consolidator = createConsolidator({
      store,
      embedder,
      options: {
        intervalMs: 60_000,
        logger: { info: (_m, fields) => infos.push(fields), warn: () => undefined },
      },
    });
    consolidator.start();
    expect(consolidator.running).toBe(true);
    while (infos.length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
    await consolidator.stop();
    expect(consolidator.running).toBe(false);
    expect((await store.consolidation.listRuns(one.id))[0]?.claimed).toBe(1);
    expect((await store.consolidation.listRuns(two.id))[0]?.claimed).toBe(1);
  });
});
