import { isRetryableWrite, isTransient } from './map-error.js';

/** How often and how patiently to retry a transient failure. */
export interface RetryPolicy {
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/**
 * `read`: any transient failure is retried (a read has no effect to repeat).
 * `write`: only failures after which the statement certainly did not apply.
 * A function decides for itself.
 */
export type RetryMode = 'read' | 'write';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Exponential backoff with full jitter: a random delay in [0, min(max, base·2^attempt)]. */
export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.random() * ceiling;
}

/**
 * Runs `fn`, retrying transient failures with exponential backoff and jitter.
 * Non-transient errors are thrown at once; the last error is thrown when the
 * attempts run out.
 *
 * @example
 * ```ts
 * const rows = await withRetry(() => db.selectFrom('projects').selectAll().execute(), policy, 'read');
 * ```
 */
export async function withRetry<T>(
  fn: () => Promise<T>,
  policy: RetryPolicy,
  mode: RetryMode | ((error: unknown) => boolean),
  onRetry?: (error: unknown, attempt: number) => void,
): Promise<T> {
  const retryable =
    typeof mode === 'function' ? mode : mode === 'read' ? isTransient : isRetryableWrite;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (attempt + 1 >= policy.attempts || !retryable(error)) throw error;
      onRetry?.(error, attempt + 1);
      await sleep(backoffDelay(policy, attempt));
    }
  }
}
