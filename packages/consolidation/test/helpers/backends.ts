import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store } from '@athena/core-types';
import { PostgresStore } from '@athena/store-postgres';
import { SqliteStore } from '@athena/store-sqlite';
import {
  dropSchema,
  freshSchema,
  postgresRequired,
  TEST_DATABASE_URL,
  unavailableReason,
} from '@athena/test-postgres';

/** Where a store lives, so that another process can open the same database. */
export type StoreLocation =
  | { readonly backend: 'sqlite'; readonly path: string; readonly dimension: number }
  | {
      readonly backend: 'postgres';
      readonly url: string;
      readonly schema: string;
      readonly dimension: number;
    };

/** A fresh, initialised store on a real database, and how to throw it away. */
export interface OpenedStore {
  readonly store: Store;
  readonly location: StoreLocation;
  readonly dispose: () => Promise<void>;
}

/** A backend the tests run on. */
export interface Backend {
  readonly name: string;
  readonly open: (dimension: number) => Promise<OpenedStore>;
}

/** Opens the store at `location` (another handle on the same database). */
export async function openAt(location: StoreLocation): Promise<Store> {
  const store =
    location.backend === 'sqlite'
      ? new SqliteStore({ path: location.path, embeddingDimension: location.dimension })
      : new PostgresStore({
          connectionString: location.url,
          schema: location.schema,
          embeddingDimension: location.dimension,
        });
  await store.init();
  return store;
}

const sqlite: Backend = {
  name: 'sqlite',
  async open(dimension) {
    const dir = mkdtempSync(join(tmpdir(), 'athena-consolidation-'));
    const location: StoreLocation = { backend: 'sqlite', path: join(dir, 'memory.db'), dimension };
    const store = await openAt(location);
    return {
      store,
      location,
      dispose: async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

const postgres: Backend = {
  name: 'postgres',
  async open(dimension) {
    const schema = freshSchema('athena_consolidation');
    const location: StoreLocation = {
      backend: 'postgres',
      url: TEST_DATABASE_URL,
      schema,
      dimension,
    };
    const store = await openAt(location);
    return {
      store,
      location,
      dispose: async () => {
        await store.close();
        await dropSchema(schema);
      },
    };
  },
};

if (unavailableReason !== null) {
  if (postgresRequired) throw new Error(unavailableReason);
  console.warn(`[consolidation tests] running on SQLite only: ${unavailableReason}`);
}

/** SQLite always; PostgreSQL when reachable (and always under CI=true). */
export const BACKENDS: readonly Backend[] =
  unavailableReason === null ? [sqlite, postgres] : [sqlite];
