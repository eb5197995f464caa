import { afterAll, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION } from '../src/index.js';
import {
  adminQuery,
  createTestStore,
  describePostgres,
  dropSchema,
  freshSchema,
  rollBackTo,
} from './helpers.js';

describePostgres('migration 6 (code graph: exported entities, unresolved references)', () => {
  const schema = freshSchema();
  afterAll(async () => {
    await dropSchema(schema);
  });

  it('keeps entities and edges, with exported unknown; references can be stored afterwards', async () => {
    const old = createTestStore(schema);
    let ids: { parse: number; main: number };
    let projectId: number;
    try {
      await old.init();
      const project = await old.projects.create({ name: 'v5', path: '/v5' });
      projectId = project.id;
      // Back to version 5, with code rows written then.
      await rollBackTo(schema, 5);
      const inserted = await adminQuery<{ id: string; name: string }>(
        `insert into "${schema}".code_metadata (project_id, file_path, name, qualified_name, entity_type)
         values ($1, 'src/a.ts', 'parse', 'parse', 'function'), ($1, 'src/a.ts', 'main', 'main', 'function')
         returning id, name`,
        [projectId],
      );
      const byName = new Map(inserted.map((row) => [row.name, Number(row.id)]));
      ids = { parse: byName.get('parse') as number, main: byName.get('main') as number };
      await adminQuery(
        `insert into "${schema}".code_dependencies (project_id, from_entity_id, to_entity_id, dependency_type)
         values ($1, $2, $3, 'calls')`,
        [projectId, ids.main, ids.parse],
      );
    } finally {
      await old.close();
    }

    const store = createTestStore(schema);
    try {
      await store.init();
      expect((await store.health()).schemaVersion).toBe(LATEST_SCHEMA_VERSION);
      const entities = await store.code.findEntities(projectId);
      expect(entities.map((e) => [e.id, e.name, e.exported])).toEqual([
        [ids.parse, 'parse', null],
        [ids.main, 'main', null],
      ]);
      expect((await store.code.impact(projectId, ids.parse)).map((i) => i.path)).toEqual([
        [ids.parse, ids.main],
      ]);
      const replaced = await store.code.replaceFile(projectId, 'src/a.ts', {
        entities: [
          { name: 'parse', entityType: 'function', exported: true },
          { name: 'main', entityType: 'function' },
        ],
        unresolved: [{ from: { qualifiedName: 'main' }, dependencyType: 'calls', target: 'x.y' }],
      });
      expect(replaced.entities.map((e) => [e.id, e.exported])).toEqual([
        [ids.parse, true],
        [ids.main, null],
      ]);
      expect((await store.code.unresolvedReferences(projectId)).map((r) => r.target)).toEqual([
        'x.y',
      ]);
    } finally {
      await store.close();
    }
  });
});
