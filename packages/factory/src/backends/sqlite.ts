import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { ATHENA_VARIABLES, readVariable } from '@athena/core-types';
import { loadPackage } from '../load-package.js';
import { defineBackend } from '../backend-definition.js';
import { pick } from '../pick.js';
import type * as SqlitePackage from '@athena/store-sqlite';

/** Resolved SQLite settings. */
export interface ResolvedSqlite {
  readonly path: string;
  readonly mmapSizeBytes?: number;
  readonly readers: number;
}

/** The SQLite file used when nothing else is configured. */
export function defaultSqlitePath(): string {
  return join(homedir(), '.athena', 'memory.db');
}

/** Creates the directory of the SQLite file, so a new database can be created there. */
function makeDirectory({ path }: ResolvedSqlite): void {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
}

const load = () =>
  loadPackage('sqlite', '@athena/store-sqlite', () =>
    __ATHENA_CJS__
      ? // eslint-disable-next-line @typescript-eslint/no-require-imports -- see build-format.d.ts
        Promise.resolve(require('@athena/store-sqlite') as typeof SqlitePackage)
      : import('@athena/store-sqlite'),
  );

/** Embedded SQLite (better-sqlite3 + sqlite-vec + FTS5): the default, and the fallback. */
export const SQLITE = defineBackend<ResolvedSqlite>({
  name: 'sqlite',
  label: 'SQLite',
  packageName: '@athena/store-sqlite',
  resolve: (options, env) => ({
    path: options.sqlite?.path ?? readVariable(env, 'ATHENA_SQLITE_PATH') ?? defaultSqlitePath(),
    ...(options.sqlite?.mmapSizeBytes === undefined
      ? {}
      : { mmapSizeBytes: options.sqlite.mmapSizeBytes }),
    readers:
      pick(env, options.sqlite?.readers, 'options.sqlite.readers', 'ATHENA_SQLITE_READERS')
        ?.value ?? ATHENA_VARIABLES.ATHENA_SQLITE_READERS.default,
  }),
  target: (settings) => settings.path,
  secrets: () => [],
  fix: (settings) => `check that ${settings.path} is a readable SQLite file (ATHENA_SQLITE_PATH)`,
  beforeInit: makeDirectory,
  build: async (settings, { embeddingDimension }) => {
    const { SqliteStore } = await load();
    return new SqliteStore({
      path: settings.path,
      ...(embeddingDimension === undefined ? {} : { embeddingDimension }),
      ...(settings.mmapSizeBytes === undefined ? {} : { mmapSizeBytes: settings.mmapSizeBytes }),
      // An in-memory database is private to one connection: no readers.
      readers: settings.path === ':memory:' ? 0 : settings.readers,
    });
  },
  // Loading the module is not enough: sqlite-vec must load into a real database.
  probe: async () => {
    try {
      const { SqliteStore } = await load();
      const store = new SqliteStore({ path: ':memory:', embeddingDimension: 4 });
      await store.init();
      await store.close();
      return true;
    } catch {
      return false;
    }
  },
});
