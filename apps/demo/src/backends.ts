/**
 * The databases the evaluations run on: a fresh SQLite file, and a fresh
 * schema of the configured PostgreSQL when it answers. Each is deleted
 * afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findVariable, readVariable } from '@athena/core-types';
import type { Store } from '@athena/core-types';
import { PostgresStore } from '@athena/store-postgres';
import { SqliteStore } from '@athena/store-sqlite';
import pg from 'pg';

/** ATHENA_DATABASE_URL, else the bench/test database. */
export const POSTGRES_URL =
  findVariable(process.env, 'ATHENA_DATABASE_URL')?.value ??
  readVariable(process.env, 'ATHENA_BENCH_DATABASE_URL');

/** A fresh database: `store` is initialised; `second()` gives a second worker its store. */
export interface FreshDatabase {
  readonly store: Store;
  /**
   * The store a second, concurrent worker of this process uses, and how to
   * let go of it: on PostgreSQL another store (its own pool), as another
   * process would have; on SQLite the same store, because a second
   * connection in one process waits for the write lock synchronously and so
   * blocks the event loop the first connection needs to commit (SQLITE_BUSY
   * after the busy timeout). Two processes would each have their own.
   */
  second(): Promise<{ readonly store: Store; close(): Promise<void> }>;
}

/** Runs `fn` on a fresh database of one backend and deletes it afterwards. */
export type Backend = <T>(dimension: number, fn: (db: FreshDatabase) => Promise<T>) => Promise<T>;

async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

const withSqlite: Backend = async (dimension, fn) => {
  const dir = mkdtempSync(join(tmpdir(), 'athena-quality-'));
  const store = new SqliteStore({ path: join(dir, 'quality.db'), embeddingDimension: dimension });
  await store.init();
  try {
    return await fn({ store, second: async () => ({ store, close: async () => undefined }) });
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
};

let schemas = 0;

const withPostgres: Backend = async (dimension, fn) => {
  schemas += 1;
  const schema = `athena_quality_${process.pid}_${schemas}`;
  const open = async () => {
    const store = new PostgresStore({
      connectionString: POSTGRES_URL,
      schema,
      embeddingDimension: dimension,
    });
    await store.init();
    return store;
  };
  const store = await open();
  try {
    return await fn({
      store,
      second: async () => {
        const other = await open();
        return { store: other, close: () => other.close() };
      },
    });
  } finally {
    await store.close();
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  }
};

/**
 * SQLite, and PostgreSQL when it answers (a warning names the URL, without
 * its password, when it does not).
 */
export async function reachableBackends(): Promise<[string, Backend][]> {
  const backends: [string, Backend][] = [['sqlite', withSqlite]];
  if (await postgresReachable()) backends.push(['postgres', withPostgres]);
  else
    console.warn(
      `PostgreSQL unreachable at ${POSTGRES_URL.replace(/:[^:@/]*@/, ':***@')}: SQLite only`,
    );
  return backends;
}
