/**
 * Smallest embedding dimension for which semantic search generates its
 * candidates from the binary-quantised vectors. Below it one sign bit per
 * dimension says too little about a vector, so the exact vec0 KNN answers.
 */
export const QUANTIZED_MIN_DIMENSION = 128;

/**
 * Fewest memories a project must hold for semantic search to use the
 * binary-quantised candidates. Below it the exact vec0 KNN costs about 2 ms
 * at 768 dimensions, and sign bits cannot rank the many near-ties among
 * unrelated vectors that fill a small project's top 10.
 */
export const QUANTIZED_MIN_ROWS = 2_048;

/**
 * Candidates taken from the binary-quantised vectors per wanted row, before
 * the exact cosine re-score keeps the best.
 */
export const QUANTIZED_OVERSAMPLE = 4;

/**
 * Fewest binary-quantised candidates a search re-scores. On clustered
 * embeddings (768 dimensions, ~100 near neighbours per cluster) 200
 * candidates keep recall@10 above 0.99; the re-score of 200 rows costs about
 * a millisecond.
 */
export const QUANTIZED_MIN_CANDIDATES = 200;

/**
 * Share of a project's memories a semantic search re-scores, when that is
 * more than {@link QUANTIZED_MIN_CANDIDATES}. Sign bits cannot rank the
 * near-ties inside one tight cluster, and a cluster grows with the project:
 * on 100,000 memories in 100 clusters (`pnpm bench:quantized`) 200 candidates
 * found 0.595 of the true top 10, 1,600 all of them.
 */
export const QUANTIZED_CANDIDATE_SHARE = 1 / 64;

/**
 * How many binary-quantised candidates are re-scored for `wanted` rows
 * whatever the project's size: `neighbours()` re-scores this many per
 * source (it looks for near duplicates, which sign bits rank well).
 *
 * @example
 * ```ts
 * quantizedCandidateCount(10); // 200
 * quantizedCandidateCount(100); // 400
 * ```
 */
export function quantizedCandidateCount(wanted: number): number {
  return Math.max(QUANTIZED_MIN_CANDIDATES, QUANTIZED_OVERSAMPLE * wanted);
}

/**
 * How many binary-quantised candidates a semantic search (or hybrid
 * search's semantic leg) for `wanted` rows re-scores in a project of
 * `memories` memories: max({@link QUANTIZED_MIN_CANDIDATES},
 * {@link QUANTIZED_OVERSAMPLE} × `wanted`), or
 * {@link QUANTIZED_CANDIDATE_SHARE} of the project when that is more.
 *
 * @example
 * ```ts
 * searchCandidateCount(10, 5_000); // 200
 * searchCandidateCount(100, 5_000); // 400
 * searchCandidateCount(10, 100_000); // 1563
 * ```
 */
export function searchCandidateCount(wanted: number, memories: number): number {
  return Math.max(quantizedCandidateCount(wanted), Math.ceil(memories * QUANTIZED_CANDIDATE_SHARE));
}

/**
 * SQL for the binary quantisation (`bit[⌈N/8⌉·8]`: one sign bit per
 * dimension) of the float32 BLOB `expression` of `dimension` floats.
 * `vec_quantize_binary` needs whole bytes, so a dimension that is not a
 * multiple of 8 is padded with zeros, which quantise to 0 in every vector
 * and so never change a Hamming distance. Migration 2's triggers store
 * exactly this, and search compares the query's bits with them: changing it
 * takes a new migration that rewrites `memory_bits`.
 *
 * @example
 * ```ts
 * binaryQuantizeSql('new.embedding', 768); // 'vec_quantize_binary(new.embedding)'
 * ```
 */
export function binaryQuantizeSql(expression: string, dimension: number): string {
  const padding = (8 - (dimension % 8)) % 8;
  if (padding === 0) return `vec_quantize_binary(${expression})`;
  return `vec_quantize_binary(unhex(hex(${expression}) || '${'00000000'.repeat(padding)}'))`;
}

/**
 * Fewest source memories for which `neighbours()` reads the sign bits of
 * every memory a neighbour may be into JavaScript once and scans them there
 * per source (about 0.05 µs per pair, plus ~1 µs per memory read), rather
 * than one SQL scan per source (~0.45 µs per pair). Measured at 10K
 * memories of 768 dimensions: 1 source 6–10 ms by SQL against 11–19 ms read
 * into JavaScript, even at 3, 100 sources 2.2× faster read into JavaScript.
 */
export const QUANTIZED_POOL_MIN_SOURCES = 4;
