/**
 * `@athena/search`: embedders (an offline hashing embedder and an
 * OpenAI-compatible HTTP client) and the retrieval pipeline — remember,
 * recall, search, re-embed — over any Athena `Store`.
 *
 * @packageDocumentation
 */
export * from './athena-memory.js';
export * from './create-embedder-from-env.js';
export * from './embedder.js';
export * from './embedding-presets.js';
export * from './explain-result.js';
export * from './hashing-embedder.js';
export * from './openai-compatible-embedder.js';
export * from './rerank.js';
export * from './resolve-project.js';
export * from './without-embedding.js';
