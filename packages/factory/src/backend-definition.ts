/** What a backend of the factory's registry is made of. */
import type { Environment, Store } from '@athena/core-types';
import type { CreateStoreOptions, StoreLogger } from './options.js';

/** What every backend's store is built with besides its own settings. */
export interface CommonSettings {
  /** Dimension of a new database; an existing database keeps its own. */
  readonly embeddingDimension?: number;
  readonly logger: StoreLogger;
}

/** One backend the factory can build; `S` is its resolved settings. */
export interface BackendDefinition<S = unknown> {
  readonly name: string;
  /** The name messages use, e.g. `PostgreSQL`. */
  readonly label: string;
  /** The package holding the store, loaded on first use only. */
  readonly packageName: string;
  /**
   * Why the options and environment point at this backend when no type is
   * given (e.g. `ATHENA_DATABASE_URL is set`); `undefined` when they do not.
   * Backends are asked in registry order; without an answer the default
   * (the first entry) is used.
   */
  readonly detect?: (options: CreateStoreOptions, env: Environment) => string | undefined;
  /** This backend's settings from options and environment; throws `ValidationError`. */
  readonly resolve: (options: CreateStoreOptions, env: Environment) => S;
  /** Where the store is, safe to print (a path, or a URL with its password redacted). */
  readonly target: (settings: S) => string;
  /** Values to redact from failure messages (passwords). */
  readonly secrets: (settings: S) => readonly (string | undefined)[];
  /** How to fix a store that cannot be reached or opened. */
  readonly fix: (settings: S) => string;
  /** Builds the store unopened; imports the store package on first use. */
  readonly build: (settings: S, common: CommonSettings) => Promise<Store>;
  /** Runs before each `init()` of a store it built (SQLite creates the file's directory). */
  readonly beforeInit?: (settings: S) => void;
  /** Whether the backend can be used in this process (its package and driver load). */
  readonly probe: () => Promise<boolean>;
}

/** Erases a definition's settings type for the registry (each entry checks its own). */
export function defineBackend<S>(definition: BackendDefinition<S>): BackendDefinition {
  return Object.freeze(definition) as unknown as BackendDefinition;
}
