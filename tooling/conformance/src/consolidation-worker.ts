import {
  InvalidTransitionError,
  NotFoundError,
  StorageError,
  ValidationError,
} from '@athena/core-types';
import type { ConsolidationRunInput } from '@athena/core-types';
import { describe, expect, it } from 'vitest';
import { expectAthenaError } from './expect-athena-error.js';
import { exactly, memoryInput, nth } from './fixtures.js';
import type { SuiteContext } from './suite-context.js';

const AT = new Date('2024-06-01T12:00:00.000Z');

function runInput(overrides: Partial<ConsolidationRunInput> = {}): ConsolidationRunInput {
  return {
    workerId: 'worker-1',
    startedAt: AT,
    finishedAt: new Date(AT.getTime() + 1_500),
    claimed: 10,
    clusters: 2,
    created: 2,
    superseded: 3,
    linked: 4,
    episodes: 5,
    released: 1,
    closed: 0,
    fallbacks: 0,
    errors: 0,
    error: null,
    phases: { claim: 1.25, settle: 30.5 },
    ...overrides,
  };
}

/** What the consolidation worker needs of a store: batch transitions, the project lock, run records, provenance. */
export function consolidationWorkerTests(ctx: SuiteContext): void {
  describe('transitionMany()', () => {
    it('applies changes in order, a memory more than once, and logs each', async () => {
      const store = ctx.store();
      const project = await ctx.project();
      const [a, b, c] = exactly(
        await store.memories.storeMany(project.id, [memoryInput(), memoryInput(), memoryInput()]),
        3,
      );
      const applied = await store.consolidation.transitionMany(
        project.id,
        [
          { memoryId: a, to: 'consolidating' },
          { memoryId: a, to: 'consolidated' },
          { memoryId: b, to: 'consolidating' },
          { memoryId: b, to: 'superseded', supersededBy: a },
          { memoryId: c, to: 'consolidating' },
        ],
        { actor: 'worker-9', reason: 'batch', at: AT },
      );
      expect(applied).toBe(5);
      const [ma, mb, mc] = exactly(await store.memories.getMany(project.id, [a, b, c]), 3);
      expect(ma).toMatchObject({ consolidationState: 'consolidated', consolidatedAt: AT });
      expect(ma.claimedBy).toBeNull();
      expect(mb).toMatchObject({ consolidationState: 'superseded', supersededBy: a });
      expect(mc).toMatchObject({ consolidationState: 'consolidating', claimedBy: 'worker-9' });
      expect(mc.claimExpiresAt?.getTime()).toBeGreaterThan(AT.getTime());
      const history = await store.consolidation.history(project.id, b);
      expect(history.map((h) => [h.fromState, h.toState, h.actor, h.reason])).toEqual([
        ['unconsolidated', 'consolidating', 'worker-9', 'batch'],
        ['consolidating', 'superseded', 'worker-9', 'batch'],
      ]);
      expect(history.every((h) => h.at.getTime() === AT.getTime())).toBe(true);
      expect(await store.consolidation.transitionMany(project.id, [])).toBe(0);
    });

    it('is all or nothing: a forbidden move, an unknown memory or a foreign supersededBy changes nothing', async () => {
      const store = ctx.store();
      const project = await ctx.project();
      const other = await ctx.project('other');
      const [a, b] = exactly(
        await store.memories.storeMany(project.id, [memoryInput(), memoryInput()]),
        2,
      );
      const [foreign] = exactly(await store.memories.storeMany(other.id, [memoryInput()]), 1);
      await expectAthenaError(
        () =>
          store.consolidation.transitionMany(project.id, [
            { memoryId: a, to: 'consolidating' },
            { memoryId: b, to: 'consolidated' },
          ]),
        InvalidTransitionError,
        'invalid_transition',
      );
      await expectAthenaError(
        () =>
          store.consolidation.transitionMany(project.id, [
            { memoryId: a, to: 'consolidating' },
            { memoryId: foreign, to: 'consolidating' },
          ]),
        NotFoundError,
        'not_found',
      );
      await expectAthenaError(
        () =>
          store.consolidation.transitionMany(project.id, [
            { memoryId: a, to: 'superseded', supersededBy: foreign },
          ]),
        NotFoundError,
        'not_found',
      );
      const after = await store.memories.getMany(project.id, [a, b]);
      expect(after.map((m) => m.consolidationState)).toEqual(['unconsolidated', 'unconsolidated']);
      expect(await store.consolidation.history(project.id, a)).toEqual([]);
    });

    it('rejects bad changes with a ValidationError naming the field', async () => {
      const store = ctx.store();
      const project = await ctx.project();
      const [a] = exactly(await store.memories.storeMany(project.id, [memoryInput()]), 1);
      const missing = await expectAthenaError(
        () => store.consolidation.transitionMany(project.id, [{ memoryId: a, to: 'superseded' }]),
        ValidationError,
        'validation',
      );
      expect(missing.issues[0]?.path).toBe('changes[0].supersededBy');
      await expectAthenaError(
        () =>
          store.consolidation.transitionMany(project.id, [
            { memoryId: a, to: 'superseded', supersededBy: a },
          ]),
        ValidationError,
        'validation',
      );
      await expectAthenaError(
        () =>
          store.consolidation.transitionMany(project.id, [
            { memoryId: a, to: 'forgotten' as never },
          ]),
        ValidationError,
        'validation',
      );
    });
  });

  describe('lock()', () => {
    it('holds inside a transaction and is refused outside one', async () => {
      const store = ctx.store();
      const project = await ctx.project();
      await expectAthenaError(() => store.consolidation.lock(project.id), StorageError, 'storage');
      const value = await store.transaction(async (tx) => {
        await tx.consolidation.lock(project.id);
        await tx.consolidation.lock(project.id);
        return tx.memories.store(project.id, memoryInput());
      });
      expect((await store.memories.get(project.id, value.id))?.id).toBe(value.id);
    });

    it('serialises two transactions on one project', async () => {
      const store = ctx.store();
      const project = await ctx.project();
      const order: string[] = [];
      let releaseFirst: () => void = () => undefined;
      const firstHolds = new Promise<void>((resolve) => {
        releaseFirst = resolve;
      });
      let signalLocked: () => void = () => undefined;
      const locked = new Promise<void>((resolve) => {
        signalLocked = resolve;
      });
      const first = store.transaction(async (tx) => {
        await tx.consolidation.lock(project.id);
        order.push('first locked');
        signalLocked();
        await firstHolds;
        order.push('first done');
      });
      await locked;
      const second = store.transaction(async (tx) => {
        await tx.consolidation.lock(project.id);
        order.push('second locked');
      });
      // Give the second transaction every chance to overtake; it must not.
      await new Promise((resolve) => setTimeout(resolve, 50));
      releaseFirst();
      await Promise.all([first, second]);
      expect(order).toEqual(['first locked', 'first done', 'second locked']);
    });
  });

  describe('run records', () => {
    it('recordRun() stores every field and listRuns() returns the project newest first, by pages', async () => {
      const store = ctx.store();
      const project = await ctx.project();
      const other = await ctx.project('other');
      const first = await store.consolidation.recordRun(project.id, runInput());
      expect(first).toEqual({ id: first.id, projectId: project.id, ...runInput() });
      const second = await store.consolidation.recordRun(
        project.id,
        runInput({ workerId: 'worker-2', errors: 1, error: 'settle: boom', phases: {} }),
      );
      await store.consolidation.recordRun(other.id, runInput());
      expect(await store.consolidation.listRuns(project.id)).toEqual([second, first]);
      expect(await store.consolidation.listRuns(project.id, { limit: 1 })).toEqual([second]);
      expect(await store.consolidation.listRuns(project.id, { before: second.id })).toEqual([
        first,
      ]);
    });

    it('rejects a bad run or an unknown project and stores nothing', async () => {
      const store = ctx.store();
      const project = await ctx.project();
      const error = await expectAthenaError(
        () =>
          store.consolidation.recordRun(
            project.id,
            runInput({ claimed: -1, finishedAt: new Date(AT.getTime() - 1) }),
          ),
        ValidationError,
        'validation',
      );
      expect(error.issues.map((i) => i.path).sort()).toEqual(['run.claimed', 'run.finishedAt']);
      await expectAthenaError(
        () => store.consolidation.recordRun(987_654_321, runInput()),
        NotFoundError,
        'not_found',
      );
      await expectAthenaError(
        () => store.consolidation.listRuns(project.id, { limit: 0 }),
        ValidationError,
        'validation',
      );
      expect(await store.consolidation.listRuns(project.id)).toEqual([]);
    });
  });

  describe('episode provenance', () => {
    it('markConsolidated({ into }) records the memory the events became, listable by it', async () => {
      const store = ctx.store();
      const project = await ctx.project();
      const events = await store.episodes.recordMany(project.id, [
        { sessionId: 's', eventType: 'learning', content: 'a', timestamp: AT },
        { sessionId: 's', eventType: 'success', content: 'b', timestamp: AT },
        { sessionId: 's', eventType: 'error', content: 'c', timestamp: AT },
      ]);
      const [lesson] = exactly(await store.memories.storeMany(project.id, [memoryInput()]), 1);
      const marked = await store.episodes.markConsolidated(
        project.id,
        [nth(events, 0).id, nth(events, 1).id],
        { into: lesson, at: AT },
      );
      expect(marked).toBe(2);
      const sources = await store.episodes.list(project.id, { consolidatedInto: lesson });
      expect(sources.items.map((e) => e.id)).toEqual([nth(events, 0).id, nth(events, 1).id]);
      expect(sources.items[0]).toMatchObject({
        consolidationStatus: 'consolidated',
        consolidatedAt: AT,
        consolidatedInto: lesson,
      });
      expect(
        (await store.episodes.get(project.id, nth(events, 2).id))?.consolidatedInto,
      ).toBeNull();
      // Already consolidated: not counted, provenance kept.
      expect(
        await store.episodes.markConsolidated(project.id, [nth(events, 0).id], { into: lesson }),
      ).toBe(0);
      expect(await store.memories.delete(project.id, lesson)).toBe(true);
      expect(
        (await store.episodes.get(project.id, nth(events, 0).id))?.consolidatedInto,
      ).toBeNull();
    });

    it('rejects a memory of another project and changes nothing', async () => {
      const store = ctx.store();
      const project = await ctx.project();
      const other = await ctx.project('other');
      const [event] = exactly(
        await store.episodes.recordMany(project.id, [
          { sessionId: 's', eventType: 'learning', content: 'a' },
        ]),
        1,
      );
      const [foreign] = exactly(await store.memories.storeMany(other.id, [memoryInput()]), 1);
      await expectAthenaError(
        () => store.episodes.markConsolidated(project.id, [event.id], { into: foreign }),
        NotFoundError,
        'not_found',
      );
      expect((await store.episodes.get(project.id, event.id))?.consolidationStatus).toBe(
        'unconsolidated',
      );
    });
  });
}
