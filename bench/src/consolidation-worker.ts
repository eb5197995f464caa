/**
 * One consolidation worker of the consolidation suite, in its own process as
 * a deployment would run it: opens its own store on the database it is
 * given, prints `ready`, waits for `go` on stdin (so that process start-up
 * is not timed), consolidates the project until a pass claims nothing, and
 * prints its run records and store-operation times as one JSON line.
 *
 *   tsx src/consolidation-worker.ts '<json WorkerInput>'
 */
import { createInterface } from 'node:readline';
import { createConsolidator } from '@athena/consolidation';
import type { ConsolidationRunInput, Store } from '@athena/core-types';
import { HashingEmbedder } from '@athena/search';
import { PostgresStore } from '@athena/store-postgres';
import { SqliteStore } from '@athena/store-sqlite';
import { timedStore } from './timed-store.js';
import type { OperationTime } from './timed-store.js';

/** Where the worker's database is, and what to consolidate. */
export interface WorkerInput {
  readonly location:
    | { readonly backend: 'sqlite'; readonly path: string }
    | { readonly backend: 'postgres'; readonly url: string; readonly schema: string };
  readonly dimension: number;
  readonly projectId: number;
  readonly workerId: string;
}

/** What the worker prints when it is done. */
export interface WorkerOutput {
  readonly runs: readonly ConsolidationRunInput[];
  /** Passes that threw instead of returning a run record (the loop goes on, as a deployed loop would). */
  readonly failures: readonly string[];
  readonly storeTimes: Readonly<Record<string, OperationTime>>;
}

const input = JSON.parse(process.argv[2] ?? '{}') as WorkerInput;
const { location, dimension } = input;
const store: Store =
  location.backend === 'sqlite'
    ? new SqliteStore({ path: location.path, embeddingDimension: dimension })
    : new PostgresStore({
        connectionString: location.url,
        schema: location.schema,
        embeddingDimension: dimension,
      });
await store.init();
try {
  const { store: timed, times } = timedStore(store);
  const consolidator = createConsolidator({
    store: timed,
    embedder: new HashingEmbedder({ dimension }),
    options: { workerId: input.workerId, episodes: false },
  });
  const lines = createInterface({ input: process.stdin });
  process.stdout.write('ready\n');
  for await (const line of lines) if (line.trim() === 'go') break;
  lines.close();
  const runs: ConsolidationRunInput[] = [];
  const failures: string[] = [];
  // Until a pass claims nothing; five failed passes in a row end the worker.
  for (let failed = 0; failed < 5;) {
    try {
      const run = await consolidator.run({ projectId: input.projectId });
      runs.push(run);
      failed = 0;
      if (run.claimed === 0) break;
    } catch (error) {
      failures.push(error instanceof Error ? error.message : String(error));
      failed += 1;
    }
  }
  const output: WorkerOutput = { runs, failures, storeTimes: Object.fromEntries(times) };
  process.stdout.write(`${JSON.stringify(output)}\n`);
} finally {
  await store.close();
}
