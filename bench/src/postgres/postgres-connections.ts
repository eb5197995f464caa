import { PostgresStore } from '@athena/store-postgres';
import type { PostgresStoreCommonOptions } from '@athena/store-postgres';
import pg from 'pg';
import { HNSW, maintenanceWorkMem, RAW_SETTINGS } from './raw-sql.js';
import type { RawPool } from './raw-sql.js';

/** What the run sets on a store: its schema and, where it differs, the vector index. */
export type RunStoreOptions = Pick<PostgresStoreCommonOptions, 'vectorIndex'> & {
  readonly schema: string;
};

/**
 * What a run of the PostgreSQL store holds open, on a server (`pg`) or on
 * PGlite: its two schemas (A: the tier in one project, B: over 10
 * projects), the admin and raw pools, and every store it opens.
 * {@link closePostgresConnections} releases it all and drops the schemas.
 */
export interface PostgresConnections {
  /** The engine, as the store reports it (`store.backend`). */
  readonly engine: 'postgres' | 'pglite';
  readonly schemaA: string;
  readonly schemaB: string;
  /** maintenance_work_mem of the admin pool, which builds the indexes. */
  readonly maintenance: string;
  readonly admin: RawPool;
  /** The raw side's pool: the store's ANN settings as session settings. */
  readonly raw: RawPool;
  /**
   * The raw twin of the project-filtered search runs with the ef_search the
   * store uses: 40 in a project with its own graph (buildProjectGraphs), else
   * 2·limit/share (annSettingsFor). Its pool opens once layout B is loaded and
   * that is known.
   */
  filtered: RawPool | null;
  readonly stores: PostgresStore[];
  /** A store of the run; `indexBuilder` ones carry maintenance_work_mem (they build indexes). */
  readonly newStore: (options: RunStoreOptions, indexBuilder: boolean) => PostgresStore;
  /** A raw pool whose searches run with `hnsw.ef_search = ef` (the other ANN settings as `raw`'s). */
  readonly rawWithEf: (ef: number) => RawPool;
  /** Releases what the engine holds beyond the pools (PGlite: the database and its directory). */
  readonly release: () => Promise<void>;
}

/** Opens the pools of a run over `rows` memories (nothing is connected until the first query). */
export function openPostgresConnections(
  url: string,
  rows: number,
  dimension: number,
): PostgresConnections {
  const maintenance = maintenanceWorkMem(rows);
  const admin = new pg.Pool({
    connectionString: url,
    max: 2,
    options: `-c maintenance_work_mem=${maintenance}`,
  });
  return {
    engine: 'postgres',
    schemaA: `athena_bench_${process.pid}_a`,
    schemaB: `athena_bench_${process.pid}_b`,
    maintenance,
    admin,
    raw: new pg.Pool({ connectionString: url, max: 16, options: RAW_SETTINGS }),
    filtered: null,
    stores: [],
    newStore: (options, indexBuilder) =>
      indexBuilder
        ? new PostgresStore({ pool: admin, ...options })
        : new PostgresStore({
            connectionString: url,
            embeddingDimension: dimension,
            poolMax: 16,
            ...options,
          }),
    rawWithEf: (ef) =>
      new pg.Pool({
        connectionString: url,
        max: 4,
        options: RAW_SETTINGS.replace('hnsw.ef_search=40', `hnsw.ef_search=${ef}`),
      }),
    release: async () => undefined,
  };
}

/** Opens and initialises a store of the run (closed by {@link closePostgresConnections}). */
export async function openStore(
  conn: PostgresConnections,
  options: RunStoreOptions,
): Promise<PostgresStore> {
  const store = conn.newStore(options, false);
  conn.stores.push(store);
  await store.init();
  return store;
}

/**
 * A store of the run on the admin pool (it carries maintenance_work_mem),
 * configured with HNSW: its init() builds what the schema lacks.
 */
export async function openIndexBuilder(
  conn: PostgresConnections,
  schema: string,
): Promise<PostgresStore> {
  const store = conn.newStore({ schema, vectorIndex: { type: 'hnsw', ...HNSW } }, true);
  conn.stores.push(store);
  await store.init();
  return store;
}

/** Drops the run's schemas, and those of earlier runs whose process is gone. */
export async function dropSchemas(conn: PostgresConnections): Promise<void> {
  await dropStaleSchemas(conn.admin);
  for (const schema of [conn.schemaA, conn.schemaB])
    await conn.admin.query(`drop schema if exists ${schema} cascade`);
}

/** Closes every store, drops both schemas and ends the pools; errors while closing are ignored. */
export async function closePostgresConnections(conn: PostgresConnections): Promise<void> {
  for (const store of conn.stores) await store.close().catch(() => undefined);
  for (const schema of [conn.schemaA, conn.schemaB]) {
    await conn.admin.query(`drop schema if exists ${schema} cascade`).catch(() => undefined);
  }
  await conn.raw.end();
  await conn.filtered?.end();
  await conn.admin.end();
  await conn.release();
}

/**
 * Drops the schemas of earlier runs on this host whose process is gone (a run
 * killed before its `finally` could drop them). Schemas of live runs stay.
 */
async function dropStaleSchemas(admin: RawPool): Promise<void> {
  const { rows } = await admin.query<{ name: string }>(
    "select nspname as name from pg_namespace where nspname ~ '^athena_bench_[0-9]+_[ab]$'",
  );
  for (const { name } of rows) {
    if (processIsGone(Number(name.split('_')[2])))
      await admin.query(`drop schema if exists ${name} cascade`);
  }
}

/** Whether no process `pid` runs on this host (the run that named a schema after it is over). */
export function processIsGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
