/**
 * Paired comparison of two retrieval modes over the same queries: how often
 * one wins, and a bootstrap confidence interval of the mean difference, so a
 * "hybrid beats keyword" claim says whether it is more than one lucky query.
 */

/** The comparison of per-query scores `a` against `b` (same queries, same order). */
export interface PairedComparison {
  /** mean(a − b). */
  readonly meanDifference: number;
  /** Lower and upper bound of the two-sided confidence interval of the mean difference. */
  readonly interval: readonly [number, number];
  /** Queries where a scored higher / lower / the same. */
  readonly wins: number;
  readonly losses: number;
  readonly ties: number;
}

/** Options of {@link comparePaired}. */
export interface PairedOptions {
  /** Bootstrap resamples; default 10 000. */
  readonly resamples?: number;
  /** Confidence level of the interval; default 0.95. */
  readonly confidence?: number;
  /** Seed of the resampling, so a report is reproducible; default 1. */
  readonly seed?: number;
}

/**
 * Compares per-query scores `a` against `b` with a paired percentile
 * bootstrap: queries are resampled with replacement, the mean of a − b is
 * taken on each resample, and the interval is read off the sorted means.
 *
 * @example
 * ```ts
 * comparePaired([1, 1, 0.5], [1, 0, 0.5]);
 * // { meanDifference: 0.333…, wins: 1, losses: 0, ties: 2, interval: [0, 1] }
 * ```
 */
export function comparePaired(
  a: readonly number[],
  b: readonly number[],
  options: PairedOptions = {},
): PairedComparison {
  if (a.length !== b.length || a.length === 0) {
    throw new RangeError(
      `comparePaired needs two non-empty score lists of equal length, got ${a.length} and ${b.length}`,
    );
  }
  const resamples = options.resamples ?? 10_000;
  const confidence = options.confidence ?? 0.95;
  const differences = a.map((value, i) => value - (b[i] ?? 0));
  const n = differences.length;
  const mean = (values: readonly number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;

  const random = mulberry32(options.seed ?? 1);
  const means = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += differences[Math.floor(random() * n)] ?? 0;
    means[r] = sum / n;
  }
  means.sort();
  const tail = (1 - confidence) / 2;
  const at = (q: number) =>
    means[Math.min(resamples - 1, Math.max(0, Math.floor(q * resamples)))] ?? 0;

  return {
    meanDifference: mean(differences),
    interval: [at(tail), at(1 - tail)],
    wins: differences.filter((d) => d > 0).length,
    losses: differences.filter((d) => d < 0).length,
    ties: differences.filter((d) => d === 0).length,
  };
}

/** A small seeded PRNG (mulberry32), uniform in [0, 1). */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
