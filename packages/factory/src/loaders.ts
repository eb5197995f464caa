import { BackendUnavailableError } from '@athena/core-types';
import type { Store } from '@athena/core-types';
import type { ResolvedPostgres } from './config.js';

const INSTALL_HINT = {
  sqlite: 'install it with `pnpm add @athena/store-sqlite`',
  postgres: 'install it with `pnpm add @athena/store-postgres`',
} as const;

async function load<T>(name: 'sqlite' | 'postgres', importer: () => Promise<T>): Promise<T> {
  try {
    return await importer();
  } catch (cause) {
    throw new BackendUnavailableError(
      `the ${name} backend cannot be loaded (@athena/store-${name}): ${INSTALL_HINT[name]}`,
      { cause, details: { backend: name } },
    );
  }
}

/**
 * Builds an un-initialised SQLite store. The module is imported on first use
 * only, so an application that never uses SQLite never loads better-sqlite3.
 */
export async function newSqliteStore(
  path: string,
  embeddingDimension?: number,
  mmapSizeBytes?: number,
): Promise<Store> {
  const { SqliteStore } = await load('sqlite', () => import('@athena/store-sqlite'));
  return new SqliteStore({
    path,
    ...(embeddingDimension === undefined ? {} : { embeddingDimension }),
    ...(mmapSizeBytes === undefined ? {} : { mmapSizeBytes }),
  });
}

/**
 * Builds an un-initialised PostgreSQL store; pg is imported on first use only.
 */
export async function newPostgresStore(
  settings: ResolvedPostgres,
  embeddingDimension: number | undefined,
  logger: { warn(message: string, meta?: Record<string, unknown>): void },
): Promise<Store> {
  const { PostgresStore } = await load('postgres', () => import('@athena/store-postgres'));
  return new PostgresStore({
    ...settings.connection,
    poolMin: settings.poolMin,
    poolMax: settings.poolMax,
    connectionTimeoutMs: settings.connectionTimeoutMs,
    ...(settings.schema === undefined ? {} : { schema: settings.schema }),
    ...(embeddingDimension === undefined ? {} : { embeddingDimension }),
    logger: {
      warn: (message: string, meta?: Record<string, unknown>) =>
        logger.warn(`[athena] ${message}`, meta),
    },
  });
}
