import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { BackendUnavailableError, isAthenaError } from '@athena/core-types';
import type { Store } from '@athena/core-types';
import { resolveConfig } from './config.js';
import type { CreateStoreOptions, ResolvedConfig, ResolvedPostgres } from './config.js';
import { newPostgresStore, newSqliteStore } from './loaders.js';
import { redactSecrets } from './redact-secrets.js';
import { SelectedStoreImpl } from './selected-store.js';
import type { SelectedStore } from './selected-store.js';

/** Error codes that mean "PostgreSQL cannot be used here", which is what fallback is for. */
const FALLBACK_CODES = new Set(['backend_unavailable', 'extension_unavailable', 'transient']);

/** Creates the directory of the SQLite file, so a new database can be created there. */
function makeSqliteDirectory(path: string): void {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
}

async function openSqlite(config: ResolvedConfig): Promise<Store> {
  const path = config.sqlite.path;
  makeSqliteDirectory(path);
  const store = await newSqliteStore(path, config.embeddingDimension, config.sqlite.mmapSizeBytes);
  await store.init();
  return store;
}

function requirePostgres(config: ResolvedConfig): ResolvedPostgres {
  if (config.postgres === undefined) {
    throw new Error('unreachable: postgres selected without settings');
  }
  return config.postgres;
}

async function openPostgres(
  config: ResolvedConfig,
  logger: { warn(message: string, meta?: Record<string, unknown>): void },
): Promise<Store> {
  const store = await newPostgresStore(requirePostgres(config), config.embeddingDimension, logger);
  try {
    await store.init();
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
  return store;
}

function describeFailure(error: unknown, secret: string | undefined): string {
  const text = isAthenaError(error) ? `${error.code}: ${error.message}` : String(error);
  return redactSecrets(text, [secret]);
}

/**
 * Builds and initialises the Store that configuration asks for: explicit
 * options first, then the environment (see the README's table), then
 * defaults. When PostgreSQL is configured but cannot be used (refused, timed
 * out, pgvector missing) it falls back to SQLite with a warning naming the
 * reason and the SQLite path — unless `ATHENA_FALLBACK=none`, in which case
 * it throws `BackendUnavailableError`. The returned store's `selection` says
 * which backend was chosen and why.
 *
 * @example
 * ```ts
 * const store = await createStore(); // ~/.athena/memory.db, or PostgreSQL if configured
 * console.log(store.selection.backend, store.selection.reason);
 * ```
 */
export async function createStore(options: CreateStoreOptions = {}): Promise<SelectedStore> {
  const config = resolveConfig(options);
  const logger = options.logger ?? {
    warn: (message: string, meta?: Record<string, unknown>) =>
      meta === undefined ? console.warn(message) : console.warn(message, meta),
  };

  if (options.initialize === false) {
    const store =
      config.type === 'sqlite'
        ? await newSqliteStore(
            config.sqlite.path,
            config.embeddingDimension,
            config.sqlite.mmapSizeBytes,
          )
        : await newPostgresStore(requirePostgres(config), config.embeddingDimension, logger);
    return config.type === 'sqlite'
      ? new SelectedStoreImpl(
          store,
          { backend: 'sqlite', reason: config.reason, sqlitePath: config.sqlite.path },
          () => makeSqliteDirectory(config.sqlite.path),
        )
      : new SelectedStoreImpl(store, { backend: 'postgres', reason: config.reason });
  }

  if (config.type === 'sqlite') {
    const store = await openSqlite(config);
    return new SelectedStoreImpl(store, {
      backend: 'sqlite',
      reason: config.reason,
      sqlitePath: config.sqlite.path,
    });
  }

  const settings = config.postgres;
  const secret =
    settings !== undefined && 'password' in settings.connection
      ? settings.connection.password
      : undefined;
  const urlPassword =
    settings !== undefined && 'connectionString' in settings.connection
      ? safeUrlPassword(settings.connection.connectionString)
      : undefined;
  try {
    const store = await openPostgres(config, logger);
    return new SelectedStoreImpl(store, { backend: 'postgres', reason: config.reason });
  } catch (error) {
    if (!isAthenaError(error) || !FALLBACK_CODES.has(error.code)) throw error;
    const reason = redactSecrets(describeFailure(error, secret), [urlPassword]);
    const target = settings?.display ?? 'PostgreSQL';
    if (config.fallback === 'none') {
      throw new BackendUnavailableError(
        `PostgreSQL (${target}) is configured but unavailable, and ATHENA_FALLBACK=none: ${reason}`,
        { cause: error, details: { target } },
      );
    }
    logger.warn(
      `[athena] PostgreSQL (${target}) is configured but unavailable (${reason}); ` +
        `falling back to SQLite at ${config.sqlite.path}. Set ATHENA_FALLBACK=none to fail instead.`,
    );
    const store = await openSqlite(config);
    return new SelectedStoreImpl(store, {
      backend: 'sqlite',
      reason: `fallback: PostgreSQL unavailable (${config.reason})`,
      fallback: { from: 'postgres', target, reason },
      sqlitePath: config.sqlite.path,
    });
  }
}

function safeUrlPassword(connectionString: string): string | undefined {
  try {
    const password = decodeURIComponent(new URL(connectionString).password);
    return password === '' ? undefined : password;
  } catch {
    return undefined;
  }
}
