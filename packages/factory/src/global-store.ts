import type { CreateStoreOptions } from './options.js';
import { createStore } from './create-store.js';
import type { SelectedStore } from './selected-store.js';

let current: Promise<SelectedStore> | undefined;

/**
 * The process-wide store, created on first call from `options` and the
 * environment. Concurrent first calls share one creation: one store, never
 * two. A failed creation is forgotten so the next call retries.
 *
 * @example
 * ```ts
 * const store = await getStore();
 * ```
 */
export function getStore(options?: CreateStoreOptions): Promise<SelectedStore> {
  if (current === undefined) {
    const creation = createStore(options);
    current = creation;
    creation.catch(() => {
      if (current === creation) current = undefined;
    });
  }
  return current;
}

/** Closes and forgets the process-wide store (for tests and shutdown). */
export async function resetStore(): Promise<void> {
  const previous = current;
  current = undefined;
  if (previous === undefined) return;
  const store = await previous.catch(() => undefined);
  await store?.close();
}
