/**
 * The analysis worker's module: the build emits `analysis-worker.js` next to
 * the package's entry, and a bundle that inlines this package emits it next
 * to its own (from `@athena/code-graph/analysis-worker`).
 */
export const ANALYSIS_WORKER_URL: URL = new URL('./analysis-worker.js', import.meta.url);
