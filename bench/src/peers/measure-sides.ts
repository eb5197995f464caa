import type { LatencySummary } from '../stats.js';
import { now, recallAt, summarise } from '../stats.js';

/** One side's figures for one search operation. */
export interface SideLatency {
  readonly latency: LatencySummary;
  /** Mean recall@k against the exact answer (NaN where there is none, e.g. keyword). */
  readonly recall: number;
  /** Mean number of rows a call returned (a filtered search may return fewer than k). */
  readonly rowsReturned: number;
}

/** Limits of one operation: `samples` rounds at most, stopping once `budgetMs` is spent (at least 20). */
export interface SideLimits {
  readonly samples: number;
  readonly budgetMs: number;
  readonly warmup: number;
}

/**
 * Measures one operation on every side, interleaved call by call: round i
 * calls every side once, starting with side i mod n, so a noisy machine's
 * drift hits all sides alike. `truth(i)` is the exact answer of round i, or
 * null where there is none.
 */
export async function measureSides(
  sides: readonly string[],
  call: (side: number, i: number) => Promise<number[]>,
  truth: (i: number) => readonly number[] | null,
  limits: SideLimits,
  k: number,
): Promise<SideLatency[]> {
  const n = sides.length;
  for (let i = 0; i < limits.warmup; i++) for (let s = 0; s < n; s++) await call(s, i);
  const times: number[][] = sides.map(() => []);
  const recalls: number[][] = sides.map(() => []);
  const returned: number[][] = sides.map(() => []);
  const started = now();
  for (let i = 0; i < limits.samples; i++) {
    if (i >= 20 && now() - started > limits.budgetMs) break;
    const expected = truth(i);
    for (let j = 0; j < n; j++) {
      const s = (i + j) % n;
      const t0 = now();
      const found = await call(s, i);
      (times[s] as number[]).push(now() - t0);
      (returned[s] as number[]).push(found.length);
      if (expected !== null) (recalls[s] as number[]).push(recallAt(found, expected, k));
    }
  }
  const mean = (values: readonly number[]) =>
    values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
  return sides.map((_, s) => ({
    latency: summarise(times[s] as number[]),
    recall: mean(recalls[s] as number[]),
    rowsReturned: mean(returned[s] as number[]),
  }));
}
