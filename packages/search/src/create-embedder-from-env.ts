import { ValidationError } from '@athena/core-types';
import type { Embedder } from './embedder.js';
import { DEFAULT_HASHING_DIMENSION, HashingEmbedder } from './hashing-embedder.js';
import { OpenAICompatibleEmbedder } from './openai-compatible-embedder.js';

/** The environment variables {@link createEmbedderFromEnv} reads. */
export interface EmbedderEnv {
  /** `hash` (default) or `openai`. */
  readonly ATHENA_EMBEDDER?: string;
  /** Server root for `openai`, e.g. `http://127.0.0.1:8080`. */
  readonly ATHENA_EMBEDDINGS_URL?: string;
  /** Model name for `openai`. */
  readonly ATHENA_EMBEDDINGS_MODEL?: string;
  /** Bearer token for `openai`; optional for local servers. */
  readonly ATHENA_EMBEDDINGS_API_KEY?: string;
  /** Vector length; default 768. Must match the database's dimension. */
  readonly ATHENA_EMBEDDING_DIM?: string;
}

/**
 * Builds the embedder the environment asks for. `ATHENA_EMBEDDER=hash`
 * (the default) needs nothing else; `ATHENA_EMBEDDER=openai` needs
 * `ATHENA_EMBEDDINGS_URL` and `ATHENA_EMBEDDINGS_MODEL`. Setting only
 * `ATHENA_EMBEDDINGS_URL` does not switch to `openai`: the choice is explicit.
 * A bad value throws a `ValidationError` that names the variable.
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
  const kind = read(env, 'ATHENA_EMBEDDER')?.toLowerCase() ?? 'hash';
  const dimension = parseDimension(read(env, 'ATHENA_EMBEDDING_DIM'));
  if (kind === 'hash') return new HashingEmbedder({ dimension });
  if (kind !== 'openai') {
    throw invalid('ATHENA_EMBEDDER', `must be "hash" or "openai", got ${JSON.stringify(kind)}`);
  }
  const baseUrl = read(env, 'ATHENA_EMBEDDINGS_URL');
  if (baseUrl === undefined)
    throw invalid('ATHENA_EMBEDDINGS_URL', 'is required when ATHENA_EMBEDDER=openai');
  const model = read(env, 'ATHENA_EMBEDDINGS_MODEL');
  if (model === undefined)
    throw invalid('ATHENA_EMBEDDINGS_MODEL', 'is required when ATHENA_EMBEDDER=openai');
  const apiKey = read(env, 'ATHENA_EMBEDDINGS_API_KEY');
  try {
    return new OpenAICompatibleEmbedder({ baseUrl, model, dimension, apiKey });
  } catch (error) {
    if (error instanceof ValidationError && error.issues[0]?.path === 'baseUrl') {
      throw invalid(
        'ATHENA_EMBEDDINGS_URL',
        error.message.replace(/^invalid baseUrl: /, ''),
        error,
      );
    }
    throw error;
  }
}

function read(env: EmbedderEnv, name: keyof EmbedderEnv): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function parseDimension(value: string | undefined): number {
  if (value === undefined) return DEFAULT_HASHING_DIMENSION;
  const dimension = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(dimension) || dimension < 1 || dimension > 65_536) {
    throw invalid(
      'ATHENA_EMBEDDING_DIM',
      `must be an integer in 1–65536, got ${JSON.stringify(value)}`,
    );
  }
  return dimension;
}

function invalid(variable: string, problem: string, cause?: unknown): ValidationError {
  return new ValidationError(
    `invalid ${variable}: ${problem}`,
    [{ path: variable, message: problem }],
    { cause },
  );
}
