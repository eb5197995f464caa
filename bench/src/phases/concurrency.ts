import { measureThroughput, queryVector } from '../workload.js';
import type { Operation } from '../stats.js';
import type { RunContext } from './run-context.js';

/** A backend's raw sides of the throughput measurement. */
export interface ConcurrencyTwins {
  readonly semantic: Operation;
  readonly get: (id: number) => unknown;
  /**
   * Semantic operations per step: about `budgetMs` of single-client work at
   * the measured p50, at least `minOps`, at most the run's `throughputOps`.
   */
  readonly semanticOps: { readonly minOps: number; readonly budgetMs: number };
  /** What to read beside the figures, if anything. */
  readonly note?: string;
}

/** Single-client milliseconds of get-by-id work per side and step (1, 4, 16 clients). */
const GET_BUDGET_MS = 500;

/** Throughput of semantic top-10 and get by id with 1, 4 and 16 concurrent clients. */
export async function concurrency(run: RunContext, twins: ConcurrencyTwins): Promise<void> {
  const { storeA, pid, idOf, picks, results } = run;
  const { data, throughputOps } = run.bench;
  const single = results.latency.find((r) => r.operation === 'semantic top-10')?.api.p50 ?? 1;
  // A get by id takes 0.02–0.3 ms: the run's 400 operations were 6–120 ms of work, timed
  // mostly by the garbage collector and the JIT. Each side gets ~GET_BUDGET_MS per step.
  const getP50 = results.latency.find((r) => r.operation === 'get by id')?.api.p50 ?? 1;
  const getOps = Math.max(throughputOps, Math.round(GET_BUDGET_MS / getP50));
  const { minOps, budgetMs } = twins.semanticOps;
  const idAt = (i: number) => idOf(picks[i % picks.length] as number);
  results.throughput.push(
    ...(await measureThroughput(
      'semantic top-10',
      Math.max(minOps, Math.min(throughputOps, Math.round(budgetMs / single))),
      async (i) => {
        await storeA.search.semantic(pid, queryVector(data, i));
      },
      async (i) => {
        await twins.semantic(i);
      },
    )),
    ...(await measureThroughput(
      'get by id',
      getOps,
      async (i) => {
        await storeA.memories.get(pid, idAt(i));
      },
      async (i) => {
        await twins.get(idAt(i));
      },
    )),
  );
  if (twins.note !== undefined) results.notes.push(twins.note);
}
