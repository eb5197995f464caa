/**
 * `@athena/factory`: the one place where configuration becomes a Store.
 *
 * @packageDocumentation
 */
export { getAvailableBackends, isBackendAvailable } from './availability.js';
export { defaultSqlitePath, resolveConfig } from './config.js';
export type {
  BackendName,
  CreateStoreOptions,
  FallbackMode,
  PostgresSettings,
  ResolvedConfig,
  ResolvedPostgres,
} from './config.js';
export { createStore } from './create-store.js';
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
export type { BackendSelection, SelectedStore } from './selected-store.js';
