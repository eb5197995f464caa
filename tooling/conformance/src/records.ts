import {
  ConflictError,
  DimensionMismatchError,
  MemoryChecksum,
  NotFoundError,
  RECORD_TABLES,
  ValidationError,
} from '@athena/core-types';
import type { Project, RecordOf, RecordTable, Store } from '@athena/core-types';
import { expect, it } from 'vitest';
import { expectAthenaError } from './expect-athena-error.js';
import { exactly, nth, present, sorted, unitVector } from './fixtures.js';
import { richProject } from './rich-project.js';
import type { SuiteContext } from './suite-context.js';

/** Each table's references to other records: field → referenced table. */
const REFERENCES: Readonly<Record<RecordTable, readonly (readonly [string, RecordTable])[]>> = {
  projects: [],
  memories: [],
  relationships: [
    ['fromMemoryId', 'memories'],
    ['toMemoryId', 'memories'],
  ],
  transitions: [['memoryId', 'memories']],
  episodes: [['consolidatedInto', 'memories']],
  goals: [['parentGoalId', 'goals']],
  tasks: [
    ['goalId', 'goals'],
    ['parentTaskId', 'tasks'],
  ],
  codeEntities: [['memoryId', 'memories']],
  codeDependencies: [
    ['fromEntityId', 'codeEntities'],
    ['toEntityId', 'codeEntities'],
  ],
  unresolvedDependencies: [['fromEntityId', 'codeEntities']],
  unresolvedReferences: [['fromEntityId', 'codeEntities']],
  decisions: [],
  scenarios: [['decisionId', 'decisions']],
  consolidationRuns: [],
};

type IdMaps = Map<RecordTable, Map<number, number>>;

function mapped(maps: IdMaps, table: RecordTable, id: unknown): number | null {
  if (id === null) return null;
  return present(maps.get(table)?.get(id as number), `new id of ${table} ${String(id)}`);
}

/** `record` as it should read in project `to`: new project, references mapped. */
function remap<T extends RecordTable>(
  table: T,
  record: RecordOf<T>,
  to: number,
  maps: IdMaps,
): RecordOf<T> {
  const out: Record<string, unknown> = { ...record, projectId: to };
  for (const [field, target] of REFERENCES[table]) {
    out[field] = mapped(maps, target, (record as unknown as Record<string, unknown>)[field]);
  }
  if (table === 'memories' || table === 'decisions') {
    const superseded = (record as { supersededBy: number | null }).supersededBy;
    out['supersededBy'] = mapped(maps, table, superseded);
  }
  return out as unknown as RecordOf<T>;
}

/**
 * Copies project `from` into `to` through `records` alone: each table in
 * dependency order, a record at a time where records of a table refer to
 * each other (goals, tasks), supersession linked last. Returns the id maps.
 */
async function copyProject(store: Store, from: number, to: Project): Promise<IdMaps> {
  const maps: IdMaps = new Map([['projects', new Map([[from, to.id]])]]);
  const links: { table: 'memories' | 'decisions'; id: number; supersededBy: number }[] = [];
  for (const table of RECORD_TABLES) {
    if (table === 'projects') continue;
    const map = new Map<number, number>();
    maps.set(table, map);
    const records = await store.records.page(table, { projectIds: [from], limit: 10_000 });
    const selfReferencing = table === 'goals' || table === 'tasks';
    const batches = selfReferencing ? records.map((record) => [record]) : [records];
    for (const batch of batches) {
      // Supersession points forward (to a newer row): linked once every row exists.
      const prepared = batch.map((record) =>
        remap(
          table,
          'supersededBy' in record ? { ...record, supersededBy: null } : record,
          to.id,
          maps,
        ),
      );
      const ids = await store.records.insert(table, prepared);
      batch.forEach((record, index) => map.set(record.id, nth(ids, index)));
    }
    if (table === 'memories' || table === 'decisions') {
      for (const record of records as { id: number; supersededBy: number | null }[]) {
        if (record.supersededBy !== null) {
          links.push({ table, id: record.id, supersededBy: record.supersededBy });
        }
      }
    }
  }
  for (const table of ['memories', 'decisions'] as const) {
    const own = links.filter((link) => link.table === table);
    await store.records.linkSupersession(
      table,
      own.map((link) => ({
        id: present(maps.get(table)?.get(link.id)),
        supersededBy: present(maps.get(table)?.get(link.supersededBy)),
      })),
    );
  }
  return maps;
}

