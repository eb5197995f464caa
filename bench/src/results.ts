import type { LatencySummary } from './stats.js';

/** One operation measured through Athena's API and as hand-written SQL, in the same run. */
export interface LatencyRow {
  readonly operation: string;
  readonly api: LatencySummary;
  readonly raw: LatencySummary;
  /** api.p50 / raw.p50: what the API costs over the best raw SQL (1 = nothing). */
  readonly ratio: number;
  /** Mean recall@10 against exact search, when the operation is an approximate search. */
  readonly recallApi?: number;
  readonly recallRaw?: number;
  /** Mean number of rows returned per call (API side). */
  readonly returnedApi?: number;
  /** What each side returns, so the ratio is read as like for like. */
  readonly returns: string;
}

/** A rate (memories/s or operations/s) through the API and raw. */
export interface RateRow {
  readonly operation: string;
  readonly unit: string;
  readonly api: number;
  readonly raw: number;
  /** raw / api: time per item through the API over time per item raw (1 = nothing). */
  readonly ratio: number;
  readonly note: string;
}

/** Throughput of one operation with several concurrent clients. */
export interface ThroughputRow {
  readonly operation: string;
  readonly clients: number;
  readonly apiQps: number;
  readonly rawQps: number;
  /** rawQps / apiQps. */
  readonly ratio: number;
  /** apiQps / the API's single-client QPS. */
  readonly apiScaling: number;
  readonly rawScaling: number;
}

/** Everything measured for one backend at one tier. */
export interface BackendResult {
  readonly backend: 'sqlite' | 'postgres' | 'pglite';
  readonly settings: Readonly<Record<string, unknown>>;
  readonly latency: readonly LatencyRow[];
  readonly ingest: readonly RateRow[];
  readonly throughput: readonly ThroughputRow[];
  readonly dbSizeBytes: number;
  readonly seconds: number;
  /** Facts worth reading beside the numbers (what was measured how). */
  readonly notes: readonly string[];
  /** Extra measurements for docs/tuning.md: sweeps, plans. */
  readonly tuning: Readonly<Record<string, unknown>>;
}

/** Machine and software the run happened on. */
export interface MachineInfo {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryBytes: number;
  readonly os: string;
  readonly node: string;
  readonly versions: Readonly<Record<string, string>>;
}

/** A whole `pnpm bench` run. */
export interface BenchReport {
  readonly date: string;
  readonly tier: string;
  readonly rows: number;
  readonly settings: Readonly<Record<string, unknown>>;
  readonly machine: MachineInfo;
  readonly backends: readonly BackendResult[];
  readonly peakRssBytes: number;
  readonly seconds: number;
}
