import { NotFoundError, ValidationError } from '@athena/core-types';
import type {
  CodeEntity,
  CodeEntityType,
  DependencyType,
  ImpactedEntity,
  Store,
} from '@athena/core-types';
import { expect, it } from 'vitest';
import { expectAthenaError } from './expect-athena-error.js';
import { exactly, nth, pause } from './fixtures.js';
import type { SuiteContext } from './suite-context.js';

/** One entity per name, each in its own file, of the given type (default function). */
async function entities(
  store: Store,
  projectId: number,
  names: readonly string[],
  entityType: CodeEntityType = 'function',
): Promise<CodeEntity[]> {
  return store.code.upsertEntities(
    projectId,
    names.map((name) => ({ filePath: `src/${name}.ts`, name, entityType })),
  );
}

/** `from` depends on `to`. */
function edge(
  store: Store,
  projectId: number,
  from: CodeEntity,
  to: CodeEntity,
  dependencyType: DependencyType = 'calls',
) {
  return store.code.addDependency(projectId, {
    fromEntityId: from.id,
    toEntityId: to.id,
    dependencyType,
  });
}

/** Each result as `name@depth via path-of-names`, in result order. */
function walk(result: readonly ImpactedEntity[], all: readonly CodeEntity[]): string[] {
  const name = new Map(all.map((e) => [e.id, e.name]));
  return result.map(
    (r) => `${r.entity.name}@${r.depth} ${r.path.map((id) => name.get(id) ?? `#${id}`).join('>')}`,
  );
}

