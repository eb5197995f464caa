import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { btree_gin } from '@electric-sql/pglite/contrib/btree_gin';
import { vector } from '@electric-sql/pglite-pgvector';
import { resolveCapabilities } from '@athena/core-types';
import type { StoreCapabilities } from '@athena/core-types';
import { POSTGRES_CAPABILITIES, PostgresStore } from '@athena/store-postgres';
import type { PostgresDriver, PostgresStoreCommonOptions } from '@athena/store-postgres';
import { PglitePool } from './pglite-pool.js';

/** What PGlite supports: the PostgreSQL store's features but concurrency, for it is one session. */
export const PGLITE_CAPABILITIES: StoreCapabilities = resolveCapabilities({
  ...POSTGRES_CAPABILITIES,
  concurrentWriters: false,
});

/** Options of {@link PgliteStore}. */
export interface PgliteStoreOptions extends Pick<
  PostgresStoreCommonOptions,
  | 'schema'
  | 'embeddingDimension'
  | 'statementTimeoutMs'
  | 'textSearchConfig'
  | 'vectorIndex'
  | 'efSearch'
  | 'probes'
  | 'retry'
  | 'logger'
> {
  /**
   * The database directory (created with its parents when missing); omitted
   * (or `memory://`): in memory, gone on `close()`.
   */
  readonly dataDir?: string;
  /**
   * An open PGlite to use instead of opening one; it must have been created
   * with the `vector` and `btree_gin` extensions. The store leaves it open
   * on `close()`, so several stores (each in its own `schema`) can share it.
   */
  readonly pglite?: PGlite;
}

/**
 * Opens PGlite with the extensions the PostgreSQL store's schema needs, in
 * `dataDir` (created with its parents when missing) or, without one (or
 * with PGlite's `memory://`), in memory.
 */
export async function openPglite(dataDir?: string): Promise<PGlite> {
  if (dataDir !== undefined && !dataDir.includes('://')) await mkdir(dataDir, { recursive: true });
  return PGlite.create(dataDir, { extensions: { vector, btree_gin } });
}

/**
 * The driver of a PGlite store: each pool it opens is one PGlite session,
 * opened on first use; the store's `close()` closes a PGlite the driver
 * opened, and leaves a given one open.
 */
export function pgliteDriver(source: {
  readonly dataDir?: string;
  readonly pglite?: PGlite;
}): PostgresDriver {
  const given = source.pglite;
  const driver: PostgresDriver = {
    name: 'pglite',
    openPool: (_options, onError) => {
      const pool = new PglitePool(() =>
        given === undefined ? openPglite(source.dataDir) : Promise.resolve(given),
      );
      return {
        pool,
        owned: given === undefined,
        max: 1,
        namedStatements: false,
        queryTimeout: false,
        annDefaults: null,
        onError,
        release: async () => {
          const opened = given === undefined ? pool.opened : null;
          const db = opened === null ? null : await opened.catch(() => null);
          if (db !== null && !db.closed) await db.close();
        },
      };
    },
  };
  return Object.freeze(driver);
}

/**
 * Athena's store on PGlite: PostgreSQL 18 compiled to WebAssembly, in this
 * process, with pgvector — the PostgreSQL store's SQL, schema and
 * migrations, unchanged, over {@link pgliteDriver}'s one-session pool. No
 * server to run; a directory (or memory) holds the database.
 *
 * @example
 * ```ts
 * const store = new PgliteStore({ dataDir: './athena-pglite', embeddingDimension: 384 });
 * await store.init();
 * const project = await store.projects.create({ name: 'demo', path: '/src/demo' });
 * await store.close();
 * ```
 */
export class PgliteStore extends PostgresStore {
  override readonly backend: string = 'pglite';
  override readonly capabilities: StoreCapabilities = PGLITE_CAPABILITIES;

  constructor(options: PgliteStoreOptions = {}) {
    const { dataDir, pglite, ...common } = options;
    super({
      driver: pgliteDriver({
        ...(dataDir === undefined ? {} : { dataDir }),
        ...(pglite === undefined ? {} : { pglite }),
      }),
      ...common,
    });
  }
}
