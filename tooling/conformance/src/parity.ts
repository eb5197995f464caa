import { NotFoundError, ValidationError } from '@athena/core-types';
import type { Project, Store } from '@athena/core-types';
import { describe, expect, it } from 'vitest';
import { expectAthenaError } from './expect-athena-error.js';
import { QUERY, atCosine, exactly, ids, memoryInput, minutesAfter } from './fixtures.js';
import type { SuiteContext } from './suite-context.js';

const AT = new Date('2024-11-05T10:00:00.000Z');

/** A project holding one of each row an unknown-field case refers to. */
async function seedRows(store: Store, project: Project) {
  const [memoryId, otherId] = exactly(
    await store.memories.storeMany(project.id, [memoryInput(), memoryInput()]),
    2,
  );
  const entity = await store.code.upsertEntity(project.id, {
    filePath: 'src/a.ts',
    name: 'a',
    entityType: 'function',
  });
  const other = await store.code.upsertEntity(project.id, {
    filePath: 'src/b.ts',
    name: 'b',
    entityType: 'function',
  });
  const decision = await store.decisions.create(project.id, { title: 'use pnpm' });
  const goal = await store.goals.create(project.id, { title: 'ship' });
  const episode = await store.episodes.record(project.id, {
    sessionId: 's',
    eventType: 'action',
    content: 'ran the tests',
  });
  return { memoryId, otherId, entity, other, decision, goal, episode };
}

type Rows = Awaited<ReturnType<typeof seedRows>>;

