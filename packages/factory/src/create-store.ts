import { BackendUnavailableError, isAthenaError } from '@athena/core-types';
import type { AthenaError, Store } from '@athena/core-types';
import type { BackendDefinition, CommonSettings } from './backend-definition.js';
import { backendOf, resolveConfig } from './config.js';
import type { ResolvedConfig } from './config.js';
import type { BackendName, CreateStoreOptions } from './options.js';
import { isNotInstalled } from './load-package.js';
import { redactSecrets } from './redact-secrets.js';
import { DEFAULT_BACKEND } from './registry.js';
import { selectedStore } from './selected-store.js';
import type { BackendSelection, SelectedStore, StoreOf } from './selected-store.js';

/** Error codes that mean "this backend cannot be used here", which is what fallback is for. */
const FALLBACK_CODES = new Set(['backend_unavailable', 'extension_unavailable', 'transient']);

/**
 * Whether `createStore()` falls back to SQLite when opening a configured
 * server fails with `error`: an unreachable server or a missing extension
 * does; a refused login, a damaged schema or a store package that is not
 * installed does not (those are for the user to fix, and silently writing
 * elsewhere would hide them).
 */
export const fallsBackOn = (error: unknown): error is AthenaError =>
  isAthenaError(error) && FALLBACK_CODES.has(error.code) && !isNotInstalled(error);

async function open(
  backend: BackendDefinition,
  settings: unknown,
  common: CommonSettings,
): Promise<Store> {
  const store = await backend.build(settings, common);
  try {
    backend.beforeInit?.(settings);
    await store.init();
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
  return store;
}

function describeFailure(error: unknown, secrets: readonly (string | undefined)[]): string {
  const text = isAthenaError(error) ? `${error.code}: ${error.message}` : String(error);
  return redactSecrets(text, secrets);
}

function selectionOf(config: ResolvedConfig): BackendSelection {
  return {
    backend: config.type,
    reason: config.reason,
    ...(config.type === DEFAULT_BACKEND.name ? { sqlitePath: config.sqlite.path } : {}),
  };
}

/**
 * Builds and initialises the Store that configuration asks for: explicit
 * options first, then the environment (see the README's table), then
 * defaults; the backend comes from `type`, else `ATHENA_DB_TYPE`, else the
 * first backend whose settings are present (PostgreSQL's connection
 * settings), else embedded SQLite.
 *
 * A backend chosen by `type` or `ATHENA_DB_TYPE` that cannot be used throws
 * `BackendUnavailableError`. Only a backend detected from its settings falls
 * back: to SQLite, with a warning naming the reason and the SQLite path —
 * unless `fallback: 'none'` / `ATHENA_FALLBACK=none`, when it throws. The
 * returned store is the backend's own (typed as such for an explicit `type`)
 * and its `selection` says which backend was chosen and why.
 *
 * @example
 * ```ts
 * const store = await createStore(); // ~/.athena/memory.db, or PostgreSQL if configured
 * console.log(store.selection.backend, store.selection.reason);
 * const pg = await createStore({ type: 'postgres' }); // a PostgresStore, or an error
 * ```
 */
export async function createStore<N extends BackendName>(
  options: CreateStoreOptions & { readonly type: N },
): Promise<SelectedStore<StoreOf<N>>>;
export async function createStore(options?: CreateStoreOptions): Promise<SelectedStore>;
export async function createStore(options: CreateStoreOptions = {}): Promise<SelectedStore> {
  const config = resolveConfig(options);
  const common: CommonSettings = {
    ...(config.embeddingDimension === undefined
      ? {}
      : { embeddingDimension: config.embeddingDimension }),
    logger: options.logger ?? {
      warn: (message: string, meta?: Record<string, unknown>) =>
        meta === undefined ? console.warn(message) : console.warn(message, meta),
    },
  };
  const backend = backendOf(config.type);

  if (options.initialize === false) {
    const store = await backend.build(config.settings, common);
    return selectedStore(store, selectionOf(config), () => backend.beforeInit?.(config.settings));
  }

  try {
    return selectedStore(await open(backend, config.settings, common), selectionOf(config));
  } catch (error) {
    if (isNotInstalled(error)) {
      // A missing package is an install mistake, not an outage: falling back
      // would quietly keep the data somewhere else until someone noticed.
      throw new BackendUnavailableError(
        `${backend.label} is selected (${config.reason}), but ${error.message}`,
        { cause: error, details: error.details },
      );
    }
    if (backend === DEFAULT_BACKEND || !fallsBackOn(error)) {
      throw error;
    }
    const secrets = backend.secrets(config.settings);
    const reason = describeFailure(error, secrets);
    const where = `${backend.label} (${config.target})`;
    if (config.explicit || config.fallback === 'none') {
      // One line with the cause and the fix: it is what an uncaught error prints.
      const [why, alternative] = config.explicit
        ? [`${config.reason}, so there is no fallback`, '']
        : [
            'and ATHENA_FALLBACK=none',
            `, or unset ATHENA_FALLBACK to fall back to ${DEFAULT_BACKEND.label} at ${config.sqlite.path}`,
          ];
      const cause = redactSecrets(error.message, secrets);
      const fix = `${backend.fix(config.settings)}${alternative}`;
      throw new BackendUnavailableError(`${where} is unavailable, ${why}: ${cause}; ${fix}`, {
        cause: error,
        details: { target: config.target },
      });
    }
    common.logger.warn(
      `[athena] ${where} is configured but unavailable (${reason}); ` +
        `falling back to ${DEFAULT_BACKEND.label} at ${config.sqlite.path}. Set ATHENA_FALLBACK=none to fail instead.`,
    );
    const store = await open(DEFAULT_BACKEND, config.sqlite, common);
    return selectedStore(store, {
      backend: DEFAULT_BACKEND.name as BackendName,
      reason: `fallback: ${backend.label} unavailable (${config.reason})`,
      fallback: { from: config.type, target: config.target, reason },
      sqlitePath: config.sqlite.path,
    });
  }
}
