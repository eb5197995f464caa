import { Random } from './random.js';

/** Settings of a synthetic data set; every number is part of what the benchmark measures. */
export interface DatasetSpec {
  readonly rows: number;
  readonly dimension: number;
  readonly clusters: number;
  readonly vocabulary: number;
  readonly projects: number;
  readonly queries: number;
  readonly seed: number;
  /**
   * Spread of a row around its cluster's centre: the norm of its Gaussian
   * noise before normalising (default 0.75, cosine ≈ 0.8 to the centre).
   */
  readonly noise?: number;
}

/** Deterministic synthetic memories: clustered unit vectors and Zipf-distributed text. */
export interface Dataset {
  readonly spec: DatasetSpec;
  /** rows × dimension, row-major, each row L2-normalised. */
  readonly vectors: Float32Array;
  readonly texts: readonly string[];
  /** Project index (0-based) of each row: row i belongs to project i mod projects. */
  readonly projectOf: (row: number) => number;
  /** Query vectors (queries × dimension), drawn from the same clusters. */
  readonly queryVectors: Float32Array;
  /** Query texts: two or three mid-frequency words each. */
  readonly queryTexts: readonly string[];
}

const SYLLABLES = [
  'ka',
  'lo',
  'mi',
  'ne',
  'ru',
  'ta',
  'shi',
  'po',
  've',
  'da',
  'zu',
  'ri',
  'mo',
  'ga',
  'le',
  'fi',
  'no',
  'be',
  'xu',
  'ya',
];

function vocabulary(size: number): string[] {
  const words = new Set<string>();
  const random = new Random(7);
  while (words.size < size) {
    const length = random.int(2, 4);
    let word = '';
    for (let i = 0; i < length; i++) word += SYLLABLES[random.int(0, SYLLABLES.length - 1)];
    words.add(word);
  }
  return [...words];
}

/** Cumulative Zipf(s) distribution over `n` ranks, for inverse-CDF sampling. */
function zipfCdf(n: number, s = 1.07): Float64Array {
  const cdf = new Float64Array(n);
  let total = 0;
  for (let rank = 1; rank <= n; rank++) total += 1 / rank ** s;
  let acc = 0;
  for (let rank = 1; rank <= n; rank++) {
    acc += 1 / rank ** s / total;
    cdf[rank - 1] = acc;
  }
  return cdf;
}

function sampleRank(cdf: Float64Array, u: number): number {
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((cdf[mid] ?? 1) < u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function normalise(vector: Float32Array, offset: number, dimension: number): void {
  let norm = 0;
  for (let i = 0; i < dimension; i++) norm += (vector[offset + i] ?? 0) ** 2;
  const scale = 1 / Math.sqrt(norm);
  for (let i = 0; i < dimension; i++) vector[offset + i] = (vector[offset + i] ?? 0) * scale;
}

/** Noise norm of {@link DatasetSpec.noise} when unset. */
export const DEFAULT_NOISE = 0.75;

function clusteredVectors(
  count: number,
  centroids: Float32Array,
  spec: DatasetSpec,
  random: Random,
): Float32Array {
  const { dimension, clusters } = spec;
  const noise = (spec.noise ?? DEFAULT_NOISE) / Math.sqrt(dimension);
  const out = new Float32Array(count * dimension);
  for (let row = 0; row < count; row++) {
    const cluster = random.int(0, clusters - 1);
    const offset = row * dimension;
    for (let i = 0; i < dimension; i++) {
      out[offset + i] = (centroids[cluster * dimension + i] ?? 0) + noise * random.gaussian();
    }
    normalise(out, offset, dimension);
  }
  return out;
}

/**
 * Generates the data set for `spec`. Rows, texts and queries depend only on
 * the spec, so every run and every backend sees the same data.
 *
 * @example
 * ```ts
 * const data = generateDataset({ rows: 10_000, dimension: 768, clusters: 1000, vocabulary: 5000, projects: 10, queries: 200, seed: 42 });
 * ```
 */
export function generateDataset(spec: DatasetSpec): Dataset {
  const random = new Random(spec.seed);
  const centroids = new Float32Array(spec.clusters * spec.dimension);
  for (let i = 0; i < centroids.length; i++) centroids[i] = random.gaussian();
  for (let c = 0; c < spec.clusters; c++) normalise(centroids, c * spec.dimension, spec.dimension);

  const vectors = clusteredVectors(spec.rows, centroids, spec, random);
  const words = vocabulary(spec.vocabulary);
  const cdf = zipfCdf(spec.vocabulary);
  const texts: string[] = new Array(spec.rows);
  for (let row = 0; row < spec.rows; row++) {
    const length = random.int(20, 60);
    const parts: string[] = new Array(length);
    for (let i = 0; i < length; i++) parts[i] = words[sampleRank(cdf, random.next())] ?? 'ka';
    texts[row] = parts.join(' ');
  }

  const queryRandom = new Random(spec.seed ^ 0x5eed);
  const queryVectors = clusteredVectors(spec.queries, centroids, spec, queryRandom);
  const queryTexts: string[] = [];
  for (let q = 0; q < spec.queries; q++) {
    const count = queryRandom.int(2, 3);
    const picked: string[] = [];
    for (let i = 0; i < count; i++) picked.push(words[queryRandom.int(50, 1500)] ?? 'ka');
    queryTexts.push(picked.join(' '));
  }

  return {
    spec,
    vectors,
    texts,
    projectOf: (row) => row % spec.projects,
    queryVectors,
    queryTexts,
  };
}

/** Row `row` of a row-major matrix, as a view (no copy). */
export function rowOf(matrix: Float32Array, row: number, dimension: number): Float32Array {
  return matrix.subarray(row * dimension, (row + 1) * dimension);
}
