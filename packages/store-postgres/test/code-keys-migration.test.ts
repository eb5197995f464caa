import { afterAll, expect, it } from 'vitest';
import {
  adminQuery,
  createTestStore,
  describePostgres,
  dropSchema,
  freshSchema,
  rollBackTo,
} from './helpers.js';

describePostgres('migration 5 (qualified code names, pending edges, event vocabulary)', () => {
  const schema = freshSchema();
  afterAll(async () => {
    await dropSchema(schema);
  });

  it('keeps ids and edges; names become qualified names; tool_call becomes tool_execution', async () => {
    const old = createTestStore(schema);
    let ids: { parse: number; main: number };
    let projectId: number;
    try {
      await old.init();
      const project = await old.projects.create({ name: 'v4', path: '/v4' });
      projectId = project.id;
      // Back to version 4: the code tables as they were, with rows written then.
      await rollBackTo(schema, 4);
      const inserted = await adminQuery<{ id: string; name: string }>(
        `insert into "${schema}".code_metadata (project_id, file_path, name, entity_type)
         values ($1, 'src/a.ts', 'parse', 'function'), ($1, 'src/a.ts', 'main', 'function')
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
      await adminQuery(
        `insert into "${schema}".episodic_events (project_id, session_id, timestamp, event_type, content)
         values ($1, 's', now(), 'tool_call', 'ran the linter')`,
        [projectId],
      );
    } finally {
      await old.close();
    }

    const store = createTestStore(schema);
    try {
      await store.init();
      const entities = await store.code.findEntities(projectId);
      expect(entities.map((e) => [e.id, e.name, e.qualifiedName])).toEqual([
        [ids.parse, 'parse', 'parse'],
        [ids.main, 'main', 'main'],
      ]);
      expect((await store.code.dependenciesOf(projectId, ids.main)).map((e) => e.id)).toEqual([
        ids.parse,
      ]);
      const [qualified] = await store.code.upsertEntities(projectId, [
        {
          filePath: 'src/a.ts',
          name: 'parse',
          qualifiedName: 'Parser.parse',
          entityType: 'function',
        },
      ]);
      expect(qualified?.id).not.toBe(ids.parse);
      const events = await store.episodes.list(projectId);
      expect(events.items.map((e) => e.eventType)).toEqual(['tool_execution']);
    } finally {
      await store.close();
    }
  });
});
