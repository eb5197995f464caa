import { ValidationError } from './errors.js';

/**
 * What a text is embedded for. Retrieval models are trained asymmetrically: a
 * short question and the passage that answers it are embedded differently
 * (nomic-embed-text wants `search_query: ` / `search_document: ` prefixes,
 * e5 `query: ` / `passage: `, some providers an `input_type` field).
 */
export type EmbedInputType = 'query' | 'document';

/** Every {@link EmbedInputType}. */
export const EMBED_INPUT_TYPES: readonly EmbedInputType[] = Object.freeze(['query', 'document']);

/** Options of {@link Embedder.embed} and {@link Embedder.embedMany}. */
export interface EmbedOptions {
  /**
   * `document` (the default) for text that is stored and searched over,
   * `query` for the text a search starts from.
   */
  readonly inputType?: EmbedInputType;
}

/**
 * Turns text into vectors. Every implementation is deterministic for a given
 * `modelId`: two vectors are comparable only when they share it, which is why
 * Athena records `modelId` next to every stored vector. An embedder that
 * treats queries and documents differently (prefixes, a provider field) must
 * let that show in its `modelId`, so that vectors embedded under other
 * settings are never compared with its own.
 *
 * An implementation may ignore `options` (a symmetric model); it should still
 * reject an unknown `inputType` with {@link resolveInputType}.
 *
 * @example
 * ```ts
 * const embedder: Embedder = new HashingEmbedder({ dimension: 384 });
 * const [a, b] = await embedder.embedMany(['use pnpm', 'use npm']);
 * const q = await embedder.embed('which package manager?', { inputType: 'query' });
 * ```
 */
export interface Embedder {
  /** Length of every vector this embedder returns. */
  readonly dimension: number;
  /** Identifies the model (and its settings) that produced a vector, e.g. `athena-hash-v2-768`. */
  readonly modelId: string;
  /** One text → one vector of length {@link Embedder.dimension}. */
  embed(text: string, options?: EmbedOptions): Promise<Float32Array>;
  /** Many texts → vectors in input order; implementations batch requests internally. */
  embedMany(texts: readonly string[], options?: EmbedOptions): Promise<Float32Array[]>;
}

/**
 * The input type an embedder acts on: `options.inputType`, `document` when
 * absent. Anything else throws a `ValidationError` naming `options.inputType`.
 *
 * @example
 * ```ts
 * resolveInputType(undefined); // 'document'
 * resolveInputType({ inputType: 'query' }); // 'query'
 * ```
 */
export function resolveInputType(options: EmbedOptions | undefined): EmbedInputType {
  const inputType: unknown = options?.inputType ?? 'document';
  if (inputType === 'query' || inputType === 'document') return inputType;
  const message = `must be one of ${EMBED_INPUT_TYPES.join(', ')}`;
  throw new ValidationError(
    `invalid options.inputType: ${message}, got ${JSON.stringify(inputType)}`,
    [{ path: 'options.inputType', message }],
  );
}