/** Every create input and options object of the contract, each with one misspelt or unknown field. */
const UNKNOWN_FIELDS: readonly {
  readonly call: string;
  /** The path the ValidationError names. */
  readonly path: string;
  readonly run: (store: Store, projectId: number, rows: Rows) => Promise<unknown>;
}[] = [
  {
    call: 'projects.create',
    path: 'project.language',
    run: (s) => s.projects.create({ name: 'py', path: '/py', language: 'python' } as never),
  },
  {
    call: 'memories.store',
    path: 'memory.colour',
    run: (s, p) => s.memories.store(p, { ...memoryInput(), colour: 'red' } as never),
  },
  {
    call: 'memories.storeMany',
    path: 'memories[1].colour',
    run: (s, p) =>
      s.memories.storeMany(p, [memoryInput(), { ...memoryInput(), colour: 'red' } as never]),
  },
  {
    call: 'memories.list',
    path: 'options.sortBy',
    run: (s, p) => s.memories.list(p, { order: 'asc', sortBy: 'id' } as never),
  },
  {
    call: 'memories.recordAccess',
    path: 'recordAccess.when',
    run: (s, p, r) => s.memories.recordAccess(p, [r.memoryId], { when: AT } as never),
  },
  {
    call: 'search.semantic',
    path: 'options.treshold',
    run: (s, p) => s.search.semantic(p, QUERY, { treshold: 0.99 } as never),
  },
  {
    call: 'search.keyword',
    path: 'options.treshold',
    run: (s, p) => s.search.keyword(p, 'memory', { treshold: 0.99 } as never),
  },
  {
    call: 'search.hybrid (options)',
    path: 'options.treshold',
    run: (s, p) => s.search.hybrid(p, { embedding: QUERY, text: 'x' }, { treshold: 0.99 } as never),
  },
  {
    call: 'search.hybrid (query)',
    path: 'query.language',
    run: (s, p) => s.search.hybrid(p, { embedding: QUERY, text: 'x', language: 'en' } as never),
  },
  {
    call: 'search.hybrid (weights)',
    path: 'options.weights.graph',
    run: (s, p) =>
      s.search.hybrid(
        p,
        { embedding: QUERY, text: 'x' },
        { weights: { semantic: 1, keyword: 1, graph: 1 } as never },
      ),
  },
  {
    call: 'relationships.link',
    path: 'link.weight',
    run: (s, p, r) =>
      s.relationships.link(p, {
        fromMemoryId: r.memoryId,
        toMemoryId: r.otherId,
        relationshipType: 'extends',
        weight: 1,
      } as never),
  },
  {
    call: 'relationships.list',
    path: 'options.depth',
    run: (s, p, r) => s.relationships.list(p, r.memoryId, { depth: 2 } as never),
  },
  {
    call: 'episodes.record',
    path: 'episode.mood',
    run: (s, p) =>
      s.episodes.record(p, {
        sessionId: 's',
        eventType: 'action',
        content: 'c',
        mood: 'fine',
      } as never),
  },
  {
    call: 'episodes.list',
    path: 'options.session',
    run: (s, p) => s.episodes.list(p, { session: 's' } as never),
  },
  {
    call: 'episodes.markConsolidated',
    path: 'options.memoryId',
    run: (s, p, r) =>
      s.episodes.markConsolidated(p, [r.episode.id], { at: AT, memoryId: r.memoryId } as never),
  },
  {
    call: 'goals.create',
    path: 'goal.owner',
    run: (s, p) => s.goals.create(p, { title: 'g', owner: 'me' } as never),
  },
  {
    call: 'goals.list',
    path: 'options.status',
    run: (s, p) => s.goals.list(p, { status: ['planned'] } as never),
  },
  {
    call: 'tasks.create',
    path: 'task.assignee',
    run: (s, p) => s.tasks.create(p, { title: 't', assignee: 'me' } as never),
  },
  {
    call: 'tasks.list',
    path: 'options.status',
    run: (s, p) => s.tasks.list(p, { status: ['pending'] } as never),
  },
  {
    call: 'code.upsertEntity',
    path: 'entity.visibility',
    run: (s, p) =>
      s.code.upsertEntity(p, {
        filePath: 'src/c.ts',
        name: 'c',
        entityType: 'function',
        visibility: 'public',
      } as never),
  },
  {
    call: 'code.upsertEntities',
    path: 'entities[0].visibility',
    run: (s, p) =>
      s.code.upsertEntities(p, [
        { filePath: 'src/c.ts', name: 'c', entityType: 'function', visibility: 'public' } as never,
      ]),
  },
  {
    call: 'code.addDependency',
    path: 'dependency.weight',
    run: (s, p, r) =>
      s.code.addDependency(p, {
        fromEntityId: r.entity.id,
        toEntityId: r.other.id,
        dependencyType: 'calls',
        weight: 1,
      } as never),
  },
  {
    call: 'code.impact',
    path: 'options.depth',
    run: (s, p, r) => s.code.impact(p, r.entity.id, { depth: 2 } as never),
  },
  {
    call: 'code.traverse',
    path: 'options.depth',
    run: (s, p, r) => s.code.traverse(p, r.entity.id, { direction: 'both', depth: 2 } as never),
  },
  {
    call: 'decisions.create',
    path: 'decision.owner',
    run: (s, p) => s.decisions.create(p, { title: 'd', owner: 'me' } as never),
  },
  {
    call: 'decisions.list',
    path: 'options.status',
    run: (s, p) => s.decisions.list(p, { status: ['proposed'] } as never),
  },
  {
    call: 'decisions.addScenario',
    path: 'scenario.likelihood',
    run: (s, p, r) =>
      s.decisions.addScenario(p, r.decision.id, {
        scenarioType: 'likely',
        description: 'it works',
        likelihood: 0.5,
      } as never),
  },
  {
    call: 'consolidation.transition',
    path: 'options.why',
    run: (s, p, r) =>
      s.consolidation.transition(p, r.memoryId, 'consolidating', { why: 'x' } as never),
  },
  {
    call: 'consolidation.transitionMany (change)',
    path: 'changes[0].reason',
    run: (s, p, r) =>
      s.consolidation.transitionMany(p, [
        { memoryId: r.memoryId, to: 'consolidating', reason: 'x' } as never,
      ]),
  },
  {
    call: 'consolidation.transitionMany (options)',
    path: 'options.why',
    run: (s, p, r) =>
      s.consolidation.transitionMany(p, [{ memoryId: r.memoryId, to: 'consolidating' }], {
        why: 'x',
      } as never),
  },
  {
    call: 'consolidation.claimBatch',
    path: 'options.lease',
    run: (s, p) => s.consolidation.claimBatch(p, { worker: 'w', lease: 5 } as never),
  },
  {
    call: 'consolidation.reconsolidationWindow',
    path: 'options.minutes',
    run: (s, p) => s.consolidation.reconsolidationWindow(p, { minutes: 5 } as never),
  },
  {
    call: 'consolidation.recordRun',
    path: 'run.note',
    run: (s, p) =>
      s.consolidation.recordRun(p, {
        workerId: 'w',
        startedAt: AT,
        finishedAt: AT,
        claimed: 0,
        clusters: 0,
        created: 0,
        superseded: 0,
        linked: 0,
        episodes: 0,
        released: 0,
        closed: 0,
        fallbacks: 0,
        errors: 0,
        error: null,
        phases: {},
        note: 'x',
      } as never),
  },
  {
    call: 'consolidation.listRuns',
    path: 'options.after',
    run: (s, p) => s.consolidation.listRuns(p, { after: 3 } as never),
  },
  {
    call: 'records.page',
    path: 'options.from',
    run: (s) => s.records.page('goals', { from: 0 } as never),
  },
  {
    call: 'records.count',
    path: 'options.projects',
    run: (s, p) => s.records.count('goals', { projects: [p] } as never),
  },
  {
    call: 'records.insert',
    path: 'goals[0].owner',
    run: async (s, p, r) => {
      const goal = await s.goals.get(p, r.goal.id);
      return s.records.insert('goals', [{ ...goal, title: 'copy', owner: 'me' } as never]);
    },
  },
  {
    call: 'stats',
    path: 'options.project',
    run: (s, p) => s.stats({ project: p } as never),
  },
  {
    call: 'bulkLoad',
    path: 'options.rows',
    run: (s) => s.bulkLoad(() => Promise.resolve(), { rows: 1 } as never),
  },
];

