import { EPISODE_EVENT_TYPES, ValidationError } from '@athena/core-types';
import type { EpisodicEvent, RecordEpisodeInput, Store } from '@athena/core-types';
import { expect, it } from 'vitest';
import { expectAthenaError } from './expect-athena-error.js';
import { exactly, ids, nth } from './fixtures.js';
import type { SuiteContext } from './suite-context.js';

const at = (minute: number) => new Date(Date.UTC(2024, 4, 10, 12, minute, 0, 500));

function event(overrides: Partial<RecordEpisodeInput> = {}): RecordEpisodeInput {
  return {
    sessionId: 'session-a',
    eventType: 'action',
    content: 'something happened',
    ...overrides,
  };
}

async function listAll(
  store: Store,
  projectId: number,
  options: Parameters<Store['episodes']['list']>[1] = {},
): Promise<EpisodicEvent[]> {
  const out: EpisodicEvent[] = [];
  let after: string | null = null;
  for (let guard = 0; guard < 100; guard++) {
    const page = await store.episodes.list(projectId, { ...options, after });
    out.push(...page.items);
    if (page.nextCursor === null) return out;
    after = page.nextCursor;
  }
  throw new Error('episode pagination does not terminate');
}

/** episodes: record, recordMany, get, list filters, chronology, pagination, markConsolidated. */
export function episodeTests(ctx: SuiteContext): void {
  it('record() applies defaults and get() returns the same event', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const before = Date.now();
    const recorded = await store.episodes.record(project.id, event());
    expect(recorded).toMatchObject({
      projectId: project.id,
      sessionId: 'session-a',
      eventType: 'action',
      content: 'something happened',
      durationMs: null,
      outcome: null,
      context: { cwd: null, files: [], task: null, phase: null, branch: null },
      filesChanged: 0,
      linesAdded: 0,
      linesDeleted: 0,
      learned: null,
      surpriseScore: null,
      confidence: 1,
      consolidationStatus: 'unconsolidated',
      consolidatedAt: null,
    });
    expect(Math.abs(recorded.timestamp.getTime() - before)).toBeLessThan(60_000);
    expect(await store.episodes.get(project.id, recorded.id)).toEqual(recorded);
    expect(await store.episodes.get(project.id, recorded.id + 10_000)).toBeNull();
  });

  it('every field and the context round-trip; a partial context is completed with nulls', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const full = await store.episodes.record(
      project.id,
      event({
        eventType: 'test_run',
        timestamp: at(1),
        durationMs: 1234,
        outcome: 'partial',
        context: {
          cwd: '/work/x',
          files: ['a.ts', 'b/c.ts'],
          task: 'fix it',
          phase: 'verify',
          branch: 'main',
        },
        filesChanged: 2,
        linesAdded: 30,
        linesDeleted: 4,
        learned: 'tests are flaky',
        surpriseScore: 0.25,
        confidence: 0.75,
      }),
    );
    expect(await store.episodes.get(project.id, full.id)).toEqual(full);
    expect(full).toMatchObject({
      eventType: 'test_run',
      durationMs: 1234,
      outcome: 'partial',
      context: {
        cwd: '/work/x',
        files: ['a.ts', 'b/c.ts'],
        task: 'fix it',
        phase: 'verify',
        branch: 'main',
      },
      filesChanged: 2,
      linesAdded: 30,
      linesDeleted: 4,
      learned: 'tests are flaky',
      surpriseScore: 0.25,
      confidence: 0.75,
    });
    expect(full.timestamp.getTime()).toBe(at(1).getTime());
    const partial = await store.episodes.record(
      project.id,
      event({ context: { files: ['only.ts'] } }),
    );
    expect((await store.episodes.get(project.id, partial.id))?.context).toEqual({
      cwd: null,
      files: ['only.ts'],
      task: null,
      phase: null,
      branch: null,
    });
  });

  it('every event type of the vocabulary round-trips; tool_call is recorded and listed as tool_execution', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    expect(EPISODE_EVENT_TYPES).toHaveLength(16);
    const recorded = await store.episodes.recordMany(
      project.id,
      EPISODE_EVENT_TYPES.map((eventType, minute) => event({ eventType, timestamp: at(minute) })),
    );
    expect(recorded.map((e) => e.eventType)).toEqual([...EPISODE_EVENT_TYPES]);
    for (const e of recorded) expect(await store.episodes.get(project.id, e.id)).toEqual(e);
    const alias = await store.episodes.record(
      project.id,
      event({ eventType: 'tool_call', timestamp: at(30) }),
    );
    expect(alias.eventType).toBe('tool_execution');
    const tools = await listAll(store, project.id, { eventTypes: ['tool_call'] });
    expect(tools.map((e) => e.eventType)).toEqual(['tool_execution', 'tool_execution']);
    expect(ids(tools)).toEqual([
      nth(recorded, EPISODE_EVENT_TYPES.indexOf('tool_execution')).id,
      alias.id,
    ]);
    const reflections = await listAll(store, project.id, {
      eventTypes: ['reflection', 'session_checkpoint'],
    });
    expect(reflections.map((e) => e.eventType)).toEqual(['session_checkpoint', 'reflection']);
  });

  it('recordMany() returns the events in input order', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const events = await store.episodes.recordMany(project.id, [
      event({ content: 'one', timestamp: at(3) }),
      event({ content: 'two', timestamp: at(1) }),
      event({ content: 'three', timestamp: at(2) }),
    ]);
    expect(events.map((e) => e.content)).toEqual(['one', 'two', 'three']);
    for (const e of events) expect(await store.episodes.get(project.id, e.id)).toEqual(e);
    expect(await store.episodes.recordMany(project.id, [])).toEqual([]);
  });

  it('recordMany() is all or none: one bad event writes nothing', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    await expectAthenaError(
      () =>
        store.episodes.recordMany(project.id, [
          event({ content: 'good' }),
          event({ content: 'bad', confidence: 7 }),
        ]),
      ValidationError,
      'validation',
    );
    await expectAthenaError(
      () => store.episodes.recordMany(project.id, [event(), event({ content: 'nul\u0000' })]),
      ValidationError,
      'validation',
    );
    expect((await store.episodes.list(project.id)).items).toEqual([]);
  });

  it('invalid events are ValidationErrors: unknown type, blank content, negative counts', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const bad: Partial<RecordEpisodeInput>[] = [
      { eventType: 'dream' as RecordEpisodeInput['eventType'] },
      { content: '  ' },
      { linesAdded: -1 },
      { sessionId: '' },
      { outcome: 'meh' as RecordEpisodeInput['outcome'] },
    ];
    for (const overrides of bad) {
      await expectAthenaError(
        () => store.episodes.record(project.id, event(overrides)),
        ValidationError,
        'validation',
      );
    }
    expect((await store.episodes.list(project.id)).items).toEqual([]);
  });

  it('list() is chronological (timestamp, then id) whatever the recording order', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const late = await store.episodes.record(project.id, event({ timestamp: at(30) }));
    const early = await store.episodes.record(project.id, event({ timestamp: at(10) }));
    const tieA = await store.episodes.record(project.id, event({ timestamp: at(20) }));
    const tieB = await store.episodes.record(project.id, event({ timestamp: at(20) }));
    expect(ids((await store.episodes.list(project.id)).items)).toEqual([
      early.id,
      tieA.id,
      tieB.id,
      late.id,
    ]);
  });

  it('list() filters by session, time range [from, to), event types and consolidation status', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const e = await store.episodes.recordMany(project.id, [
      event({ sessionId: 's1', eventType: 'action', timestamp: at(1) }),
      event({ sessionId: 's1', eventType: 'error', timestamp: at(2) }),
      event({ sessionId: 's2', eventType: 'decision', timestamp: at(3) }),
      event({ sessionId: 's2', eventType: 'error', timestamp: at(4) }),
      event({ sessionId: 's1', eventType: 'success', timestamp: at(5) }),
    ]);
    const id = (i: number) => nth(e, i).id;
    const list = async (options: Parameters<Store['episodes']['list']>[1]) =>
      ids((await store.episodes.list(project.id, options)).items);
    expect(await list({ sessionId: 's1' })).toEqual([id(0), id(1), id(4)]);
    expect(await list({ from: at(2), to: at(4) })).toEqual([id(1), id(2)]);
    expect(await list({ from: at(4) })).toEqual([id(3), id(4)]);
    expect(await list({ to: at(2) })).toEqual([id(0)]);
    expect(await list({ eventTypes: ['error', 'decision'] })).toEqual([id(1), id(2), id(3)]);
    expect(await list({ sessionId: 's2', eventTypes: ['error'] })).toEqual([id(3)]);
    expect(await store.episodes.markConsolidated(project.id, [id(0), id(3)])).toBe(2);
    expect(await list({ consolidationStatus: 'consolidated' })).toEqual([id(0), id(3)]);
    expect(await list({ consolidationStatus: 'unconsolidated' })).toEqual([id(1), id(2), id(4)]);
    expect(await list({ sessionId: 'nobody' })).toEqual([]);
  });

  it('list() pages through every event exactly once, in order', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const recorded = await store.episodes.recordMany(
      project.id,
      Array.from({ length: 11 }, (_, i) =>
        event({ content: `e${i}`, timestamp: at(20 - (i % 4)) }),
      ),
    );
    const expected = [...recorded]
      .sort((x, y) => x.timestamp.getTime() - y.timestamp.getTime() || x.id - y.id)
      .map((e) => e.id);
    const first = await store.episodes.list(project.id, { limit: 4 });
    expect(first.items).toHaveLength(4);
    expect(first.nextCursor).not.toBeNull();
    expect(ids(await listAll(store, project.id, { limit: 4 }))).toEqual(expected);
    expect(ids(await listAll(store, project.id, { limit: 1 }))).toEqual(expected);
  });

  it('large batches: recordMany of 5,000 events and markConsolidated of all of them', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const recorded = await store.episodes.recordMany(
      project.id,
      Array.from({ length: 5_000 }, (_, i) =>
        event({ content: `bulk ${i}`, timestamp: at(i % 60) }),
      ),
    );
    expect(recorded.map((e) => e.content)).toEqual(
      Array.from({ length: 5_000 }, (_, i) => `bulk ${i}`),
    );
    expect(new Set(ids(recorded)).size).toBe(5_000);
    expect(await store.episodes.markConsolidated(project.id, ids(recorded))).toBe(5_000);
    const page = await store.episodes.list(project.id, { consolidationStatus: 'unconsolidated' });
    expect(page.items).toEqual([]);
  });

  it('markConsolidated() sets the status and time, and counts only events that changed', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const [a, b] = exactly(await store.episodes.recordMany(project.id, [event(), event()]), 2);
    const when = new Date('2024-07-07T07:07:07.777Z');
    expect(await store.episodes.markConsolidated(project.id, [a.id, b.id + 10_000], when)).toBe(1);
    const marked = await store.episodes.get(project.id, a.id);
    expect(marked?.consolidationStatus).toBe('consolidated');
    expect(marked?.consolidatedAt?.getTime()).toBe(when.getTime());
    expect(await store.episodes.markConsolidated(project.id, [a.id, b.id])).toBe(1);
    expect(await store.episodes.markConsolidated(project.id, [a.id, b.id])).toBe(0);
    expect(await store.episodes.markConsolidated(project.id, [])).toBe(0);
  });
}
