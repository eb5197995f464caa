/**
 * `@athena/store-sqlite`: Athena's embedded backend on one SQLite file —
 * better-sqlite3, sqlite-vec for vectors and FTS5 for keywords.
 *
 * @packageDocumentation
 */
export { SqliteStore, SQLITE_CAPABILITIES } from './sqlite-store.js';
export type { SqliteTransaction } from './sqlite-store.js';
export {
  DEFAULT_BUSY_TIMEOUT_MS,
  DEFAULT_EMBEDDING_DIMENSION,
  DEFAULT_MMAP_SIZE_BYTES,
  MAX_EMBEDDING_DIMENSION,
  MAX_KNN_K,
  MAX_READERS,
  resolveSqliteStoreOptions,
} from './sqlite-store-options.js';
export type { ResolvedSqliteStoreOptions, SqliteStoreOptions } from './sqlite-store-options.js';
export {
  QUANTIZED_CANDIDATE_SHARE,
  QUANTIZED_MIN_CANDIDATES,
  QUANTIZED_MIN_DIMENSION,
  QUANTIZED_MIN_ROWS,
  QUANTIZED_OVERSAMPLE,
  searchCandidateCount,
} from './binary-quantization.js';
export { MIGRATIONS, LATEST_SCHEMA_VERSION } from './migrations/index.js';
export type { Migration, MigrationContext, MigrationDatabase } from './migrations/migration.js';

import type { SqliteStore } from './sqlite-store.js';

declare module '@athena/core-types' {
  /** `createStore({ type: 'sqlite' })` of `@athena/factory` returns a {@link SqliteStore}. */
  interface Backends {
    sqlite: SqliteStore;
  }
}
