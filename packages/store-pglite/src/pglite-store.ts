import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { btree_gin } from '@electric-sql/pglite/contrib/btree_gin';
import { vector } from '@electric-sql/pglite-pgvector';
import { resolveCapabilities } from '@athena/core-types';
import type { StoreCapabilities } from '@athena/core-types';
import { POSTGRES_CAPABILITIES, PostgresStore } from '@athena/store-postgres';
import type { PostgresStoreCommonOptions } from '@athena/store-postgres';
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
 * Athena's store on PGlite: PostgreSQL 18 compiled to WebAssembly, in this
 * process, with pgvector — the PostgreSQL store's SQL, schema and
 * migrations, unchanged, over a one-session pool. No server to run; a
 * directory (or memory) holds the database.
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
  readonly #pool: PglitePool;
  readonly #owned: boolean;

  constructor(options: PgliteStoreOptions = {}) {
    const { dataDir, pglite, ...common } = options;
    const pool = new PglitePool(() =>
      pglite === undefined ? openPglite(dataDir) : Promise.resolve(pglite),
    );
    super({ pool, ...common });
    this.#pool = pool;
    this.#owned = pglite === undefined;
  }

  /** Closes the store, then the PGlite it opened (a given one stays open). */
  override async close(): Promise<void> {
    await super.close();
    const opened = this.#pool.opened;
    if (this.#owned && opened !== null) {
      const db = await opened.catch(() => null);
      if (db !== null && !db.closed) await db.close();
    }
  }
}
