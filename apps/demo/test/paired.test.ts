import { describe, expect, it } from 'vitest';
import { comparePaired } from '../src/paired.js';

describe('comparePaired', () => {
  it('counts wins, losses and ties query by query', () => {
    const result = comparePaired([1, 0.5, 0, 1, 0.2], [0, 0.5, 1, 0.5, 0.2]);
    expect(result).toMatchObject({ wins: 2, losses: 1, ties: 2 });
    expect(result.meanDifference).toBeCloseTo((1 + 0 - 1 + 0.5 + 0) / 5, 12);
  });

  it('gives a zero-width interval when every query differs by the same amount', () => {
    const result = comparePaired([0.75, 0.5, 1], [0.5, 0.25, 0.75]);
    expect(result.interval[0]).toBeCloseTo(0.25, 12);
    expect(result.interval[1]).toBeCloseTo(0.25, 12);
  });

  it('brackets the mean difference, and excludes 0 only for a consistent difference', () => {
    // 60 queries: one lucky win is not evidence …
    const oneWin = comparePaired(
      Array.from({ length: 60 }, (_, i) => (i === 0 ? 1 : 0.5)),
      Array.from({ length: 60 }, () => 0.5),
    );
    expect(oneWin.interval[0]).toBeLessThanOrEqual(0);
    expect(oneWin.interval[0]).toBeLessThanOrEqual(oneWin.meanDifference);
    expect(oneWin.interval[1]).toBeGreaterThanOrEqual(oneWin.meanDifference);
    // … while winning 20 of 60 and losing none is.
    const many = comparePaired(
      Array.from({ length: 60 }, (_, i) => (i % 3 === 0 ? 1 : 0.5)),
      Array.from({ length: 60 }, () => 0.5),
    );
    expect(many.interval[0]).toBeGreaterThan(0);
    expect(many.interval[1]).toBeLessThan(0.5);
  });

  it('is reproducible for a seed and narrows with the confidence level', () => {
    const a = [1, 0, 1, 1, 0, 0.5, 1, 0];
    const b = [0, 0, 1, 0.5, 1, 0.5, 0, 0];
    expect(comparePaired(a, b, { seed: 7 })).toEqual(comparePaired(a, b, { seed: 7 }));
    const wide = comparePaired(a, b, { confidence: 0.99 });
    const narrow = comparePaired(a, b, { confidence: 0.5 });
    expect(narrow.interval[0]).toBeGreaterThanOrEqual(wide.interval[0]);
    expect(narrow.interval[1]).toBeLessThanOrEqual(wide.interval[1]);
  });

  it('rejects lists of different lengths or empty lists', () => {
    expect(() => comparePaired([1, 0], [1])).toThrow(/equal length, got 2 and 1/);
    expect(() => comparePaired([], [])).toThrow(RangeError);
  });
});
