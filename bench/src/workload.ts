import cliProgress from 'cli-progress';
import type { Store, StoreMemoryInput } from '@athena/core-types';
import { generateDataset, rowOf } from './dataset.js';
import type { Dataset } from './dataset.js';
import type { GroundTruth } from './ground-truth.js';
import type { LatencyRow, ThroughputRow } from './results.js';
import { meanRecall, now, throughput } from './stats.js';
import type { MeasureLimits, Operation, PairMeasurement } from './stats.js';

/** What every backend runner gets. */
export interface BenchContext {
  readonly tier: string;
  readonly data: Dataset;
  readonly truth: GroundTruth;
  /** Memories written by the ingest-into-indexed measurement, per side. */
  readonly ingestRows: number;
  /** Per-operation limits of the latency measurements. */
  readonly limits: MeasureLimits;
  /** Operations per client-count step of the throughput measurement (upper bound). */
  readonly throughputOps: number;
  /** Reader threads of the SQLite stores (`SqliteStoreOptions.readers`). */
  readonly sqliteReaders: number;
  readonly log: (message: string) => void;
}

/** Rows loaded per storeMany / raw INSERT call while loading a tier. */
export const LOAD_BATCH = 1000;
/** Rows per call when measuring ingest into an indexed table (an agent's batch). */
export const INGEST_BATCH = 128;
/** Batches per side before the other side takes its turn (1,024 rows). */
export const INGEST_RUN = 8;
/** Client counts of the throughput measurement. */
export const CLIENTS = [1, 4, 16] as const;

/** The API input of row `row`: its text and vector (a view, no copy). */
export function memoryInput(data: Dataset, row: number): StoreMemoryInput {
  return {
    content: data.texts[row] ?? '',
    embedding: rowOf(data.vectors, row, data.spec.dimension),
  };
}

/** Query vector `q`, as a view. */
export function queryVector(data: Dataset, q: number): Float32Array {
  return rowOf(data.queryVectors, q % data.spec.queries, data.spec.dimension);
}

/** Query text `q`. */
export function queryText(data: Dataset, q: number): string {
  return data.queryTexts[q % data.spec.queries] ?? '';
}

/**
 * Fresh memories that are not part of the tier (a different seed), for the
 * ingest and transaction measurements.
 */
export function extraRows(data: Dataset, rows: number): Dataset {
  return generateDataset({ ...data.spec, rows, queries: 1, seed: data.spec.seed + 1 });
}

