import { concurrency } from './concurrency.js';
import type { ConcurrencyTwins } from './concurrency.js';
import { hybridLatency } from './hybrid-latency.js';
import type { HybridTwins } from './hybrid-latency.js';
import { neighboursAndCode } from './neighbours-and-code.js';
import type { NeighboursAndCodeTwins } from './neighbours-and-code.js';
import { readLatency } from './read-latency.js';
import type { ReadTwins } from './read-latency.js';
import type { RunContext } from './run-context.js';
import { writeLatency } from './write-latency.js';
import type { WriteTwins } from './write-latency.js';

/** A backend's hand-written twins of every operation the latency and throughput tables hold. */
export interface Twins {
  readonly read: ReadTwins;
  readonly hybrid: HybridTwins;
  readonly write: WriteTwins;
  readonly neighboursAndCode: NeighboursAndCodeTwins;
  readonly concurrency: ConcurrencyTwins;
}

/**
 * Every latency row and the throughput of one backend, the API against the
 * backend's twins, in the order of the report: reads, hybrid search, writes,
 * neighbours and code, then concurrency.
 */
export async function measureTwins(run: RunContext, twins: Twins): Promise<void> {
  await readLatency(run, twins.read);
  await hybridLatency(run, twins.hybrid);
  await writeLatency(run, twins.write);
  await neighboursAndCode(run, twins.neighboursAndCode);
  await concurrency(run, twins.concurrency);
}
