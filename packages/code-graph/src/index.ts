/**
 * `@athena/code-graph`: indexes TypeScript, JavaScript and Python into an
 * Athena `Store` — entities with one memory each, edges as code dependencies
 * — incrementally, and answers impact questions (transitive dependents and
 * dependencies with shortest paths, hotspots) inside the database.
 *
 * @packageDocumentation
 */
export {
  AnalysisWorkerError,
  type AnalysisThreadOptions,
  DEFAULT_ANALYSIS_HEAP_MB,
} from './analysis-thread.js';
export * from './code-graph.js';
export * from './content-hash.js';
export * from './entity-label.js';
export * from './entity-memory.js';
export * from './index-problem.js';
export * from './index-progress.js';
export * from './language-indexer.js';
export * from './python-indexer.js';
export * from './scan-source-files.js';
export * from './source-file.js';
export * from './tree-sitter-grammar.js';
export * from './typescript-indexer.js';
