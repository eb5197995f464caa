/**
 * One consolidation worker in its own process, for the evaluation's
 * two-workers check: opens its own store on the database it is given,
 * consolidates one project until a pass claims nothing, and prints what it
 * claimed as one JSON line. Started by evaluate-consolidation.ts.
 *
 *   tsx src/consolidation-worker-process.ts '<json WorkerProcessInput>'
 */
import { createConsolidator } from '@athena/consolidation';
import type { ConsolidatorOptions } from '@athena/consolidation';
import type { Store } from '@athena/core-types';
import { createEmbedderFromEnv, HashingEmbedder } from '@athena/search';
import { PostgresStore } from '@athena/store-postgres';
import { SqliteStore } from '@athena/store-sqlite';
import type { DatabaseLocation } from './backends.js';
import { consolidateAll } from './consolidation-evaluation.js';

/** What the parent passes (as one JSON argument). */
export interface WorkerProcessInput {
  readonly location: DatabaseLocation;
  readonly dimension: number;
  readonly projectId: number;
  readonly workerId: string;
  /** `hashing`, or the model id of the embedder configured in the environment. */
  readonly embedder: string;
  readonly thresholds: ConsolidatorOptions;
}

async function main(): Promise<void> {
  const input = JSON.parse(process.argv[2] ?? '{}') as WorkerProcessInput;
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
    const embedder =
      input.embedder === 'hashing' ? new HashingEmbedder({ dimension }) : createEmbedderFromEnv();
    const consolidator = createConsolidator({
      store,
      embedder,
      options: { ...input.thresholds, workerId: input.workerId, episodes: false },
    });
    const runs = await consolidateAll(consolidator, input.projectId);
    process.stdout.write(
      `${JSON.stringify({
        runs: runs.length,
        claimed: runs.reduce((sum, run) => sum + run.claimed, 0),
        superseded: runs.reduce((sum, run) => sum + run.superseded, 0),
        errors: runs.map((run) => run.error).filter((error) => error !== null),
      })}\n`,
    );
  } finally {
    await store.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
