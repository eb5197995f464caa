import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CodeEntity, ImpactedEntity } from '@athena/core-types';
import { HashingEmbedder } from '@athena/search';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CodeGraph } from '../src/index.js';
import type { IndexReport } from '../src/index.js';
import { BACKENDS } from './helpers/backends.js';
import type { OpenedStore } from './helpers/backends.js';
import { copyFixture, edgeSummary, entitySummary, label } from './helpers/fixtures.js';

const DIMENSION = 64;
const P = 'app/__init__.py';
const M = 'app/models.py';
const U = 'app/util.py';
const S = 'app/service.py';
const CA = 'app/cycle_a.py';
const CB = 'app/cycle_b.py';
const BR = 'app/broken.py';
const RUN = 'scripts/run.py';

/** Written down from the fixture's sources, by hand. */
const ENTITIES = [
  `${P}:app module -`,
  `${P}:create_app function exported`,
  `${M}:app.models module -`,
  `${M}:MAX_NAME variable exported`,
  `${M}:Base class exported`,
  `${M}:Base.validate method exported`,
  `${M}:Base.check_name method exported`,
  `${M}:User class exported`,
  `${M}:User.check_name method exported`,
  `${M}:Admin class exported`,
  `${M}:Admin.validate method exported`,
  `${M}:Admin.is_root method exported`,
  `${U}:app.util module -`,
  `${U}:REGISTERED variable exported`,
  `${U}:registry function exported`,
  `${U}:_private function internal`,
  `${S}:app.service module -`,
  `${S}:Service class exported`,
  `${S}:Service.__init__ method exported`,
  `${S}:Service.run method exported`,
  `${S}:Service.helper method exported`,
  `${S}:make_admin function exported`,
  `${CA}:app.cycle_a module -`,
  `${CA}:ping function exported`,
  `${CB}:app.cycle_b module -`,
  `${CB}:pong function exported`,
  `${BR}:app.broken module -`,
  `${BR}:good function exported`,
  `${RUN}:run module -`,
].sort();

/** Written down from the fixture's sources, by hand. */
const EDGES = [
  `${P}:app -imports-> ${M}:app.models`,
  `${P}:app -imports-> ${S}:app.service`,
  `${P}:create_app -calls-> ${S}:Service`,
  `${P}:create_app -calls-> ${M}:User`,
  `${M}:Base.validate -calls-> ${M}:Base.check_name`,
  `${M}:User -extends-> ${M}:Base`,
  `${M}:Admin -extends-> ${M}:User`,
  // super().validate() goes through User to Base.
  `${M}:Admin.validate -calls-> ${M}:Base.validate`,
  `${M}:Admin.validate -calls-> ${M}:Admin.is_root`,
  // `from . import util` runs the package, and imports the submodule.
  `${S}:app.service -imports-> ${P}:app`,
  `${S}:app.service -imports-> ${U}:app.util`,
  `${S}:app.service -imports-> ${M}:app.models`,
  // The decorator, a module attribute, a method of self.
  `${S}:Service.run -calls-> ${U}:registry`,
  `${S}:Service.run -calls-> ${U}:_private`,
  `${S}:Service.run -calls-> ${S}:Service.helper`,
  `${S}:make_admin -calls-> ${U}:registry`,
  `${S}:make_admin -calls-> ${M}:Admin`,
  // The cycle.
  `${CA}:app.cycle_a -imports-> ${P}:app`,
  `${CA}:app.cycle_a -imports-> ${CB}:app.cycle_b`,
  `${CA}:ping -calls-> ${CB}:pong`,
  `${CB}:app.cycle_b -imports-> ${CA}:app.cycle_a`,
  `${CB}:pong -calls-> ${CA}:ping`,
  `${RUN}:run -imports-> ${S}:app.service`,
  `${RUN}:run -calls-> ${S}:make_admin`,
].sort();

const at = (results: readonly ImpactedEntity[]) =>
  results.map((r) => `${label(r.entity)}@${r.depth}`).sort();

