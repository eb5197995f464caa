import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { PostgresStore } from '../src/index.js';
import { traverseQuery } from '../src/repositories/code-repository.js';
import type { Database } from '../src/schema.js';
import {
  adminQuery,
  createTestStore,
  DATABASE_URL,
  describePostgres,
  dropSchema,
  freshSchema,
} from './helpers.js';

const ENTITIES = 3_000;

/** `f0` … `f2999` in one file, `fk` calling `f⌊(k−1)/2⌋`: a binary tree of callers under `f0`. */
function heapFile() {
  return {
    entities: Array.from({ length: ENTITIES }, (_, k) => ({
      name: `f${k}`,
      qualifiedName: `f${k}`,
      entityType: 'function' as const,
    })),
    edges: Array.from({ length: ENTITIES - 1 }, (_, i) => ({
      from: { qualifiedName: `f${i + 1}` },
      to: { qualifiedName: `f${Math.floor(i / 2)}`, filePath: 'heap.py' },
      dependencyType: 'calls' as const,
    })),
  };
}

describePostgres('the code walk with planner statistics', () => {
  const schema = freshSchema();
  let store: PostgresStore;
  let projectId: number;
  let root: number;

  beforeAll(async () => {
    store = createTestStore(schema);
    await store.init();
    projectId = (await store.projects.create({ name: 'walk', path: '/walk' })).id;
    const { entities } = await store.code.replaceFile(projectId, 'heap.py', heapFile());
    root = entities[0]?.id as number;
    await adminQuery(`analyze "${schema}".code_metadata, "${schema}".code_dependencies`);
  });

  afterAll(async () => {
    await store.close();
    await dropSchema(schema);
  });

  it('removes the entities already seen through a hashed subplan, never a nested loop over them', async () => {
    const db = new Kysely<Database>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: DATABASE_URL }) }),
    });
    try {
      const query = traverseQuery(schema, projectId, root, {
        direction: 'dependents',
        maxDepth: null,
        dependencyTypes: null,
        entityTypes: null,
      }).compile(db);
      const plan = (
        await adminQuery<{ 'QUERY PLAN': string }>(`explain (costs off) ${query.sql}`, [
          ...query.parameters,
        ])
      )
        .map((row) => row['QUERY PLAN'])
        .join('\n');
      expect(plan).toContain('hashed SubPlan');
      expect(plan).not.toContain('Nested Loop Anti Join');
    } finally {
      await db.destroy();
    }
  });

  it('reaches every caller once, at its depth in the tree', async () => {
    const reached = await store.code.impact(projectId, root, { maxDepth: null });
    expect(reached).toHaveLength(ENTITIES - 1);
    const depthOf = new Map(reached.map((r) => [r.entity.name, r.depth]));
    for (const k of [1, 2, 6, 1000, 2999]) {
      expect(depthOf.get(`f${k}`), `f${k}`).toBe(Math.floor(Math.log2(k + 1)));
    }
  });
});
