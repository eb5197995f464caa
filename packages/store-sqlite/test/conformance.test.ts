import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store } from '@athena/core-types';
import { createConformanceSuite } from '@athena/conformance';
import { SqliteStore } from '../src/index.js';

/** The temporary directory of each store's database file. */
const dirs = new Map<Store, string>();

createConformanceSuite({
  name: 'sqlite',
  createStore: ({ embeddingDimension }) => {
    const dir = mkdtempSync(join(tmpdir(), 'athena-conformance-'));
    const store = new SqliteStore({ path: join(dir, 'memory.db'), embeddingDimension });
    dirs.set(store, dir);
    return store;
  },
  reopenStore: (store, { embeddingDimension }) => {
    const dir = dirs.get(store);
    if (dir === undefined) throw new Error('reopenStore: unknown store');
    const reopened = new SqliteStore({ path: join(dir, 'memory.db'), embeddingDimension });
    dirs.set(reopened, dir);
    return reopened;
  },
  destroyStore: async (store) => {
    await store.close();
    const dir = dirs.get(store);
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    dirs.delete(store);
  },
});
