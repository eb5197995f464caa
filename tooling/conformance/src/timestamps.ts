import { LIMITS, ValidationError } from '@athena/core-types';
import { expect, it } from 'vitest';
import { expectAthenaError } from './expect-athena-error.js';
import { QUERY, memoryInput, present } from './fixtures.js';
import type { SuiteContext } from './suite-context.js';

/** An instant with milliseconds, on a leap day, just before midnight UTC. */
const INSTANT = new Date('2024-02-29T23:59:59.123Z');

/** Timestamps are instants: they round-trip to the millisecond, whatever the zone. */
export function timestampTests(ctx: SuiteContext): void {
  it('a memory’s createdAt round-trips to the millisecond through get, list and search', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const memory = await store.memories.store(
      project.id,
      memoryInput({ content: 'leap quokka', createdAt: INSTANT }),
    );
    expect(memory.createdAt).toBeInstanceOf(Date);
    expect(memory.createdAt.getTime()).toBe(INSTANT.getTime());
    expect(present(await store.memories.get(project.id, memory.id)).createdAt.getTime()).toBe(
      INSTANT.getTime(),
    );
    expect((await store.memories.list(project.id)).items[0]?.createdAt.getTime()).toBe(
      INSTANT.getTime(),
    );
    expect((await store.search.semantic(project.id, QUERY))[0]?.memory.createdAt.getTime()).toBe(
      INSTANT.getTime(),
    );
    expect((await store.search.keyword(project.id, 'quokka'))[0]?.memory.createdAt.getTime()).toBe(
      INSTANT.getTime(),
    );
    const [many] = await store.memories.storeMany(project.id, [
      memoryInput({ createdAt: INSTANT }),
    ]);
    expect(
      present(await store.memories.get(project.id, present(many))).createdAt.toISOString(),
    ).toBe('2024-02-29T23:59:59.123Z');
  });

  it('instants of the years 0001 to 9999 round-trip; earlier or later ones are a ValidationError and write nothing', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const first = new Date(LIMITS.earliestInstant);
    const last = new Date(LIMITS.latestInstant);
    expect([first.toISOString(), last.toISOString()]).toEqual([
      '0001-01-01T00:00:00.000Z',
      '9999-12-31T23:59:59.999Z',
    ]);
    for (const at of [first, last]) {
      const memory = await store.memories.store(project.id, memoryInput({ createdAt: at }));
      expect(present(await store.memories.get(project.id, memory.id)).createdAt.getTime()).toBe(
        at.getTime(),
      );
      const event = await store.episodes.record(project.id, {
        sessionId: 's',
        eventType: 'action',
        content: 'at the edge',
        timestamp: at,
      });
      expect(present(await store.episodes.get(project.id, event.id)).timestamp.getTime()).toBe(
        at.getTime(),
      );
    }
    const before = await store.memories.count(project.id);
    for (const at of [
      new Date('-005000-06-01T00:00:00.000Z'),
      new Date(LIMITS.earliestInstant - 1),
      new Date(LIMITS.latestInstant + 1),
      new Date('+275760-09-13T00:00:00.000Z'),
    ]) {
      await expectAthenaError(
        () => store.memories.store(project.id, memoryInput({ createdAt: at })),
        ValidationError,
        'validation',
      );
      await expectAthenaError(
        () =>
          store.episodes.record(project.id, {
            sessionId: 's',
            eventType: 'action',
            content: 'out of range',
            timestamp: at,
          }),
        ValidationError,
        'validation',
      );
      await expectAthenaError(
        () => store.goals.create(project.id, { title: 'g', deadline: at }),
        ValidationError,
        'validation',
      );
    }
    expect(await store.memories.count(project.id)).toBe(before);
  });

  it('instants survive a change of the process time zone (never naive local times)', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const previous = process.env.TZ;
    try {
      process.env.TZ = 'Pacific/Kiritimati';
      const memory = await store.memories.store(project.id, memoryInput({ createdAt: INSTANT }));
      const event = await store.episodes.record(project.id, {
        sessionId: 's',
        eventType: 'action',
        content: 'far east',
        timestamp: INSTANT,
      });
      process.env.TZ = 'America/Los_Angeles';
      expect(present(await store.memories.get(project.id, memory.id)).createdAt.toISOString()).toBe(
        INSTANT.toISOString(),
      );
      expect(present(await store.episodes.get(project.id, event.id)).timestamp.toISOString()).toBe(
        INSTANT.toISOString(),
      );
      expect(await store.memories.count(project.id, { createdAfter: INSTANT })).toBe(1);
      expect(await store.memories.count(project.id, { createdBefore: INSTANT })).toBe(0);
    } finally {
      if (previous === undefined) delete process.env.TZ;
      else process.env.TZ = previous;
    }
  });

  it('createdAt filters compare instants exactly at the millisecond', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const at = (ms: number) => new Date(INSTANT.getTime() + ms);
    await store.memories.storeMany(
      project.id,
      [-1, 0, 1].map((ms) => memoryInput({ createdAt: at(ms) })),
    );
    expect(await store.memories.count(project.id, { createdAfter: INSTANT })).toBe(2);
    expect(await store.memories.count(project.id, { createdBefore: INSTANT })).toBe(1);
    expect(
      await store.memories.count(project.id, { createdAfter: at(-1), createdBefore: at(1) }),
    ).toBe(2);
  });

  it('default timestamps are the current instant', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const before = Date.now();
    const memory = await store.memories.store(project.id, memoryInput());
    const after = Date.now();
    for (const t of [memory.createdAt, memory.updatedAt, project.createdAt]) {
      expect(t).toBeInstanceOf(Date);
      expect(t.getTime()).toBeGreaterThanOrEqual(before - 5_000);
      expect(t.getTime()).toBeLessThanOrEqual(after + 5_000);
    }
  });

  it('an episode timestamp round-trips to the millisecond and orders events', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const later = await store.episodes.record(project.id, {
      sessionId: 's',
      eventType: 'observation',
      content: 'later',
      timestamp: new Date(INSTANT.getTime() + 1),
    });
    const event = await store.episodes.record(project.id, {
      sessionId: 's',
      eventType: 'observation',
      content: 'leap',
      timestamp: INSTANT,
    });
    expect(event.timestamp.getTime()).toBe(INSTANT.getTime());
    expect(present(await store.episodes.get(project.id, event.id)).timestamp.getTime()).toBe(
      INSTANT.getTime(),
    );
    const listed = await store.episodes.list(project.id, {
      from: INSTANT,
      to: new Date(INSTANT.getTime() + 1),
    });
    expect(listed.items.map((e) => e.id)).toEqual([event.id]);
    expect((await store.episodes.list(project.id)).items.map((e) => e.id)).toEqual([
      event.id,
      later.id,
    ]);
  });

  it('goal deadlines and task due dates round-trip to the millisecond', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const goal = await store.goals.create(project.id, { title: 'g', deadline: INSTANT });
    const task = await store.tasks.create(project.id, { title: 't', dueAt: INSTANT });
    expect(present(await store.goals.get(project.id, goal.id)).deadline?.getTime()).toBe(
      INSTANT.getTime(),
    );
    expect(present(await store.tasks.get(project.id, task.id)).dueAt?.getTime()).toBe(
      INSTANT.getTime(),
    );
  });

  it('access, transition and claim instants round-trip to the millisecond', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const memory = await store.memories.store(project.id, memoryInput());
    await store.memories.recordAccess(project.id, [memory.id], { retrieved: true, at: INSTANT });
    const accessed = present(await store.memories.get(project.id, memory.id));
    expect(accessed.lastAccessed?.getTime()).toBe(INSTANT.getTime());
    expect(accessed.lastRetrieved?.getTime()).toBe(INSTANT.getTime());
    const [claimed] = await store.consolidation.claimBatch(project.id, {
      worker: 'w',
      now: INSTANT,
      leaseMs: 1,
    });
    expect(claimed?.claimExpiresAt?.getTime()).toBe(INSTANT.getTime() + 1);
    const done = await store.consolidation.transition(project.id, memory.id, 'consolidated', {
      at: INSTANT,
    });
    expect(done.consolidatedAt?.getTime()).toBe(INSTANT.getTime());
    const history = await store.consolidation.history(project.id, memory.id);
    expect(history.map((h) => h.at.getTime())).toEqual([INSTANT.getTime(), INSTANT.getTime()]);
  });
}
