import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What a store needs for {@link openInTemporaryDirectory}: its own set-up and release. */
export interface DisposableStoreLike {
  init(): Promise<unknown>;
  close(): Promise<unknown>;
}

/** An initialised store whose database lives in a temporary directory, and how to throw both away. */
export interface TemporaryStore<S extends DisposableStoreLike> {
  readonly store: S;
  /** Closes the store and removes its directory. */
  readonly dispose: () => Promise<void>;
}

/**
 * Creates a fresh temporary directory (`<os tmp>/<prefix>XXXXXX`), opens
 * `create(dir)` in it and initialises it: a SQLite file or a PGlite data
 * directory that a test throws away with `dispose()`.
 *
 * @example
 * ```ts
 * const { store, dispose } = await openInTemporaryDirectory('athena-search-', (dir) =>
 *   new SqliteStore({ path: join(dir, 'memory.db'), embeddingDimension: 8 }),
 * );
 * ```
 */
export async function openInTemporaryDirectory<S extends DisposableStoreLike>(
  prefix: string,
  create: (dir: string) => S,
): Promise<TemporaryStore<S>> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const store = create(dir);
  try {
    await store.init();
  } catch (error) {
    await store.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    store,
    dispose: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