for (const backend of BACKENDS) {
  describe(`Python fixture on ${backend.name}`, () => {
    let opened: OpenedStore;
    let graph: CodeGraph;
    let projectId: number;
    let fixture: { root: string; dispose: () => void };
    let first: IndexReport;

    beforeAll(async () => {
      opened = await backend.open(DIMENSION);
      fixture = copyFixture('py-project');
      graph = new CodeGraph({
        store: opened.store,
        embedder: new HashingEmbedder({ dimension: DIMENSION }),
      });
      projectId = (await opened.store.projects.create({ name: 'py', path: fixture.root })).id;
      first = await graph.index(projectId, fixture.root, { progress: false });
    });
    afterAll(async () => {
      await opened.dispose();
      fixture.dispose();
    });

    it('indexes modules, classes, methods, functions and constants; a syntax error is reported, the rest indexed', async () => {
      expect(first.files).toEqual({ scanned: 8, indexed: 8, unchanged: 0, removed: 0 });
      expect(await entitySummary(opened.store, projectId)).toEqual(ENTITIES);
      expect(first.problems).toEqual([
        expect.objectContaining({ kind: 'syntax', path: BR, line: 5 }),
      ]);
      const [registry] = await graph.find(projectId, 'registry');
      expect(registry).toMatchObject({
        signature: 'def registry(fn)',
        docstring: 'A decorator that registers fn.',
        language: 'python',
        startLine: 6,
        endLine: 9,
      });
      const [run] = await graph.find(projectId, 'Service.run');
      expect(run?.signature).toBe('@registry def run(self)');
    });

    it('resolves imports (relative and absolute), calls and bases through the import graph', async () => {
      expect(await edgeSummary(opened.store, projectId)).toEqual(EDGES);
      expect(first.edges.pending).toBe(0);
    });

    it('records calls it cannot resolve unambiguously, and never guesses them', async () => {
      const entities = new Map(
        (await opened.store.code.findEntities(projectId)).map((e) => [e.id, e]),
      );
      const references = await opened.store.code.unresolvedReferences(projectId);
      expect(
        references
          .map(
            (r) =>
              `${label(entities.get(r.fromEntityId) as CodeEntity)} ${r.dependencyType} ${r.target} @${r.line}`,
          )
          .sort(),
      ).toEqual(
        [
          `${U}:registry calls REGISTERED.append @8`,
          `${S}:Service.run calls self.user.validate @12`,
          `${S}:Service.helper calls callback @18`,
          `${S}:make_admin calls admin.validate @24`,
        ].sort(),
      );
    });

    it('answers impact questions, found by dotted names', async () => {
      expect(at(await graph.impactOf(projectId, 'app.models.Base.validate'))).toEqual([
        `${M}:Admin.validate@1`,
      ]);
      const user = await graph.impactOf(projectId, 'app.models.User', { maxDepth: null });
      expect(at(user)).toEqual(
        [`${P}:create_app@1`, `${M}:Admin@1`, `${S}:make_admin@2`, `${RUN}:run@3`].sort(),
      );
      expect(at(await graph.impactOf(projectId, 'registry', { maxDepth: null }))).toEqual(
        [`${S}:Service.run@1`, `${S}:make_admin@1`, `${RUN}:run@2`].sort(),
      );
      expect(
        at(await graph.impactOf(projectId, 'app.models', { maxDepth: null, kinds: ['imports'] })),
      ).toEqual(
        [
          `${P}:app@1`,
          `${S}:app.service@1`,
          `${CA}:app.cycle_a@2`,
          `${RUN}:run@2`,
          `${CB}:app.cycle_b@3`,
        ].sort(),
      );
      expect(at(await graph.impactOf(projectId, 'ping', { maxDepth: null }))).toEqual([
        `${CB}:pong@1`,
      ]);
      expect(
        at(
          await graph.dependenciesOf(projectId, 'make_admin', { maxDepth: null, kinds: ['calls'] }),
        ),
      ).toEqual([`${U}:registry@1`, `${M}:Admin@1`].sort());
    });

    it('re-indexes an edited file alone and removes a deleted one with its memories', async () => {
      const store = opened.store;
      const before = new Map((await store.code.findEntities(projectId)).map((e) => [label(e), e]));
      writeFileSync(
        join(fixture.root, U),
        'import functools\n\nREGISTERED = []\n\n\ndef registry(fn):\n    """A decorator that registers fn."""\n    REGISTERED.append(fn)\n    return fn\n\n\ndef _private():\n    return 2\n',
      );
      const edit = await graph.index(projectId, fixture.root, { progress: false });
      expect(edit.files).toMatchObject({ indexed: 1, unchanged: 7 });
      expect(edit.entities).toEqual({ created: 0, updated: 2, unchanged: 2, removed: 0 });
      expect((await graph.find(projectId, 'registry'))[0]).toEqual(before.get(`${U}:registry`));
      const priv = (await graph.find(projectId, '_private'))[0] as CodeEntity;
      expect(priv.id).toBe(before.get(`${U}:_private`)?.id);
      expect(priv.memoryId).not.toBe(before.get(`${U}:_private`)?.memoryId);
      expect(at(await graph.impactOf(projectId, priv))).toEqual([`${S}:Service.run@1`]);

      const pong = before.get(`${CB}:pong`) as CodeEntity;
      rmSync(join(fixture.root, CB));
      const deleted = await graph.index(projectId, fixture.root, { progress: false });
      expect(deleted.files).toMatchObject({ removed: 1, indexed: 0 });
      // cycle_a's edges to the removed module wait for it to come back.
      expect(deleted.edges.pending).toBe(2);
      expect(await store.code.getEntity(projectId, pong.id)).toBeNull();
      expect(await store.memories.get(projectId, pong.memoryId as number)).toBeNull();
      expect(at(await graph.impactOf(projectId, 'ping', { maxDepth: null }))).toEqual([]);
      const models = await store.code.findEntities(projectId, { filePath: M });
      expect(models.sort((a, b) => a.id - b.id)).toEqual(
        [...before.values()].filter((e) => e.filePath === M).sort((a, b) => a.id - b.id),
      );
    });
  });
}
