/**
 * `@athena/factory`: the one place where configuration becomes a Store.
 *
 * @packageDocumentation
 */
export { getAvailableBackends, isBackendAvailable } from './availability.js';
export { resolveConfig } from './config.js';
export type { ResolvedConfig } from './config.js';
export type {
  BackendName,
  CreateStoreOptions,
  FallbackMode,
  PgliteSettings,
  PostgresSettings,
  SqliteSettings,
} from './options.js';
export { defaultSqlitePath } from './backends/sqlite.js';
export type { ResolvedSqlite } from './backends/sqlite.js';
export type { ResolvedPostgres } from './backends/postgres.js';
export { defaultPglitePath } from './backends/pglite.js';
export type { ResolvedPglite } from './backends/pglite.js';
export { createStore } from './create-store.js';
export { CREATE_STORE_OPTIONS } from './option-registry.js';
export type { OptionDefinition, OptionGroup, OptionPath } from './option-registry.js';
export { lineLogger } from './line-logger.js';
export type { StoreLogger } from './line-logger.js';
export { diagnose } from './diagnose.js';
export type {
  CheckStatus,
  DiagnosableEmbedder,
  DiagnoseOptions,
  Diagnosis,
  DiagnosticCheck,
} from './diagnose.js';
export { ENV_VARIABLES } from './env.js';
export type { EnvVariable } from './env.js';
export type { Environment } from '@athena/core-types';
export { getStore, resetStore } from './global-store.js';
export { redactUrl } from '@athena/core-types';
export type { BackendSelection, SelectedStore, StoreOf } from './selected-store.js';