/** A progress bar on stderr while loading data. */
export function progressBar(label: string, total: number): cliProgress.SingleBar {
  const bar = new cliProgress.SingleBar(
    {
      format: `  ${label.padEnd(34)} [{bar}] {percentage}% | {value}/{total} | {rate}/s | ETA {eta_formatted}`,
      hideCursor: true,
      stream: process.stderr,
      etaBuffer: 20,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = performance.now();
  bar.start(total, 0, { rate: 0 });
  const update = bar.update.bind(bar);
  bar.update = ((value: number) => {
    const seconds = (performance.now() - started) / 1000;
    update(value, { rate: Math.round(value / Math.max(seconds, 1e-3)) });
  }) as typeof bar.update;
  return bar;
}

/** Deterministic "random" row indexes for point lookups. */
export function pickRows(count: number, rows: number, salt = 0): number[] {
  const out: number[] = [];
  let x = (0x9e3779b9 ^ salt) >>> 0;
  for (let i = 0; i < count; i++) {
    x = (Math.imul(x ^ (x >>> 16), 0x45d9f3b) + 0x27d4eb2d) >>> 0;
    out.push(x % rows);
  }
  return out;
}

/** A latency row from a pair measurement, with recall when `truth` is given. */
export function latencyRow(
  operation: string,
  measured: PairMeasurement,
  returns: string,
  truth?: (i: number) => readonly number[],
): LatencyRow {
  const returned =
    measured.apiIds.reduce((acc, ids) => acc + ids.length, 0) / Math.max(1, measured.apiIds.length);
  return {
    operation,
    api: measured.api,
    raw: measured.raw,
    ratio: measured.api.p50 / measured.raw.p50,
    returns,
    returnedApi: returned,
    ...(truth === undefined
      ? {}
      : {
          recallApi: meanRecall(measured.apiIds, truth),
          recallRaw: meanRecall(measured.rawIds, truth),
        }),
  };
}

/**
 * Throughput of `api` and `raw` with 1, 4 and 16 concurrent clients, API and
 * raw alternating at each step. `ops` operations per step.
 */
export async function measureThroughput(
  operation: string,
  ops: number,
  api: Operation,
  raw: Operation,
): Promise<ThroughputRow[]> {
  const rows: ThroughputRow[] = [];
  let apiSingle = 0;
  let rawSingle = 0;
  // Untimed warm-up of both sides, so neither is timed while it is still being compiled.
  const warmUp = Math.ceil(ops / 10);
  await throughput(1, warmUp, async (i) => api(i));
  await throughput(1, warmUp, async (i) => raw(i));
  for (const clients of CLIENTS) {
    const apiQps = await throughput(clients, ops, async (i) => api(i));
    const rawQps = await throughput(clients, ops, async (i) => raw(i));
    if (clients === 1) {
      apiSingle = apiQps;
      rawSingle = rawQps;
    }
    rows.push({
      operation,
      clients,
      apiQps,
      rawQps,
      ratio: rawQps / apiQps,
      apiScaling: apiQps / apiSingle,
      rawScaling: rawQps / rawSingle,
    });
  }
  return rows;
}

/** What {@link interleavedIngest} measured: rows per side and the time each side took. */
export interface InterleavedIngest {
  readonly rowsPerSide: number;
  readonly apiMs: number;
  readonly rawMs: number;
  /** API batches whose first new row an immediate search found, of those checked. */
  readonly searchable: number;
  readonly checked: number;
}

/**
 * Ingest on top of a loaded tier, API and raw side by side: the sides
 * alternate in runs of INGEST_RUN batches of INGEST_BATCH rows (1,024 rows:
 * one vec0 chunk on SQLite), and which side goes first alternates too, so
 * periodic costs (a new vector chunk, a WAL checkpoint) and leftovers fall on
 * both alike. Every fourth API batch checks that its first row is found by an
 * immediate search (new rows must be searchable at once).
 */
export async function interleavedIngest(options: {
  readonly label: string;
  readonly ingestRows: number;
  readonly store: Store;
  readonly projectId: number;
  readonly extra: Dataset;
  readonly takeExtra: () => number;
  readonly rawBatch: (rows: number[]) => unknown;
}): Promise<InterleavedIngest> {
  const { store, projectId, extra, takeExtra } = options;
  const batches = Math.ceil(options.ingestRows / (INGEST_BATCH * INGEST_RUN)) * INGEST_RUN;
  const bar = progressBar(options.label, batches * INGEST_BATCH * 2);
  let apiMs = 0;
  let rawMs = 0;
  let searchable = 0;
  let checked = 0;
  const apiRun = async () => {
    for (let b = 0; b < INGEST_RUN; b++) {
      const inputs = Array.from({ length: INGEST_BATCH }, () => memoryInput(extra, takeExtra()));
      const t = now();
      const newIds = await store.memories.storeMany(projectId, inputs);
      apiMs += now() - t;
      if (b % 4 === 0) {
        checked++;
        const [hit] = await store.search.semantic(projectId, inputs[0]?.embedding ?? [], {
          limit: 1,
        });
        if (hit?.memory.id === newIds[0]) searchable++;
      }
    }
  };
  const rawRun = async () => {
    for (let b = 0; b < INGEST_RUN; b++) {
      const rows = Array.from({ length: INGEST_BATCH }, () => takeExtra());
      const t = now();
      await options.rawBatch(rows);
      rawMs += now() - t;
    }
  };
  for (let run = 0; run < batches / INGEST_RUN; run++) {
    if (run % 2 === 0) {
      await apiRun();
      await rawRun();
    } else {
      await rawRun();
      await apiRun();
    }
    bar.update((run + 1) * INGEST_RUN * INGEST_BATCH * 2);
  }
  bar.stop();
  return { rowsPerSide: batches * INGEST_BATCH, apiMs, rawMs, searchable, checked };
}

/** Ten ids for sample `i`: rows of `picks` spread by a stride of 7, so samples overlap little. */
export function spreadIds(
  picks: readonly number[],
  idOf: (row: number) => number,
  i: number,
): number[] {
  return Array.from({ length: 10 }, (_, k) => idOf(picks[(i + k * 7) % picks.length] as number));
}

/**
 * The benchmark's 10-operation transaction through the API, the same on every
 * backend: 4 gets, 2 updates, 2 recordAccess of 5 ids, 1 store (with its
 * vector), 1 episode.
 */
export function apiTransaction(
  store: Store,
  projectId: number,
  ids: readonly number[],
  input: StoreMemoryInput,
): Promise<void> {
  return store.transaction(async (tx) => {
    for (let k = 0; k < 4; k++) await tx.memories.get(projectId, ids[k] as number);
    await tx.memories.update(projectId, ids[4] as number, { usefulnessScore: 0.5 });
    await tx.memories.update(projectId, ids[5] as number, { usefulnessScore: 0.6 });
    await tx.memories.recordAccess(projectId, ids.slice(0, 5));
    await tx.memories.recordAccess(projectId, ids.slice(5, 10));
    await tx.memories.store(projectId, input);
    await tx.episodes.record(projectId, {
      sessionId: 'bench',
      eventType: 'action',
      content: 'recalled and reinforced memories',
    });
  });
}
