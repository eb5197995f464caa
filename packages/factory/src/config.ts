import { ATHENA_VARIABLES, findVariable, parseVariable } from '@athena/core-types';
import type { Environment } from '@athena/core-types';
import type { ResolvedSqlite } from './backends/sqlite.js';
import { checkOptions } from './check-options.js';
import type { BackendName, CreateStoreOptions, FallbackMode } from './options.js';
import { invalid, pick } from './pick.js';
import type { BackendDefinition } from './backend-definition.js';
import { BACKENDS, DEFAULT_BACKEND } from './registry.js';

/** The configuration `createStore()` acts on, with the reason for the backend choice. */
export interface ResolvedConfig {
  readonly type: BackendName;
  /** Why this backend was chosen, e.g. `ATHENA_DATABASE_URL is set`. */
  readonly reason: string;
  /**
   * Chosen by `options.type` or `ATHENA_DB_TYPE`: never replaced by a
   * fallback. False when detected from a backend's settings or the default.
   */
  readonly explicit: boolean;
  /** The chosen backend's resolved settings (its registry entry's shape). */
  readonly settings: unknown;
  /** Where the chosen store is, safe to print: a path, or a URL with its password redacted. */
  readonly target: string;
  /** The default backend's settings: where a fallback goes. */
  readonly sqlite: ResolvedSqlite;
  readonly embeddingDimension?: number;
  readonly fallback: FallbackMode;
}

function detect(
  options: CreateStoreOptions,
  env: Environment,
): { type: BackendName; reason: string; explicit: boolean } {
  if (options.type !== undefined) {
    return {
      type: parseVariable('ATHENA_DB_TYPE', String(options.type), 'options.type'),
      reason: `options.type is ${options.type}`,
      explicit: true,
    };
  }
  const chosen = findVariable(env, 'ATHENA_DB_TYPE');
  if (chosen !== undefined) {
    return { type: chosen.value, reason: `${chosen.source}=${chosen.value}`, explicit: true };
  }
  for (const backend of BACKENDS) {
    const reason = backend.detect?.(options, env);
    if (reason !== undefined) {
      return { type: backend.name as BackendName, reason, explicit: false };
    }
  }
  return {
    type: DEFAULT_BACKEND.name as BackendName,
    reason: `no ${BACKENDS.filter((b) => b.detect !== undefined)
      .map((b) => b.label)
      .join(' or ')} setting found: embedded ${DEFAULT_BACKEND.label} is the default`,
    explicit: false,
  };
}

/**
 * Turns options and environment into the configuration `createStore()` acts
 * on. The options' shape is checked first (an unknown key at any level is
 * an error, see `CREATE_STORE_OPTIONS`); every variable is read and checked
 * through the `ATHENA_VARIABLES` registry of `@athena/core-types`, and an
 * option given in code by the rule of its variable. Pure apart from reading
 * `homedir()`; throws `ValidationError` naming the variable (or option) and
 * its (redacted) value for anything malformed.
 *
 * @example
 * ```ts
 * const config = resolveConfig({}, { ATHENA_DATABASE_URL: 'postgres://localhost/athena' });
 * config.type; // 'postgres'
 * ```
 */
export function resolveConfig(
  options: CreateStoreOptions = {},
  env: Environment = options.env ?? process.env,
): ResolvedConfig {
  checkOptions(options);
  const { type, reason, explicit } = detect(options, env);
  const backend = backendOf(type);
  const settings = backend.resolve(options, env);
  const dimension = pick(
    env,
    options.embeddingDimension,
    'options.embeddingDimension',
    'ATHENA_EMBEDDING_DIM',
  );
  const fallback = pick(env, options.fallback, 'options.fallback', 'ATHENA_FALLBACK');
  return {
    type,
    reason,
    explicit,
    settings,
    target: backend.target(settings),
    sqlite: DEFAULT_BACKEND.resolve(options, env) as ResolvedSqlite,
    // Unset, the store decides: a new database gets its default, an existing one keeps its own.
    ...(dimension === undefined ? {} : { embeddingDimension: dimension.value }),
    fallback: fallback?.value ?? ATHENA_VARIABLES.ATHENA_FALLBACK.default,
  };
}

/** The registry entry of a backend name; `ValidationError` naming the known ones otherwise. */
export function backendOf(name: BackendName): BackendDefinition {
  const backend = BACKENDS.find((definition) => definition.name === name);
  if (backend === undefined) {
    invalid('backend', `one of ${BACKENDS.map((b) => b.name).join(', ')}`, JSON.stringify(name));
  }
  return backend;
}
