/**
 * `@athena/core-types`: the contract shared by every Athena package — domain
 * types, the {@link Store} and {@link Embedder} interfaces, typed errors,
 * input validation, the consolidation state machine and the registry of
 * `ATHENA_*` variables. No I/O, no database driver.
 *
 * @packageDocumentation
 */
export * from './capabilities.js';
export * from './code.js';
export * from './code-plan.js';
export * from './code-walk.js';
export * from './consolidation.js';
export * from './consolidation-run.js';
export * from './decision.js';
export * from './embedder.js';
export * from './episode.js';
export * from './errors.js';
export * from './memory.js';
export * from './memory-checksum.js';
export * from './pagination.js';
export * from './project.js';
export * from './records.js';
export * from './prospective.js';
export * from './redact-url.js';
export * from './relationship.js';
export * from './search.js';
export * from './stats.js';
export * from './store.js';
export * from './validation/index.js';
export * from './variables.js';
