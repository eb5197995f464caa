import type { Store, StoreCapabilities } from '@athena/core-types';

/** The kinds of database constraint the suite breaks below validation. */
export type ConstraintKind = 'foreign_key' | 'check' | 'not_null';

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
  /**
   * Breaks a constraint of `kind` on `store`'s real database with the
   * backend's own driver, below validation (no public method can, since
   * validation and existence checks come first), and returns the error the
   * backend's error mapping makes of it. The suite checks that every backend
   * maps each kind to the same typed error.
   */
  violateConstraint: (store: Store, kind: ConstraintKind) => Promise<unknown>;
}
