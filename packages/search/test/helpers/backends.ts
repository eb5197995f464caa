import { join } from 'node:path';
import type { Store } from '@athena/core-types';
import { PostgresStore } from '@athena/store-postgres';
import { SqliteStore } from '@athena/store-sqlite';
import {
  dropSchema,
  freshSchema,
  openInTemporaryDirectory,
  postgresRequired,
  TEST_DATABASE_URL,
  unavailableReason,
} from '@athena/test-postgres';

/** A fresh, initialised store on a real database, and how to throw it away. */
export interface OpenedStore {
  readonly store: Store;
  readonly dispose: () => Promise<void>;
}

/** A backend the retrieval tests run on. */
export interface Backend {
  readonly name: string;
  readonly open: (dimension: number) => Promise<OpenedStore>;
}

const sqlite: Backend = {
  name: 'sqlite',
  open: (dimension) =>
    openInTemporaryDirectory(
      'athena-search-',
      (dir) => new SqliteStore({ path: join(dir, 'memory.db'), embeddingDimension: dimension }),
    ),
};

const postgres: Backend = {
  name: 'postgres',
  async open(dimension) {
    const schema = freshSchema('athena_search');
    const store = new PostgresStore({
      connectionString: TEST_DATABASE_URL,
      schema,
      embeddingDimension: dimension,
    });
    await store.init();
    return {
      store,
      dispose: async () => {
        await store.close();
        await dropSchema(schema);
      },
    };
  },
};

if (unavailableReason !== null) {
  if (postgresRequired) throw new Error(unavailableReason);
  console.warn(`[search tests] running on SQLite only: ${unavailableReason}`);
}

/** SQLite always; PostgreSQL when reachable (and always under CI=true). */
export const BACKENDS: readonly Backend[] =
  unavailableReason === null ? [sqlite, postgres] : [sqlite];
