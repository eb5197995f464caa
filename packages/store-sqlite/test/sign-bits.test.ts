import { describe, expect, it } from 'vitest';
import { SignBitPool } from '../src/sign-bits.js';

/** A deterministic pseudo-random generator (LCG), so the data never changes. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

function randomBits(next: () => number, bytes: number): Uint8Array {
  return Uint8Array.from({ length: bytes }, () => Math.floor(next() * 256));
}

/** Hamming distance, bit by bit: the reference the pool's word-wise count must match. */
function hamming(a: Uint8Array, b: Uint8Array): number {
  let distance = 0;
  for (let i = 0; i < a.length; i++) {
    for (let bit = 0; bit < 8; bit++) distance += (((a[i] ?? 0) ^ (b[i] ?? 0)) >> bit) & 1;
  }
  return distance;
}

describe('SignBitPool', () => {
  it.each([96, 17, 1])(
    'returns the count nearest by Hamming distance, bit for bit (%i bytes)',
    (bytes) => {
      const next = random(bytes);
      const rows = Array.from(
        { length: 300 },
        (_, i) => [1_000 + 3 * i, randomBits(next, bytes)] as const,
      );
      const pool = new SignBitPool(rows, bytes);
      for (let q = 0; q < 5; q++) {
        const query = randomBits(next, bytes);
        const count = 1 + q * 20;
        const found = pool.nearest(query, -1, count);
        expect(found).toHaveLength(count);
        expect(new Set(found).size).toBe(count);
        // Every memory left out is at least as far as every memory taken.
        const distanceOf = new Map(rows.map(([id, bits]) => [id, hamming(bits, query)]));
        const farthestTaken = Math.max(...found.map((id) => distanceOf.get(id) ?? Infinity));
        const taken = new Set(found);
        for (const [id, distance] of distanceOf) {
          if (!taken.has(id)) expect(distance).toBeGreaterThanOrEqual(farthestTaken);
        }
      }
    },
  );

  it('leaves the source out, breaks ties by the order given, and returns all when asked for more', () => {
    const same = Uint8Array.from([0b1010, 0, 0]);
    const rows = [
      [5, Uint8Array.from([0b1011, 0, 0])], // distance 1
      [2, same], // the source itself, distance 0
      [9, Uint8Array.from([0b1000, 0, 0])], // distance 1
      [7, Uint8Array.from([0b1010, 0, 0b1])], // distance 1
      [4, Uint8Array.from([0b0101, 0, 0])], // distance 4
    ] as const;
    const pool = new SignBitPool(rows, 3);
    expect(pool.nearest(same, 2, 2)).toEqual([5, 9]);
    expect(pool.nearest(same, 2, 3)).toEqual([5, 9, 7]);
    expect(pool.nearest(same, 2, 10).sort((a, b) => a - b)).toEqual([4, 5, 7, 9]);
    expect(pool.nearest(same, 9, 1)).toEqual([2]);
    expect(pool.nearest(same, 2, 0)).toEqual([]);
    expect(new SignBitPool([], 3).nearest(same, 2, 5)).toEqual([]);
  });
});
