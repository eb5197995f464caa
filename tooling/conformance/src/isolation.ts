import { NotFoundError } from '@athena/core-types';
import type { MemoryFilters, Store } from '@athena/core-types';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectAthenaError } from './expect-athena-error.js';
import { QUERY, atCosine, ids, memoryInput, nth, present, sorted } from './fixtures.js';
import type { SuiteContext } from './suite-context.js';

/** Two projects with identical content, so any leak shows up as a foreign id. */
interface Twin {
  readonly projectId: number;
  readonly memories: number[];
  readonly goal: number;
  readonly task: number;
  readonly episode: number;
  readonly entities: number[];
  readonly decision: number;
}

async function seedTwin(store: Store, projectId: number): Promise<Twin> {
  const memories = await store.memories.storeMany(
    projectId,
    [0.9, 0.7, 0.5, 0.3].map((c, i) =>
      memoryInput({
        content: `quokka shared content ${i}`,
        embedding: atCosine(c, { other: 1 + i }),
        tags: ['shared'],
        domain: 'shared-domain',
        memoryType: 'fact',
        sessionId: 'shared-session',
        createdAt: new Date(Date.UTC(2024, 5, 1 + i)),
      }),
    ),
  );
  await store.relationships.link(projectId, {
    fromMemoryId: nth(memories, 0),
    toMemoryId: nth(memories, 1),
    relationshipType: 'extends',
  });
  await store.consolidation.transition(projectId, nth(memories, 2), 'consolidating');
  await store.consolidation.transition(projectId, nth(memories, 2), 'consolidated');
  const goal = await store.goals.create(projectId, { title: 'shared goal' });
  const task = await store.tasks.create(projectId, { title: 'shared task', goalId: goal.id });
  const episode = await store.episodes.record(projectId, {
    sessionId: 'shared-session',
    eventType: 'action',
    content: 'shared event',
  });
  const e1 = await store.code.upsertEntity(projectId, {
    filePath: 'a.ts',
    name: 'a',
    entityType: 'function',
  });
  const e2 = await store.code.upsertEntity(projectId, {
    filePath: 'b.ts',
    name: 'b',
    entityType: 'function',
  });
  await store.code.addDependency(projectId, {
    fromEntityId: e2.id,
    toEntityId: e1.id,
    dependencyType: 'calls',
  });
  const decision = await store.decisions.create(projectId, { title: 'shared decision' });
  return {
    projectId,
    memories,
    goal: goal.id,
    task: task.id,
    episode: episode.id,
    entities: [e1.id, e2.id],
    decision: decision.id,
  };
}

