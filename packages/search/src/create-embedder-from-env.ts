import { findVariable, readVariable, ValidationError } from '@athena/core-types';
import type { Embedder, Environment } from '@athena/core-types';
import { HashingEmbedder } from './hashing-embedder.js';
import { OpenAICompatibleEmbedder } from './openai-compatible-embedder.js';

/**
 * The environment {@link createEmbedderFromEnv} reads: `ATHENA_EMBEDDER`,
 * `ATHENA_EMBEDDINGS_*` and `ATHENA_EMBEDDING_DIM` (see `ATHENA_VARIABLES`).
 */
export type EmbedderEnv = Environment;

/**
 * Builds the embedder the environment asks for, parsing every variable by
 * the rule of the `ATHENA_VARIABLES` registry of `@athena/core-types`.
 * `ATHENA_EMBEDDER=hash` (the default) needs nothing else;
 * `ATHENA_EMBEDDER=openai` needs `ATHENA_EMBEDDINGS_URL` and
 * `ATHENA_EMBEDDINGS_MODEL`, and takes the prefix and input-type variables.
 * Setting only `ATHENA_EMBEDDINGS_URL` does not switch to `openai`: the
 * choice is explicit. A bad value throws a `ValidationError` that names the
 * variable.
 *
 * Like the factory's `createStore()`, this is an entry point that reads
 * `process.env` when given no environment; everything below it takes options.
 *
 * @example
 * ```ts
 * const embedder = createEmbedderFromEnv({
 *   ATHENA_EMBEDDER: 'openai',
 *   ATHENA_EMBEDDINGS_URL: 'http://127.0.0.1:11434',
 *   ATHENA_EMBEDDINGS_MODEL: 'nomic-embed-text',
 * });
 * ```
 */
export function createEmbedderFromEnv(env: EmbedderEnv = process.env): Embedder {
  const kind = readVariable(env, 'ATHENA_EMBEDDER');
  const dimension = readVariable(env, 'ATHENA_EMBEDDING_DIM');
  if (kind === 'hash') return new HashingEmbedder({ dimension });
  const inputTypeField = findVariable(env, 'ATHENA_EMBEDDINGS_INPUT_TYPE_FIELD')?.value;
  const queryPrefix = findVariable(env, 'ATHENA_EMBEDDINGS_QUERY_PREFIX')?.value;
  const documentPrefix = findVariable(env, 'ATHENA_EMBEDDINGS_DOCUMENT_PREFIX')?.value;
  const apiKey = findVariable(env, 'ATHENA_EMBEDDINGS_API_KEY')?.value;
  return new OpenAICompatibleEmbedder({
    baseUrl: required(env, 'ATHENA_EMBEDDINGS_URL'),
    model: required(env, 'ATHENA_EMBEDDINGS_MODEL'),
    dimension,
    prefixes: readVariable(env, 'ATHENA_EMBEDDINGS_PREFIXES'),
    ...(apiKey === undefined ? {} : { apiKey }),
    ...(queryPrefix === undefined ? {} : { queryPrefix }),
    ...(documentPrefix === undefined ? {} : { documentPrefix }),
    ...(inputTypeField === undefined
      ? {}
      : {
          inputTypeField,
          inputTypeValues: readVariable(env, 'ATHENA_EMBEDDINGS_INPUT_TYPE_VALUES'),
        }),
  });
}

function required(
  env: EmbedderEnv,
  name: 'ATHENA_EMBEDDINGS_URL' | 'ATHENA_EMBEDDINGS_MODEL',
): string {
  const found = findVariable(env, name);
  if (found !== undefined) return found.value;
  const problem = 'is required when ATHENA_EMBEDDER=openai';
  throw new ValidationError(`invalid ${name}: ${problem}`, [{ path: name, message: problem }]);
}
