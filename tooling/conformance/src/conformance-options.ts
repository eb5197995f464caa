import type { Store, StoreCapabilities } from '@athena/core-types';

/** How a backend plugs into {@link createConformanceSuite}. */
export interface ConformanceOptions {
  /** Backend name used in describe() titles. */
  name: string;
  /** Returns a NEW, un-initialised store on a fresh, empty database each call. The suite calls init(). */
  createStore: (options: { embeddingDimension: number }) => Store | Promise<Store>;
  /** Tears the store down (close + delete file / drop schema). Default: store.close(). */
  destroyStore?: (store: Store) => Promise<void>;
  /**
   * Optional: a new, un-initialised store on the SAME database as `store`
   * (which the suite has closed), opened with `options`. When given, the
   * suite checks that the embedding dimension and the data persist across
   * reopening; otherwise those tests skip with the reason in their title.
   */
  reopenStore?: (store: Store, options: { embeddingDimension?: number }) => Store | Promise<Store>;
  /**
   * Capabilities to assume; default: the store's own `capabilities`.
   * Capability-gated tests skip with the reason in their title.
   */
  capabilities?: Partial<StoreCapabilities>;
}
