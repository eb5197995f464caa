/**
 * Engine limits of PostgreSQL + pgvector that shape what the store accepts.
 * They are constants of the engine, documented here so callers can check
 * them before choosing an embedding model.
 */

/** pgvector can build an HNSW or IVFFlat index on a `vector` column of at most 2,000 dimensions. */
export const PGVECTOR_MAX_INDEXED_DIMENSIONS = 2_000;

/** pgvector indexes `halfvec` (16-bit floats) up to 4,000 dimensions; Athena stores 32-bit `vector`. */
export const PGVECTOR_MAX_INDEXED_HALFVEC_DIMENSIONS = 4_000;

/** The largest `hnsw.ef_search` pgvector accepts. */
export const PGVECTOR_MAX_EF_SEARCH = 1_000;

/** PostgreSQL's limit on bound parameters in one statement (a 16-bit count). */
export const POSTGRES_MAX_BIND_PARAMETERS = 65_535;

/** Default embedding dimension of a new database. */
export const DEFAULT_EMBEDDING_DIMENSION = 768;
