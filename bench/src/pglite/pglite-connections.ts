import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPglite, PglitePool, PgliteStore } from '@athena/store-pglite';
import type { PostgresConnections } from '../postgres/postgres-connections.js';
import { maintenanceWorkMem, RAW_SETTINGS } from '../postgres/raw-sql.js';
import type { RawPool, RawQuery, RawQueryable, Row } from '../postgres/raw-sql.js';

type Pglite = Awaited<ReturnType<typeof openPglite>>;

/** A statement in pg's two call shapes, as text and values (PGlite prepares by text; names are pg's). */
function statement(query: RawQuery | string, values?: unknown[]): [string, unknown[] | undefined] {
  return typeof query === 'string' ? [query, values] : [query.text, query.values];
}

/**
 * The raw side on PGlite: hand-written SQL through {@link PglitePool}, the
 * one-session pool the store runs on too — PGlite's analogue of the bare
 * `pg` driver (it converts a Buffer vector parameter to pgvector's text
 * literal and a bytea column to a Buffer, nothing else). With `local`
 * settings, each query runs in a transaction that SETs them LOCAL first:
 * one session has no per-connection settings.
 */
class PgliteRawPool implements RawPool {
  readonly #pool: PglitePool;
  readonly #local: readonly string[];

  constructor(pool: PglitePool, local: readonly string[] = []) {
    this.#pool = pool;
    this.#local = local;
  }

  async query<R extends Row = Row>(
    query: RawQuery | string,
    values?: unknown[],
  ): Promise<{ rows: R[] }> {
    const [text, params] = statement(query, values);
    if (this.#local.length === 0) return (await this.#pool.query(text, params)) as { rows: R[] };
    const client = await this.connect();
    try {
      await client.query('begin');
      for (const setting of this.#local) await client.query(setting);
      const result = await client.query<R>(text, params ?? []);
      await client.query('commit');
      return result;
    } catch (error) {
      await client.query('rollback');
      throw error;
    } finally {
      client.release();
    }
  }

  async connect(): Promise<RawQueryable & { release(): void }> {
    const client = await this.#pool.connect();
    return {
      query: async <R extends Row = Row>(query: RawQuery | string, values?: unknown[]) => {
        const [text, params] = statement(query, values);
        return (await client.query(text, params)) as { rows: R[] };
      },
      release: () => client.release(),
    };
  }

  async end(): Promise<void> {}
}

/**
 * A run of the PostgreSQL store on PGlite: one PGlite database persisted in
 * a temporary directory (deleted afterwards), both schemas in it. The
 * session carries the raw side's ANN settings and maintenance_work_mem (the
 * store sets its own LOCAL per search, as on any pool it did not open); the
 * stores share the database, each on its own {@link PglitePool}.
 */
export async function openPgliteConnections(
  rows: number,
  dimension: number,
): Promise<PostgresConnections & { readonly db: Pglite; readonly dataDir: string }> {
  const maintenance = maintenanceWorkMem(rows);
  const dataDir = mkdtempSync(join(tmpdir(), 'athena-bench-pglite-'));
  const db = await openPglite(dataDir);
  const session = new PglitePool(() => Promise.resolve(db));
  const settings = RAW_SETTINGS.split('-c ')
    .map((setting) => setting.trim().split('='))
    .filter(([name]) => name !== '');
  for (const [name, value] of [...settings, ['maintenance_work_mem', maintenance]]) {
    await session.query(`set ${name} = '${value}'`);
  }
  const raw = new PgliteRawPool(session);
  return {
    engine: 'pglite',
    db,
    dataDir,
    schemaA: 'athena_bench_a',
    schemaB: 'athena_bench_b',
    maintenance,
    admin: raw,
    raw,
    filtered: null,
    stores: [],
    newStore: (options) =>
      new PgliteStore({ pglite: db, embeddingDimension: dimension, ...options }),
    rawWithEf: (ef) => new PgliteRawPool(session, [`set local hnsw.ef_search = ${ef}`]),
    release: async () => {
      await db.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
