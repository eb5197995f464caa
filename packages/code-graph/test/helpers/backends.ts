import { join } from 'node:path';
import type { Store } from '@athena/core-types';
import { PgliteStore } from '@athena/store-pglite';
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

/** A backend whose database lives in a temporary directory, removed on dispose. */
function inTemporaryDirectory(
  name: string,
  create: (dir: string, dimension: number) => Store,
): Backend {
  return {
    name,
    open: (dimension) =>
      openInTemporaryDirectory(`athena-code-graph-${name}-`, (dir) => create(dir, dimension)),
  };
}

const sqlite = inTemporaryDirectory(
  'sqlite',
  (dir, dimension) =>
    new SqliteStore({ path: join(dir, 'memory.db'), embeddingDimension: dimension }),
);

const pglite = inTemporaryDirectory(
  'pglite',
  (dir, dimension) => new PgliteStore({ dataDir: dir, embeddingDimension: dimension }),
);

const postgres: Backend = {
  name: 'postgres',
  async open(dimension) {
    const schema = freshSchema('athena_code_graph');
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
  console.warn(`[code-graph tests] running on SQLite only: ${unavailableReason}`);
}

/** SQLite and PGlite always; PostgreSQL when reachable (and always under CI=true). */
export const BACKENDS: readonly Backend[] =
  unavailableReason === null ? [sqlite, postgres, pglite] : [sqlite, pglite];
