import { apiTransaction, memoryInput } from '../workload.js';
import { addLatencyRow } from './run-context.js';
import type { RawTwin, RunContext } from './run-context.js';

/** A backend's raw twins of the writes. */
export interface WriteTwins {
  /** Counts an access (retrieved) of these ten ids of layout A. */
  readonly recordAccess: (ids: number[]) => unknown;
  /** The 10-operation transaction of sample `i` on layout A, taking its new row from `takeExtra()`. */
  readonly transaction: RawTwin;
}

/**
 * The write latencies: recordAccess of 10 ids, and a 10-operation
 * transaction (4 get, 2 update, 2 recordAccess of 5 ids, 1 store with its
 * vector, 1 episode; at most 200 samples).
 */
export async function writeLatency(run: RunContext, twins: WriteTwins): Promise<void> {
  const { storeA, pid, tenIds, extra, takeExtra } = run;
  await addLatencyRow(run, {
    operation: 'recordAccess (10 ids)',
    api: async (i) => {
      await storeA.memories.recordAccess(pid, tenIds(i), { retrieved: true });
    },
    raw: async (i) => {
      await twins.recordAccess(tenIds(i));
    },
    returns: 'both: the number of rows changed',
  });
  await addLatencyRow(run, {
    operation: 'transaction (10 operations)',
    api: async (i) => {
      await apiTransaction(storeA, pid, tenIds(i), memoryInput(extra, takeExtra()));
    },
    ...twins.transaction,
    maxSamples: 200,
  });
}
