/**
 * The `Embedder` interface lives in `@athena/core-types`, next to the `Store`
 * contract, so that any package can take an embedder without depending on
 * this one. Re-exported here so existing imports from `@athena/search` keep
 * working.
 */
export type { Embedder, EmbedInputType, EmbedOptions } from '@athena/core-types';
