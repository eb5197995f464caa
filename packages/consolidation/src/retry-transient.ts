import { isAthenaError } from '@athena/core-types';

/** Attempts of one store step before its transient failure counts (the first included). */
export const TRANSIENT_ATTEMPTS = 6;
/** Backoff before the second attempt, in milliseconds; doubled each time, with full jitter. */
export const TRANSIENT_BACKOFF_MS = 50;
/** Longest backoff between two attempts, in milliseconds. */
export const TRANSIENT_BACKOFF_MAX_MS = 2000;

/**
 * Runs `work` again while it fails with a `TransientError` (SQLite's
 * "database is locked" past its busy timeout, a PostgreSQL deadlock or
 * serialization failure the store did not retry itself, a dropped
 * connection), at most {@link TRANSIENT_ATTEMPTS} times, sleeping a random
 * time up to 50, 100, 200, … ms (capped at 2 s) in between so that workers
 * contending for one database fall out of step. Any other error, and the
 * last transient one, is thrown. `work` must be safe to repeat: a store
 * step or a whole transaction.
 *
 * @example
 * ```ts
 * const batch = await retryTransient(() => store.consolidation.claimBatch(projectId, { worker }));
 * ```
 */
export async function retryTransient<T>(
  work: () => Promise<T>,
  onRetry?: (error: unknown, attempt: number) => void,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isAthenaError(error, 'transient') || attempt >= TRANSIENT_ATTEMPTS) throw error;
      onRetry?.(error, attempt);
      const ceiling = Math.min(TRANSIENT_BACKOFF_MAX_MS, TRANSIENT_BACKOFF_MS * 2 ** (attempt - 1));
      await new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
    }
  }
}
