import { findVariable, readVariable, ValidationError } from '@athena/core-types';
import type { Environment } from '@athena/core-types';
import { OpenAICompatibleSummarizer } from './openai-compatible-summarizer.js';
import type { Summarizer } from './summarizer.js';

/**
 * The summarizer the environment configures: an
 * {@link OpenAICompatibleSummarizer} when `ATHENA_LLM_URL` is set (then
 * `ATHENA_LLM_MODEL` is required; `ATHENA_LLM_API_KEY` and
 * `ATHENA_LLM_TIMEOUT_MS` are optional), `null` otherwise: the consolidator
 * runs its heuristic alone. A bad value is a `ValidationError` naming the
 * variable. Reads `process.env` when given no environment.
 *
 * @example
 * ```ts
 * const summarizer = createSummarizerFromEnv({ ATHENA_LLM_URL: 'http://127.0.0.1:8081', ATHENA_LLM_MODEL: 'qwen2.5-1.5b-instruct' });
 * ```
 */
export function createSummarizerFromEnv(env: Environment = process.env): Summarizer | null {
  const url = findVariable(env, 'ATHENA_LLM_URL');
  if (url === undefined) return null;
  const model = findVariable(env, 'ATHENA_LLM_MODEL');
  if (model === undefined) {
    const problem = 'is required when ATHENA_LLM_URL is set';
    throw new ValidationError(`invalid ATHENA_LLM_MODEL: ${problem}`, [
      { path: 'ATHENA_LLM_MODEL', message: problem },
    ]);
  }
  const apiKey = findVariable(env, 'ATHENA_LLM_API_KEY')?.value;
  return new OpenAICompatibleSummarizer({
    baseUrl: url.value,
    model: model.value,
    timeoutMs: readVariable(env, 'ATHENA_LLM_TIMEOUT_MS'),
    ...(apiKey === undefined ? {} : { apiKey }),
  });
}
