/**
 * Input validation shared by every backend: one place that decides what a
 * valid input is and which defaults apply. Backends call the `parse*`
 * functions first and write only what they return, so a rejected input never
 * reaches SQL and behaves the same everywhere. One module per domain; the
 * pieces they share are in `internal.ts`, which is not re-exported.
 */
export * from './code.js';
export * from './consolidation.js';
export * from './decision.js';
export * from './episode.js';
export * from './filters.js';
export * from './limits.js';
export * from './memory.js';
export * from './pagination.js';
export * from './primitives.js';
export * from './project.js';
export * from './prospective.js';
export * from './records.js';
export * from './relationship.js';
export * from './search.js';
export * from './store.js';
export * from './to-embedding.js';