/** code graph: entity kinds, exported flags, unresolved references, paths, walks both ways, hotspots. */
export function codeGraphTests(ctx: SuiteContext): void {
  it('stores enums and the exported flag; a change of the flag is an update, the same flag is not', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const [color] = await store.code.upsertEntities(project.id, [
      { filePath: 'src/color.ts', name: 'Color', entityType: 'enum', exported: true },
    ]);
    expect(color).toMatchObject({ entityType: 'enum', exported: true });
    const first = await store.code.replaceFile(project.id, 'src/io.ts', {
      entities: [
        { name: 'read', entityType: 'function', exported: true },
        { name: 'helper', entityType: 'function', exported: false },
        { name: 'legacy', entityType: 'function' },
      ],
    });
    const [read, helper, legacy] = exactly(first.entities, 3);
    expect([read.exported, helper.exported, legacy.exported]).toEqual([true, false, null]);
    await pause();
    const second = await store.code.replaceFile(project.id, 'src/io.ts', {
      entities: [
        { name: 'read', entityType: 'function', exported: true },
        { name: 'helper', entityType: 'function', exported: true },
        { name: 'legacy', entityType: 'function', exported: null },
      ],
    });
    expect(second).toMatchObject({ created: 0, updated: 1, unchanged: 2 });
    const [read2, helper2] = exactly(second.entities, 3);
    expect(read2).toEqual(read);
    expect(helper2.id).toBe(helper.id);
    expect(helper2.exported).toBe(true);
    expect((await store.code.getEntity(project.id, helper.id))?.exported).toBe(true);
    await expectAthenaError(
      () =>
        store.code.upsertEntity(project.id, {
          filePath: 'src/a.ts',
          name: 'a',
          entityType: 'function',
          exported: 'yes' as unknown as boolean,
        }),
      ValidationError,
      'validation',
    );
  });

  it('findEntities() filters by entity types and by a line inside the entity', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const { entities: stored } = await store.code.replaceFile(project.id, 'src/shapes.ts', {
      entities: [
        { name: 'shapes', entityType: 'module', startLine: 1, endLine: 40 },
        { name: 'Shape', entityType: 'class', startLine: 3, endLine: 20 },
        {
          name: 'area',
          qualifiedName: 'Shape.area',
          entityType: 'method',
          startLine: 5,
          endLine: 9,
        },
        { name: 'Kind', entityType: 'enum', startLine: 22, endLine: 25 },
        { name: 'floating', entityType: 'variable' },
      ],
    });
    const [mod, shape, area, kind] = exactly(stored, 5);
    const ids = (found: readonly CodeEntity[]) => found.map((e) => e.id);
    expect(
      ids(await store.code.findEntities(project.id, { entityTypes: ['enum', 'class'] })),
    ).toEqual([shape.id, kind.id]);
    expect(ids(await store.code.findEntities(project.id, { line: 7 }))).toEqual([
      mod.id,
      shape.id,
      area.id,
    ]);
    expect(ids(await store.code.findEntities(project.id, { line: 20 }))).toEqual([
      mod.id,
      shape.id,
    ]);
    expect(
      ids(
        await store.code.findEntities(project.id, {
          filePath: 'src/shapes.ts',
          line: 23,
          entityTypes: ['enum'],
        }),
      ),
    ).toEqual([kind.id]);
    expect(await store.code.findEntities(project.id, { line: 41 })).toEqual([]);
    await expectAthenaError(
      () => store.code.findEntities(project.id, { entityTypes: [] }),
      ValidationError,
      'validation',
    );
    await expectAthenaError(
      () => store.code.findEntities(project.id, { line: 0 }),
      ValidationError,
      'validation',
    );
  });

  it('unresolved references are stored with the file, replaced with it, and never matched by name', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const first = await store.code.replaceFile(project.id, 'src/main.ts', {
      entities: [
        { name: 'main', entityType: 'function' },
        { name: 'run', entityType: 'function' },
      ],
      unresolved: [
        {
          from: { qualifiedName: 'main' },
          dependencyType: 'calls',
          target: 'client.query',
          line: 3,
        },
        {
          from: { qualifiedName: 'main' },
          dependencyType: 'calls',
          target: 'client.query',
          line: 3,
        },
        { from: { qualifiedName: 'run' }, dependencyType: 'imports', target: './missing' },
      ],
    });
    expect(first.unresolvedReferences).toBe(2);
    const [main, run] = exactly(first.entities, 2);
    const listed = await store.code.unresolvedReferences(project.id);
    expect(listed.map((r) => [r.fromEntityId, r.dependencyType, r.target, r.line])).toEqual([
      [main.id, 'calls', 'client.query', 3],
      [run.id, 'imports', './missing', null],
    ]);
    expect(nth(listed, 0)).toMatchObject({ projectId: project.id });
    expect(nth(listed, 0).createdAt).toBeInstanceOf(Date);
    expect(
      (await store.code.unresolvedReferences(project.id, { dependencyType: 'imports' })).map(
        (r) => r.target,
      ),
    ).toEqual(['./missing']);
    // An entity named like a reference's target arrives: the reference stays as it is.
    await store.code.replaceFile(project.id, 'src/client.ts', {
      entities: [{ name: 'query', qualifiedName: 'client.query', entityType: 'function' }],
    });
    expect(await store.code.dependenciesOf(project.id, main.id)).toEqual([]);
    expect(await store.code.unresolvedReferences(project.id, { filePath: 'src/main.ts' })).toEqual(
      listed,
    );
    expect(
      await store.code.unresolvedReferences(project.id, { filePath: 'src/client.ts' }),
    ).toEqual([]);
    // Re-indexing the file replaces its references; a removed entity takes its own along.
    const second = await store.code.replaceFile(project.id, 'src/main.ts', {
      entities: [{ name: 'main', entityType: 'function' }],
      unresolved: [{ from: { qualifiedName: 'main' }, dependencyType: 'calls', target: 'db.exec' }],
    });
    expect(second.unresolvedReferences).toBe(1);
    expect((await store.code.unresolvedReferences(project.id)).map((r) => r.target)).toEqual([
      'db.exec',
    ]);
    // A bad reference writes nothing.
    await expectAthenaError(
      () =>
        store.code.replaceFile(project.id, 'src/main.ts', {
          entities: [{ name: 'main', entityType: 'function' }],
          unresolved: [{ from: { qualifiedName: 'nobody' }, dependencyType: 'calls', target: 'x' }],
        }),
      ValidationError,
      'validation',
    );
    await expectAthenaError(
      () =>
        store.code.replaceFile(project.id, 'src/main.ts', {
          entities: [{ name: 'main', entityType: 'function' }],
          unresolved: [{ from: { qualifiedName: 'main' }, dependencyType: 'calls', target: '' }],
        }),
      ValidationError,
      'validation',
    );
    expect((await store.code.unresolvedReferences(project.id)).map((r) => r.target)).toEqual([
      'db.exec',
    ]);
    await store.code.replaceFile(project.id, 'src/main.ts', { entities: [] });
    expect(await store.code.unresolvedReferences(project.id)).toEqual([]);
    const other = await ctx.project('other');
    expect(await store.code.unresolvedReferences(other.id)).toEqual([]);
  });

  it('impact() gives one shortest path per entity, the smallest id at each tie', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const all = await entities(store, project.id, ['a', 'b', 'c', 'd', 'e', 'f']);
    const [a, b, c, d, e, f] = exactly(all, 6);
    // x → y: x depends on y. d reaches a through b and through c (a tie at
    // depth 2, won by b); e depends on a directly by an import and through d
    // by calls; a depends on f, which closes a cycle; c also depends on b,
    // an edge inside one level that must not bring c back one level deeper.
    await edge(store, project.id, b, a);
    await edge(store, project.id, c, a);
    await edge(store, project.id, c, b);
    await edge(store, project.id, d, c);
    await edge(store, project.id, d, b);
    await edge(store, project.id, e, d);
    await edge(store, project.id, e, a, 'imports');
    await edge(store, project.id, f, e);
    await edge(store, project.id, a, f); // a cycle back to the start
    expect(walk(await store.code.impact(project.id, a.id, { maxDepth: null }), all)).toEqual([
      'b@1 a>b',
      'c@1 a>c',
      'e@1 a>e',
      'd@2 a>b>d',
      'f@2 a>e>f',
    ]);
    // Following calls only, e is reached through d.
    expect(
      walk(
        await store.code.impact(project.id, a.id, { maxDepth: null, dependencyTypes: ['calls'] }),
        all,
      ),
    ).toEqual(['b@1 a>b', 'c@1 a>c', 'd@2 a>b>d', 'e@3 a>b>d>e', 'f@4 a>b>d>e>f']);
    expect(
      walk(await store.code.impact(project.id, a.id, { dependencyTypes: ['imports'] }), all),
    ).toEqual(['e@1 a>e']);
    expect(walk(await store.code.impact(project.id, a.id, { maxDepth: 1 }), all)).toEqual([
      'b@1 a>b',
      'c@1 a>c',
      'e@1 a>e',
    ]);
  });

  it('impact() reports only the asked entity types, with paths through the others', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const [base] = await entities(store, project.id, ['Base'], 'class');
    const [middle] = await entities(store, project.id, ['Middle'], 'class');
    const [useIt] = await entities(store, project.id, ['useIt'], 'function');
    const all = [base, middle, useIt] as CodeEntity[];
    await edge(store, project.id, middle as CodeEntity, base as CodeEntity, 'extends');
    await edge(store, project.id, useIt as CodeEntity, middle as CodeEntity, 'uses');
    expect(
      walk(
        await store.code.impact(project.id, (base as CodeEntity).id, {
          entityTypes: ['function'],
        }),
        all,
      ),
    ).toEqual(['useIt@2 Base>Middle>useIt']);
    await expectAthenaError(
      () =>
        store.code.impact(project.id, (base as CodeEntity).id, {
          dependencyTypes: ['borrows' as DependencyType],
        }),
      ValidationError,
      'validation',
    );
  });

  it('impact() with no depth bound follows a chain longer than 50 and ends on a cycle', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const names = Array.from({ length: 60 }, (_, i) => `n${String(i).padStart(2, '0')}`);
    const chain = await entities(store, project.id, names);
    for (let i = 1; i < chain.length; i++) {
      await edge(store, project.id, nth(chain, i), nth(chain, i - 1));
    }
    await edge(store, project.id, nth(chain, 0), nth(chain, 59)); // closes the ring
    const result = await store.code.impact(project.id, nth(chain, 0).id, { maxDepth: null });
    expect(result.map((r) => [r.entity.id, r.depth])).toEqual(
      chain.slice(1).map((entity, i) => [entity.id, i + 1]),
    );
    expect(nth(result, 58).path).toEqual(chain.map((e) => e.id));
  });

  it('traverse() walks dependencies the other way, with the same rules', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const all = await entities(store, project.id, ['app', 'service', 'repo', 'db', 'log']);
    const [app, service, repo, db, log] = exactly(all, 5);
    await edge(store, project.id, app, service);
    await edge(store, project.id, service, repo);
    await edge(store, project.id, repo, db);
    await edge(store, project.id, service, log, 'imports');
    await edge(store, project.id, db, app); // a cycle
    expect(
      walk(
        await store.code.traverse(project.id, app.id, {
          direction: 'dependencies',
          maxDepth: null,
        }),
        all,
      ),
    ).toEqual([
      'service@1 app>service',
      'repo@2 app>service>repo',
      'log@2 app>service>log',
      'db@3 app>service>repo>db',
    ]);
    expect(
      walk(
        await store.code.traverse(project.id, app.id, {
          direction: 'dependencies',
          dependencyTypes: ['calls'],
          maxDepth: 2,
        }),
        all,
      ),
    ).toEqual(['service@1 app>service', 'repo@2 app>service>repo']);
    expect(
      walk(await store.code.traverse(project.id, db.id, { direction: 'dependents' }), all),
    ).toEqual(walk(await store.code.impact(project.id, db.id), all));
    await expectAthenaError(
      () => store.code.traverse(project.id, app.id, {} as { direction: 'dependents' }),
      ValidationError,
      'validation',
    );
    await expectAthenaError(
      () => store.code.traverse(project.id, app.id, { direction: 'sideways' as 'dependents' }),
      ValidationError,
      'validation',
    );
    const other = await ctx.project('other');
    expect(await store.code.traverse(other.id, app.id, { direction: 'dependencies' })).toEqual([]);
  });

  it('hotspots() ranks by fan-in (or fan-out) counted per distinct entity, with filters and a limit', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const [util, config, a, b, c] = exactly(
      await entities(store, project.id, ['util', 'config', 'a', 'b', 'c']),
      5,
    );
    const [Model] = await entities(store, project.id, ['Model'], 'class');
    const model = Model as CodeEntity;
    await edge(store, project.id, a, util);
    await edge(store, project.id, a, util, 'imports'); // the same pair again: counted once
    await edge(store, project.id, b, util);
    await edge(store, project.id, c, util, 'imports');
    await edge(store, project.id, a, config);
    await edge(store, project.id, b, config);
    await edge(store, project.id, c, model, 'uses');
    const summary = (rows: readonly { entity: CodeEntity; fanIn: number; fanOut: number }[]) =>
      rows.map((r) => `${r.entity.name} ${r.fanIn}/${r.fanOut}`);
    expect(summary(await store.code.hotspots(project.id, { limit: 4 }))).toEqual([
      'util 3/0',
      'config 2/0',
      'Model 1/0',
      'a 0/2',
    ]);
    expect(summary(await store.code.hotspots(project.id, { dependencyTypes: ['calls'] }))).toEqual([
      'util 2/0',
      'config 2/0',
      'a 0/2',
      'b 0/2',
      'c 0/0',
      'Model 0/0',
    ]);
    expect(summary(await store.code.hotspots(project.id, { orderBy: 'fanOut', limit: 3 }))).toEqual(
      ['a 0/2', 'b 0/2', 'c 0/2'],
    );
    expect(summary(await store.code.hotspots(project.id, { entityTypes: ['class'] }))).toEqual([
      'Model 1/0',
    ]);
    await expectAthenaError(
      () => store.code.hotspots(project.id, { limit: 0 }),
      ValidationError,
      'validation',
    );
    await expectAthenaError(
      () => store.code.hotspots(project.id, { orderBy: 'size' as 'fanIn' }),
      ValidationError,
      'validation',
    );
    const other = await ctx.project('other');
    expect(await store.code.hotspots(other.id)).toEqual([]);
  });

  it('impact() and traverse() of an entity of another project find nothing', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const other = await ctx.project('other');
    const [x, y] = exactly(await entities(store, project.id, ['x', 'y']), 2);
    await edge(store, project.id, y, x);
    expect(await store.code.impact(other.id, x.id)).toEqual([]);
    await expectAthenaError(
      () =>
        store.code.addDependency(other.id, {
          fromEntityId: y.id,
          toEntityId: x.id,
          dependencyType: 'calls',
        }),
      NotFoundError,
      'not_found',
    );
  });
}
