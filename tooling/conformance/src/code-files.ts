import { NotFoundError, ValidationError } from '@athena/core-types';
import type { CodeEntity, FileEntityInput, ReplaceFileInput, Store } from '@athena/core-types';
import { expect, it } from 'vitest';
import { expectAthenaError } from './expect-athena-error.js';
import { exactly, memoryInput, pause } from './fixtures.js';
import type { SuiteContext } from './suite-context.js';

const fn = (name: string, extra: Partial<FileEntityInput> = {}): FileEntityInput => ({
  name,
  entityType: 'function',
  ...extra,
});
const method = (owner: string, name: string, extra: Partial<FileEntityInput> = {}) =>
  fn(name, { qualifiedName: `${owner}.${name}`, entityType: 'method', ...extra });

/** Every edge of the project as `from → to (type)` strings, by qualified names, sorted. */
async function edgeSummary(store: Store, projectId: number): Promise<string[]> {
  const entities = await store.code.findEntities(projectId);
  const name = new Map(entities.map((e) => [e.id, `${e.filePath}:${e.qualifiedName}`]));
  const out: string[] = [];
  for (const entity of entities) {
    for (const target of await store.code.dependenciesOf(projectId, entity.id)) {
      out.push(`${name.get(entity.id)} → ${name.get(target.id)}`);
    }
  }
  return out.sort();
}

/** Pending edges as `from → qualifiedName@file` strings, sorted. */
async function pendingSummary(store: Store, projectId: number): Promise<string[]> {
  const entities = await store.code.findEntities(projectId);
  const name = new Map(entities.map((e) => [e.id, `${e.filePath}:${e.qualifiedName}`]));
  return (await store.code.unresolvedDependencies(projectId))
    .map(
      (p) => `${name.get(p.fromEntityId)} → ${p.target.qualifiedName}@${p.target.filePath ?? '*'}`,
    )
    .sort();
}

const ids = (entities: readonly CodeEntity[]) => entities.map((e) => e.id);

