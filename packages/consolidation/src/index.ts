/**
 * `@athena/consolidation`: the worker that turns raw memories into stable
 * knowledge — clusters by embedding similarity through the store's vector
 * index, one representative per cluster, duplicates superseded, members
 * linked; episodes turned into lessons; recalled memories reconsolidated —
 * safe under concurrent workers and crashes. Depends on a `Store` and an
 * `Embedder` only.
 *
 * @packageDocumentation
 */
export * from './close-expired-windows.js';
export * from './consolidate-batch.js';
export * from './consolidate-episodes.js';
export * from './consolidation-logger.js';
export * from './consolidator-options.js';
export * from './cosine.js';
export * from './create-consolidator.js';
export * from './decide-members.js';
export * from './plan-clusters.js';
export * from './reconsolidate.js';
export * from './summarizer.js';
export * from './text-signals.js';
export * from './create-summarizer-from-env.js';
export * from './openai-compatible-summarizer.js';
