import { describe, expect, it } from 'vitest';
import { bCubed } from '../src/b-cubed.js';
import {
  finalSuccessor,
  predictedClusters,
  representedNotes,
} from '../src/consolidation-outcome.js';
import type { ConsolidationOutcome } from '../src/consolidation-outcome.js';
import { contradictionScores } from '../src/contradiction-scores.js';
import { duplicateScores } from '../src/duplicate-scores.js';

const map = (entries: Record<string, string>) => new Map(Object.entries(entries));

describe('bCubed', () => {
  it('is perfect when the prediction equals the gold clustering, whatever the labels', () => {
    const gold = map({ a: 'g1', b: 'g1', c: 'g2' });
    expect(bCubed(gold, map({ a: 'x', b: 'x', c: 'y' }))).toEqual({
      precision: 1,
      recall: 1,
      f1: 1,
      items: 3,
    });
  });

  it('charges one big cluster in precision and all singletons in recall', () => {
    const gold = map({ a: 'g1', b: 'g1', c: 'g2' });
    const merged = bCubed(gold, map({ a: 'x', b: 'x', c: 'x' }));
    // a, b: 2/3 each; c: 1/3 → 5/9.
    expect(merged.precision).toBeCloseTo(5 / 9, 12);
    expect(merged.recall).toBe(1);
    expect(merged.f1).toBeCloseTo((2 * (5 / 9)) / (5 / 9 + 1), 12);
    const split = bCubed(gold, map({ a: 'x', b: 'y', c: 'z' }));
    expect(split.precision).toBe(1);
    // a, b: 1/2 each; c: 1 → 2/3.
    expect(split.recall).toBeCloseTo(2 / 3, 12);
  });

  it('averages over a subset while counting clusters over the whole universe', () => {
    const gold = map({ a: 'g1', b: 'g1', c: 'g2' });
    const scores = bCubed(gold, map({ a: 'x', b: 'x', c: 'x' }), ['c']);
    expect(scores).toMatchObject({ precision: 1 / 3, recall: 1, items: 1 });
    expect(bCubed(gold, map({ a: 'x', b: 'x', c: 'x' }), [])).toMatchObject({ f1: 0, items: 0 });
  });

  it('rejects an item without a label on either side', () => {
    expect(() => bCubed(map({ a: 'g' }), map({}))).toThrow(/no predicted cluster/);
    expect(() => bCubed(map({ a: 'g' }), map({ a: 'x' }), ['b'])).toThrow(/no gold group/);
  });
});

describe('consolidation outcome', () => {
  const outcome: ConsolidationOutcome = {
    noteMemory: new Map([
      ['a', 1],
      ['b', 2],
      ['c', 3],
      ['d', 4],
      ['e', 5],
    ]),
    // b → 9 → 10 (a chain), a → 10.
    supersededBy: new Map([
      [2, 9],
      [9, 10],
      [1, 10],
    ]),
    links: [
      { from: 3, to: 10, type: 'reinforces' },
      { from: 4, to: 5, type: 'contradicts' },
    ],
  };

  it('follows supersede chains to the end and rejects a cycle', () => {
    expect(finalSuccessor(outcome.supersededBy, 2)).toBe(10);
    expect(finalSuccessor(outcome.supersededBy, 4)).toBe(4);
    expect(() =>
      finalSuccessor(
        new Map([
          [1, 2],
          [2, 1],
        ]),
        1,
      ),
    ).toThrow(/cycle/);
  });

  it('clusters through supersedes and clustering links, not through contradictions', () => {
    const clusters = predictedClusters(outcome);
    expect(new Set([clusters.get('a'), clusters.get('b'), clusters.get('c')]).size).toBe(1);
    expect(clusters.get('d')).not.toBe(clusters.get('a'));
    expect(clusters.get('d')).not.toBe(clusters.get('e'));
  });

  it('lists the notes each final memory stands for', () => {
    const represented = representedNotes(outcome);
    expect(represented.get(10)).toEqual(['a', 'b']);
    expect(represented.get(3)).toEqual(['c']);
    expect(represented.has(2)).toBe(false);
  });
});