/** Nothing crosses a project boundary: searches, filters, reads and writes. */
export function isolationTests(ctx: SuiteContext): void {
  let a: Twin;
  let b: Twin;
  beforeAll(async () => {
    a = await seedTwin(ctx.store(), (await ctx.project('twin-a')).id);
    b = await seedTwin(ctx.store(), (await ctx.project('twin-b')).id);
  });

  describe('searches return only the project’s own rows', () => {
    const FILTERS: readonly { readonly title: string; readonly filters?: MemoryFilters }[] = [
      { title: 'no filter' },
      { title: 'tags', filters: { tags: ['shared'] } },
      { title: 'domains', filters: { domains: ['shared-domain'] } },
      { title: 'memoryTypes', filters: { memoryTypes: ['fact'] } },
      { title: 'sessionId', filters: { sessionId: 'shared-session' } },
      {
        title: 'consolidationStates',
        filters: { consolidationStates: ['unconsolidated', 'consolidated'] },
      },
      {
        title: 'created range',
        filters: {
          createdAfter: new Date(Date.UTC(2024, 0, 1)),
          createdBefore: new Date(Date.UTC(2025, 0, 1)),
        },
      },
    ];
    for (const { title, filters } of FILTERS) {
      it(`semantic, keyword, hybrid (weighted, rrf), list and count with ${title}`, async () => {
        const store = ctx.store();
        for (const twin of [a, b]) {
          const own = sorted(twin.memories);
          const semantic = await store.search.semantic(twin.projectId, QUERY, {
            filters,
            limit: 100,
          });
          expect(sorted(ids(semantic))).toEqual(own);
          const keyword = await store.search.keyword(twin.projectId, 'quokka', {
            filters,
            limit: 100,
          });
          expect(sorted(ids(keyword))).toEqual(own);
          for (const fusion of ['weighted', 'rrf'] as const) {
            const hybrid = await store.search.hybrid(
              twin.projectId,
              { embedding: QUERY, text: 'quokka' },
              { filters, fusion, limit: 100 },
            );
            expect(sorted(ids(hybrid))).toEqual(own);
          }
          for (const hit of [...semantic, ...keyword])
            expect(hit.memory.projectId).toBe(twin.projectId);
          const page = await store.memories.list(twin.projectId, { filters, limit: 100 });
          expect(sorted(ids(page.items))).toEqual(own);
          expect(await store.memories.count(twin.projectId, filters)).toBe(own.length);
        }
      });
    }
  });

  it('get and getMany with another project’s id find nothing', async () => {
    const store = ctx.store();
    const foreign = nth(a.memories, 0);
    expect(await store.memories.get(b.projectId, foreign)).toBeNull();
    expect(await store.memories.getMany(b.projectId, a.memories)).toEqual([]);
    expect(ids(await store.memories.getMany(b.projectId, [...a.memories, ...b.memories]))).toEqual(
      b.memories,
    );
  });

  it('update through another project is NotFoundError and changes nothing', async () => {
    const store = ctx.store();
    const foreign = nth(a.memories, 0);
    const before = await store.memories.get(a.projectId, foreign);
    await expectAthenaError(
      () => store.memories.update(b.projectId, foreign, { content: 'hijacked' }),
      NotFoundError,
      'not_found',
    );
    expect(await store.memories.get(a.projectId, foreign)).toEqual(before);
  });

  it('delete through another project returns false and deletes nothing', async () => {
    const store = ctx.store();
    const foreign = nth(a.memories, 3);
    expect(await store.memories.delete(b.projectId, foreign)).toBe(false);
    expect(await store.memories.get(a.projectId, foreign)).not.toBeNull();
  });

  it('recordAccess through another project updates nothing', async () => {
    const store = ctx.store();
    expect(await store.memories.recordAccess(b.projectId, a.memories)).toBe(0);
    for (const memory of await store.memories.getMany(a.projectId, a.memories)) {
      expect(memory.accessCount).toBe(0);
    }
  });

  it('relationships across projects are refused; another project’s links are invisible', async () => {
    const store = ctx.store();
    await expectAthenaError(
      () =>
        store.relationships.link(a.projectId, {
          fromMemoryId: nth(a.memories, 0),
          toMemoryId: nth(b.memories, 0),
          relationshipType: 'contradicts',
        }),
      NotFoundError,
      'not_found',
    );
    await expectAthenaError(
      () =>
        store.relationships.link(b.projectId, {
          fromMemoryId: nth(a.memories, 0),
          toMemoryId: nth(a.memories, 1),
          relationshipType: 'contradicts',
        }),
      NotFoundError,
      'not_found',
    );
    // Reading: like get() → null, listing through a foreign project finds nothing.
    expect(await store.relationships.list(b.projectId, nth(a.memories, 0))).toEqual([]);
    expect(
      await store.relationships.unlink(b.projectId, {
        fromMemoryId: nth(a.memories, 0),
        toMemoryId: nth(a.memories, 1),
        relationshipType: 'extends',
      }),
    ).toBe(false);
    expect(await store.relationships.list(a.projectId, nth(a.memories, 0))).toHaveLength(1);
  });

  it('consolidation through another project is refused or finds nothing', async () => {
    const store = ctx.store();
    const unconsolidated = nth(a.memories, 0);
    const consolidated = nth(a.memories, 2);
    await expectAthenaError(
      () => store.consolidation.transition(b.projectId, unconsolidated, 'consolidating'),
      NotFoundError,
      'not_found',
    );
    await expectAthenaError(
      () =>
        store.consolidation.transition(a.projectId, nth(a.memories, 3), 'superseded', {
          supersededBy: nth(b.memories, 0),
        }),
      NotFoundError,
      'not_found',
    );
    expect(await store.consolidation.labilize(b.projectId, [consolidated])).toEqual([]);
    // Reading: history is a read, so a foreign memory has an empty log (like get → null).
    expect(await store.consolidation.history(b.projectId, consolidated)).toEqual([]);
    const states = (await store.memories.getMany(a.projectId, a.memories)).map(
      (m) => m.consolidationState,
    );
    expect(states).toEqual(['unconsolidated', 'unconsolidated', 'consolidated', 'unconsolidated']);
  });

  it('claimBatch, releaseExpired and reconsolidationWindow stay in their project', async () => {
    const store = ctx.store();
    const x = await ctx.project('claim-x');
    const y = await ctx.project('claim-y');
    const xIds = await store.memories.storeMany(x.id, [memoryInput(), memoryInput()]);
    const yIds = await store.memories.storeMany(y.id, [memoryInput(), memoryInput()]);
    const now = new Date();
    const claimed = await store.consolidation.claimBatch(x.id, {
      worker: 'w',
      limit: 100,
      now,
      leaseMs: 1000,
    });
    expect(sorted(ids(claimed))).toEqual(sorted(xIds));
    expect(await store.consolidation.releaseExpired(y.id, new Date(now.getTime() + 60_000))).toBe(
      0,
    );
    expect((await store.memories.getMany(x.id, xIds)).map((m) => m.consolidationState)).toEqual([
      'consolidating',
      'consolidating',
    ]);
    expect((await store.memories.getMany(y.id, yIds)).map((m) => m.consolidationState)).toEqual([
      'unconsolidated',
      'unconsolidated',
    ]);
    expect(await store.consolidation.reconsolidationWindow(y.id)).toEqual([]);
  });

  it('episodes of another project are invisible and untouchable', async () => {
    const store = ctx.store();
    expect(await store.episodes.get(b.projectId, a.episode)).toBeNull();
    expect(ids((await store.episodes.list(b.projectId)).items)).toEqual([b.episode]);
    expect(await store.episodes.markConsolidated(b.projectId, [a.episode])).toBe(0);
    expect((await store.episodes.get(a.projectId, a.episode))?.consolidationStatus).toBe(
      'unconsolidated',
    );
  });

  it('goals and tasks of another project are invisible; parents across projects are refused', async () => {
    const store = ctx.store();
    expect(await store.goals.get(b.projectId, a.goal)).toBeNull();
    expect(await store.tasks.get(b.projectId, a.task)).toBeNull();
    await expectAthenaError(
      () => store.goals.update(b.projectId, a.goal, { progress: 1 }),
      NotFoundError,
      'not_found',
    );
    await expectAthenaError(
      () => store.tasks.update(b.projectId, a.task, { priority: 9 }),
      NotFoundError,
      'not_found',
    );
    await expectAthenaError(
      () => store.goals.create(b.projectId, { title: 'child', parentGoalId: a.goal }),
      NotFoundError,
      'not_found',
    );
    await expectAthenaError(
      () => store.tasks.create(b.projectId, { title: 'task', goalId: a.goal }),
      NotFoundError,
      'not_found',
    );
    await expectAthenaError(
      () => store.tasks.create(b.projectId, { title: 'sub', parentTaskId: a.task }),
      NotFoundError,
      'not_found',
    );
    expect(await store.goals.delete(b.projectId, a.goal)).toBe(false);
    expect(await store.tasks.delete(b.projectId, a.task)).toBe(false);
    expect(ids(await store.goals.list(b.projectId))).toEqual([b.goal]);
    expect(ids(await store.tasks.list(b.projectId))).toEqual([b.task]);
    expect(await store.goals.get(a.projectId, a.goal)).not.toBeNull();
    expect(await store.tasks.get(a.projectId, a.task)).not.toBeNull();
  });

  it('code entities of another project are invisible; dependencies across projects are refused', async () => {
    const store = ctx.store();
    const [a1, a2] = [nth(a.entities, 0), nth(a.entities, 1)];
    expect(await store.code.getEntity(b.projectId, a1)).toBeNull();
    expect(ids(await store.code.findEntities(b.projectId))).toEqual(b.entities);
    await expectAthenaError(
      () =>
        store.code.addDependency(b.projectId, {
          fromEntityId: a1,
          toEntityId: a2,
          dependencyType: 'uses',
        }),
      NotFoundError,
      'not_found',
    );
    await expectAthenaError(
      () =>
        store.code.addDependency(a.projectId, {
          fromEntityId: a1,
          toEntityId: nth(b.entities, 0),
          dependencyType: 'uses',
        }),
      NotFoundError,
      'not_found',
    );
    expect(await store.code.deleteEntity(b.projectId, a1)).toBe(false);
    expect(ids(await store.code.dependentsOf(a.projectId, a1))).toEqual([a2]);
  });

  it('decisions of another project are invisible and untouchable', async () => {
    const store = ctx.store();
    expect(await store.decisions.get(b.projectId, a.decision)).toBeNull();
    expect(ids(await store.decisions.list(b.projectId))).toEqual([b.decision]);
    await expectAthenaError(
      () => store.decisions.validate(b.projectId, a.decision),
      NotFoundError,
      'not_found',
    );
    await expectAthenaError(
      () =>
        store.decisions.addScenario(b.projectId, a.decision, {
          scenarioType: 'likely',
          description: 'x',
        }),
      NotFoundError,
      'not_found',
    );
    expect(await store.decisions.listScenarios(b.projectId, a.decision)).toEqual([]);
    expect((await store.decisions.get(a.projectId, a.decision))?.status).toBe('proposed');
  });

  it('the twin projects are untouched by all of the above', async () => {
    const store = ctx.store();
    for (const twin of [a, b]) {
      expect(await store.memories.count(twin.projectId)).toBe(4);
      expect(present(await store.memories.get(twin.projectId, nth(twin.memories, 0))).content).toBe(
        'quokka shared content 0',
      );
    }
  });
}
