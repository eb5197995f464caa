import { latencyRow, queryText, queryVector } from '../workload.js';
import { meanRecall, measurePair } from '../stats.js';
import type { Operation } from '../stats.js';
import { addLatencyRow } from './run-context.js';
import type { RawTwin, RunContext } from './run-context.js';

/** A hybrid row: fused one way, or weighted without the embedding column. */
export type HybridRow = 'weighted' | 'rrf' | 'weighted, no embeddings';

/** The raw twin of one fusion and its reference answers. */
export interface FusedTwin extends RawTwin {
  /** Per query, the ids the same fused statement finds with an exact semantic leg. */
  readonly exact: readonly (readonly number[])[];
}

/** A backend's raw twins of hybrid search. */
export interface HybridTwins {
  /** The rows in the order this backend reports them. */
  readonly order: readonly HybridRow[];
  /** The twin of `fusion`, with the exact answers of the first `truthQueries` queries. */
  readonly fused: (fusion: 'weighted' | 'rrf', truthQueries: number) => Promise<FusedTwin>;
  /** Weighted fusion, the final rows without the embedding column. */
  readonly bare: Operation;
  /** The note on how recall was measured. */
  readonly note: (truthQueries: number) => string;
}

/**
 * Hybrid top-10, weighted and RRF, with recall@10 against the same fused
 * statement with an exact semantic leg over the first (at most 50) queries,
 * and weighted without embeddings.
 */
export async function hybridLatency(run: RunContext, twins: HybridTwins): Promise<void> {
  const { storeA, pid, results } = run;
  const { data, limits } = run.bench;
  const truthQueries = Math.min(50, data.spec.queries);
  const query = (i: number) => ({ embedding: queryVector(data, i), text: queryText(data, i) });
  for (const row of twins.order) {
    if (row === 'weighted, no embeddings') {
      await addLatencyRow(run, {
        operation: 'hybrid top-10 (weighted), no embeddings',
        api: async (i) =>
          (await storeA.search.hybrid(pid, query(i), { includeEmbedding: false })).map(
            (h) => h.memory.id,
          ),
        raw: twins.bare,
        returns:
          'both as hybrid top-10 (weighted), the final 10 rows without the embedding column (API: includeEmbedding false)',
      });
      continue;
    }
    const twin = await twins.fused(row, truthQueries);
    const measured = await measurePair(
      limits,
      async (i) =>
        (await storeA.search.hybrid(pid, query(i), { fusion: row })).map((h) => h.memory.id),
      twin.raw,
    );
    const first = (found: (readonly number[])[]) => found.slice(0, truthQueries);
    results.latency.push({
      ...latencyRow(`hybrid top-10 (${row})`, measured, twin.returns),
      recallApi: meanRecall(first(measured.apiIds), (i) => twin.exact[i] ?? []),
      recallRaw: meanRecall(first(measured.rawIds), (i) => twin.exact[i] ?? []),
    });
  }
  results.notes.push(twins.note(truthQueries));
}
