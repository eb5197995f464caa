import { afterAll, beforeAll, expect, it } from 'vitest';
import { FIRST_ANALYZE_ROWS } from '../src/fresh-statistics.js';
import type { PostgresStore } from '../src/index.js';
import {
  adminQuery,
  createTestStore,
  describePostgres,
  dropSchema,
  freshSchema,
  randomVectors,
} from './helpers.js';

const DIMENSION = 8;

/** Rows the planner believes each table holds: -1 until its first ANALYZE (or VACUUM). */
async function plannerRows(schema: string, tables: readonly string[]): Promise<number[]> {
  const rows = await adminQuery<{ relname: string; reltuples: number }>(
    `select relname, reltuples from pg_class
     where relnamespace = $1::regnamespace and relname = any($2) order by relname`,
    [schema, tables],
  );
  return tables.map((t) => Number(rows.find((r) => r.relname === t)?.reltuples));
}

describePostgres('planner statistics of tables the store fills', () => {
  const schema = freshSchema();
  let store: PostgresStore;
  let projectId: number;

  beforeAll(async () => {
    store = createTestStore(schema, { embeddingDimension: DIMENSION });
    await store.init();
    // Autovacuum must not analyse behind the test's back: only the store does here.
    for (const table of ['code_metadata', 'code_unresolved_references', 'memory_vectors']) {
      await adminQuery(`alter table "${schema}".${table} set (autovacuum_enabled = false)`);
    }
    projectId = (await store.projects.create({ name: 'stats', path: '/stats' })).id;
  });

  afterAll(async () => {
    await store.close();
    await dropSchema(schema);
  });

  it('code tables are ANALYZEd once a file replacement brings them 1,000 rows, not before', async () => {
    const entities = (n: number) =>
      Array.from({ length: n }, (_, i) => ({
        name: `f${i}`,
        qualifiedName: `f${i}`,
        entityType: 'function' as const,
      }));
    const small = FIRST_ANALYZE_ROWS / 2 - 1;
    await store.code.replaceFile(projectId, 'a.py', {
      entities: entities(small),
      unresolved: [{ from: { qualifiedName: 'f0' }, dependencyType: 'calls', target: 'print' }],
    });
    expect(await plannerRows(schema, ['code_metadata', 'code_unresolved_references'])).toEqual([
      -1, -1,
    ]);
    // Inside a transaction too: ANALYZE counts the transaction's own rows.
    await store.transaction(async (tx) => {
      await tx.code.replaceFile(projectId, 'b.py', {
        entities: entities(FIRST_ANALYZE_ROWS / 2),
      });
    });
    expect(await plannerRows(schema, ['code_metadata', 'code_unresolved_references'])).toEqual([
      FIRST_ANALYZE_ROWS - 1,
      1,
    ]);
  });

  it('memory_vectors is ANALYZEd once storeMany brought it 1,000 rows', async () => {
    const batch = (n: number, seed: number) =>
      randomVectors(n, seed, DIMENSION).map((embedding, i) => ({
        content: `note ${seed} ${i}`,
        embedding,
      }));
    await store.memories.storeMany(projectId, batch(FIRST_ANALYZE_ROWS - 1, 1));
    expect(await plannerRows(schema, ['memory_vectors'])).toEqual([-1]);
    await store.memories.storeMany(projectId, batch(1, 2));
    expect(await plannerRows(schema, ['memory_vectors'])).toEqual([FIRST_ANALYZE_ROWS]);
  });
});