/** records: whole tables as domain records, written verbatim; bulk loads. */
export function recordTests(ctx: SuiteContext): void {
  it('page() returns each table by id as the repositories return its rows', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    await richProject(store, project.id);
    const page = <T extends RecordTable>(table: T) =>
      store.records.page(table, { projectIds: [project.id] });
    const memories = await page('memories');
    expect(memories).toHaveLength(4);
    expect(memories.map((m) => m.id)).toEqual(sorted(memories.map((m) => m.id)));
    expect(memories).toEqual(
      await store.memories.getMany(
        project.id,
        memories.map((m) => m.id),
      ),
    );
    expect(await page('projects')).toEqual([await store.projects.get(project.id)]);
    const first = nth(memories, 0);
    expect(await page('relationships')).toEqual(
      (await store.relationships.list(project.id, first.id)).sort((a, b) => a.id - b.id),
    );
    const transitions = (
      await Promise.all(memories.map((m) => store.consolidation.history(project.id, m.id)))
    )
      .flat()
      .sort((a, b) => a.id - b.id);
    expect(transitions.length).toBeGreaterThanOrEqual(4);
    expect(await page('transitions')).toEqual(transitions);
    expect(await page('episodes')).toEqual((await store.episodes.list(project.id)).items);
    const byId = <R extends { id: number }>(rows: R[]) => rows.sort((a, b) => a.id - b.id);
    expect(await page('goals')).toEqual(byId(await store.goals.list(project.id)));
    expect(await page('tasks')).toEqual(byId(await store.tasks.list(project.id)));
    const entities = byId(await store.code.findEntities(project.id));
    expect(await page('codeEntities')).toEqual(entities);
    expect(await page('codeDependencies')).toEqual([
      expect.objectContaining({
        fromEntityId: nth(entities, 0).id,
        toEntityId: nth(entities, 1).id,
      }),
    ]);
    expect(await page('unresolvedDependencies')).toEqual(
      await store.code.unresolvedDependencies(project.id),
    );
    expect(await page('unresolvedDependencies')).toHaveLength(1);
    expect(await page('unresolvedReferences')).toEqual(
      await store.code.unresolvedReferences(project.id),
    );
    expect(await page('unresolvedReferences')).toEqual([
      expect.objectContaining({ target: 'transport.write', line: 4, dependencyType: 'calls' }),
    ]);
    expect(entities.find((e) => e.qualifiedName === 'Client.send')?.exported).toBe(true);
    const decisions = await store.decisions.list(project.id);
    expect(await page('decisions')).toEqual(decisions);
    expect(await page('scenarios')).toEqual(
      await store.decisions.listScenarios(project.id, nth(decisions, 1).id),
    );
  });

  it('page() pages by id after a cursor, filters by project; count() agrees', async () => {
    const store = ctx.store();
    const [a, b] = [await ctx.project(), await ctx.project()];
    const ids = await store.memories.storeMany(
      a.id,
      Array.from({ length: 5 }, (_, i) => ({ content: `a${i}`, embedding: unitVector(i % 8) })),
    );
    await store.memories.storeMany(b.id, [{ content: 'b', embedding: unitVector(0) }]);
    const first = await store.records.page('memories', { projectIds: [a.id], limit: 2 });
    expect(first.map((m) => m.id)).toEqual(ids.slice(0, 2));
    const rest = await store.records.page('memories', {
      projectIds: [a.id],
      after: nth(first, 1).id,
      limit: 10,
    });
    expect(rest.map((m) => m.id)).toEqual(ids.slice(2));
    expect(await store.records.count('memories', { projectIds: [a.id] })).toBe(5);
    expect(await store.records.count('memories', { projectIds: [a.id, b.id] })).toBe(6);
    expect(await store.records.count('projects', { projectIds: [a.id, b.id] })).toBe(2);
    const everything = await store.records.count('memories');
    expect(everything).toBeGreaterThanOrEqual(6);
    const unfiltered = await store.records.page('memories', { after: nth(ids, 4) - 1, limit: 1 });
    expect(unfiltered.map((m) => m.id)).toEqual([nth(ids, 4)]);
    await expectAthenaError(
      () => store.records.page('memories', { limit: 0 }),
      ValidationError,
      'validation',
    );
    await expectAthenaError(
      () => store.records.page('nope' as RecordTable),
      ValidationError,
      'validation',
    );
  });

  it('checksum() hashes content and embedding of every memory in id order, per project', async () => {
    const store = ctx.store();
    const [a, b] = [await ctx.project(), await ctx.project()];
    await store.memories.storeMany(a.id, [
      { content: 'ünïcode ✓ and emoji 🧠', embedding: [0.1, -0.2, 0.3, 1e-30, -0, 5, 6, 7] },
      { content: 'second', embedding: unitVector(2) },
    ]);
    await store.memories.storeMany(b.id, [{ content: 'other', embedding: unitVector(3) }]);
    const hash = new MemoryChecksum();
    for (const memory of await store.records.page('memories', { projectIds: [a.id] })) {
      hash.add(memory);
    }
    const expected = hash.digest();
    expect(await store.records.checksum({ projectIds: [a.id] })).toEqual({
      memories: 2,
      checksum: expected,
    });
    const both = await store.records.checksum({ projectIds: [a.id, b.id] });
    expect(both.memories).toBe(3);
    expect(both.checksum).not.toBe(expected);
    const [first] = await store.records.page('memories', { projectIds: [a.id], limit: 1 });
    await store.memories.update(a.id, present(first).id, { content: 'ünïcode ✓ and emoji 🧠!' });
    expect((await store.records.checksum({ projectIds: [a.id] })).checksum).not.toBe(expected);
    expect(await store.records.checksum({ projectIds: [999_999_999] })).toEqual({
      memories: 0,
      checksum: new MemoryChecksum().digest(),
    });
    expect((await store.records.checksum()).memories).toBe(await store.records.count('memories'));
  });

  it('insert() writes every field verbatim with new ids; linkSupersession() restores supersession', async () => {
    const store = ctx.store();
    const source = await ctx.project('source');
    await richProject(store, source.id);
    const [target] = await store.records.insert('projects', [
      { ...source, name: `${source.name}-copy`, path: `${source.path}-copy` },
    ]);
    const copy = present(await store.projects.get(present(target)));
    expect(copy).toEqual({
      ...source,
      id: copy.id,
      name: `${source.name}-copy`,
      path: `${source.path}-copy`,
    });
    const maps = await copyProject(store, source.id, copy);
    for (const table of RECORD_TABLES) {
      if (table === 'projects') continue;
      const before = await store.records.page(table, { projectIds: [source.id] });
      const after = await store.records.page(table, { projectIds: [copy.id] });
      expect(after, table).toHaveLength(before.length);
      expect(after.map((record) => record.id)).toEqual(
        before.map((record) => present(maps.get(table)?.get(record.id))),
      );
      before.forEach((record, index) => {
        const expected = { ...remap(table, record, copy.id, maps), id: nth(after, index).id };
        expect(nth(after, index), `${table}[${index}]`).toEqual(expected);
      });
    }
    const superseded = (await store.records.page('memories', { projectIds: [copy.id] })).find(
      (m) => m.consolidationState === 'superseded',
    );
    expect(superseded?.supersededBy).not.toBeNull();
    const hits = await store.search.semantic(copy.id, unitVector(0), { limit: 1 });
    expect(hits.map((hit) => hit.memory.content)).toEqual([
      'The invoice service retries webhooks eight times',
    ]);
    const keyword = await store.search.keyword(copy.id, 'jitter retry');
    expect(keyword.length).toBeGreaterThan(0);
  });

  it('insert() validates every record first: one bad record anywhere writes nothing', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    await richProject(store, project.id);
    const memories = await store.records.page('memories', { projectIds: [project.id] });
    const good = nth(memories, 0);
    const before = await store.records.count('memories', { projectIds: [project.id] });
    const error = await expectAthenaError(
      () =>
        store.records.insert('memories', [
          good,
          { ...good, consolidationState: 'dreaming' } as unknown as RecordOf<'memories'>,
        ]),
      ValidationError,
      'validation',
    );
    expect(error.issues[0]?.path).toBe('memories[1].consolidationState');
    await expectAthenaError(
      () => store.records.insert('memories', [{ ...good, createdAt: new Date(Number.NaN) }]),
      ValidationError,
      'validation',
    );
    await expectAthenaError(
      () => store.records.insert('memories', [{ ...good, accessCount: -1 }]),
      ValidationError,
      'validation',
    );
    await expectAthenaError(
      () => store.records.insert('memories', [{ ...good, embedding: new Float32Array(3).fill(1) }]),
      DimensionMismatchError,
      'dimension_mismatch',
    );
    const [relationship] = await store.records.page('relationships', {
      projectIds: [project.id],
    });
    await expectAthenaError(
      () =>
        store.records.insert('relationships', [
          { ...present(relationship), toMemoryId: present(relationship).fromMemoryId },
        ]),
      ValidationError,
      'validation',
    );
    expect(await store.records.count('memories', { projectIds: [project.id] })).toBe(before);
    expect(await store.records.insert('memories', [])).toEqual([]);
  });

  it('insert() refuses references to unknown rows or rows of another project, and unknown projects', async () => {
    const store = ctx.store();
    const [a, b] = [await ctx.project(), await ctx.project()];
    const [inA] = await store.memories.storeMany(a.id, [
      { content: 'a', embedding: unitVector(0) },
    ]);
    const [inB1, inB2] = exactly(
      await store.memories.storeMany(b.id, [
        { content: 'b1', embedding: unitVector(1) },
        { content: 'b2', embedding: unitVector(2) },
      ]),
      2,
    );
    await store.relationships.link(b.id, {
      fromMemoryId: inB1,
      toMemoryId: inB2,
      relationshipType: 'reinforces',
    });
    const [link] = await store.records.page('relationships', { projectIds: [b.id] });
    const error = await expectAthenaError(
      () => store.records.insert('relationships', [{ ...present(link), toMemoryId: present(inA) }]),
      NotFoundError,
      'not_found',
    );
    expect(error.details).toMatchObject({ entity: 'memory', id: inA });
    await expectAthenaError(
      () => store.records.insert('relationships', [{ ...present(link), projectId: a.id }]),
      NotFoundError,
      'not_found',
    );
    const [memory] = await store.records.page('memories', { projectIds: [a.id] });
    const unknown = await expectAthenaError(
      () => store.records.insert('memories', [{ ...present(memory), projectId: 999_999_999 }]),
      NotFoundError,
      'not_found',
    );
    expect(unknown.details).toMatchObject({ entity: 'project', id: 999_999_999 });
    await expectAthenaError(
      () => store.records.insert('memories', [{ ...present(memory), supersededBy: inB1 }]),
      NotFoundError,
      'not_found',
    );
    expect(await store.records.count('relationships', { projectIds: [a.id, b.id] })).toBe(1);
    expect(await store.records.count('memories', { projectIds: [a.id] })).toBe(1);
  });

  it('insert() of a project whose name or path exists already is a ConflictError', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    await expectAthenaError(
      () => store.records.insert('projects', [{ ...project, path: `${project.path}-other` }]),
      ConflictError,
      'conflict',
    );
    await expectAthenaError(
      () => store.records.insert('projects', [{ ...project, name: `${project.name}-other` }]),
      ConflictError,
      'conflict',
    );
    expect(await store.projects.getByName(`${project.name}-other`)).toBeNull();
  });

  it('linkSupersession() links rows of one project only, never to themselves, each once', async () => {
    const store = ctx.store();
    const [a, b] = [await ctx.project(), await ctx.project()];
    const [m1, m2] = exactly(
      await store.memories.storeMany(a.id, [
        { content: 'old', embedding: unitVector(0) },
        { content: 'new', embedding: unitVector(1) },
      ]),
      2,
    );
    const [other] = await store.memories.storeMany(b.id, [
      { content: 'b', embedding: unitVector(2) },
    ]);
    const before = present(await store.memories.get(a.id, m1));
    await expectAthenaError(
      () => store.records.linkSupersession('memories', [{ id: m1, supersededBy: present(other) }]),
      NotFoundError,
      'not_found',
    );
    await expectAthenaError(
      () => store.records.linkSupersession('memories', [{ id: m1, supersededBy: m1 }]),
      ValidationError,
      'validation',
    );
    await expectAthenaError(
      () =>
        store.records.linkSupersession('memories', [
          { id: m1, supersededBy: m2 },
          { id: m1, supersededBy: m2 },
        ]),
      ValidationError,
      'validation',
    );
    expect(await store.memories.get(a.id, m1)).toEqual(before);
    expect(await store.records.linkSupersession('memories', [{ id: m1, supersededBy: m2 }])).toBe(
      1,
    );
    expect(await store.memories.get(a.id, m1)).toEqual({ ...before, supersededBy: m2 });
    const d1 = await store.decisions.create(a.id, { title: 'one' });
    const d2 = await store.decisions.create(a.id, { title: 'two' });
    expect(
      await store.records.linkSupersession('decisions', [{ id: d1.id, supersededBy: d2.id }]),
    ).toBe(1);
    expect(await store.decisions.get(a.id, d1.id)).toEqual({ ...d1, supersededBy: d2.id });
    expect(await store.records.linkSupersession('decisions', [])).toBe(0);
  });

  it('insert() inside a transaction rolls back with it', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const [memory] = await store.memories.storeMany(project.id, [
      { content: 'seed', embedding: unitVector(0) },
    ]);
    const record = present((await store.records.page('memories', { projectIds: [project.id] }))[0]);
    expect(record.id).toBe(memory);
    await expect(
      store.transaction(async (tx) => {
        await tx.records.insert('memories', [record, record]);
        expect(await tx.records.count('memories', { projectIds: [project.id] })).toBe(3);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await store.records.count('memories', { projectIds: [project.id] })).toBe(1);
  });

  it('bulkLoad() commits what fn inserted and returns its value; searches use the index afterwards', async () => {
    const fresh = await ctx.openStore(ctx.dimension);
    try {
      const [project] = await fresh.records.insert('projects', [
        {
          id: 0,
          name: 'bulk',
          path: '/bulk',
          description: null,
          createdAt: new Date('2024-01-01T00:00:00Z'),
          lastAccessedAt: new Date('2024-01-02T00:00:00Z'),
        },
      ]);
      const projectId = present(project);
      const seed = await fresh.memories.store(projectId, {
        content: 'template',
        embedding: unitVector(0),
      });
      const records = Array.from({ length: 40 }, (_, i) => ({
        ...seed,
        content: `bulk memory ${i}`,
        embedding: new Float32Array(unitVector(i % ctx.dimension)),
      }));
      const ids = await fresh.bulkLoad(
        async (tx) => {
          const inserted = await tx.records.insert('memories', records);
          expect(await tx.records.count('memories')).toBe(41);
          return inserted;
        },
        { memories: records.length },
      );
      expect(ids).toHaveLength(40);
      expect(await fresh.records.count('memories')).toBe(41);
      // i % 8 === 3 for 5 of the 40: exactly five vectors equal the query.
      const hits = await fresh.search.semantic(projectId, unitVector(3), { limit: 6 });
      expect(hits.filter((hit) => Math.abs(hit.score - 1) < 1e-5)).toHaveLength(5);
      const stats = await fresh.stats();
      expect(stats.indexes.filter((index) => !index.present || !index.valid)).toEqual([]);
    } finally {
      await ctx.destroyStore(fresh);
    }
  });

  it('bulkLoad() rolls everything back when fn throws, and rejects bad options', async () => {
    const fresh = await ctx.openStore(ctx.dimension);
    try {
      const project = await fresh.projects.create({ name: 'bulk', path: '/bulk' });
      const seed = await fresh.memories.store(project.id, {
        content: 'kept',
        embedding: unitVector(1),
      });
      await expect(
        fresh.bulkLoad(
          async (tx) => {
            await tx.records.insert('memories', [seed, seed, seed]);
            throw new Error('load failed');
          },
          { memories: 3 },
        ),
      ).rejects.toThrow('load failed');
      expect(await fresh.records.count('memories')).toBe(1);
      const [hit] = await fresh.search.semantic(project.id, unitVector(1), { limit: 1 });
      expect(hit?.memory.id).toBe(seed.id);
      const stats = await fresh.stats();
      expect(stats.indexes.filter((index) => !index.present || !index.valid)).toEqual([]);
      await expectAthenaError(
        () => fresh.bulkLoad(async () => undefined, { memories: -1 }),
        ValidationError,
        'validation',
      );
    } finally {
      await ctx.destroyStore(fresh);
    }
  });
}
