/**
 * The factory's one registry of backends. `createStore()`, `resolveConfig()`,
 * `diagnose()` and availability iterate over it; a new backend is one entry
 * here (its own file under `backends/`) and nothing else in the factory.
 */
import type { BackendDefinition } from './backend-definition.js';
import { PGLITE } from './backends/pglite.js';
import { POSTGRES } from './backends/postgres.js';
import { SQLITE } from './backends/sqlite.js';

/** Every backend, the default (embedded SQLite) first. */
export const BACKENDS: readonly BackendDefinition[] = Object.freeze([SQLITE, POSTGRES, PGLITE]);

/** The default backend: what is used when nothing else is configured, and the fallback. */
export const DEFAULT_BACKEND: BackendDefinition = SQLITE;
