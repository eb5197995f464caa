/**
 * Turns text into vectors. Every implementation is deterministic for a given
 * `modelId`: two vectors are comparable only when they share it, which is why
 * Athena records `modelId` next to every stored vector.
 *
 * @example
 * ```ts
 * const embedder: Embedder = new HashingEmbedder({ dimension: 384 });
 * const [a, b] = await embedder.embedMany(['use pnpm', 'use npm']);
 * ```
 */
export interface Embedder {
  /** Length of every vector this embedder returns. */
  readonly dimension: number;
  /** Identifies the model (and its settings) that produced a vector, e.g. `athena-hash-v2-768`. */
  readonly modelId: string;
  /** One text → one vector of length {@link Embedder.dimension}. */
  embed(text: string): Promise<Float32Array>;
  /** Many texts → vectors in input order; implementations batch requests internally. */
  embedMany(texts: readonly string[]): Promise<Float32Array[]>;
}
