import { queryText, queryVector } from '../workload.js';
import { addLatencyRow } from './run-context.js';
import type { RawTwin, RunContext } from './run-context.js';

/** A backend's raw twins of the reads, in the order they are measured. */
export interface ReadTwins {
  /** One memory by id, raw; also the raw side of the get-by-id throughput. */
  readonly getById: { readonly get: (id: number) => unknown; readonly returns: string };
  /** Semantic top-10 in layout A; also the raw side of the semantic throughput. */
  readonly semantic: RawTwin;
  readonly semanticBare: RawTwin;
  /** Exact search against the fastest exact raw search, where the backend has a twin for it. */
  readonly semanticExact?: RawTwin;
  readonly semanticProject: RawTwin;
  readonly keyword: RawTwin;
  readonly keywordProject: RawTwin;
}

/**
 * The read latencies: get by id, semantic top-10 (with and without
 * embeddings, exact where the backend has a twin, project-filtered in
 * layout B), keyword top-10 (unfiltered and project-filtered). Semantic rows
 * carry recall against the exact top-10.
 */
export async function readLatency(run: RunContext, twins: ReadTwins): Promise<void> {
  const { storeA, storeB, pid, idOf, picks, projectOfQuery, truthAll, truthProject } = run;
  const { data } = run.bench;
  const idAt = (i: number) => idOf(picks[i] as number);
  await addLatencyRow(run, {
    operation: 'get by id',
    api: async (i) => {
      const m = await storeA.memories.get(pid, idAt(i));
      return m === null ? [] : [m.id];
    },
    raw: (i) => twins.getById.get(idAt(i)),
    returns: twins.getById.returns,
  });
  await addLatencyRow(run, {
    operation: 'semantic top-10',
    api: async (i) =>
      (await storeA.search.semantic(pid, queryVector(data, i))).map((h) => h.memory.id),
    ...twins.semantic,
    truth: truthAll,
  });
  await addLatencyRow(run, {
    operation: 'semantic top-10, no embeddings',
    api: async (i) =>
      (await storeA.search.semantic(pid, queryVector(data, i), { includeEmbedding: false })).map(
        (h) => h.memory.id,
      ),
    ...twins.semanticBare,
    truth: truthAll,
  });
  if (twins.semanticExact !== undefined) {
    await addLatencyRow(run, {
      operation: 'semantic top-10, exact',
      api: async (i) =>
        (await storeA.search.semantic(pid, queryVector(data, i), { exact: true })).map(
          (h) => h.memory.id,
        ),
      ...twins.semanticExact,
      truth: truthAll,
    });
  }
  await addLatencyRow(run, {
    operation: 'semantic top-10, project (10 %)',
    api: async (i) =>
      (await storeB.search.semantic(projectOfQuery(i), queryVector(data, i))).map(
        (h) => h.memory.id,
      ),
    ...twins.semanticProject,
    truth: truthProject,
  });
  await addLatencyRow(run, {
    operation: 'keyword top-10',
    api: async (i) =>
      (await storeA.search.keyword(pid, queryText(data, i))).map((h) => h.memory.id),
    ...twins.keyword,
  });
  await addLatencyRow(run, {
    operation: 'keyword top-10, project (10 %)',
    api: async (i) =>
      (await storeB.search.keyword(projectOfQuery(i), queryText(data, i))).map((h) => h.memory.id),
    ...twins.keywordProject,
  });
}
