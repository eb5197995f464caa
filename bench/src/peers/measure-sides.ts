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

/** Limits of one operation: `samples` calls per side at most, stopping once `budgetMs` is spent (at least one block). */
export interface SideLimits {
  readonly samples: number;
  readonly budgetMs: number;
}

/** Timed calls of one side in a row, before the next side takes its turn. */
const BLOCK = 50;
/**
 * Untimed calls opening each block: the previous side's calls have filled
 * PostgreSQL's shared buffers and the CPU caches with its own tables (a peer's
 * exact scan reads every vector), and no application alternates libraries
 * call by call.
 */
const REWARM = 20;

/**
 * Measures one operation on every side in blocks: each side in turn makes
 * REWARM untimed and BLOCK timed calls, the order of the sides rotating from
 * block to block, so a noisy machine's drift hits all sides alike while
 * each is timed with its own data in cache. `truth(i)` is the exact answer of
 * query i, or null where there is none.
 */
export async function measureSides(
  sides: readonly string[],
  call: (side: number, i: number) => Promise<number[]>,
  truth: (i: number) => readonly number[] | null,
  limits: SideLimits,
  k: number,
): Promise<SideLatency[]> {
  const n = sides.length;
  const times: number[][] = sides.map(() => []);
  const recalls: number[][] = sides.map(() => []);
  const returned: number[][] = sides.map(() => []);
  const started = now();
  for (let block = 0; block * BLOCK < limits.samples; block++) {
    if (block > 0 && now() - started > limits.budgetMs) break;
    for (let j = 0; j < n; j++) {
      const s = (block + j) % n;
      for (let w = 0; w < REWARM; w++) await call(s, block * BLOCK + w);
      for (let i = block * BLOCK; i < Math.min(limits.samples, (block + 1) * BLOCK); i++) {
        const t0 = now();
        const found = await call(s, i);
        (times[s] as number[]).push(now() - t0);
        (returned[s] as number[]).push(found.length);
        const expected = truth(i);
        if (expected !== null) (recalls[s] as number[]).push(recallAt(found, expected, k));
      }
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
