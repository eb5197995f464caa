import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CodeEntity, ImpactedEntity, Store } from '@athena/core-types';
import { AthenaMemory, HashingEmbedder } from '@athena/search';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CodeGraph } from '../src/index.js';
import type { IndexReport } from '../src/index.js';
import { BACKENDS } from './helpers/backends.js';
import type { OpenedStore } from './helpers/backends.js';
import { copyFixture, edgeSummary, entitySummary, label } from './helpers/fixtures.js';

const DIMENSION = 64;
const S = 'src/lib/shapes.ts';
const F = 'src/lib/format.ts';
const I = 'src/lib/index.ts';
const A = 'src/cycle-a.ts';
const B = 'src/cycle-b.ts';
const R = 'src/report.ts';
const L = 'src/legacy.js';

/** Written down from the fixture's sources, by hand. */
const ENTITIES = [
  `${A}:a function exported`,
  `${A}:src/cycle-a module -`,
  `${B}:b function exported`,
  `${B}:src/cycle-b module -`,
  `${L}:main function exported`,
  `${L}:src/legacy module -`,
  `${F}:UNIT variable exported`,
  `${F}:format function exported`,
  `${F}:src/lib/format module -`,
  `${I}:src/lib/index module -`,
  `${S}:Base class exported`,
  `${S}:Base.area method exported`,
  `${S}:Base.describe method exported`,
  `${S}:Base.kind method exported`,
  `${S}:Circle class exported`,
  `${S}:Circle.area method exported`,
  `${S}:Circle.constructor method exported`,
  `${S}:Kind enum exported`,
  `${S}:Named interface exported`,
  `${S}:Shape interface exported`,
  `${S}:Square class exported`,
  `${S}:Square.area method exported`,
  `${S}:Square.constructor method exported`,
  `${S}:Square.kind method exported`,
  `${S}:src/lib/shapes module -`,
  `${R}:helper function exported`,
  `${R}:lazyReport function exported`,
  `${R}:report function exported`,
  `${R}:src/report module -`,
  `${R}:total function exported`,
].sort();

/** Written down from the fixture's sources, by hand. */
const EDGES = [
  `${S}:Base -implements-> ${S}:Shape`,
  `${S}:Base.describe -calls-> ${S}:Base.kind`,
  `${S}:Base.describe -calls-> ${S}:Base.area`,
  `${S}:Base.kind -uses-> ${S}:Kind`,
  `${S}:Circle -extends-> ${S}:Base`,
  `${S}:Circle -implements-> ${S}:Named`,
  `${S}:Square -extends-> ${S}:Base`,
  `${S}:Square.kind -uses-> ${S}:Kind`,
  // `export *` and a renamed re-export.
  `${I}:src/lib/index -imports-> ${S}:src/lib/shapes`,
  `${I}:src/lib/index -imports-> ${F}:src/lib/format`,
  // The cycle.
  `${A}:src/cycle-a -imports-> ${B}:src/cycle-b`,
  `${A}:a -calls-> ${B}:b`,
  `${B}:src/cycle-b -imports-> ${A}:src/cycle-a`,
  `${B}:b -calls-> ${A}:a`,
  // Through the `@lib/*` path, and on to the modules that declare what the barrel re-exports.
  `${R}:src/report -imports-> ${I}:src/lib/index`,
  `${R}:src/report -imports-> ${S}:src/lib/shapes`,
  `${R}:src/report -imports-> ${F}:src/lib/format`,
  `${R}:src/report -imports-> ${A}:src/cycle-a`,
  `${R}:total -uses-> ${S}:Shape`,
  // s.area() on a Shape: the interface that declares the method.
  `${R}:total -calls-> ${S}:Shape`,
  `${R}:report -calls-> ${S}:Circle`,
  `${R}:report -calls-> ${S}:Square`,
  // formatNumber is format, renamed by the barrel; the overloads are one entity.
  `${R}:report -calls-> ${F}:format`,
  `${R}:report -calls-> ${R}:total`,
  `${R}:report -calls-> ${A}:a`,
  // JavaScript, through allowJs.
  `${L}:src/legacy -imports-> ${R}:src/report`,
  `${L}:main -calls-> ${R}:report`,
  `${L}:src/legacy -calls-> ${L}:main`,
].sort();

