/**
 * `@athena/store-postgres`: the Athena {@link Store} on PostgreSQL + pgvector,
 * queried with kysely over a driver's pool (`pg` by default).
 *
 * @packageDocumentation
 */
export { PostgresStore, POSTGRES_CAPABILITIES } from './postgres-store.js';
export type { ExplainableSearch, PostgresTransaction } from './postgres-store.js';
export { resolveOptions } from './options.js';
export type {
  ConnectionPooler,
  PostgresConnection,
  PostgresStoreCommonOptions,
  PostgresStoreOptions,
  ProjectGraphOptions,
  ReadReplicaOptions,
  ResolvedOptions,
  ResolvedReadReplicas,
  VectorIndexOptions,
  VectorIndexPrecision,
} from './options.js';
export type {
  PoolClientLike,
  PoolHandle,
  PoolLike,
  PostgresDriver,
  QueryResultLike,
} from './pool.js';
export { PG_DRIVER } from './drivers/pg-driver.js';
export { parseTimestamptz, TIMESTAMPTZ_OID } from './timestamps.js';
export type { ProjectGraphsOutcome, VectorIndexInfo, VectorIndexOutcome } from './vector-index.js';
export { LATEST_SCHEMA_VERSION } from './migrations/index.js';
export {
  DEFAULT_EMBEDDING_DIMENSION,
  PGVECTOR_MAX_EF_SEARCH,
  PGVECTOR_MAX_INDEXED_DIMENSIONS,
  PGVECTOR_MAX_INDEXED_HALFVEC_DIMENSIONS,
  POSTGRES_MAX_BIND_PARAMETERS,
} from './limits.js';
export type { Database } from './schema.js';

import type { PostgresStore } from './postgres-store.js';

declare module '@athena/core-types' {
  /** `createStore({ type: 'postgres' })` of `@athena/factory` returns a {@link PostgresStore}. */
  interface Backends {
    postgres: PostgresStore;
  }
}
export { mapError as mapPostgresError } from './map-error.js';
export type { ErrorContext as PostgresErrorContext } from './map-error.js';
