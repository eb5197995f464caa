import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store } from '@athena/core-types';
import { PostgresStore } from '@athena/store-postgres';
import { SqliteStore } from '@athena/store-sqlite';
import pg from 'pg';

const DATABASE_URL =
  process.env['ATHENA_TEST_DATABASE_URL'] ?? 'postgres://athena@127.0.0.1:5432/athena_test';

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

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function postgresReachable(): Promise<boolean> {
  try {
    await admin('select 1');
    return true;
  } catch {
    return false;
  }
}

const sqlite: Backend = {
  name: 'sqlite',
  async open(dimension) {
    const dir = mkdtempSync(join(tmpdir(), 'athena-search-'));
    const store = new SqliteStore({ path: join(dir, 'memory.db'), embeddingDimension: dimension });
    await store.init();
    return {
      store,
      dispose: async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

let schemas = 0;
const postgres: Backend = {
  name: 'postgres',
  async open(dimension) {
    const schema = `athena_search_${process.pid}_${schemas++}`;
    const store = new PostgresStore({
      connectionString: DATABASE_URL,
      schema,
      embeddingDimension: dimension,
    });
    await store.init();
    return {
      store,
      dispose: async () => {
        await store.close();
        await admin(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      },
    };
  },
};

const reachable = await postgresReachable();
if (!reachable && process.env['CI'] === 'true') {
  throw new Error(`PostgreSQL is required under CI=true but ${DATABASE_URL} is unreachable`);
}
if (!reachable) {
  console.warn(`[search tests] PostgreSQL unreachable at ${DATABASE_URL}: running on SQLite only`);
}

/** SQLite always; PostgreSQL when reachable (and always under CI=true). */
export const BACKENDS: readonly Backend[] = reachable ? [sqlite, postgres] : [sqlite];