describe('duplicateScores', () => {
  const labels = {
    group: map({ d1: 'gd', d2: 'gd', d3: 'gd', r1: 'gr', r2: 'gr', s: 'ss', t: 'st' }),
    duplicateGroups: new Set(['gd']),
  };
  const notes = ['d1', 'd2', 'd3', 'r1', 'r2', 's', 't'];
  const noteMemory = new Map(notes.map((note, i) => [note, i + 1]));

  it('scores a clean pass: duplicates folded into their group, nothing else touched', () => {
    const scores = duplicateScores(
      {
        noteMemory,
        supersededBy: new Map([
          [2, 1],
          [3, 1],
        ]),
        links: [],
      },
      labels,
      notes,
    );
    expect(scores).toEqual({
      superseded: 2,
      correct: 2,
      rewordings: 0,
      wrong: 0,
      expected: 2,
      precision: 1,
      recall: 1,
    });
  });

  it('separates superseded rewordings from lost facts', () => {
    // r2 → r1 (same fact, reworded); t → s (different facts); d1 and d2 → a new memory 99.
    const scores = duplicateScores(
      {
        noteMemory,
        supersededBy: new Map([
          [5, 4],
          [7, 6],
          [1, 99],
          [2, 99],
        ]),
        links: [],
      },
      labels,
      notes,
    );
    expect(scores).toMatchObject({ superseded: 4, correct: 2, rewordings: 1, wrong: 1 });
    expect(scores.precision).toBe(0.5);
    expect(scores.recall).toBe(1);
  });

  it('counts a supersede into a memory that also stands for another group as wrong', () => {
    // d2 → s: s stands for itself and d2 now.
    const scores = duplicateScores(
      { noteMemory, supersededBy: new Map([[2, 6]]), links: [] },
      labels,
      notes,
    );
    expect(scores).toMatchObject({ superseded: 1, correct: 0, wrong: 1, precision: 0 });
    expect(scores.recall).toBe(0);
  });

  it('only counts the notes it is asked about', () => {
    const scores = duplicateScores(
      { noteMemory, supersededBy: new Map([[2, 1]]), links: [] },
      labels,
      ['r1', 'r2', 's'],
    );
    expect(scores).toMatchObject({ superseded: 0, expected: 0, precision: 1, recall: 1 });
  });
});

describe('contradictionScores', () => {
  const noteMemory = new Map([
    ['a', 1],
    ['a-c1', 2],
    ['b', 3],
    ['b-c1', 4],
    ['x', 5],
  ]);

  it('finds a pair through the successors of its notes, in either direction', () => {
    const scores = contradictionScores(
      {
        noteMemory,
        supersededBy: new Map([[1, 10]]),
        links: [
          { from: 2, to: 10, type: 'contradicts' },
          { from: 3, to: 4, type: 'reinforces' },
        ],
      },
      [
        ['a', 'a-c1'],
        ['b', 'b-c1'],
      ],
      ['a', 'a-c1', 'b', 'b-c1', 'x'],
    );
    expect(scores).toEqual({
      pairs: 2,
      detected: 1,
      links: 1,
      correctLinks: 1,
      recall: 0.5,
      precision: 1,
    });
  });

  it('charges invented contradictions of the evaluated notes only', () => {
    const scores = contradictionScores(
      {
        noteMemory,
        supersededBy: new Map(),
        links: [
          { from: 1, to: 5, type: 'contradicts' },
          { from: 3, to: 5, type: 'contradicts' },
        ],
      },
      [['a', 'a-c1']],
      ['a', 'a-c1'],
    );
    expect(scores).toMatchObject({ detected: 0, links: 1, correctLinks: 0, precision: 0 });
  });
});
