import { ValidationError, toEmbedding } from '@athena/core-types';
import { describe, expect, it } from 'vitest';
import { HashingEmbedder, normaliseText } from '../src/index.js';

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  a.forEach((x, i) => {
    dot += x * (b[i] ?? 0);
  });
  return dot;
}

function norm(v: Float32Array): number {
  return Math.sqrt(cosine(v, v));
}

describe('HashingEmbedder', () => {
  const embedder = new HashingEmbedder({ dimension: 256 });

  it('defaults to 768 dimensions and names the model after the algorithm version and dimension', () => {
    const byDefault = new HashingEmbedder();
    expect(byDefault.dimension).toBe(768);
    expect(byDefault.modelId).toBe('athena-hash-v2-768');
    expect(embedder.modelId).toBe('athena-hash-v2-256');
  });

  it('is deterministic across instances and calls, and L2-normalised', async () => {
    const text = 'Athena stores memories in SQLite or PostgreSQL';
    const a = await embedder.embed(text);
    const b = await new HashingEmbedder({ dimension: 256 }).embed(text);
    expect(a).toHaveLength(256);
    expect([...a]).toEqual([...b]);
    expect(norm(a)).toBeCloseTo(1, 5);
  });

  it('is pinned: vectors of one model id never change, because stored vectors depend on them', () => {
    const v = new HashingEmbedder({ dimension: 16 }).embedSync('hello world');
    expect([...v].map((x) => Math.round(x * 1e4) / 1e4)).toEqual(PINNED_HELLO_WORLD_16);
  });

  it('ignores English stop words, unless the text has nothing else', async () => {
    const bare = await embedder.embed('deploy api gateway');
    const wordy = await embedder.embed('How do we deploy the API to the gateway?');
    expect([...wordy]).toEqual([...bare]);
    const onlyStopWords = await embedder.embed('what is it');
    const other = await embedder.embed('what was it');
    expect(norm(onlyStopWords)).toBeCloseTo(1, 5);
    expect(cosine(onlyStopWords, other)).toBeLessThan(0.99);
  });

  it('ignores case, width and Latin diacritics', async () => {
    expect(normaliseText('Ｃafé  NAÏVE')).toBe('cafe  naive');
    const plain = await embedder.embed('creme brulee recipe');
    const accented = await embedder.embed('CRÈME BRÛLÉE Recipe');
    expect([...accented]).toEqual([...plain]);
  });

  it('is lexical: shared words and fragments score higher than unrelated text', async () => {
    const [query, related, fragment, unrelated] = await embedder.embedMany([
      'run the postgres migrations',
      'postgres migrations run at startup',
      'postgresql migration',
      'the cat sat on a warm windowsill',
    ]);
    const q = query as Float32Array;
    expect(cosine(q, related as Float32Array)).toBeGreaterThan(0.4);
    expect(cosine(q, fragment as Float32Array)).toBeGreaterThan(
      cosine(q, unrelated as Float32Array),
    );
    expect(cosine(q, unrelated as Float32Array)).toBeLessThan(0.2);
  });

  it('weighs repeated words sublinearly', async () => {
    const once = await embedder.embed('cache');
    const many = await embedder.embed('cache cache cache cache cache cache cache cache');
    const other = await embedder.embed('cache invalidation');
    expect(cosine(once, many)).toBeGreaterThan(0.5);
    expect(cosine(many, other)).toBeGreaterThan(0.3);
  });

  it('embedMany equals embed, in order', async () => {
    const texts = ['one', 'two words', 'three word text'];
    const many = await embedder.embedMany(texts);
    const single = await Promise.all(texts.map((t) => embedder.embed(t)));
    expect(many.map((v) => [...v])).toEqual(single.map((v) => [...v]));
  });

  it('is symmetric: the input type changes nothing, an unknown one is rejected', async () => {
    const text = 'How are migrations versioned?';
    const document = await embedder.embed(text);
    expect([...(await embedder.embed(text, { inputType: 'query' }))]).toEqual([...document]);
    expect([...(await embedder.embed(text, { inputType: 'document' }))]).toEqual([...document]);
    const [many] = await embedder.embedMany([text], { inputType: 'query' });
    expect([...(many ?? [])]).toEqual([...document]);
    const bad = { inputType: 'passage' } as unknown as { inputType: 'query' };
    await expect(embedder.embed(text, bad)).rejects.toBeInstanceOf(ValidationError);
    await expect(embedder.embedMany([text], bad)).rejects.toBeInstanceOf(ValidationError);
  });

  it('never returns an all-zero vector: symbols only, one dimension, scripts without spaces', async () => {
    for (const [dimension, text] of [
      [256, '!!! ???'],
      [1, 'a'],
      [1, 'b c'],
      [2, '¿'],
      [64, '記憶の統合'],
      [8, '🙂'],
    ] as const) {
      const vector = await new HashingEmbedder({ dimension }).embed(text);
      expect(norm(vector), `${dimension} ${text}`).toBeCloseTo(1, 5);
      expect(() => toEmbedding(vector, dimension)).not.toThrow();
    }
  });

  it('rejects blank text and bad dimensions with ValidationError', async () => {
    await expect(embedder.embed('  \n\t')).rejects.toBeInstanceOf(ValidationError);
    await expect(embedder.embedMany(['ok', ''])).rejects.toThrow(/texts\[1\]/);
    for (const dimension of [0, -1, 1.5, 70_000, Number.NaN]) {
      expect(() => new HashingEmbedder({ dimension })).toThrow(ValidationError);
    }
  });
});

/** Reproduced independently from the algorithm as documented (a 30-line Python script). */
const PINNED_HELLO_WORLD_16 = [
  0.507, 0, 0, 0, 0.507, 0, -0.1268, -0.1268, 0.3803, -0.3803, 0.1268, 0.1268, -0.1268, -0.2535, 0,
  0.2282,
];
