import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_NOISE } from './dataset.js';
import type { Dataset } from './dataset.js';

/** Exact top-k rows (0-based row indexes) per query, nearest first. */
export interface GroundTruth {
  readonly k: number;
  /** Over every row of the data set. */
  readonly unfiltered: readonly (readonly number[])[];
  /** Over the rows of project `q mod projects` only (the project-filtered search of query q). */
  readonly projectFiltered: readonly (readonly number[])[];
  /** Whether it came from bench/.cache. */
  readonly cached: boolean;
  readonly seconds: number;
}

const CACHE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '.cache');

/** Project searched by query `q` in the project-filtered case. */
export function queryProject(q: number, projects: number): number {
  return q % projects;
}

/** Keeps the k best (highest similarity) rows seen; tiny insertion-sorted buffer. */
class TopK {
  readonly rows: number[] = [];
  readonly scores: number[] = [];
  constructor(readonly k: number) {}

  offer(row: number, score: number): void {
    const { rows, scores, k } = this;
    if (rows.length === k && score <= (scores[k - 1] ?? -Infinity)) return;
    let at = rows.length === k ? k - 1 : rows.length;
    while (at > 0 && (scores[at - 1] ?? -Infinity) < score) {
      scores[at] = scores[at - 1] ?? -Infinity;
      rows[at] = rows[at - 1] ?? -1;
      at--;
    }
    scores[at] = score;
    rows[at] = row;
  }
}

/**
 * The benchmark's reference answers: for every query, the exact top-k by
 * cosine similarity (a dot product: vectors are L2-normalised), over all
 * rows and over the query's project. A tight Float32 loop, computed once per
 * tier and seed and cached in bench/.cache (gitignored).
 *
 * @example
 * ```ts
 * const truth = groundTruth(data, 10);
 * truth.unfiltered[0]; // the 10 nearest rows of query 0
 * ```
 */
export function groundTruth(data: Dataset, k = 10): GroundTruth {
  const { rows, dimension, queries, projects, seed, clusters, noise } = data.spec;
  // The default data set keeps its original cache name; any other shape names itself.
  const shape =
    clusters === 1000 && (noise === undefined || noise === DEFAULT_NOISE)
      ? ''
      : `-c${clusters}-n${noise ?? DEFAULT_NOISE}`;
  const file = join(
    CACHE_DIR,
    `truth-${rows}-${dimension}-${queries}-${projects}-${seed}-${k}${shape}.json`,
  );
  const started = performance.now();
  if (existsSync(file)) {
    const cached = JSON.parse(readFileSync(file, 'utf8')) as Pick<
      GroundTruth,
      'unfiltered' | 'projectFiltered'
    >;
    return { ...cached, k, cached: true, seconds: (performance.now() - started) / 1000 };
  }
  const vectors = data.vectors;
  const unfiltered: number[][] = [];
  const projectFiltered: number[][] = [];
  for (let q = 0; q < queries; q++) {
    const query = data.queryVectors.subarray(q * dimension, (q + 1) * dimension);
    const all = new TopK(k);
    const own = new TopK(k);
    const project = queryProject(q, projects);
    for (let row = 0; row < rows; row++) {
      let dot = 0;
      const offset = row * dimension;
      for (let i = 0; i < dimension; i++)
        dot += (query[i] as number) * (vectors[offset + i] as number);
      all.offer(row, dot);
      if (data.projectOf(row) === project) own.offer(row, dot);
    }
    unfiltered.push(all.rows);
    projectFiltered.push(own.rows);
  }
  mkdirSync(CACHE_DIR, { recursive: true });
  writeFileSync(file, JSON.stringify({ unfiltered, projectFiltered }));
  return {
    unfiltered,
    projectFiltered,
    k,
    cached: false,
    seconds: (performance.now() - started) / 1000,
  };
}