/**
 * Inputs and edges on which the backends once disagreed (issue 16): one
 * outcome on every backend, each documented in `@athena/core-types`.
 */
export function parityTests(ctx: SuiteContext): void {
  describe('hybrid search text', () => {
    async function seed(store: Store, projectId: number) {
      const near = await store.memories.store(
        projectId,
        memoryInput({ content: 'quokka island', embedding: atCosine(0.9) }),
      );
      const far = await store.memories.store(
        projectId,
        memoryInput({ content: 'gibbon forest', embedding: atCosine(0.2) }),
      );
      return [near.id, far.id];
    }

    for (const [title, text] of [
      ['empty', ''],
      ['blank', '   '],
      ['whitespace of every kind', ' \t\n\r '],
    ] as const) {
      it(`${title} text: the semantic order, keyword 0 everywhere (as text matching nothing)`, async () => {
        const store = ctx.store();
        const project = await ctx.project();
        const expected = await seed(store, project.id);
        const hits = await store.search.hybrid(project.id, { embedding: QUERY, text });
        expect(ids(hits)).toEqual(expected);
        for (const hit of hits) {
          expect(hit.breakdown).toMatchObject({
            keyword: 0,
            keywordRank: null,
            keywordNormalized: 0,
          });
        }
        const rrf = await store.search.hybrid(
          project.id,
          { embedding: QUERY, text },
          { fusion: 'rrf' },
        );
        expect(ids(rrf)).toEqual(expected);
      });
    }

    it('text with a NUL character is a ValidationError naming query.text', async () => {
      const store = ctx.store();
      const project = await ctx.project();
      await seed(store, project.id);
      for (const text of ['a\u0000b', '\u0000']) {
        const error = await expectAthenaError(
          () => store.search.hybrid(project.id, { embedding: QUERY, text }),
          ValidationError,
          'validation',
        );
        expect(error.issues.map((issue) => issue.path)).toContain('query.text');
      }
    });

    it('text that is not a string is a ValidationError naming query.text', async () => {
      const store = ctx.store();
      const project = await ctx.project();
      for (const text of [undefined, null, 42]) {
        const error = await expectAthenaError(
          () => store.search.hybrid(project.id, { embedding: QUERY, text } as never),
          ValidationError,
          'validation',
        );
        expect(error.issues.map((issue) => issue.path)).toContain('query.text');
      }
    });
  });

  describe('database constraints broken below validation', () => {
    it('a foreign-key violation without context is a NotFoundError', async () => {
      const error = await ctx.options.violateConstraint(ctx.store(), 'foreign_key');
      expect(error).toBeInstanceOf(NotFoundError);
      expect((error as NotFoundError).code).toBe('not_found');
      expect((error as Error).cause).toBeDefined();
    });

    for (const kind of ['check', 'not_null'] as const) {
      it(`a ${kind.replace('_', ' ')} violation is a ValidationError`, async () => {
        const error = await ctx.options.violateConstraint(ctx.store(), kind);
        expect(error).toBeInstanceOf(ValidationError);
        expect((error as ValidationError).code).toBe('validation');
        expect((error as Error).cause).toBeDefined();
      });
    }
  });

  describe('unknown fields', () => {
    for (const unknown of UNKNOWN_FIELDS) {
      it(`${unknown.call}: a ValidationError naming ${unknown.path}, nothing written`, async () => {
        const store = ctx.store();
        const project = await ctx.project();
        const rows = await seedRows(store, project);
        const projects = await store.projects.list();
        const before = await store.stats({ projectId: project.id });
        const error = await expectAthenaError(
          () => unknown.run(store, project.id, rows),
          ValidationError,
          'validation',
        );
        expect(error.issues.map((issue) => issue.path)).toContain(unknown.path);
        expect(error.message).toContain(unknown.path.split('.').at(-1));
        expect((await store.stats({ projectId: project.id })).counts).toEqual(before.counts);
        expect(await store.projects.list()).toEqual(projects);
      });
    }
  });

  describe('project lookups', () => {
    for (const lookup of ['getByPath', 'getByName'] as const) {
      it(`${lookup}(''): a ValidationError, as for any other empty key`, async () => {
        const store = ctx.store();
        await ctx.project();
        for (const key of ['', 'a\u0000b']) {
          await expectAthenaError(() => store.projects[lookup](key), ValidationError, 'validation');
        }
        expect(await store.projects[lookup]('/no/such/project')).toBeNull();
      });
    }
  });

  describe('boundaries', () => {
    it('releaseExpired(now) releases a lease expiring exactly at now, and not one a millisecond later', async () => {
      const store = ctx.store();
      const project = await ctx.project();
      const [first, second] = exactly(
        await store.memories.storeMany(project.id, [memoryInput(), memoryInput()]),
        2,
      );
      await store.consolidation.claimBatch(project.id, {
        worker: 'exact',
        limit: 1,
        leaseMs: 60_000,
        now: AT,
      });
      await store.consolidation.claimBatch(project.id, {
        worker: 'later',
        limit: 1,
        leaseMs: 60_001,
        now: AT,
      });
      const expiry = new Date(AT.getTime() + 60_000);
      expect(await store.consolidation.releaseExpired(project.id, expiry)).toBe(1);
      expect((await store.memories.get(project.id, first))?.consolidationState).toBe(
        'unconsolidated',
      );
      expect((await store.memories.get(project.id, second))?.consolidationState).toBe(
        'consolidating',
      );
      expect(
        await store.consolidation.releaseExpired(project.id, new Date(expiry.getTime() + 1)),
      ).toBe(1);
    });

    it('the reconsolidation window includes both ends: an access exactly windowMinutes before now, and one at now', async () => {
      const store = ctx.store();
      const project = await ctx.project();
      const now = new Date('2024-09-01T12:00:00.000Z');
      const labileRetrievedAt = async (at: Date) => {
        const memoryId = await labile(store, project.id);
        await store.memories.recordAccess(project.id, [memoryId], { retrieved: true, at });
        return memoryId;
      };
      const atNow = await labileRetrievedAt(now);
      const atLowerBound = await labileRetrievedAt(minutesAfter(now, -30));
      const justBefore = await labileRetrievedAt(new Date(minutesAfter(now, -30).getTime() - 1));
      const justAfterNow = await labileRetrievedAt(new Date(now.getTime() + 1));
      const window = ids(
        await store.consolidation.reconsolidationWindow(project.id, { now, windowMinutes: 30 }),
      );
      expect(window).toEqual([atNow, atLowerBound]);
      expect(window).not.toContain(justBefore);
      expect(window).not.toContain(justAfterNow);
    });

    it('the reconsolidation window orders ties (one retrieval instant) by id ascending', async () => {
      const store = ctx.store();
      const project = await ctx.project();
      const now = new Date('2024-09-01T12:00:00.000Z');
      const tied: number[] = [];
      for (let i = 0; i < 4; i++) tied.push(await labile(store, project.id));
      const newest = await labile(store, project.id);
      // Recorded in descending id order, so insertion order cannot pass for id order.
      await store.memories.recordAccess(project.id, [...tied].reverse(), {
        retrieved: true,
        at: minutesAfter(now, -10),
      });
      await store.memories.recordAccess(project.id, [newest], {
        retrieved: true,
        at: minutesAfter(now, -1),
      });
      const window = await store.consolidation.reconsolidationWindow(project.id, { now });
      expect(ids(window)).toEqual([newest, ...tied]);
    });
  });

  describe('transactions', () => {
    it('transaction() without a function is a ValidationError, and opens nothing', async () => {
      const store = ctx.store();
      for (const fn of ['nope', undefined, null, 42, {}]) {
        const error = await expectAthenaError(
          () => store.transaction(fn as never),
          ValidationError,
          'validation',
        );
        expect(error.issues.map((issue) => issue.path)).toContain('fn');
      }
      // The store is still usable: no transaction was left open.
      const project = await ctx.project();
      expect(await store.transaction(async (tx) => (await tx.projects.get(project.id))?.id)).toBe(
        project.id,
      );
    });
  });
}

/** A memory moved to `labile` (through consolidating and consolidated). */
async function labile(store: Store, projectId: number): Promise<number> {
  const { id } = await store.memories.store(projectId, memoryInput());
  for (const [i, step] of (['consolidating', 'consolidated', 'labile'] as const).entries()) {
    await store.consolidation.transition(projectId, id, step, { at: minutesAfter(AT, i) });
  }
  return id;
}
