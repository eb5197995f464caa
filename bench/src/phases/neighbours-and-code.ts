import { CODE_TREE, codeFile } from '../code-files.js';
import type { CodeFile } from '../code-files.js';
import { addLatencyRow } from './run-context.js';
import type { RawTwin, RunContext } from './run-context.js';

/** A backend's raw twins of the neighbour query and the re-index of a file. */
export interface NeighboursAndCodeTwins {
  /** The ids of the 10 nearest neighbours of each of sample `i`'s ten memories. */
  readonly neighbours: RawTwin;
  /** The hand-written re-index of one file into project `projectId`. */
  readonly replaceFile: {
    readonly indexer: (projectId: number) => (file: CodeFile) => unknown;
    readonly returns: string;
  };
}

/**
 * Consolidation's clustering query (neighbours of 10 memories, k 10), and
 * re-indexing one file of a 100-file tree (`code.replaceFile`) after the
 * tree is indexed once through the API and twice raw. At most 200 samples each.
 */
export async function neighboursAndCode(
  run: RunContext,
  twins: NeighboursAndCodeTwins,
): Promise<void> {
  const { storeA, pid, tenIds } = run;
  await addLatencyRow(run, {
    operation: 'neighbours (10 memories, k 10)',
    api: async (i) =>
      (await storeA.search.neighbours(pid, tenIds(i), { k: 10 })).flatMap((entry) =>
        entry.neighbours.map((n) => n.id),
      ),
    ...twins.neighbours,
    maxSamples: 200,
  });

  const codeApi = (await storeA.projects.create({ name: 'code-api', path: '/code-api' })).id;
  const codeRaw = (await storeA.projects.create({ name: 'code-raw', path: '/code-raw' })).id;
  const indexRaw = twins.replaceFile.indexer(codeRaw);
  const indexApi = (file: CodeFile) =>
    storeA.code.replaceFile(codeApi, file.path, { entities: file.entities, edges: file.edges });
  for (let pass = 0; pass < 2; pass++) {
    for (let f = 0; f < CODE_TREE.files; f++) {
      const file = codeFile(f);
      if (pass === 0) await indexApi(file);
      await indexRaw(file);
    }
  }
  await addLatencyRow(run, {
    operation: 'replaceFile (20 entities, 30 edges)',
    api: async (i) =>
      (await indexApi(codeFile(i % CODE_TREE.files, i + 1))).entities.map((e) => e.id),
    raw: (i) => indexRaw(codeFile(i % CODE_TREE.files, i + 1)),
    returns: twins.replaceFile.returns,
    maxSamples: 200,
  });
}
