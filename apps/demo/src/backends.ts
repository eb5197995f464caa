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

/** Where a fresh database is, so that another process can open it too. */
export type DatabaseLocation =
  | { readonly backend: 'sqlite'; readonly path: string }
  | { readonly backend: 'postgres'; readonly url: string; readonly schema: string };

/**
 * A fresh database: `store` is initialised. Another process opens its own
 * store at `location` (one process must not open a second SQLite connection
 * to write concurrently: it would wait for the write lock synchronously,
 * blocking the event loop the first connection needs to commit).
 */
export interface FreshDatabase {
  readonly store: Store;
  readonly location: DatabaseLocation;
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
  const path = join(dir, 'quality.db');
  const store = new SqliteStore({ path, embeddingDimension: dimension });
  await store.init();
  try {
    return await fn({ store, location: { backend: 'sqlite', path } });
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
};

let schemas = 0;

const withPostgres: Backend = async (dimension, fn) => {
  schemas += 1;
  const schema = `athena_quality_${process.pid}_${schemas}`;
  const store = new PostgresStore({
    connectionString: POSTGRES_URL,
    schema,
    embeddingDimension: dimension,
  });
  await store.init();
  try {
    return await fn({ store, location: { backend: 'postgres', url: POSTGRES_URL, schema } });
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
