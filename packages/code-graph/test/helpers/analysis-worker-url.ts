/**
 * The tests run this package from its sources, where no built
 * `analysis-worker.js` lies next to them: vitest.config.ts points the
 * package's worker URL here, at a bootstrap that loads the worker's
 * TypeScript source through tsx, so the worker the tests start runs the
 * same sources as they do.
 */
export const ANALYSIS_WORKER_URL: URL = new URL('./analysis-worker.mjs', import.meta.url);
