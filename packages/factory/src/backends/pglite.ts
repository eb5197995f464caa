import { homedir } from 'node:os';
import { join } from 'node:path';
import { findVariable } from '@athena/core-types';
import { defineBackend } from '../backend-definition.js';
import { loadPackage } from '../load-package.js';
import type * as PglitePackage from '@athena/store-pglite';

/** Resolved PGlite settings: the database directory, or `memory://`. */
export interface ResolvedPglite {
  readonly dataDir: string;
}

/** The PGlite directory used when `type` is `pglite` and no directory is given. */
export function defaultPglitePath(): string {
  return join(homedir(), '.athena', 'pglite');
}

const MEMORY = 'memory://';

const load = () =>
  loadPackage('pglite', '@athena/store-pglite', () =>
    __ATHENA_CJS__
      ? // eslint-disable-next-line @typescript-eslint/no-require-imports -- see build-format.d.ts
        Promise.resolve(require('@athena/store-pglite') as typeof PglitePackage)
      : import('@athena/store-pglite'),
  );

/** PGlite: the PostgreSQL store's SQL on embedded PostgreSQL (WebAssembly) with pgvector. */
export const PGLITE = defineBackend<ResolvedPglite>({
  name: 'pglite',
  label: 'PGlite',
  packageName: '@athena/store-pglite',
  detect: (options, env) => {
    if (options.pglite?.dataDir !== undefined) return 'options.pglite.dataDir is given';
    const found = findVariable(env, 'ATHENA_PGLITE_PATH');
    return found === undefined ? undefined : `${found.source} is set`;
  },
  resolve: (options, env) => ({
    dataDir:
      options.pglite?.dataDir ??
      findVariable(env, 'ATHENA_PGLITE_PATH')?.value ??
      defaultPglitePath(),
  }),
  target: (settings) => settings.dataDir,
  secrets: () => [],
  fix: (settings) =>
    settings.dataDir === MEMORY
      ? 'see the error: an in-memory PGlite needs no setup'
      : `check that ${settings.dataDir} is a PGlite directory this user can write (ATHENA_PGLITE_PATH)`,
  build: async (settings, { embeddingDimension, logger }) => {
    const { PgliteStore } = await load();
    return new PgliteStore({
      dataDir: settings.dataDir,
      ...(embeddingDimension === undefined ? {} : { embeddingDimension }),
      logger: {
        warn: (message: string, meta?: Record<string, unknown>) =>
          logger.warn(`[athena] ${message}`, meta),
      },
    });
  },
  probe: async () => {
    try {
      await load();
      return true;
    } catch {
      return false;
    }
  },
});
