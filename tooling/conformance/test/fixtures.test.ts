import { describe, expect, it } from 'vitest';
import {
  DIMENSION,
  QUERY,
  atCosine,
  cosine,
  ids,
  minutesAfter,
  nth,
  randomVector,
  seededRandom,
  unitVector,
} from '../src/fixtures.js';

// The suite's expected answers are computed from these builders, so they are
// checked on their own, without any store.
describe('fixtures', () => {
  it('atCosine() builds unit vectors at exactly the requested cosine to the query', () => {
    for (const c of [1, 0.95, 0.5, 0, -0.3, -1]) {
      const vector = atCosine(c, { other: 3 });
      expect(vector).toHaveLength(DIMENSION);
      expect(Math.hypot(...vector)).toBeCloseTo(1, 12);
      expect(cosine(QUERY, vector)).toBeCloseTo(c, 6);
    }
  });

  it('cosine() ignores length and is symmetric', () => {
    expect(cosine([2, 0, 0], [0.5, 0, 0])).toBe(1);
    expect(cosine([1, 0, 0], [0, 3, 0])).toBe(0);
    expect(cosine([1, 1, 0], [-2, -2, 0])).toBeCloseTo(-1, 12);
    expect(cosine(unitVector(1), atCosine(0.4, { axis: 1, other: 2 }))).toBeCloseTo(0.4, 6);
  });

  it('seededRandom() repeats its sequence for a seed and differs across seeds', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const c = seededRandom(8);
    const first = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(first);
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(first);
    for (const value of first) {
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
    }
    expect(randomVector(seededRandom(1))).toEqual(randomVector(seededRandom(1)));
  });

  it('small helpers', () => {
    expect(ids([{ id: 3 }, { memory: { id: 1 } }])).toEqual([3, 1]);
    expect(() => nth([], 0)).toThrow();
    expect(minutesAfter(new Date('2024-01-01T00:00:00Z'), 90).toISOString()).toBe(
      '2024-01-01T01:30:00.000Z',
    );
  });
});
