import { resolveInputType, ValidationError } from '@athena/core-types';
import type { Embedder, EmbedOptions } from '@athena/core-types';
import { FeatureCounts } from './feature-counts.js';

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

/**
 * Codes 1–38 of the characters an ASCII word's n-grams are made of (`a`–`z`,
 * `0`–`9`, and the `<` `>` markers); 0 for every other character. Six bits per
 * character keep a 5-gram's key below 2^30, a small integer to V8, and since no code
 * is 0 every gram (of any length) has its own key.
 */
const GRAM_BITS = 6;
const GRAM_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789<>';
const GRAM_CODES = new Uint8Array(128);
for (let i = 0; i < GRAM_ALPHABET.length; i++) GRAM_CODES[GRAM_ALPHABET.charCodeAt(i)] = i + 1;
const LT = '<'.charCodeAt(0);
const GT = '>'.charCodeAt(0);
/** Scratch space of `embedSync()`, which is synchronous and so never runs twice at once. */
const FEATURE_COUNTS = new FeatureCounts();
let gramScratch = new Uint8Array(64);

/** The codes of `<word>`'s characters, in a scratch array reused from word to word. */
function gramCodes(word: string): Uint8Array {
  if (gramScratch.length < word.length + 2) gramScratch = new Uint8Array(word.length * 2 + 2);
  const codes = gramScratch;
  codes[0] = GRAM_CODES[LT] as number;
  for (let i = 0; i < word.length; i++) {
    const unit = word.charCodeAt(i);
    codes[i + 1] = unit < 128 ? (GRAM_CODES[unit] as number) : 0;
  }
  codes[word.length + 1] = GRAM_CODES[GT] as number;
  return codes;
}
/** FNV-1a of `c:`, the prefix of every character n-gram feature. */
const GRAM_PREFIX_HASH = fnv1a('c:');

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
    // Character n-grams made of word characters count under a small integer
    // (see GRAM_CODES) instead of a `c:` string: building and hashing those
    // strings was most of the embedder's time.
    const counts = FEATURE_COUNTS;
    counts.clear();
    for (let index = 0; index < words.length; index++) {
      const word = words[index] as string;
      counts.addString(`w:${word}`);
      const next = words[index + 1];
      if (next !== undefined) counts.addString(`b:${word} ${next}`);
      // `<word>`, one code per UTF-16 unit (0 where a unit has none); each
      // gram's key rolls on from the previous one's.
      const length = word.length + 2;
      const codes = gramCodes(word);
      for (const size of CHAR_GRAM_SIZES) {
        const mask = (1 << (GRAM_BITS * size)) - 1;
        let key = 0;
        let run = 0;
        for (let end = 0; end < length; end++) {
          const code = codes[end] as number;
          if (code === 0) {
            key = 0;
            run = 0;
          } else {
            key = ((key << GRAM_BITS) | code) & mask;
            run += 1;
          }
          if (end + 1 < size) continue;
          if (run >= size) counts.addInteger(key);
          else counts.addString(`c:${`<${word}>`.slice(end + 1 - size, end + 1)}`);
        }
      }
    }

    const vector = new Float32Array(this.dimension);
    for (let ordinal = 0; ordinal < counts.size; ordinal++) {
      const feature = counts.featureAt(ordinal);
      const hash = typeof feature === 'number' ? gramHash(feature) : fnv1a(feature);
      const sign = (fmix32(hash) & 1) === 0 ? 1 : -1;
      const bucket = hash % this.dimension;
      const weight =
        typeof feature === 'number' ? HASHING_FEATURE_WEIGHTS.charGram : familyWeight(feature);
      const tf = counts.tfAt(ordinal);
      vector[bucket] = (vector[bucket] ?? 0) + sign * weight * (tf === 1 ? 1 : 1 + Math.log(tf));
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
  for (let i = 0; i < vector.length; i++) sum += (vector[i] as number) * (vector[i] as number);
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

/**
 * {@link fnv1a} of the `c:` feature whose n-gram has `key` (see
 * GRAM_CODES): the same bytes, decoded from the key instead of a string.
 */
function gramHash(key: number): number {
  let shift = 0;
  while (key >> shift >= 1 << GRAM_BITS) shift += GRAM_BITS;
  let hash = GRAM_PREFIX_HASH;
  for (; shift >= 0; shift -= GRAM_BITS) {
    const code = (key >> shift) & ((1 << GRAM_BITS) - 1);
    hash = Math.imul(hash ^ GRAM_ALPHABET.charCodeAt(code - 1), 0x01000193);
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
