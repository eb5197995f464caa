import { describe, expect, it } from 'vitest';
import { representativesOf, scoreSplit } from '../src/consolidation-evaluation.js';
import type { ConsolidationOutcome } from '../src/consolidation-outcome.js';
import type { ConsolidationNote } from '../src/corpus.js';

const note = (
  id: string,
  group: string,
  kind: ConsolidationNote['kind'],
  split: ConsolidationNote['split'] = 'held-out',
): ConsolidationNote => ({
  id,
  content: id,
  memoryType: 'fact',
  domain: 'test',
  tags: [],
  group,
  kind,
  split,
});

describe('representativesOf', () => {
  it('follows supersedes, then the member → representative link', () => {
    const outcome: ConsolidationOutcome = {
      noteMemory: new Map([
        ['a', 1],
        ['b', 2],
        ['c', 3],
      ]),
      // b is a duplicate of a; c reinforces a; a is the representative.
      supersededBy: new Map([[2, 1]]),
      links: [{ from: 3, to: 1, type: 'reinforces' }],
    };
    expect(representativesOf(outcome, ['a', 'b', 'c'])).toEqual(new Set([1]));
  });

  it('counts a group split over two representatives twice, and ignores contradictions', () => {
    const outcome: ConsolidationOutcome = {
      noteMemory: new Map([
        ['a', 1],
        ['b', 2],
      ]),
      supersededBy: new Map(),
      links: [{ from: 2, to: 1, type: 'contradicts' }],
    };
    expect(representativesOf(outcome, ['a', 'b']).size).toBe(2);
  });
});

describe('scoreSplit', () => {
  it('scores only the notes of the split and counts merged contradicting pairs', () => {
    const notes = [
      note('d', 'gd', 'duplicate'),
      note('d-d1', 'gd', 'duplicate'),
      note('s', 's-s', 'singleton'),
      note('s-c1', 's-s-c1', 'singleton'),
      note('t', 's-t', 'singleton', 'tune'),
    ];
    const outcome: ConsolidationOutcome = {
      noteMemory: new Map(notes.map((n, i) => [n.id, i + 1])),
      // d-d1 → d (right); s-c1 reinforces s (a contradicting pair merged); t → d (tune: not scored).
      supersededBy: new Map([
        [2, 1],
        [5, 1],
      ]),
      links: [{ from: 4, to: 3, type: 'reinforces' }],
    };
    const scores = scoreSplit(
      outcome,
      notes,
      [{ notes: ['s', 's-c1'], split: 'held-out' }],
      'held-out',
    );
    expect(scores.clusters.items).toBe(4);
    expect(scores.clustersByKind.duplicate.f1).toBe(1);
    expect(scores.clustersByKind.singleton.precision).toBe(0.5);
    expect(scores.duplicates).toMatchObject({ superseded: 1, correct: 0, wrong: 1 });
    expect(scores.contradictionsMerged).toBe(1);
    expect(scores.contradictions.detected).toBe(0);
    expect(scores.representatives).toEqual({
      groups: 1,
      exactlyOne: 1,
      byKind: { duplicate: { groups: 1, exactlyOne: 1 } },
      others: {},
    });
  });
});
