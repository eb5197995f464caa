import { loadavg } from 'node:os';
import { benchConsolidation, consolidationBacklog } from './consolidation-bench.js';
import type { ConsolidationBenchRow } from './consolidation-bench.js';
import type { ConsolidationReport } from './consolidation-report.js';
import { describeMachine } from './machine.js';

/**
 * The consolidation suite on the chosen backends: one worker, then two.
 *
 * @example
 * ```ts
 * const report = await runConsolidationSuite({ backends: ['sqlite'], rows: 10_000, url, log });
 * ```
 */
export async function runConsolidationSuite(options: {
  readonly backends: readonly ('sqlite' | 'postgres')[];
  readonly rows: number;
  readonly url: string;
  readonly log: (message: string) => void;
}): Promise<ConsolidationReport> {
  const backlog = consolidationBacklog(options.rows);
  const results: ConsolidationBenchRow[] = [];
  for (const backend of options.backends) {
    for (const workers of [1, 2]) {
      results.push(await benchConsolidation(backend, backlog, workers, options));
    }
  }
  return {
    date: new Date().toISOString(),
    rows: options.rows,
    duplicateShare: backlog.duplicateOf.size / backlog.rows,
    machine: await describeMachine(options.backends.includes('postgres') ? options.url : null),
    results,
    loadAverage: loadavg(),
  };
}
