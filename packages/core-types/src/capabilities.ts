/** Kinds of approximate-nearest-neighbour index a backend can build. */
export type AnnIndexKind = 'hnsw' | 'ivfflat' | 'quantized';

/**
 * What a backend supports. Backends declare only what differs from
 * {@link DEFAULT_CAPABILITIES}, so adding a capability never breaks an adapter.
 */
export interface StoreCapabilities {
  /** ANN index kinds the backend can use; empty means exact search only. */
  readonly annIndexes: readonly AnnIndexKind[];
  /** Several writers can commit concurrently (PostgreSQL), rather than one at a time (SQLite). */
  readonly concurrentWriters: boolean;
  /** Nested `transaction()` calls run as savepoints. */
  readonly savepoints: boolean;
  /** Filtered ANN queries keep scanning until `limit` rows match. */
  readonly iterativeFilteredScan: boolean;
  /** Largest embedding dimension the backend accepts. */
  readonly maxEmbeddingDimension: number;
}

/** The capabilities of a minimal backend. */
export const DEFAULT_CAPABILITIES: StoreCapabilities = Object.freeze({
  annIndexes: Object.freeze([]) as readonly AnnIndexKind[],
  concurrentWriters: false,
  savepoints: false,
  iterativeFilteredScan: false,
  maxEmbeddingDimension: 2000,
});

/**
 * Fills a partial declaration with {@link DEFAULT_CAPABILITIES} and freezes it.
 *
 * @example
 * ```ts
 * const caps = resolveCapabilities({ concurrentWriters: true });
 * ```
 */
export function resolveCapabilities(partial: Partial<StoreCapabilities> = {}): StoreCapabilities {
  return Object.freeze({ ...DEFAULT_CAPABILITIES, ...partial });
}
