import { afterAll, beforeAll } from 'vitest';
import type { PGlite } from '@electric-sql/pglite';
import { createConformanceSuite } from '@athena/conformance';
import type { ConstraintKind } from '@athena/conformance';
import type { Store } from '@athena/core-types';
import { mapPostgresError } from '@athena/store-postgres';
import { PgliteStore, openPglite } from '../src/index.js';

/** A statement on `memory_vectors` that breaks one constraint of each kind. */
const VIOLATIONS: Readonly<Record<ConstraintKind, string>> = {
  foreign_key: 'update memory_vectors set superseded_by = -1 where id = $1',
  check: "update memory_vectors set consolidation_state = 'bogus' where id = $1",
  not_null: 'update memory_vectors set memory_type = null where id = $1',
};

// One PGlite for the whole file (it takes seconds to start); each store of
// the suite gets a schema of its own in it, as on a PostgreSQL server.
let db: PGlite;
let next = 0;
const schemas = new WeakMap<Store, string>();
beforeAll(async () => {
  db = await openPglite();
});
afterAll(async () => {
  await db.close();
});

function open(schema: string, embeddingDimension: number | undefined): PgliteStore {
  const store = new PgliteStore({ pglite: db, schema, embeddingDimension });
  schemas.set(store, schema);
  return store;
}

async function breakConstraint(store: Store, kind: ConstraintKind): Promise<unknown> {
  const schema = schemas.get(store);
  if (schema === undefined) throw new Error('violateConstraint: not a store of this suite');
  const project = await store.projects.create({ name: `violate-${kind}`, path: `/${kind}` });
  const memory = await store.memories.store(project.id, {
    content: 'x',
    embedding: [1, 0, 0, 0, 0, 0, 0, 0],
  });
  try {
    await db.query(VIOLATIONS[kind].replace('memory_vectors', `"${schema}".memory_vectors`), [
      memory.id,
    ]);
  } catch (error) {
    return error;
  }
  throw new Error(`${kind}: the statement broke no constraint`);
}

createConformanceSuite({
  name: 'pglite',
  createStore: ({ embeddingDimension }) => open(`athena_pglite_${++next}`, embeddingDimension),
  reopenStore: (store, { embeddingDimension }) => {
    const schema = schemas.get(store);
    if (schema === undefined) throw new Error('reopenStore: not a store of this suite');
    return open(schema, embeddingDimension);
  },
  destroyStore: async (store) => {
    await store.close();
    const schema = schemas.get(store);
    if (schema !== undefined) await db.exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  },
  violateConstraint: async (store, kind) =>
    mapPostgresError(await breakConstraint(store, kind), { operation: 'break a constraint' }),
});
