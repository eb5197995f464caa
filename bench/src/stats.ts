/** Latency percentiles of one measured operation, in milliseconds. */
export interface LatencySummary {
  readonly samples: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly mean: number;
  /** Single-client operations per second: samples / total time. */
  readonly qps: number;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

/** Summarises latencies given in milliseconds. */
export function summarise(latencies: readonly number[]): LatencySummary {
  const sorted = [...latencies].sort((a, b) => a - b);
  const total = latencies.reduce((acc, value) => acc + value, 0);
  return {
    samples: latencies.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    mean: total / Math.max(1, latencies.length),
    qps: latencies.length / (total / 1000),
  };
}

/** Milliseconds since an arbitrary origin, sub-microsecond resolution. */
export function now(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/**
 * Runs `op(i)` for i in [0, samples) one after another after `warmup`
 * untimed runs, and summarises the latencies.
 */
export async function measure(
  samples: number,
  op: (i: number) => unknown,
  warmup = Math.min(20, samples),
): Promise<LatencySummary> {
  for (let i = 0; i < warmup; i++) await op(i);
  const latencies: number[] = new Array(samples);
  for (let i = 0; i < samples; i++) {
    const start = now();
    await op(i);
    latencies[i] = now() - start;
  }
  return summarise(latencies);
}

/**
 * Throughput with `clients` concurrent callers sharing `total` operations:
 * operations per second over the whole wall-clock time.
 */
export async function throughput(
  clients: number,
  total: number,
  op: (i: number) => Promise<unknown>,
): Promise<number> {
  let next = 0;
  const start = now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < total) {
        const i = next++;
        await op(i);
      }
    }),
  );
  return total / ((now() - start) / 1000);
}

/** recall@k of `found` against the exact answer `truth`. */
export function recallAt(found: readonly number[], truth: readonly number[], k: number): number {
  const expected = new Set(truth.slice(0, k));
  if (expected.size === 0) return 1;
  let hits = 0;
  for (const id of found.slice(0, k)) if (expected.has(id)) hits++;
  return hits / expected.size;
}

/** API and raw latencies of one operation, measured interleaved in the same run. */
export interface PairMeasurement {
  readonly api: LatencySummary;
  readonly raw: LatencySummary;
  /** What each API call returned as ids (for recall), by sample. */
  readonly apiIds: (readonly number[])[];
  readonly rawIds: (readonly number[])[];
}

/** Limits of one measurement: at most `samples` runs, stopping early once `budgetMs` is spent. */
export interface MeasureLimits {
  readonly samples: number;
  readonly budgetMs: number;
  readonly warmup?: number;
}

/** An operation under test: returns the ids it found (searches) or nothing. */
export type Operation = (i: number) => unknown;

/**
 * Measures `api(i)` and `raw(i)` alternately (API first on even i, raw
 * first on odd i), so drift of a noisy machine hits both sides alike. Stops
 * after `samples` pairs or when `budgetMs` is spent (at least 20 pairs).
 */
export async function measurePair(
  limits: MeasureLimits,
  api: Operation,
  raw: Operation,
): Promise<PairMeasurement> {
  const warmup = limits.warmup ?? Math.min(10, limits.samples);
  for (let i = 0; i < warmup; i++) {
    await api(i);
    await raw(i);
  }
  const apiTimes: number[] = [];
  const rawTimes: number[] = [];
  const apiIds: (readonly number[])[] = [];
  const rawIds: (readonly number[])[] = [];
  const timed = async (op: Operation, i: number, times: number[], ids: (readonly number[])[]) => {
    const start = now();
    const found = await op(i);
    times.push(now() - start);
    ids.push(Array.isArray(found) ? (found as number[]) : []);
  };
  const started = now();
  for (let i = 0; i < limits.samples; i++) {
    if (i >= 20 && now() - started > limits.budgetMs) break;
    if (i % 2 === 0) {
      await timed(api, i, apiTimes, apiIds);
      await timed(raw, i, rawTimes, rawIds);
    } else {
      await timed(raw, i, rawTimes, rawIds);
      await timed(api, i, apiTimes, apiIds);
    }
  }
  return { api: summarise(apiTimes), raw: summarise(rawTimes), apiIds, rawIds };
}

/** Mean recall@k of `found[i]` against `truth(i)`. */
export function meanRecall(
  found: readonly (readonly number[])[],
  truth: (i: number) => readonly number[],
  k = 10,
): number {
  if (found.length === 0) return Number.NaN;
  let sum = 0;
  found.forEach((ids, i) => {
    sum += recallAt(ids, truth(i), k);
  });
  return sum / found.length;
}
