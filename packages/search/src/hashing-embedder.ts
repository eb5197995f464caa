import { resolveInputType, ValidationError } from '@athena/core-types';
import type { Embedder, EmbedOptions } from '@athena/core-types';

/** Options of {@link HashingEmbedder}. */
export interface HashingEmbedderOptions {
  /** Vector length, 1–65 536; default 768 (the Athena default database dimension). */
  readonly dimension?: number;
}

/** Default vector length of {@link HashingEmbedder}. */
export const DEFAULT_HASHING_DIMENSION = 768;

/** Largest dimension {@link HashingEmbedder} accepts. */
export const MAX_HASHING_DIMENSION = 65_536;

/**
 * Weight of each feature family before L2 normalisation. A word of n letters
 * yields about 3n character n-grams, so they weigh less each; together they
 * still let `postgres` find `postgresql` and survive typos, while a shared
 * whole word or word pair counts most.
 */
export const HASHING_FEATURE_WEIGHTS = Object.freeze({ unigram: 1, bigram: 0.7, charGram: 0.25 });

/**
 * English function words left out of the features: they carry no topic, and
 * without inverse document frequency they would dominate every vector (on the
 * bundled corpus, dropping them raised semantic recall@5 from 0.65 to 0.72).
 * A text made only of them keeps them, so it still gets a vector.
 */
export const HASHING_STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a about above after again against all also am an and any are as at be because been before being ' +
    'below between both but by can could did do does doing down during each few for from further had ' +
    'has have having he her here hers herself him himself his how i if in into is it its itself just ' +
    'me more most my myself no nor not now of off on once only or other our ours ourselves out over ' +
    'own same she should so some such than that the their theirs them themselves then there these ' +
    'they this those through to too under until up us very was we were what when where which while ' +
    'who whom why will with would you your yours yourself yourselves'
  ).split(' '),
);

/** Character n-gram lengths taken inside each word (with `<` `>` boundary markers). */
const CHAR_GRAM_SIZES = [3, 4, 5] as const;

const WORD = /[\p{L}\p{N}]+/gu;
const SYMBOL_RUN = /\S+/gu;
const LATIN_DIACRITICS = /[\u0300-\u036f]/g;
// Printable ASCII is its own NFKC, NFD and NFC form and has no combining marks.
const NON_ASCII = /[^\x20-\x7e\t\n\r]/;

/**
 * An offline, dependency-free, deterministic embedder based on the hashing
 * trick. It is **lexical, not semantic**: texts are similar when they share
 * words, word pairs or word fragments — `car` and `automobile` are unrelated
 * to it. Use it for tests, CI, air-gapped machines and as a zero-setup
 * default; use {@link OpenAICompatibleEmbedder} with a real model for meaning.
 *
 * How a vector is made, so other implementations can reproduce it:
 * 1. Normalise: Unicode NFKC, lower case, Latin combining diacritics
 *    (U+0300–U+036F after NFD) removed, NFC.
 * 2. Words are runs of letters and digits; text with none (`!!!`) uses its
 *    runs of non-space characters instead. English stop words
 *    ({@link HASHING_STOP_WORDS}) are dropped unless nothing else is left.
 * 3. Features: `w:` word unigrams, `b:` adjacent word pairs, `c:` character
 *    3-, 4- and 5-grams of `<word>`.
 * 4. Each feature is hashed with 32-bit FNV-1a over its UTF-8 bytes into
 *    bucket `h mod dimension`, with a sign taken from a murmur3 finaliser of
 *    `h` (signed hashing trick, so collisions cancel instead of piling up).
 * 5. Weight = family weight × (1 + ln tf) (sublinear term frequency).
 * 6. L2-normalise.
 *
 * The embedding is symmetric: `options.inputType` is checked but changes
 * nothing, since a query and a document with the same words share features.
 *
 * Blank text throws a `ValidationError` (Athena never stores blank content).
 * It never returns an all-zero vector: in the astronomically rare case that
 * every feature cancels out, a fixed bucket derived from the text is set.
 *
 * @example
 * ```ts
 * const embedder = new HashingEmbedder({ dimension: 384 });
 * embedder.modelId; // 'athena-hash-v2-384'
 * const vector = await embedder.embed('Use pnpm workspaces');
 * ```
 */
export class HashingEmbedder implements Embedder {
  readonly dimension: number;
  readonly modelId: string;

  constructor(options: HashingEmbedderOptions = {}) {
    const dimension = options.dimension ?? DEFAULT_HASHING_DIMENSION;
    if (!Number.isInteger(dimension) || dimension < 1 || dimension > MAX_HASHING_DIMENSION) {
      throw new ValidationError(
        `invalid dimension: must be an integer in 1–${MAX_HASHING_DIMENSION}, got ${String(dimension)}`,
        [{ path: 'dimension', message: `must be an integer in 1–${MAX_HASHING_DIMENSION}` }],
      );
    }
    this.dimension = dimension;
    this.modelId = `athena-hash-v2-${dimension}`;
    Object.freeze(this);
  }