/** code: bulk writes with stable keys, file replacement and pending edges. */
export function codeFileTests(ctx: SuiteContext): void {
  it('upsertEntities() writes many entities in input order; same-named methods of two classes are two entities', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const written = await store.code.upsertEntities(project.id, [
      { filePath: 'src/io.ts', name: 'run', qualifiedName: 'Reader.run', entityType: 'method' },
      { filePath: 'src/io.ts', name: 'run', qualifiedName: 'Writer.run', entityType: 'method' },
      { filePath: 'src/io.ts', name: 'Reader', entityType: 'class', startLine: 1 },
    ]);
    const [readerRun, writerRun, reader] = exactly(written, 3);
    expect(readerRun).toMatchObject({
      name: 'run',
      qualifiedName: 'Reader.run',
      entityType: 'method',
    });
    expect(writerRun).toMatchObject({ name: 'run', qualifiedName: 'Writer.run' });
    expect(reader).toMatchObject({ name: 'Reader', qualifiedName: 'Reader', startLine: 1 });
    expect(new Set(ids(written)).size).toBe(3);
    expect(ids(await store.code.findEntities(project.id, { name: 'run' })).sort()).toEqual(
      [readerRun.id, writerRun.id].sort(),
    );
    expect(ids(await store.code.findEntities(project.id, { qualifiedName: 'Writer.run' }))).toEqual(
      [writerRun.id],
    );
    const again = await store.code.upsertEntities(project.id, [
      {
        filePath: 'src/io.ts',
        name: 'run',
        qualifiedName: 'Writer.run',
        entityType: 'method',
        signature: 'run(): void',
      },
    ]);
    expect(again[0]?.id).toBe(writerRun.id);
    expect(again[0]?.signature).toBe('run(): void');
    expect(await store.code.upsertEntities(project.id, [])).toEqual([]);
  });

  it('upsertEntities() is all or none: a duplicate key, a bad field or a foreign memory writes nothing', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const other = await ctx.project('other');
    const foreign = await store.memories.store(other.id, memoryInput());
    const good = { filePath: 'src/a.ts', name: 'a', entityType: 'function' } as const;
    await expectAthenaError(
      () => store.code.upsertEntities(project.id, [good, { ...good, signature: 'x' }]),
      ValidationError,
      'validation',
    );
    await expectAthenaError(
      () =>
        store.code.upsertEntities(project.id, [
          good,
          { ...good, name: 'b', entityType: 'macro' as 'function' },
        ]),
      ValidationError,
      'validation',
    );
    await expectAthenaError(
      () =>
        store.code.upsertEntities(project.id, [good, { ...good, name: 'b', memoryId: foreign.id }]),
      NotFoundError,
      'not_found',
    );
    await expectAthenaError(
      () => store.code.upsertEntities(project.id, 'nope' as unknown as []),
      ValidationError,
      'validation',
    );
    expect(await store.code.findEntities(project.id)).toEqual([]);
  });

  it('replaceFile() keeps the ids of entities that still exist, updates changed ones only, deletes the rest', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const first = await store.code.replaceFile(project.id, 'src/parse.ts', {
      entities: [fn('parse', { codeHash: 'h1' }), fn('tokenize', { codeHash: 't1' }), fn('old')],
    });
    expect(first).toMatchObject({ created: 3, updated: 0, unchanged: 0, removed: [] });
    const [parse, tokenize, old] = exactly(first.entities, 3);
    expect(parse.filePath).toBe('src/parse.ts');
    await pause();
    const second = await store.code.replaceFile(project.id, 'src/parse.ts', {
      entities: [fn('tokenize', { codeHash: 't1' }), fn('parse', { codeHash: 'h2' }), fn('fresh')],
    });
    expect(second).toMatchObject({ created: 1, updated: 1, unchanged: 1 });
    const [tokenize2, parse2, fresh] = exactly(second.entities, 3);
    expect(tokenize2).toEqual(tokenize);
    expect(parse2.id).toBe(parse.id);
    expect(parse2.codeHash).toBe('h2');
    expect(parse2.updatedAt.getTime()).toBeGreaterThan(parse.updatedAt.getTime());
    expect(parse2.createdAt).toEqual(parse.createdAt);
    expect(ids(second.removed)).toEqual([old.id]);
    expect(await store.code.getEntity(project.id, old.id)).toBeNull();
    expect(
      ids(await store.code.findEntities(project.id, { filePath: 'src/parse.ts' })).sort(),
    ).toEqual([parse.id, tokenize.id, fresh.id].sort());
    const emptied = await store.code.replaceFile(project.id, 'src/parse.ts', { entities: [] });
    expect(ids(emptied.removed).sort()).toEqual([parse.id, tokenize.id, fresh.id].sort());
    expect(await store.code.findEntities(project.id)).toEqual([]);
  });

  it('replaceFile() replaces the file’s edges; edges to a file not indexed yet resolve when it arrives', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const main: ReplaceFileInput = {
      entities: [fn('main'), fn('helper')],
      edges: [
        {
          from: { qualifiedName: 'main' },
          to: { qualifiedName: 'helper', filePath: 'src/main.ts' },
          dependencyType: 'calls',
        },
        {
          from: { qualifiedName: 'main' },
          to: { qualifiedName: 'parse', filePath: 'src/parse.ts' },
          dependencyType: 'calls',
        },
        {
          from: { qualifiedName: 'main' },
          to: { qualifiedName: 'Reader.run', filePath: 'src/io.ts', entityType: 'method' },
          dependencyType: 'calls',
        },
      ],
    };
    const indexed = await store.code.replaceFile(project.id, 'src/main.ts', main);
    expect(indexed).toMatchObject({ resolvedEdges: 1, unresolvedEdges: 2 });
    expect(await edgeSummary(store, project.id)).toEqual(['src/main.ts:main → src/main.ts:helper']);
    expect(await pendingSummary(store, project.id)).toEqual([
      'src/main.ts:main → Reader.run@src/io.ts',
      'src/main.ts:main → parse@src/parse.ts',
    ]);
    const pending = await store.code.unresolvedDependencies(project.id, { qualifiedName: 'parse' });
    expect(pending).toEqual([
      expect.objectContaining({
        projectId: project.id,
        fromEntityId: indexed.entities[0]?.id,
        dependencyType: 'calls',
        target: { qualifiedName: 'parse', filePath: 'src/parse.ts', entityType: null },
      }),
    ]);

    await store.code.replaceFile(project.id, 'src/parse.ts', { entities: [fn('parse')] });
    await store.code.upsertEntity(project.id, {
      filePath: 'src/io.ts',
      name: 'run',
      qualifiedName: 'Writer.run',
      entityType: 'method',
    });
    expect(await pendingSummary(store, project.id)).toEqual([
      'src/main.ts:main → Reader.run@src/io.ts',
    ]);
    await store.code.upsertEntity(project.id, {
      filePath: 'src/io.ts',
      name: 'run',
      qualifiedName: 'Reader.run',
      entityType: 'method',
    });
    expect(await pendingSummary(store, project.id)).toEqual([]);
    expect(await edgeSummary(store, project.id)).toEqual([
      'src/main.ts:main → src/io.ts:Reader.run',
      'src/main.ts:main → src/main.ts:helper',
      'src/main.ts:main → src/parse.ts:parse',
    ]);

    // Re-indexing main with fewer edges replaces them.
    await store.code.replaceFile(project.id, 'src/main.ts', {
      ...main,
      edges: main.edges?.slice(1, 2),
    });
    expect(await edgeSummary(store, project.id)).toEqual(['src/main.ts:main → src/parse.ts:parse']);
  });

  it('replaceFile(): an entity removed from its file leaves edges of other files pending, and they resolve again when it returns', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const lib = await store.code.replaceFile(project.id, 'src/lib.ts', { entities: [fn('util')] });
    await store.code.replaceFile(project.id, 'src/app.ts', {
      entities: [fn('app')],
      edges: [
        {
          from: { qualifiedName: 'app' },
          to: { qualifiedName: 'util', filePath: 'src/lib.ts' },
          dependencyType: 'calls',
        },
      ],
    });
    const util = lib.entities[0] as CodeEntity;
    expect(
      (await store.code.impact(project.id, util.id)).map((i) => i.entity.qualifiedName),
    ).toEqual(['app']);

    await store.code.replaceFile(project.id, 'src/lib.ts', { entities: [fn('other')] });
    expect(await edgeSummary(store, project.id)).toEqual([]);
    expect(await pendingSummary(store, project.id)).toEqual(['src/app.ts:app → util@src/lib.ts']);
    const pending = await store.code.unresolvedDependencies(project.id, { filePath: 'src/app.ts' });
    expect(pending[0]?.target).toEqual({
      qualifiedName: 'util',
      filePath: 'src/lib.ts',
      entityType: 'function',
    });

    const back = await store.code.replaceFile(project.id, 'src/lib.ts', {
      entities: [fn('other'), fn('util')],
    });
    expect(back.entities[1]?.id).not.toBe(util.id);
    expect(await pendingSummary(store, project.id)).toEqual([]);
    expect(await edgeSummary(store, project.id)).toEqual(['src/app.ts:app → src/lib.ts:util']);
  });

  it('replaceFile(): a target named without a file resolves only while exactly one entity matches', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    await store.code.replaceFile(project.id, 'src/a.ts', { entities: [fn('shared')] });
    await store.code.replaceFile(project.id, 'src/b.ts', { entities: [fn('shared')] });
    const caller = await store.code.replaceFile(project.id, 'src/c.ts', {
      entities: [fn('caller')],
      edges: [
        {
          from: { qualifiedName: 'caller' },
          to: { qualifiedName: 'shared' },
          dependencyType: 'calls',
        },
      ],
    });
    expect(caller).toMatchObject({ resolvedEdges: 0, unresolvedEdges: 1 });
    expect(await pendingSummary(store, project.id)).toEqual(['src/c.ts:caller → shared@*']);
    // b.ts drops its `shared`: the name is unique again and the edge resolves.
    await store.code.replaceFile(project.id, 'src/b.ts', { entities: [] });
    expect(await pendingSummary(store, project.id)).toEqual([]);
    expect(await edgeSummary(store, project.id)).toEqual(['src/c.ts:caller → src/a.ts:shared']);
  });

  it('replaceFile() rejects bad input and changes nothing', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const before = await store.code.replaceFile(project.id, 'src/a.ts', { entities: [fn('keep')] });
    const bad: ReplaceFileInput[] = [
      { entities: [fn('x'), fn('x')] },
      {
        entities: [fn('x')],
        edges: [
          { from: { qualifiedName: 'nope' }, to: { qualifiedName: 'x' }, dependencyType: 'calls' },
        ],
      },
      {
        entities: [fn('x')],
        edges: [
          {
            from: { qualifiedName: 'x' },
            to: { qualifiedName: 'x', filePath: 'src/a.ts' },
            dependencyType: 'calls',
          },
        ],
      },
      {
        entities: [fn('x')],
        edges: [
          {
            from: { qualifiedName: 'x', filePath: 'src/other.ts' },
            to: { qualifiedName: 'y' },
            dependencyType: 'calls',
          },
        ],
      },
      {
        entities: [fn('x')],
        edges: [
          {
            from: { qualifiedName: 'x' },
            to: { qualifiedName: 'y' },
            dependencyType: 'owns' as 'calls',
          },
        ],
      },
      { entities: [{ ...fn('x'), filePath: 'src/a.ts' } as FileEntityInput] },
      {
        entities: [
          method('A', 'run'),
          fn('run', { qualifiedName: 'A.run', entityType: 'function' }),
        ],
        edges: [
          { from: { qualifiedName: 'A.run' }, to: { qualifiedName: 'y' }, dependencyType: 'calls' },
        ],
      },
    ];
    for (const input of bad) {
      await expectAthenaError(
        () => store.code.replaceFile(project.id, 'src/a.ts', input),
        ValidationError,
        'validation',
      );
    }
    await expectAthenaError(
      () => store.code.replaceFile(project.id, '', { entities: [] }),
      ValidationError,
      'validation',
    );
    await expectAthenaError(
      () => store.code.replaceFile(project.id + 100_000, 'src/a.ts', { entities: [fn('x')] }),
      NotFoundError,
      'not_found',
    );
    expect(await store.code.findEntities(project.id)).toEqual(before.entities);
    expect(await store.code.unresolvedDependencies(project.id)).toEqual([]);
  });

  it('replaceFile() is atomic: a missing memory rolls the whole file back', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const memory = await store.memories.store(project.id, memoryInput());
    const before = await store.code.replaceFile(project.id, 'src/a.ts', {
      entities: [fn('a', { memoryId: memory.id }), fn('b')],
    });
    await expectAthenaError(
      () =>
        store.code.replaceFile(project.id, 'src/a.ts', {
          entities: [fn('c'), fn('a', { memoryId: memory.id + 100_000 })],
        }),
      NotFoundError,
      'not_found',
    );
    expect(await store.code.findEntities(project.id)).toEqual(before.entities);
  });

  it('replaceFile() inside a transaction rolls back with it; files of two projects never mix', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const other = await ctx.project('other');
    await store.code.replaceFile(other.id, 'src/a.ts', { entities: [fn('a')] });
    await expect(
      store.transaction(async (tx) => {
        await tx.code.replaceFile(project.id, 'src/a.ts', { entities: [fn('a')] });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await store.code.findEntities(project.id)).toEqual([]);
    const mine = await store.code.replaceFile(project.id, 'src/a.ts', {
      entities: [fn('b')],
      edges: [
        { from: { qualifiedName: 'b' }, to: { qualifiedName: 'a' }, dependencyType: 'calls' },
      ],
    });
    expect(mine).toMatchObject({ resolvedEdges: 0, unresolvedEdges: 1 });
    expect((await store.code.findEntities(other.id)).map((e) => e.qualifiedName)).toEqual(['a']);
    expect(await store.code.unresolvedDependencies(other.id)).toEqual([]);
  });
}
