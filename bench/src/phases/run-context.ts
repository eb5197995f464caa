import type { Store } from '@athena/core-types';
import type { Dataset } from '../dataset.js';
import { queryProject } from '../ground-truth.js';
import type { BackendResult, LatencyRow, RateRow, ThroughputRow } from '../results.js';
import { measurePair, now } from '../stats.js';
import type { Operation } from '../stats.js';
import { extraRows, latencyRow, pickRows, spreadIds } from '../workload.js';
import type { BenchContext } from '../workload.js';

/** What a backend run collects, in the order it measures: the body of its `BackendResult`. */
export interface RunResults {
  readonly latency: LatencyRow[];
  readonly ingest: RateRow[];
  readonly throughput: ThroughputRow[];
  /** Facts worth reading beside the numbers, in the order the phases add them. */
  readonly notes: string[];
  readonly tuning: Record<string, unknown>;
}

/** An empty results sink, for the load to start filling. */
export function newRunResults(): RunResults {
  return { latency: [], ingest: [], throughput: [], notes: [], tuning: {} };
}

/** The backend's result: its settings, what the run collected, its database size and run time. */
export function backendResult(
  backend: BackendResult['backend'],
  settings: BackendResult['settings'],
  results: RunResults,
  dbSizeBytes: number,
  started: number,
): BackendResult {
  return {
    backend,
    settings,
    latency: results.latency,
    ingest: results.ingest,
    throughput: results.throughput,
    dbSizeBytes,
    seconds: (now() - started) / 1000,
    notes: results.notes,
    tuning: results.tuning,
  };
}

/** The two layouts a backend's load leaves: stores open on them, and the ids of the tier's rows. */
export interface LoadedLayouts<S extends Store> {
  /** Layout A: the whole tier in project `pid`. */
  readonly storeA: S;
  readonly pid: number;
  /** The id in layout A of each row of the tier. */
  readonly idsA: readonly number[];
  /** Layout B: the tier spread over `projectIds` (row r in project `data.projectOf(r)`). */
  readonly storeB: S;
  readonly projectIds: readonly number[];
  readonly idsB: readonly number[];
}

/**
 * What every phase of a backend run shares: the data set and its reference
 * answers, both layouts, the rows the samples pick, the fresh rows that
 * writes take, and the results sink.
 */
export interface RunContext<S extends Store = Store> {
  readonly bench: BenchContext;
  readonly storeA: S;
  readonly pid: number;
  readonly storeB: S;
  /** The id in layout A of row `row`. */
  readonly idOf: (row: number) => number;
  /** The exact top-10 of query `i` in layout A, as ids. */
  readonly truthAll: (i: number) => readonly number[];
  /** The exact top-10 of query `i` within its project of layout B, as ids. */
  readonly truthProject: (i: number) => readonly number[];
  /** The project of layout B that query `q` searches. */
  readonly projectOfQuery: (q: number) => number;
  /** Rows of the point lookups, one per sample (and some to spare). */
  readonly picks: readonly number[];
  /** Ten ids of layout A for sample `i` (recordAccess, transactions, neighbours). */
  readonly tenIds: (i: number) => number[];
  /** Memories outside the tier, for the writes; `takeExtra()` hands out the next row. */
  readonly extra: Dataset;
  readonly takeExtra: () => number;
  readonly results: RunResults;
}

/** The run context over the loaded layouts. */
export function runContext<S extends Store>(
  bench: BenchContext,
  layouts: LoadedLayouts<S>,
  results: RunResults,
): RunContext<S> {
  const { data, truth, limits } = bench;
  const { queries, rows, projects } = data.spec;
  const idOf = (row: number) => layouts.idsA[row] as number;
  const picks = pickRows(limits.samples + 50, rows);
  const extra = extraRows(data, 2 * bench.ingestRows + 2 * (limits.samples + 30) + 100);
  let nextExtra = 0;
  return {
    bench,
    storeA: layouts.storeA,
    pid: layouts.pid,
    storeB: layouts.storeB,
    idOf,
    truthAll: (i) => (truth.unfiltered[i % queries] ?? []).map(idOf),
    truthProject: (i) =>
      (truth.projectFiltered[i % queries] ?? []).map((row) => layouts.idsB[row] as number),
    projectOfQuery: (q) => layouts.projectIds[queryProject(q % queries, projects)] as number,
    picks,
    tenIds: (i) => spreadIds(picks, idOf, i),
    extra,
    takeExtra: () => nextExtra++,
    results,
  };
}

/** The hand-written side of one latency row, and what both sides return (printed under the table). */
export interface RawTwin {
  readonly raw: Operation;
  readonly returns: string;
}

/**
 * Measures one operation through the API and as its raw twin, interleaved,
 * and adds its row to the results; with `truth`, the row carries recall.
 */
export async function addLatencyRow(
  run: RunContext,
  row: RawTwin & {
    readonly operation: string;
    readonly api: Operation;
    readonly truth?: (i: number) => readonly number[];
    /** At most this many samples (the slower operations: 200). */
    readonly maxSamples?: number;
  },
): Promise<void> {
  const { limits } = run.bench;
  const measured = await measurePair(
    row.maxSamples === undefined
      ? limits
      : { ...limits, samples: Math.min(limits.samples, row.maxSamples) },
    row.api,
    row.raw,
  );
  run.results.latency.push(latencyRow(row.operation, measured, row.returns, row.truth));
}
