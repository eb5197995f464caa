import { NotFoundError, ValidationError } from '@athena/core-types';
import type { CodeEntity, DependencyType, ImpactedEntity, Store } from '@athena/core-types';
import { expect, it } from 'vitest';
import { expectAthenaError } from './expect-athena-error.js';
import { exactly, ids, nth, pause } from './fixtures.js';
import type { SuiteContext } from './suite-context.js';

async function entities(
  store: Store,
  projectId: number,
  names: readonly string[],
): Promise<CodeEntity[]> {
  const out: CodeEntity[] = [];
  for (const name of names) {
    out.push(
      await store.code.upsertEntity(projectId, {
        filePath: `src/${name}.ts`,
        name,
        entityType: 'function',
      }),
    );
  }
  return out;
}

/** `from` depends on `to`. */
function edge(
  store: Store,
  projectId: number,
  from: CodeEntity,
  to: CodeEntity,
  type: DependencyType = 'calls',
) {
  return store.code.addDependency(projectId, {
    fromEntityId: from.id,
    toEntityId: to.id,
    dependencyType: type,
  });
}

const summary = (impacted: readonly ImpactedEntity[]) =>
  impacted.map((i) => [i.entity.id, i.depth]);

/** code: entities, dependencies and impact analysis. */
export function codeTests(ctx: SuiteContext): void {
  it('upsertEntity() inserts, then updates the entity with the same (filePath, qualifiedName, entityType)', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const first = await store.code.upsertEntity(project.id, {
      filePath: 'src/a.ts',
      name: 'parse',
      entityType: 'function',
      language: 'typescript',
      signature: 'parse(x: string): number',
      startLine: 10,
      endLine: 20,
    });
    expect(first).toMatchObject({
      projectId: project.id,
      filePath: 'src/a.ts',
      name: 'parse',
      qualifiedName: 'parse',
      entityType: 'function',
      language: 'typescript',
      signature: 'parse(x: string): number',
      docstring: null,
      startLine: 10,
      endLine: 20,
      complexity: null,
      codeHash: null,
      memoryId: null,
    });
    await pause();
    const second = await store.code.upsertEntity(project.id, {
      filePath: 'src/a.ts',
      name: 'parse',
      entityType: 'function',
      signature: 'parse(x: string, radix: number): number',
      complexity: 3,
    });
    expect(second.id).toBe(first.id);
    expect(second.signature).toBe('parse(x: string, radix: number): number');
    expect(second.complexity).toBe(3);
    expect(second.updatedAt.getTime()).toBeGreaterThan(first.updatedAt.getTime());
    expect(await store.code.getEntity(project.id, first.id)).toEqual(second);
    const otherType = await store.code.upsertEntity(project.id, {
      filePath: 'src/a.ts',
      name: 'parse',
      entityType: 'variable',
    });
    expect(otherType.id).not.toBe(first.id);
    expect(await store.code.getEntity(project.id, first.id + 10_000)).toBeNull();
  });

  it('findEntities() filters by file and name, ordered by file, start line, id', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const up = (filePath: string, name: string, startLine: number | null) =>
      store.code.upsertEntity(project.id, { filePath, name, entityType: 'function', startLine });
    const b20 = await up('src/b.ts', 'late', 20);
    const a5 = await up('src/a.ts', 'early', 5);
    const b3 = await up('src/b.ts', 'first', 3);
    const a50 = await up('src/a.ts', 'parse', 50);
    const c1 = await up('src/c.ts', 'parse', 1);
    expect(ids(await store.code.findEntities(project.id))).toEqual([
      a5.id,
      a50.id,
      b3.id,
      b20.id,
      c1.id,
    ]);
    expect(ids(await store.code.findEntities(project.id, { filePath: 'src/b.ts' }))).toEqual([
      b3.id,
      b20.id,
    ]);
    expect(ids(await store.code.findEntities(project.id, { name: 'parse' }))).toEqual([
      a50.id,
      c1.id,
    ]);
    expect(
      ids(await store.code.findEntities(project.id, { filePath: 'src/a.ts', name: 'parse' })),
    ).toEqual([a50.id]);
    expect(await store.code.findEntities(project.id, { filePath: 'src/none.ts' })).toEqual([]);
  });

  it('invalid entities are ValidationErrors', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    await expectAthenaError(
      () =>
        store.code.upsertEntity(project.id, { filePath: '', name: 'x', entityType: 'function' }),
      ValidationError,
      'validation',
    );
    await expectAthenaError(
      () =>
        store.code.upsertEntity(project.id, {
          filePath: 'a.ts',
          name: 'x',
          entityType: 'widget' as CodeEntity['entityType'],
        }),
      ValidationError,
      'validation',
    );
    await expectAthenaError(
      () =>
        store.code.upsertEntity(project.id, {
          filePath: 'a.ts',
          name: 'x',
          entityType: 'function',
          startLine: 9,
          endLine: 3,
        }),
      ValidationError,
      'validation',
    );
    expect(await store.code.findEntities(project.id)).toEqual([]);
  });

  it('addDependency() is idempotent; dependenciesOf/dependentsOf list direct edges by id', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const [a, b, c] = exactly(await entities(store, project.id, ['a', 'b', 'c']), 3);
    const ab = await edge(store, project.id, a, b, 'imports');
    expect(ab).toMatchObject({
      projectId: project.id,
      fromEntityId: a.id,
      toEntityId: b.id,
      dependencyType: 'imports',
    });
    const again = await edge(store, project.id, a, b, 'imports');
    expect(again.id).toBe(ab.id);
    await edge(store, project.id, a, c);
    await edge(store, project.id, c, b);
    expect(ids(await store.code.dependenciesOf(project.id, a.id))).toEqual([b.id, c.id]);
    expect(ids(await store.code.dependentsOf(project.id, b.id))).toEqual([a.id, c.id]);
    expect(ids(await store.code.dependentsOf(project.id, a.id))).toEqual([]);
    expect(ids(await store.code.dependenciesOf(project.id, b.id))).toEqual([]);
  });

  it('removeDependency() returns whether the edge existed', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const [a, b] = exactly(await entities(store, project.id, ['a', 'b']), 2);
    await edge(store, project.id, a, b, 'uses');
    const input = { fromEntityId: a.id, toEntityId: b.id, dependencyType: 'uses' as const };
    expect(
      await store.code.removeDependency(project.id, { ...input, dependencyType: 'calls' }),
    ).toBe(false);
    expect(await store.code.removeDependency(project.id, input)).toBe(true);
    expect(await store.code.removeDependency(project.id, input)).toBe(false);
    expect(await store.code.dependenciesOf(project.id, a.id)).toEqual([]);
  });

  it('a self-edge is a ValidationError; an unknown entity is NotFoundError', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const [a] = exactly(await entities(store, project.id, ['a']), 1);
    await expectAthenaError(() => edge(store, project.id, a, a), ValidationError, 'validation');
    await expectAthenaError(
      () =>
        store.code.addDependency(project.id, {
          fromEntityId: a.id,
          toEntityId: a.id + 10_000,
          dependencyType: 'calls',
        }),
      NotFoundError,
      'not_found',
    );
    expect(await store.code.dependenciesOf(project.id, a.id)).toEqual([]);
  });

  it('deleteEntity() returns whether it existed and removes its edges', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const [a, b, c] = exactly(await entities(store, project.id, ['a', 'b', 'c']), 3);
    await edge(store, project.id, a, b);
    await edge(store, project.id, b, c);
    expect(await store.code.deleteEntity(project.id, b.id)).toBe(true);
    expect(await store.code.deleteEntity(project.id, b.id)).toBe(false);
    expect(await store.code.getEntity(project.id, b.id)).toBeNull();
    expect(await store.code.dependenciesOf(project.id, a.id)).toEqual([]);
    expect(await store.code.dependentsOf(project.id, c.id)).toEqual([]);
  });

  it('impact() lists transitive dependents once, at their shortest depth, by depth then id', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const [a, b, c, d, e, f] = exactly(
      await entities(store, project.id, ['a', 'b', 'c', 'd', 'e', 'f']),
      6,
    );
    // b → a, c → b, d → c, d → a, e → a, f → e (x → y: x depends on y).
    await edge(store, project.id, b, a);
    await edge(store, project.id, c, b);
    await edge(store, project.id, d, c);
    await edge(store, project.id, d, a);
    await edge(store, project.id, e, a);
    await edge(store, project.id, f, e, 'extends');
    // A change to a affects b, d, e directly; c and f through one hop. d once, at depth 1.
    expect(summary(await store.code.impact(project.id, a.id))).toEqual([
      [b.id, 1],
      [d.id, 1],
      [e.id, 1],
      [c.id, 2],
      [f.id, 2],
    ]);
    expect(summary(await store.code.impact(project.id, a.id, { maxDepth: 1 }))).toEqual([
      [b.id, 1],
      [d.id, 1],
      [e.id, 1],
    ]);
    // The direction is dependents, never dependencies.
    expect(summary(await store.code.impact(project.id, c.id))).toEqual([[d.id, 1]]);
    expect(await store.code.impact(project.id, d.id)).toEqual([]);
    const first = (await store.code.impact(project.id, a.id))[0];
    expect(first?.entity).toEqual(b);
  });

  it('impact() follows a long chain up to maxDepth (default 5)', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const chain = await entities(store, project.id, [
      'n0',
      'n1',
      'n2',
      'n3',
      'n4',
      'n5',
      'n6',
      'n7',
    ]);
    for (let i = 1; i < chain.length; i++)
      await edge(store, project.id, nth(chain, i), nth(chain, i - 1));
    const start = nth(chain, 0);
    const expected = (depth: number) =>
      chain.slice(1, depth + 1).map((entity, i) => [entity.id, i + 1]);
    expect(summary(await store.code.impact(project.id, start.id))).toEqual(expected(5));
    expect(summary(await store.code.impact(project.id, start.id, { maxDepth: 3 }))).toEqual(
      expected(3),
    );
    expect(summary(await store.code.impact(project.id, start.id, { maxDepth: 50 }))).toEqual(
      expected(7),
    );
    await expectAthenaError(
      () => store.code.impact(project.id, start.id, { maxDepth: 0 }),
      ValidationError,
      'validation',
    );
    await expectAthenaError(
      () => store.code.impact(project.id, start.id, { maxDepth: 51 }),
      ValidationError,
      'validation',
    );
  });

  it('impact() terminates on a cycle and never includes the start entity', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const [a, b, c] = exactly(await entities(store, project.id, ['a', 'b', 'c']), 3);
    // a → b → c → a.
    await edge(store, project.id, a, b);
    await edge(store, project.id, b, c);
    await edge(store, project.id, c, a);
    expect(summary(await store.code.impact(project.id, a.id, { maxDepth: 50 }))).toEqual([
      [c.id, 1],
      [b.id, 2],
    ]);
    expect(summary(await store.code.impact(project.id, b.id))).toEqual([
      [a.id, 1],
      [c.id, 2],
    ]);
  });
}