  /**
   * Embeds one text. Synchronous work, returned as a promise to fit {@link Embedder}.
   *
   * @example
   * ```ts
   * const v = await new HashingEmbedder().embed('sqlite-vec loads as an extension');
   * ```
   */
  embed(text: string, options?: EmbedOptions): Promise<Float32Array> {
    try {
      resolveInputType(options);
      return Promise.resolve(this.embedSync(text));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Embeds every text, in order; validates all of them first.
   *
   * @example
   * ```ts
   * const [a, b] = await new HashingEmbedder().embedMany(['alpha', 'beta']);
   * ```
   */
  embedMany(texts: readonly string[], options?: EmbedOptions): Promise<Float32Array[]> {
    try {
      resolveInputType(options);
      texts.forEach((text, index) => assertText(text, `texts[${index}]`));
      return Promise.resolve(texts.map((text) => this.embedSync(text)));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * The synchronous core of {@link HashingEmbedder.embed}, for callers that
   * need no promise (benchmarks, corpus builders).
   *
   * @example
   * ```ts
   * const v = new HashingEmbedder({ dimension: 64 }).embedSync('hello world');
   * ```
   */
  embedSync(text: string): Float32Array {
    assertText(text, 'text');
    const normalised = normaliseText(text);
    const allWords = normalised.match(WORD) ?? normalised.match(SYMBOL_RUN) ?? [];
    const contentWords = allWords.filter((word) => !HASHING_STOP_WORDS.has(word));
    const words = contentWords.length > 0 ? contentWords : allWords;
    const counts = new Map<string, number>();
    const add = (feature: string) => counts.set(feature, (counts.get(feature) ?? 0) + 1);

    words.forEach((word, index) => {
      add(`w:${word}`);
      const next = words[index + 1];
      if (next !== undefined) add(`b:${word} ${next}`);
      const marked = `<${word}>`;
      for (const size of CHAR_GRAM_SIZES) {
        for (let start = 0; start + size <= marked.length; start++) {
          add(`c:${marked.slice(start, start + size)}`);
        }
      }
    });

    const vector = new Float32Array(this.dimension);
    for (const [feature, tf] of counts) {
      const hash = fnv1a(feature);
      const sign = (fmix32(hash) & 1) === 0 ? 1 : -1;
      const bucket = hash % this.dimension;
      vector[bucket] = (vector[bucket] ?? 0) + sign * familyWeight(feature) * (1 + Math.log(tf));
    }
    return normalise(vector, normalised);
  }
}

/**
 * The text normalisation {@link HashingEmbedder} applies before hashing.
 *
 * @example
 * ```ts
 * normaliseText('Ｃafé  NAÏVE'); // 'cafe  naive'
 * ```
 */
export function normaliseText(text: string): string {
  if (!NON_ASCII.test(text)) return text.toLowerCase();
  return text
    .normalize('NFKC')
    .toLowerCase()
    .normalize('NFD')
    .replace(LATIN_DIACRITICS, '')
    .normalize('NFC');
}

function assertText(text: unknown, path: string): asserts text is string {
  if (typeof text !== 'string' || text.trim().length === 0) {
    throw new ValidationError(`invalid ${path}: must be a non-blank string`, [
      { path, message: 'must be a non-blank string' },
    ]);
  }
}

function familyWeight(feature: string): number {
  if (feature.startsWith('w:')) return HASHING_FEATURE_WEIGHTS.unigram;
  if (feature.startsWith('b:')) return HASHING_FEATURE_WEIGHTS.bigram;
  return HASHING_FEATURE_WEIGHTS.charGram;
}

function normalise(vector: Float32Array, text: string): Float32Array {
  let sum = 0;
  for (const component of vector) sum += component * component;
  if (sum === 0) {
    vector[fnv1a(`empty:${text}`) % vector.length] = 1;
    return vector;
  }
  const norm = Math.sqrt(sum);
  for (let i = 0; i < vector.length; i++) vector[i] = (vector[i] ?? 0) / norm;
  return vector;
}

/**
 * 32-bit FNV-1a over the UTF-8 bytes of `value`, unsigned. The bytes are
 * computed inline, as `TextEncoder` would produce them (a lone surrogate is
 * U+FFFD): encoding every feature into a fresh `Uint8Array` was the largest
 * cost of embedding code entities.
 */
function fnv1a(value: string): number {
  let hash = 0x811c9dc5;
  const byte = (b: number) => {
    hash = Math.imul(hash ^ b, 0x01000193);
  };
  for (let i = 0; i < value.length; i++) {
    let code = value.charCodeAt(i);
    if (code < 0x80) {
      byte(code);
      continue;
    }
    if (code >= 0xd800 && code <= 0xdfff) {
      const low = code <= 0xdbff && i + 1 < value.length ? value.charCodeAt(i + 1) : 0;
      if (low >= 0xdc00 && low <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
        i += 1;
      } else {
        code = 0xfffd;
      }
    }
    if (code < 0x800) {
      byte(0xc0 | (code >> 6));
    } else if (code < 0x10000) {
      byte(0xe0 | (code >> 12));
      byte(0x80 | ((code >> 6) & 0x3f));
    } else {
      byte(0xf0 | (code >> 18));
      byte(0x80 | ((code >> 12) & 0x3f));
      byte(0x80 | ((code >> 6) & 0x3f));
    }
    byte(0x80 | (code & 0x3f));
  }
  return hash >>> 0;
}

/** murmur3's 32-bit finaliser: spreads every input bit over the output. */
function fmix32(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
