import { describe, expect, it } from 'vitest';
import { HASHING_FEATURE_WEIGHTS, HASHING_STOP_WORDS, HashingEmbedder } from '../src/index.js';

/**
 * The algorithm as HashingEmbedder's documentation states it, written the
 * plain way (four normalisation passes, `TextEncoder` for the UTF-8 bytes).
 * The embedder's fast paths must give bit-identical vectors: stored vectors
 * and the model id `athena-hash-v2-*` depend on it.
 */
function referenceEmbed(text: string, dimension: number): Float32Array {
  const encoder = new TextEncoder();
  const fnv1a = (value: string) => {
    let hash = 0x811c9dc5;
    for (const b of encoder.encode(value)) hash = Math.imul(hash ^ b, 0x01000193);
    return hash >>> 0;
  };
  const fmix32 = (value: number) => {
    let h = value;
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    return h >>> 0;
  };
  const normalised = text
    .normalize('NFKC')
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .normalize('NFC');
  const all = normalised.match(/[\p{L}\p{N}]+/gu) ?? normalised.match(/\S+/gu) ?? [];
  const content = all.filter((w) => !HASHING_STOP_WORDS.has(w));
  const words = content.length > 0 ? content : all;
  const counts = new Map<string, number>();
  const add = (f: string) => counts.set(f, (counts.get(f) ?? 0) + 1);
  words.forEach((word, i) => {
    add(`w:${word}`);
    if (i + 1 < words.length) add(`b:${word} ${words[i + 1]}`);
    const marked = `<${word}>`;
    for (const size of [3, 4, 5])
      for (let s = 0; s + size <= marked.length; s++) add(`c:${marked.slice(s, s + size)}`);
  });
  const vector = new Float32Array(dimension);
  for (const [feature, tf] of counts) {
    const hash = fnv1a(feature);
    const weight = feature.startsWith('w:')
      ? HASHING_FEATURE_WEIGHTS.unigram
      : feature.startsWith('b:')
        ? HASHING_FEATURE_WEIGHTS.bigram
        : HASHING_FEATURE_WEIGHTS.charGram;
    vector[hash % dimension] =
      (vector[hash % dimension] ?? 0) +
      ((fmix32(hash) & 1) === 0 ? 1 : -1) * weight * (1 + Math.log(tf));
  }
  let sum = 0;
  for (const x of vector) sum += x * x;
  if (sum === 0) {
    vector[fnv1a(`empty:${normalised}`) % dimension] = 1;
    return vector;
  }
  const norm = Math.sqrt(sum);
  for (let i = 0; i < dimension; i++) vector[i] = (vector[i] ?? 0) / norm;
  return vector;
}

describe('HashingEmbedder against the documented algorithm', () => {
  const texts = [
    // Thousands of distinct features first: the counting table grows, then shrinks for the next text.
    Array.from({ length: 1_500 }, (_, i) => `w${i.toString(36)}q`).join(' '),
    'Use pnpm workspaces; the lockfile is committed',
    'export function impactOf(entity: EntityRef, options?: WalkOptions): Promise<ImpactResult>',
    'Ｃafé NAÏVE résumé — Straße ǅemal ﬁle',
    '数据库连接池 接続プール 연결 풀',
    'emoji 🚀 rocket 👩🏽‍💻 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 math letters',
    'lone surrogates \ud800 high, \udfff low, and \ud83d at the end \ud83d',
    '!!! ??? ...',
    // No letters: the features are runs of non-space characters, lone surrogates included.
    '\ud800! \udfff? \ud83d\ude80 \ud83d',
    'the and of',
    'ÅÄÖ åäö ĲĳŒœ İstanbul ΣΊΣΥΦΟΣ',
    // Words mixing the n-gram alphabet (a–z, 0–9) with other characters, and
    // grams met in both kinds of word, so one gram never counts under two keys.
    'straße strasse naïve x2 ab a1b2c3d4e5 ſtraße çà ß the <tag> a_b',
    'def get_connection(self, pool_size: int = 10) -> Connection:\n    """Open a pool."""',
    'αβγ abc αβγδε abcde ¹²³ 123 ǆ dz',
    'connection connections reconnect connect_timeout CONNECTION Connexión ßconnection',
    // No letters: symbol runs whose grams mix `<` `>` with other ASCII.
    '<<< >>> <> ->',
  ];

  for (const dimension of [7, 384, 768]) {
    it(`gives bit-identical vectors at ${dimension} dimensions`, () => {
      const embedder = new HashingEmbedder({ dimension });
      for (const text of texts) {
        expect(Array.from(embedder.embedSync(text)), text).toEqual(
          Array.from(referenceEmbed(text, dimension)),
        );
      }
    });
  }
});
