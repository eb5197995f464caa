/**
 * Query and document prefixes of a family of embedding models: the text its
 * model card says to put before a search query and before a stored passage.
 */
export interface EmbeddingPreset {
  /** Short name, e.g. `nomic-embed-text`. */
  readonly name: string;
  /** Matched against the lower-cased model name. */
  readonly pattern: RegExp;
  /** Model names matching this are excluded (variants that want other prompts). */
  readonly exclude?: RegExp;
  readonly queryPrefix: string;
  readonly documentPrefix: string;
}

/** BGE's English retrieval instruction for queries (from the model card); documents get none. */
const BGE_QUERY_INSTRUCTION = 'Represent this sentence for searching relevant passages: ';

/**
 * The prefixes `OpenAICompatibleEmbedder` applies by default (`prefixes:
 * 'auto'`), picked by model name. The first match wins; a model matching none
 * gets no prefix. Instruction-tuned variants (`…-instruct`) want a task
 * description rather than a fixed prefix and are left to explicit
 * configuration.
 */
export const EMBEDDING_PRESETS: readonly EmbeddingPreset[] = Object.freeze([
  // nomic-embed-text v1, v1.5 and v2-moe (Ollama `nomic-embed-text`, llama.cpp GGUFs).
  Object.freeze({
    name: 'nomic-embed-text',
    pattern: /nomic-embed-text/,
    queryPrefix: 'search_query: ',
    documentPrefix: 'search_document: ',
  }),
  // intfloat e5(-v2) and multilingual-e5, small/base/large.
  Object.freeze({
    name: 'e5',
    pattern: /(?:^|[^a-z0-9])(?:multilingual-)?e5-(?:small|base|large)(?![a-z0-9])/,
    exclude: /instruct/,
    queryPrefix: 'query: ',
    documentPrefix: 'passage: ',
  }),
  // BAAI bge-{small,base,large}-en(-v1.5); Ollama's `bge-large` is bge-large-en-v1.5.
  Object.freeze({
    name: 'bge-en',
    pattern: /(?:^|[^a-z0-9])bge-(?:small|base|large)-en(?![a-z0-9])|^bge-large(?::|$)/,
    queryPrefix: BGE_QUERY_INSTRUCTION,
    documentPrefix: '',
  }),
  // mixedbread mxbai-embed-large-v1 uses BGE's query instruction.
  Object.freeze({
    name: 'mxbai-embed-large',
    pattern: /mxbai-embed-large/,
    queryPrefix: BGE_QUERY_INSTRUCTION,
    documentPrefix: '',
  }),
]);

/**
 * The preset for a model name, or `null` when none is known.
 *
 * @example
 * ```ts
 * presetForModel('nomic-embed-text-v1.5')?.queryPrefix; // 'search_query: '
 * presetForModel('text-embedding-3-small'); // null
 * ```
 */
export function presetForModel(model: string): EmbeddingPreset | null {
  const name = model.toLowerCase();
  return (
    EMBEDDING_PRESETS.find(
      (preset) => preset.pattern.test(name) && !(preset.exclude?.test(name) ?? false),
    ) ?? null
  );
}
