/**
 * `@athena/store-pglite`: Athena's PostgreSQL store on PGlite, embedded
 * PostgreSQL in WebAssembly, with pgvector.
 *
 * @packageDocumentation
 */
export { PGLITE_CAPABILITIES, PgliteStore, openPglite, pgliteDriver } from './pglite-store.js';
export type { PgliteStoreOptions } from './pglite-store.js';
export { PglitePool } from './pglite-pool.js';

import type { PgliteStore } from './pglite-store.js';

declare module '@athena/core-types' {
  /** `createStore({ type: 'pglite' })` of `@athena/factory` returns a {@link PgliteStore}. */
  interface Backends {
    pglite: PgliteStore;
  }
}