const at = (results: readonly ImpactedEntity[]) =>
  results.map((r) => `${label(r.entity)}@${r.depth}`).sort();

async function pathOf(store: Store, projectId: number, result: ImpactedEntity | undefined) {
  const names: string[] = [];
  for (const id of result?.path ?? []) {
    const entity = (await store.code.getEntity(projectId, id)) as CodeEntity;
    names.push(entity.qualifiedName);
  }
  return names.join(' > ');
}

for (const backend of BACKENDS) {
  describe(`TypeScript fixture on ${backend.name}`, () => {
    let opened: OpenedStore;
    let graph: CodeGraph;
    let projectId: number;
    let fixture: { root: string; dispose: () => void };
    let first: IndexReport;

    beforeAll(async () => {
      opened = await backend.open(DIMENSION);
      fixture = copyFixture('ts-project');
      graph = new CodeGraph({
        store: opened.store,
        embedder: new HashingEmbedder({ dimension: DIMENSION }),
      });
      projectId = (await opened.store.projects.create({ name: 'ts', path: fixture.root })).id;
      first = await graph.index(projectId, fixture.root, { progress: false });
    });
    afterAll(async () => {
      await opened.dispose();
      fixture.dispose();
    });

    it('indexes every entity, with its kind and whether it is exported', async () => {
      expect(first.problems).toEqual([]);
      expect(first.files).toEqual({ scanned: 7, indexed: 7, unchanged: 0, removed: 0 });
      expect(await entitySummary(opened.store, projectId)).toEqual(ENTITIES);
      expect(first.entities.created).toBe(ENTITIES.length);
      expect(first.memories.created).toBe(ENTITIES.length);
    });

    it('records every edge: imports through re-exports and paths, calls by the checker, heritage, type uses', async () => {
      expect(await edgeSummary(opened.store, projectId)).toEqual(EDGES);
      expect(first.edges.pending).toBe(0);
    });

    it('keeps overloads as one entity and records what the checker cannot resolve as unresolved', async () => {
      const [format] = await graph.find(projectId, 'format');
      expect(format?.signature).toBe(
        'export function format(value: number): string; export function format(value: number, digits: number): string; export function format(value: number, digits = 2): string',
      );
      expect(format?.docstring).toBe('Formats a number.');
      expect(format).toMatchObject({ startLine: 2, endLine: 6, language: 'typescript' });
      const references = await opened.store.code.unresolvedReferences(projectId);
      const entities = new Map(
        (await opened.store.code.findEntities(projectId)).map((e) => [e.id, e]),
      );
      expect(
        references
          .map(
            (r) =>
              `${label(entities.get(r.fromEntityId) as CodeEntity)} ${r.dependencyType} ${r.target} @${r.line}`,
          )
          .sort(),
      ).toEqual([`${R}:helper calls (x as any).whatever @21`, `${R}:lazyReport calls format @16`]);
      expect(first.unresolvedReferences).toBe(2);
      const [main] = await graph.find(projectId, 'main');
      expect(main?.language).toBe('javascript');
    });

    it('answers impact questions with depths and shortest paths, on cycles too', async () => {
      const store = opened.store;
      const base = await graph.impactOf(projectId, 'Base', { maxDepth: null });
      expect(at(base)).toEqual(
        [
          `${S}:Circle@1`,
          `${S}:Square@1`,
          `${R}:report@2`,
          `${L}:main@3`,
          `${L}:src/legacy@4`,
        ].sort(),
      );
      expect(
        await pathOf(
          store,
          projectId,
          base.find((r) => r.entity.name === 'main'),
        ),
      ).toBe('Base > Circle > report > main');
      const shape = await graph.impactOf(projectId, 'Shape', { maxDepth: null });
      expect(at(shape)).toEqual(
        [
          `${S}:Base@1`,
          `${R}:total@1`,
          `${S}:Circle@2`,
          `${S}:Square@2`,
          `${R}:report@2`,
          `${L}:main@3`,
          `${L}:src/legacy@4`,
        ].sort(),
      );
      expect(
        await pathOf(
          store,
          projectId,
          shape.find((r) => r.entity.name === 'main'),
        ),
      ).toBe('Shape > total > report > main');
      expect(at(await graph.impactOf(projectId, `${A}:3`, { maxDepth: null }))).toEqual(
        [`${B}:b@1`, `${R}:report@1`, `${L}:main@2`, `${L}:src/legacy@3`].sort(),
      );
      expect(at(await graph.impactOf(projectId, 'Shape', { maxDepth: 1 }))).toEqual(
        [`${S}:Base@1`, `${R}:total@1`].sort(),
      );
      expect(
        at(await graph.impactOf(projectId, F, { maxDepth: null, kinds: ['imports'] })),
      ).toEqual([`${I}:src/lib/index@1`, `${R}:src/report@1`, `${L}:src/legacy@2`].sort());
      expect(
        at(await graph.impactOf(projectId, 'Shape', { maxDepth: null, entityTypes: ['class'] })),
      ).toEqual([`${S}:Base@1`, `${S}:Circle@2`, `${S}:Square@2`].sort());
      expect(at(await graph.dependenciesOf(projectId, 'main', { maxDepth: null }))).toEqual(
        [
          `${R}:report@1`,
          `${S}:Circle@2`,
          `${S}:Square@2`,
          `${F}:format@2`,
          `${R}:total@2`,
          `${A}:a@2`,
          `${S}:Base@3`,
          `${S}:Named@3`,
          `${S}:Shape@3`,
          `${B}:b@3`,
        ].sort(),
      );
    });

    it('finds entities by file:line, file, qualified name and name; an ambiguous name is an error', async () => {
      expect((await graph.find(projectId, `${S}:20`)).map(label)).toEqual([`${S}:Base.describe`]);
      expect((await graph.find(projectId, R)).map(label)).toEqual([`${R}:src/report`]);
      expect((await graph.find(projectId, 'Square.kind')).map(label)).toEqual([`${S}:Square.kind`]);
      expect((await graph.find(projectId, 'area')).map(label).sort()).toEqual(
        [`${S}:Base.area`, `${S}:Circle.area`, `${S}:Square.area`].sort(),
      );
      await expect(graph.impactOf(projectId, 'area')).rejects.toMatchObject({ code: 'validation' });
      await expect(graph.impactOf(projectId, 'nothing-like-this')).rejects.toMatchObject({
        code: 'not_found',
      });
    });

    it('ranks hotspots by fan-in in the database', async () => {
      const hotspots = await graph.hotspots(projectId, { entityTypes: ['class', 'interface'] });
      expect(hotspots.map((h) => `${h.entity.qualifiedName} ${h.fanIn}/${h.fanOut}`)).toEqual([
        'Base 2/1',
        'Shape 2/0',
        'Circle 1/2',
        'Square 1/1',
        'Named 1/0',
      ]);
    });

    it('finds code by meaning through the search package, and recall finds it as a code memory', async () => {
      const [hit] = await graph.search(projectId, 'formats a number', {
        limit: 3,
        entityTypes: ['function'],
      });
      expect(hit?.entity.qualifiedName).toBe('format');
      const all = await graph.search(projectId, 'formats a number', { limit: 3 });
      expect(all.map((h) => h.entity.filePath)).toContain(F);
      expect(all.every((h) => h.memory.memoryType === 'code')).toBe(true);
      const js = await graph.search(projectId, 'report main', { languages: ['javascript'] });
      expect(js.length).toBeGreaterThan(0);
      expect(js.every((h) => h.entity.filePath === L)).toBe(true);
      const memory = new AthenaMemory({
        store: opened.store,
        embedder: new HashingEmbedder({ dimension: DIMENSION }),
      });
      const [recalled] = await memory.recall(projectId, 'formats a number', { limit: 1 });
      expect(recalled?.memory).toMatchObject({ memoryType: 'code', domain: F });
    });

    it('re-indexes only what changed and keeps the ids of unchanged entities', async () => {
      const store = opened.store;
      const before = new Map((await store.code.findEntities(projectId)).map((e) => [label(e), e]));
      const nothing = await graph.index(projectId, fixture.root, { progress: false });
      expect(nothing.files).toEqual({ scanned: 7, indexed: 0, unchanged: 7, removed: 0 });
      expect((await store.code.findEntities(projectId)).sort(byId)).toEqual(
        [...before.values()].sort(byId),
      );

      // Edit: one function's body.
      writeFileSync(
        join(fixture.root, B),
        "import { a } from './cycle-a';\n\nexport function b(n: number): number {\n  return n <= 0 ? 2 : a(n - 1);\n}\n",
      );
      const edit = await graph.index(projectId, fixture.root, { progress: false });
      expect(edit.files).toMatchObject({ indexed: 1, unchanged: 6 });
      expect(edit.entities).toEqual({ created: 0, updated: 2, unchanged: 0, removed: 0 });
      const b = (await graph.find(projectId, 'b'))[0] as CodeEntity;
      const oldB = before.get(`${B}:b`) as CodeEntity;
      expect(b.id).toBe(oldB.id);
      expect(b.memoryId).not.toBe(oldB.memoryId);
      expect(await store.memories.get(projectId, oldB.memoryId as number)).toBeNull();
      const report = (await graph.find(projectId, 'report'))[0];
      expect(report).toEqual(before.get(`${R}:report`));
      expect(at(await graph.impactOf(projectId, b))).toContain(`${A}:a@1`);

      // Rename: UNIT becomes UNITS; format keeps its id and its memory.
      writeFileSync(
        join(fixture.root, F),
        "/** Formats a number. */\nexport function format(value: number): string;\nexport function format(value: number, digits: number): string;\nexport function format(value: number, digits = 2): string {\n  return value.toFixed(digits);\n}\n\nexport const UNITS = 'cm';\n",
      );
      const rename = await graph.index(projectId, fixture.root, { progress: false });
      expect(rename.entities).toEqual({ created: 1, updated: 1, unchanged: 1, removed: 1 });
      expect(await graph.find(projectId, 'UNIT')).toEqual([]);
      expect((await graph.find(projectId, 'UNITS')).map(label)).toEqual([`${F}:UNITS`]);
      expect((await graph.find(projectId, 'format'))[0]).toEqual(before.get(`${F}:format`));

      // Add: a file importing a module that does not exist yet, then that module.
      writeFileSync(
        join(fixture.root, 'src/needs-later.ts'),
        "import { later } from './later';\n\nexport function early(): number {\n  return later();\n}\n",
      );
      const added = await graph.index(projectId, fixture.root, { progress: false });
      expect(added.files).toMatchObject({ scanned: 8, indexed: 1 });
      expect(
        (await store.code.unresolvedReferences(projectId, { filePath: 'src/needs-later.ts' })).map(
          (r) => `${r.dependencyType} ${r.target}`,
        ),
      ).toEqual(['imports ./later', 'calls later']);
      writeFileSync(
        join(fixture.root, 'src/later.ts'),
        'export function later(): number {\n  return 1;\n}\n',
      );
      const resolved = await graph.index(projectId, fixture.root, { progress: false });
      // The new file, and the file whose import it resolves.
      expect(resolved.files).toMatchObject({ scanned: 9, indexed: 2 });
      expect(
        await store.code.unresolvedReferences(projectId, { filePath: 'src/needs-later.ts' }),
      ).toEqual([]);
      expect(at(await graph.impactOf(projectId, 'later'))).toEqual(['src/needs-later.ts:early@1']);

      // Delete: legacy.js goes with its entities, edges and memories.
      const main = (await graph.find(projectId, 'main'))[0] as CodeEntity;
      rmSync(join(fixture.root, L));
      const deleted = await graph.index(projectId, fixture.root, { progress: false });
      expect(deleted.files).toMatchObject({ removed: 1, indexed: 0 });
      expect(deleted.entities.removed).toBe(2);
      expect(await store.code.findEntities(projectId, { filePath: L })).toEqual([]);
      expect(await store.memories.get(projectId, main.memoryId as number)).toBeNull();
      expect(at(await graph.impactOf(projectId, 'report'))).toEqual([]);
      const after = await store.code.findEntities(projectId, { filePath: S });
      expect(after.sort(byId)).toEqual(
        [...before.values()].filter((e) => e.filePath === S).sort(byId),
      );
    });
  });
}

function byId(a: CodeEntity, b: CodeEntity): number {
  return a.id - b.id;
}
