import {
  CONSOLIDATION_STATES,
  CONSOLIDATION_TRANSITIONS,
  ConflictError,
  InvalidTransitionError,
  NotFoundError,
  ValidationError,
  canTransition,
} from '@athena/core-types';
import type { ConsolidationState, Store } from '@athena/core-types';
import { describe, expect, it } from 'vitest';
import { expectAthenaError } from './expect-athena-error.js';
import { exactly, ids, memoryInput, minutesAfter, nth, present, sorted } from './fixtures.js';
import type { SuiteContext } from './suite-context.js';

/** The allowed steps that bring a fresh memory into each state. */
const PATH: Readonly<Record<ConsolidationState, readonly ConsolidationState[]>> = {
  unconsolidated: [],
  consolidating: ['consolidating'],
  consolidated: ['consolidating', 'consolidated'],
  labile: ['consolidating', 'consolidated', 'labile'],
  reconsolidating: ['consolidating', 'consolidated', 'labile', 'reconsolidating'],
  superseded: ['superseded'],
};

const BASE = new Date('2024-03-01T09:00:00.000Z');

/** A memory in `state`, plus a second memory to supersede it with. */
async function memoryIn(store: Store, projectId: number, state: ConsolidationState) {
  const [memoryId, replacementId] = exactly(
    await store.memories.storeMany(projectId, [memoryInput(), memoryInput()]),
    2,
  );
  // Setup steps happen at BASE + i minutes, before any instant a test uses,
  // so "oldest first" means the same by time and by insertion.
  for (const [i, step] of PATH[state].entries()) {
    await store.consolidation.transition(projectId, memoryId, step, {
      actor: 'setup',
      at: minutesAfter(BASE, i),
      ...(step === 'superseded' ? { supersededBy: replacementId } : {}),
    });
  }
  return { memoryId, replacementId };
}

