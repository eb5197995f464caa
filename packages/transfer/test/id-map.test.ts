import { describe, expect, it } from 'vitest';
import { IdMap } from '../src/index.js';

describe('IdMap', () => {
  it('keeps consecutive pairs as one run, and a run per gap', () => {
    const map = new IdMap();
    for (let i = 1; i <= 10_000; i++) map.append(i, i + 500);
    expect(map).toMatchObject({ size: 10_000, runs: 1, lastOld: 10_000 });
    map.append(10_005, 10_501); // a gap in the old ids
    map.append(10_006, 10_510); // a gap in the new ids
    expect(map.runs).toBe(3);
    expect(map.get(1)).toBe(501);
    expect(map.get(10_000)).toBe(10_500);
    expect(map.get(10_005)).toBe(10_501);
    expect(map.get(10_006)).toBe(10_510);
    expect(map.get(10_001)).toBeUndefined();
    expect(map.get(0)).toBeUndefined();
    expect(map.get(20_000)).toBeUndefined();
  });

  it('refuses an old id that does not ascend, and a new id that does not', () => {
    const map = new IdMap();
    expect(map.append(5, 1)).toBe(true);
    expect(map.append(5, 2)).toBe(false);
    expect(map.append(4, 2)).toBe(false);
    expect(() => map.append(6, 1)).toThrow(RangeError);
    expect(map.size).toBe(1);
  });

  it('finds every id among many runs', () => {
    const map = new IdMap();
    const pairs: [number, number][] = [];
    let next = 1;
    for (let old = 3; old < 5_000; old += 1 + (old % 7 === 0 ? 3 : 0)) {
      next += old % 11 === 0 ? 2 : 1;
      map.append(old, next);
      pairs.push([old, next]);
    }
    expect(map.runs).toBeGreaterThan(100);
    for (const [old, id] of pairs) expect(map.get(old)).toBe(id);
  });
});
