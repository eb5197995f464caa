import { interleavedIngest } from '../workload.js';
import type { RunContext } from './run-context.js';

/** A backend's raw side of the ingest on top of the loaded tier. */
export interface IngestTwin {
  /** The progress bar's label. */
  readonly label: string;
  /** Writes these rows of `run.extra` into layout A, raw. */
  readonly rawBatch: (rows: number[]) => unknown;
  /** The row's name, given the rows written per side. */
  readonly operation: (rowsPerSide: number) => string;
  /** How the two sides write, for the row's note. */
  readonly how: string;
}

/**
 * Ingest into layout A, loaded and indexed: API storeMany and raw batches
 * interleaved (see `interleavedIngest`), checking new rows are searchable at once.
 */
export async function ingestOnTop(run: RunContext, twin: IngestTwin): Promise<void> {
  const measured = await interleavedIngest({
    label: twin.label,
    ingestRows: run.bench.ingestRows,
    store: run.storeA,
    projectId: run.pid,
    extra: run.extra,
    takeExtra: run.takeExtra,
    rawBatch: twin.rawBatch,
  });
  run.results.ingest.push({
    operation: twin.operation(measured.rowsPerSide),
    unit: 'memories/s',
    api: measured.rowsPerSide / (measured.apiMs / 1000),
    raw: measured.rowsPerSide / (measured.rawMs / 1000),
    ratio: measured.apiMs / measured.rawMs,
    note: `${twin.how}; new rows found by an immediate search: ${measured.searchable}/${measured.checked}`,
  });
}
