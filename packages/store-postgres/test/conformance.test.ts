import { createConformanceSuite } from '@athena/conformance';
import type { Store } from '@athena/core-types';
import { PostgresStore } from '../src/index.js';
import { DATABASE_URL, describePostgres, dropSchema, freshSchema } from './helpers.js';

/** The schema of each store the suite creates, so teardown can drop it. */
const schemas = new WeakMap<Store, string>();

function open(schema: string, embeddingDimension: number | undefined): PostgresStore {
  const store = new PostgresStore({
    connectionString: DATABASE_URL,
    schema,
    embeddingDimension,
    poolMax: 4,
  });
  schemas.set(store, schema);
  return store;
}

describePostgres('conformance', () => {
  createConformanceSuite({
    name: 'postgres',
    createStore: ({ embeddingDimension }) => open(freshSchema(), embeddingDimension),
    reopenStore: (store, { embeddingDimension }) => {
      const schema = schemas.get(store);
      if (schema === undefined) throw new Error('reopenStore: not a store of this suite');
      return open(schema, embeddingDimension);
    },
    destroyStore: async (store) => {
      await store.close();
      const schema = schemas.get(store);
      if (schema !== undefined) await dropSchema(schema);
    },
  });
});
