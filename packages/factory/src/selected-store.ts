import type { Backends, HealthReport, Store } from '@athena/core-types';
import type { BackendName } from './options.js';

/** Which backend `createStore()` chose, and why. Never holds secrets. */
export interface BackendSelection {
  readonly backend: BackendName;
  /** Why this backend: the setting that decided, or the fallback reason. */
  readonly reason: string;
  /** Set when a backend detected from its settings could not be used and SQLite is used instead. */
  readonly fallback?: {
    readonly from: BackendName;
    /** Where that backend was expected, password redacted. */
    readonly target: string;
    /** Why it could not be used (error code and message). */
    readonly reason: string;
  };
  /** The SQLite file, when the backend is SQLite. */
  readonly sqlitePath?: string;
}

/**
 * The store type of backend `N`: its own class (with its backend-specific
 * methods) when its package's types are part of the program — a package
 * declares itself in `Backends` of `@athena/core-types`, so any import of it
 * (even `import type {} from '@athena/store-postgres'`) is enough — else the
 * contract's {@link Store}.
 */
export type StoreOf<N extends BackendName> = N extends keyof Backends
  ? Backends[N] extends Store
    ? Backends[N]
    : Store
  : Store;

/**
 * The chosen backend's own store — every method of it, `instanceof` its
 * class — that also tells which backend was selected and why. `health()`
 * adds `selection` to its details.
 */
export type SelectedStore<S extends Store = Store> = S & { readonly selection: BackendSelection };

/**
 * `store` as a {@link SelectedStore}: a proxy that adds `selection`, runs
 * `beforeInit` before each `init()`, adds the selection to `health()`'s
 * details, and forwards everything else to the store itself (methods bound
 * to it, so its private state works).
 */
export function selectedStore<S extends Store>(
  store: S,
  selection: BackendSelection,
  beforeInit: () => void = () => undefined,
): SelectedStore<S> {
  const frozen = Object.freeze({ ...selection });
  const own: Record<PropertyKey, unknown> = {
    selection: frozen,
    init: async (): Promise<void> => {
      beforeInit();
      await store.init();
    },
    health: async (): Promise<HealthReport> => {
      const report = await store.health();
      return { ...report, details: { ...report.details, selection: frozen } };
    },
  };
  const bound = new Map<PropertyKey, unknown>();
  return new Proxy(store, {
    get(target, key) {
      if (Object.hasOwn(own, key)) return own[key];
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== 'function') return value;
      let method = bound.get(key);
      if (method === undefined) {
        method = (value as (...args: unknown[]) => unknown).bind(target);
        bound.set(key, method);
      }
      return method;
    },
    has: (target, key) => Object.hasOwn(own, key) || Reflect.has(target, key),
  }) as SelectedStore<S>;
}
