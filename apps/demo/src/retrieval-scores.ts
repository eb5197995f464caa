/**
 * Scores one search mode over the labelled queries: recall@5 and the
 * reciprocal rank within the top 10, per query.
 */
import type { AthenaMemory, SearchOptions } from '@athena/search';
import type { LabelledQuery } from './corpus.js';

/** The search modes the retrieval evaluation compares. */
export const RETRIEVAL_MODES: Readonly<Record<string, SearchOptions>> = {
  semantic: { mode: 'semantic' },
  keyword: { mode: 'keyword' },
  'hybrid-weighted': { mode: 'hybrid', fusion: 'weighted' },
  'hybrid-rrf': { mode: 'hybrid', fusion: 'rrf' },
  // Not a default: shows how much the fusion weights matter with a lexical embedder.
  'hybrid-weighted-50/50': {
    mode: 'hybrid',
    fusion: 'weighted',
    weights: { semantic: 0.5, keyword: 0.5 },
  },
};

/** One query's scores in one mode. */
export interface QueryScore {
  readonly recallAt5: number;
  readonly reciprocalRank: number;
}

/**
 * Runs every query in one mode. `notesOf` says which labelled notes a hit
 * stands for: its own note, or (after consolidation) every note whose
 * memory it superseded. A note found twice in the top 5 counts once.
 *
 * @example
 * ```ts
 * const scores = await scoreQueries(memory, project.id, queries, { mode: 'hybrid' }, (id) => [noteOf.get(id)]);
 * ```
 */
export async function scoreQueries(
  memory: AthenaMemory,
  projectId: number,
  queries: readonly LabelledQuery[],
  options: SearchOptions,
  notesOf: (memoryId: number) => readonly string[],
): Promise<QueryScore[]> {
  const scores: QueryScore[] = [];
  for (const query of queries) {
    const hits = await memory.search(projectId, query.query, {
      ...options,
      limit: 10,
      includeEmbedding: false,
    });
    const found = hits.map((hit) => notesOf(hit.memory.id));
    const relevant = new Set(query.relevant);
    const first = found.findIndex((notes) => notes.some((note) => relevant.has(note)));
    const top5 = new Set(found.slice(0, 5).flat());
    scores.push({
      recallAt5: [...relevant].filter((note) => top5.has(note)).length / relevant.size,
      reciprocalRank: first === -1 ? 0 : 1 / (first + 1),
    });
  }
  return scores;
}