/** consolidation: the state machine, its log, claims, labilisation, the reconsolidation window. */
export function consolidationTests(ctx: SuiteContext): void {
  describe('transition()', () => {
    for (const from of CONSOLIDATION_STATES) {
      for (const to of CONSOLIDATION_TRANSITIONS[from]) {
        it(`${from} → ${to} succeeds and is logged with reason, actor and time`, async () => {
          const store = ctx.store();
          const project = await ctx.project();
          const { memoryId, replacementId } = await memoryIn(store, project.id, from);
          const at = new Date('2024-05-05T05:05:05.505Z');
          const moved = await store.consolidation.transition(project.id, memoryId, to, {
            reason: `to ${to}`,
            actor: 'worker-7',
            at,
            ...(to === 'superseded' ? { supersededBy: replacementId } : {}),
          });
          expect(moved.id).toBe(memoryId);
          expect(moved.consolidationState).toBe(to);
          expect(await store.memories.get(project.id, memoryId)).toEqual(moved);
          const history = await store.consolidation.history(project.id, memoryId);
          expect(history).toHaveLength(PATH[from].length + 1);
          const last = history[history.length - 1];
          expect(last).toMatchObject({
            projectId: project.id,
            memoryId,
            fromState: from,
            toState: to,
            reason: `to ${to}`,
            actor: 'worker-7',
          });
          expect(last?.at.getTime()).toBe(at.getTime());
          if (to === 'consolidated') expect(moved.consolidatedAt?.getTime()).toBe(at.getTime());
          if (to === 'superseded') expect(moved.supersededBy).toBe(replacementId);
          if (from === 'consolidating') {
            expect(moved.claimedBy).toBeNull();
            expect(moved.claimExpiresAt).toBeNull();
          }
        });
      }
    }

    for (const from of CONSOLIDATION_STATES) {
      const refused = CONSOLIDATION_STATES.filter((to) => !canTransition(from, to));
      it(`from ${from}, every disallowed target (${refused.join(', ')}) is InvalidTransitionError and changes nothing`, async () => {
        const store = ctx.store();
        const project = await ctx.project();
        const { memoryId, replacementId } = await memoryIn(store, project.id, from);
        const before = await store.memories.get(project.id, memoryId);
        const historyBefore = await store.consolidation.history(project.id, memoryId);
        for (const to of refused) {
          const error = await expectAthenaError(
            () =>
              store.consolidation.transition(
                project.id,
                memoryId,
                to,
                to === 'superseded' ? { supersededBy: replacementId } : {},
              ),
            InvalidTransitionError,
            'invalid_transition',
          );
          expect(error.details).toMatchObject({ from, to });
        }
        expect(await store.memories.get(project.id, memoryId)).toEqual(before);
        expect(await store.consolidation.history(project.id, memoryId)).toEqual(historyBefore);
      });
    }

    it('the full life cycle is logged oldest first', async () => {
      const store = ctx.store();
      const project = await ctx.project();
      const { memoryId, replacementId } = await memoryIn(store, project.id, 'unconsolidated');
      const steps: ConsolidationState[] = [
        'consolidating',
        'consolidated',
        'labile',
        'reconsolidating',
        'consolidated',
        'superseded',
      ];
      for (const [i, step] of steps.entries()) {
        await store.consolidation.transition(project.id, memoryId, step, {
          at: minutesAfter(BASE, i),
          ...(step === 'superseded' ? { supersededBy: replacementId } : {}),
        });
      }
      const history = await store.consolidation.history(project.id, memoryId);
      expect(history.map((h) => [h.fromState, h.toState])).toEqual([
        ['unconsolidated', 'consolidating'],
        ['consolidating', 'consolidated'],
        ['consolidated', 'labile'],
        ['labile', 'reconsolidating'],
        ['reconsolidating', 'consolidated'],
        ['consolidated', 'superseded'],
      ]);
      expect(history.map((h) => h.at.getTime())).toEqual(
        steps.map((_, i) => minutesAfter(BASE, i).getTime()),
      );
      expect(sorted(ids(history))).toEqual(ids(history));
      const final = present(await store.memories.get(project.id, memoryId));
      expect(final.consolidatedAt?.getTime()).toBe(minutesAfter(BASE, 4).getTime());
    });

    it('superseded requires a different memory of the project as supersededBy', async () => {
      const store = ctx.store();
      const project = await ctx.project();
      const { memoryId } = await memoryIn(store, project.id, 'consolidated');
      const before = await store.memories.get(project.id, memoryId);
      // Reading: a missing or self-referencing supersededBy is bad input
      // (ValidationError); an id that is not a memory of the project is NotFoundError.
      await expectAthenaError(
        () => store.consolidation.transition(project.id, memoryId, 'superseded'),
        ValidationError,
        'validation',
      );
      await expectAthenaError(
        () =>
          store.consolidation.transition(project.id, memoryId, 'superseded', {
            supersededBy: memoryId,
          }),
        ValidationError,
        'validation',
      );
      await expectAthenaError(
        () =>
          store.consolidation.transition(project.id, memoryId, 'superseded', {
            supersededBy: memoryId + 10_000,
          }),
        NotFoundError,
        'not_found',
      );
      expect(await store.memories.get(project.id, memoryId)).toEqual(before);
      expect(await store.consolidation.history(project.id, memoryId)).toHaveLength(2);
    });

    it('a memory is never superseded by a superseded one, so successor chains have no cycle', async () => {
      const store = ctx.store();
      const project = await ctx.project();
      const [a, b, c] = await store.memories.storeMany(project.id, [
        memoryInput({ content: 'a' }),
        memoryInput({ content: 'b' }),
        memoryInput({ content: 'c' }),
      ]);
      const [first, second, third] = [a, b, c] as [number, number, number];
      await store.consolidation.transition(project.id, first, 'superseded', {
        supersededBy: second,
      });
      const unchanged = await store.memories.getMany(project.id, [first, second, third]);
      const position = await store.consolidation.logPosition(project.id);
      const error = await expectAthenaError(
        () =>
          store.consolidation.transition(project.id, second, 'superseded', {
            supersededBy: first,
          }),
        ConflictError,
        'conflict',
      );
      expect(error.message).toContain(`memory ${first}`);
      // Two supersedes in one call: the second sees the first.
      await expectAthenaError(
        () =>
          store.consolidation.transitionMany(project.id, [
            { memoryId: third, to: 'superseded', supersededBy: second },
            { memoryId: second, to: 'superseded', supersededBy: third },
          ]),
        ConflictError,
        'conflict',
      );
      expect(await store.memories.getMany(project.id, [first, second, third])).toEqual(unchanged);
      expect(await store.consolidation.logPosition(project.id)).toBe(position);
      // A chain is fine: b by c, while a stays superseded by b.
      await store.consolidation.transitionMany(project.id, [
        { memoryId: second, to: 'superseded', supersededBy: third },
      ]);
      const after = await store.memories.getMany(project.id, [first, second, third]);
      expect(after.map((m) => [m.consolidationState, m.supersededBy])).toEqual([
        ['superseded', second],
        ['superseded', third],
        ['unconsolidated', null],
      ]);
    });

    it('supersededBy on any other transition is ValidationError and changes nothing', async () => {
      const store = ctx.store();
      const project = await ctx.project();
      const { memoryId } = await memoryIn(store, project.id, 'consolidated');
      const other = await memoryIn(store, project.id, 'unconsolidated');
      const before = await store.memories.get(project.id, memoryId);
      await expectAthenaError(
        () =>
          store.consolidation.transition(project.id, memoryId, 'labile', {
            supersededBy: other.memoryId,
          }),
        ValidationError,
        'validation',
      );
      expect(await store.memories.get(project.id, memoryId)).toEqual(before);
      expect(await store.consolidation.history(project.id, memoryId)).toHaveLength(2);
    });

    it('an unknown memory is NotFoundError; an unknown state is ValidationError', async () => {
      const store = ctx.store();
      const project = await ctx.project();
      const { memoryId } = await memoryIn(store, project.id, 'unconsolidated');
      await expectAthenaError(
        () => store.consolidation.transition(project.id, memoryId + 10_000, 'consolidating'),
        NotFoundError,
        'not_found',
      );
      await expectAthenaError(
        () => store.consolidation.transition(project.id, memoryId, 'frozen' as ConsolidationState),
        ValidationError,
        'validation',
      );
      expect((await store.memories.get(project.id, memoryId))?.consolidationState).toBe(
        'unconsolidated',
      );
    });
  });

  describe('logPosition() and changedSince()', () => {
    it('the position starts at 0 and grows with every logged transition', async () => {
      const store = ctx.store();
      const project = await ctx.project();
      expect(await store.consolidation.logPosition(project.id)).toBe(0);
      const { memoryId } = await memoryIn(store, project.id, 'consolidated');
      const position = await store.consolidation.logPosition(project.id);
      const history = await store.consolidation.history(project.id, memoryId);
      expect(position).toBe(history[history.length - 1]?.id);
      await store.consolidation.transition(project.id, memoryId, 'labile');
      expect(await store.consolidation.logPosition(project.id)).toBeGreaterThan(position);
    });

    it('changedSince() lists the memories moved into the states after a position, each once, ascending', async () => {
      const store = ctx.store();
      const project = await ctx.project();
      const other = await ctx.project();
      const before = await memoryIn(store, project.id, 'consolidated');
      const position = await store.consolidation.logPosition(project.id);
      const later = await memoryIn(store, project.id, 'consolidated');
      const claimed = await memoryIn(store, project.id, 'consolidating');
      const superseded = await memoryIn(store, project.id, 'superseded');
      // The same memory twice after the position: listed once.
      await store.consolidation.transition(project.id, later.memoryId, 'labile');
      await store.consolidation.transition(project.id, later.memoryId, 'reconsolidating');
      await store.consolidation.transition(project.id, later.memoryId, 'consolidated');
      // Another project's transitions are not this one's.
      await memoryIn(store, other.id, 'consolidated');
      expect(
        await store.consolidation.changedSince(project.id, position, ['consolidated', 'labile']),
      ).toEqual([later.memoryId]);
      expect(await store.consolidation.changedSince(project.id, position)).toEqual(
        sorted([later.memoryId, claimed.memoryId, superseded.memoryId]),
      );
      expect(await store.consolidation.changedSince(project.id, position, ['superseded'])).toEqual([
        superseded.memoryId,
      ]);
      expect(await store.consolidation.changedSince(project.id, 0, ['consolidated'])).toEqual(
        sorted([before.memoryId, later.memoryId]),
      );
      const end = await store.consolidation.logPosition(project.id);
      expect(await store.consolidation.changedSince(project.id, end)).toEqual([]);
    });

    it('changedSince() rejects a bad position or state with ValidationError; an unknown project has nothing', async () => {
      const store = ctx.store();
      const project = await ctx.project();
      const cases: [number, ConsolidationState[] | undefined, string][] = [
        [-1, undefined, 'position'],
        [1.5, undefined, 'position'],
        [Number.NaN, undefined, 'position'],
        [0, ['settled' as ConsolidationState], 'states'],
        [0, [], 'states'],
      ];
      for (const [position, states, path] of cases) {
        const error = await expectAthenaError(
          () => store.consolidation.changedSince(project.id, position, states),
          ValidationError,
          'validation',
        );
        expect(error.issues.map((issue) => issue.path.split(/[.[]/)[0])).toContain(path);
      }
      expect(await store.consolidation.logPosition(999_999)).toBe(0);
      expect(await store.consolidation.changedSince(999_999, 0)).toEqual([]);
    });
  });

  describe('claims', () => {
    it('claimBatch() claims the oldest unconsolidated memories with a lease', async () => {
      const store = ctx.store();
      const project = await ctx.project();
      // Ids and creation times in different orders: "oldest" means createdAt.
      const days = [4, 1, 3, 2, 5];
      const stored = await store.memories.storeMany(
        project.id,
        days.map((day) => memoryInput({ createdAt: new Date(Date.UTC(2024, 0, day)) })),
      );
      // memoryIn also stores a fresh replacement, created now: the newest candidate.
      const { memoryId: busy, replacementId: newest } = await memoryIn(
        store,
        project.id,
        'consolidated',
      );
      const now = new Date('2024-06-01T00:00:00.000Z');
      const claimed = await store.consolidation.claimBatch(project.id, {
        worker: 'w1',
        limit: 3,
        leaseMs: 90_000,
        now,
      });
      expect(ids(claimed)).toEqual([nth(stored, 1), nth(stored, 3), nth(stored, 2)]);
      for (const memory of claimed) {
        expect(memory.consolidationState).toBe('consolidating');
        expect(memory.claimedBy).toBe('w1');
        expect(memory.claimExpiresAt?.getTime()).toBe(now.getTime() + 90_000);
        expect(await store.memories.get(project.id, memory.id)).toEqual(memory);
      }
      const rest = await store.consolidation.claimBatch(project.id, { worker: 'w2', now });
      expect(ids(rest)).toEqual([nth(stored, 0), nth(stored, 4), newest]);
      for (const memory of rest)
        expect(memory.claimExpiresAt?.getTime()).toBe(now.getTime() + 300_000);
      expect(await store.consolidation.claimBatch(project.id, { worker: 'w3', now })).toEqual([]);
      expect((await store.memories.get(project.id, busy))?.consolidationState).toBe('consolidated');
    });

    it('leaving consolidating clears the claim, whatever the next state', async () => {
      const store = ctx.store();
      const project = await ctx.project();
      const stored = await store.memories.storeMany(project.id, [
        memoryInput(),
        memoryInput(),
        memoryInput(),
      ]);
      const replacement = await store.memories.store(project.id, memoryInput());
      const claimed = await store.consolidation.claimBatch(project.id, { worker: 'w', limit: 3 });
      expect(sorted(ids(claimed))).toEqual(sorted(stored));
      const done = await store.consolidation.transition(project.id, nth(stored, 0), 'consolidated');
      const failed = await store.consolidation.transition(
        project.id,
        nth(stored, 1),
        'unconsolidated',
      );
      const replaced = await store.consolidation.transition(
        project.id,
        nth(stored, 2),
        'superseded',
        {
          supersededBy: replacement.id,
        },
      );
      for (const memory of [done, failed, replaced]) {
        expect(memory.claimedBy).toBeNull();
        expect(memory.claimExpiresAt).toBeNull();
        expect(await store.memories.get(project.id, memory.id)).toEqual(memory);
      }
      expect(done.consolidatedAt).toBeInstanceOf(Date);
      expect(failed.consolidatedAt).toBeNull();
    });

    it('a claim is logged as unconsolidated → consolidating by the worker', async () => {
      const store = ctx.store();
      const project = await ctx.project();
      const memory = await store.memories.store(project.id, memoryInput());
      const now = new Date('2024-06-02T00:00:00.000Z');
      // Reading: a claim is a logged transition like any other; its actor is the worker, its time `now`.
      await store.consolidation.claimBatch(project.id, { worker: 'logger', now });
      const history = await store.consolidation.history(project.id, memory.id);
      expect(history).toHaveLength(1);
      expect(history[0]).toMatchObject({
        fromState: 'unconsolidated',
        toState: 'consolidating',
        actor: 'logger',
      });
      expect(history[0]?.at.getTime()).toBe(now.getTime());
    });

    it('two concurrent claimBatch calls never receive the same memory', async () => {
      const store = ctx.store();
      const project = await ctx.project();
      const stored = await store.memories.storeMany(
        project.id,
        Array.from({ length: 8 }, () => memoryInput()),
      );
      const [first, second] = await Promise.all([
        store.consolidation.claimBatch(project.id, { worker: 'left', limit: 5 }),
        store.consolidation.claimBatch(project.id, { worker: 'right', limit: 5 }),
      ]);
      const left = ids(first);
      const right = ids(second);
      expect(left.filter((id) => right.includes(id))).toEqual([]);
      expect(left.length + right.length).toBe(8);
      expect(sorted([...left, ...right])).toEqual(sorted(stored));
      for (const memory of await store.memories.getMany(project.id, left))
        expect(memory.claimedBy).toBe('left');
      for (const memory of await store.memories.getMany(project.id, right))
        expect(memory.claimedBy).toBe('right');
    });

    it("claimBatch() never claims a code entity's memory", async () => {
      const store = ctx.store();
      const project = await ctx.project();
      const stored = await store.memories.storeMany(project.id, [
        memoryInput(),
        memoryInput({ memoryType: 'code', contentType: 'code' }),
        memoryInput({ memoryType: 'code', contentType: 'code' }),
      ]);
      await store.code.upsertEntity(project.id, {
        filePath: 'src/parse.ts',
        name: 'parse',
        entityType: 'function',
        memoryId: nth(stored, 1),
      });
      const claimed = await store.consolidation.claimBatch(project.id, { worker: 'w', limit: 10 });
      // A code memory that no entity owns is a memory like any other.
      expect(ids(claimed)).toEqual([nth(stored, 0), nth(stored, 2)]);
      expect((await store.memories.get(project.id, nth(stored, 1)))?.consolidationState).toBe(
        'unconsolidated',
      );
    });

    it('claimBatch() rejects bad options with ValidationError', async () => {
      const store = ctx.store();
      const project = await ctx.project();
      await store.memories.store(project.id, memoryInput());
      await expectAthenaError(
        () => store.consolidation.claimBatch(project.id, { worker: '' }),
        ValidationError,
        'validation',
      );
      await expectAthenaError(
        () => store.consolidation.claimBatch(project.id, { worker: 'w', limit: 0 }),
        ValidationError,
        'validation',
      );
      await expectAthenaError(
        () => store.consolidation.claimBatch(project.id, { worker: 'w', leaseMs: 0 }),
        ValidationError,
        'validation',
      );
      expect(
        await store.memories.count(project.id, { consolidationStates: ['consolidating'] }),
      ).toBe(0);
    });

    it('releaseExpired() returns only expired claims to unconsolidated and logs it', async () => {
      const store = ctx.store();
      const project = await ctx.project();
      const stored = await store.memories.storeMany(project.id, [
        memoryInput(),
        memoryInput(),
        memoryInput(),
      ]);
      const now = new Date('2024-07-01T00:00:00.000Z');
      await store.consolidation.claimBatch(project.id, {
        worker: 'short',
        limit: 2,
        leaseMs: 1_000,
        now,
      });
      await store.consolidation.claimBatch(project.id, {
        worker: 'long',
        limit: 1,
        leaseMs: 3_600_000,
        now,
      });
      expect(
        await store.consolidation.releaseExpired(project.id, new Date(now.getTime() + 500)),
      ).toBe(0);
      const later = new Date(now.getTime() + 60_000);
      expect(await store.consolidation.releaseExpired(project.id, later)).toBe(2);
      const [a, b, c] = await store.memories.getMany(project.id, stored);
      for (const released of [a, b]) {
        expect(released?.consolidationState).toBe('unconsolidated');
        expect(released?.claimedBy).toBeNull();
        expect(released?.claimExpiresAt).toBeNull();
      }
      expect(c?.consolidationState).toBe('consolidating');
      expect(c?.claimedBy).toBe('long');
      const history = await store.consolidation.history(project.id, nth(stored, 0));
      expect(history.map((h) => [h.fromState, h.toState])).toEqual([
        ['unconsolidated', 'consolidating'],
        ['consolidating', 'unconsolidated'],
      ]);
      expect(await store.consolidation.releaseExpired(project.id, later)).toBe(0);
      const reclaimed = await store.consolidation.claimBatch(project.id, {
        worker: 'again',
        now: later,
      });
      expect(sorted(ids(reclaimed))).toEqual(sorted([nth(stored, 0), nth(stored, 1)]));
    });
  });

  describe('reconsolidation', () => {
    it('labilize() moves only consolidated memories to labile, logged with actor recall', async () => {
      const store = ctx.store();
      const project = await ctx.project();
      const fresh = await memoryIn(store, project.id, 'unconsolidated');
      const consolidated = await memoryIn(store, project.id, 'consolidated');
      const consolidated2 = await memoryIn(store, project.id, 'consolidated');
      const labile = await memoryIn(store, project.id, 'labile');
      const superseded = await memoryIn(store, project.id, 'superseded');
      const at = new Date('2024-08-08T08:08:08.808Z');
      const changed = await store.consolidation.labilize(
        project.id,
        [
          fresh.memoryId,
          consolidated.memoryId,
          labile.memoryId,
          superseded.memoryId,
          consolidated2.memoryId,
          999_999,
        ],
        at,
      );
      expect(sorted(changed)).toEqual(sorted([consolidated.memoryId, consolidated2.memoryId]));
      const states = (
        await store.memories.getMany(project.id, [
          fresh.memoryId,
          consolidated.memoryId,
          consolidated2.memoryId,
          labile.memoryId,
          superseded.memoryId,
        ])
      ).map((m) => m.consolidationState);
      expect(states).toEqual(['unconsolidated', 'labile', 'labile', 'labile', 'superseded']);
      const last = (await store.consolidation.history(project.id, consolidated.memoryId)).at(-1);
      expect(last).toMatchObject({ fromState: 'consolidated', toState: 'labile', actor: 'recall' });
      expect(last?.at.getTime()).toBe(at.getTime());
      expect(await store.consolidation.history(project.id, labile.memoryId)).toHaveLength(3);
      expect(await store.consolidation.labilize(project.id, [consolidated.memoryId])).toEqual([]);
    });

    it('reconsolidationWindow() lists labile memories retrieved within the window, most recent first', async () => {
      const store = ctx.store();
      const project = await ctx.project();
      const now = new Date('2024-09-01T12:00:00.000Z');
      const retrievedAgo = async (state: ConsolidationState, minutes: number | null) => {
        const { memoryId } = await memoryIn(store, project.id, state);
        if (minutes !== null) {
          await store.memories.recordAccess(project.id, [memoryId], {
            retrieved: true,
            at: minutesAfter(now, -minutes),
          });
        }
        return memoryId;
      };
      const recent = await retrievedAgo('labile', 10);
      const older = await retrievedAgo('labile', 30);
      const outside = await retrievedAgo('labile', 90);
      const notLabile = await retrievedAgo('consolidated', 5);
      const neverRetrieved = await retrievedAgo('labile', null);
      const reconsolidating = await retrievedAgo('reconsolidating', 3);
      const window = await store.consolidation.reconsolidationWindow(project.id, { now });
      expect(ids(window)).toEqual([recent, older]);
      expect(
        ids(
          await store.consolidation.reconsolidationWindow(project.id, { now, windowMinutes: 20 }),
        ),
      ).toEqual([recent]);
      expect(
        ids(
          await store.consolidation.reconsolidationWindow(project.id, { now, windowMinutes: 120 }),
        ),
      ).toEqual([recent, older, outside]);
      for (const excluded of [notLabile, neverRetrieved, reconsolidating])
        expect(ids(window)).not.toContain(excluded);
      for (const memory of window) expect(memory.consolidationState).toBe('labile');
    });

    it('reconsolidationWindow() defaults to 60 minutes before now', async () => {
      const store = ctx.store();
      const project = await ctx.project();
      const { memoryId: inside } = await memoryIn(store, project.id, 'labile');
      const { memoryId: outside } = await memoryIn(store, project.id, 'labile');
      await store.memories.recordAccess(project.id, [inside], {
        retrieved: true,
        at: new Date(Date.now() - 50 * 60_000),
      });
      await store.memories.recordAccess(project.id, [outside], {
        retrieved: true,
        at: new Date(Date.now() - 70 * 60_000),
      });
      expect(ids(await store.consolidation.reconsolidationWindow(project.id))).toEqual([inside]);
    });
  });
}
