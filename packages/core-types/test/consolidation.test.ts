import { describe, expect, it } from 'vitest';
import {
  assertTransition,
  canTransition,
  CONSOLIDATION_STATES,
  CONSOLIDATION_TRANSITIONS,
  InvalidTransitionError,
  isConsolidationState,
} from '../src/index.js';
import type { ConsolidationState } from '../src/index.js';

const allowed: [ConsolidationState, ConsolidationState][] = [
  ['unconsolidated', 'consolidating'],
  ['consolidating', 'consolidated'],
  ['consolidating', 'unconsolidated'],
  ['consolidated', 'labile'],
  ['labile', 'reconsolidating'],
  ['reconsolidating', 'consolidated'],
  ...CONSOLIDATION_STATES.filter((s) => s !== 'superseded').map(
    (s) => [s, 'superseded'] as [ConsolidationState, ConsolidationState],
  ),
];

describe('consolidation state machine', () => {
  it('allows exactly the transitions of DESIGN.md', () => {
    const actual = CONSOLIDATION_STATES.flatMap((from) =>
      CONSOLIDATION_STATES.filter((to) => canTransition(from, to)).map((to) => `${from}->${to}`),
    ).sort();
    expect(actual).toEqual(allowed.map(([f, t]) => `${f}->${t}`).sort());
  });

  it('makes superseded terminal', () => {
    expect(CONSOLIDATION_TRANSITIONS.superseded).toEqual([]);
  });

  it('rejects skipping the claim step with a typed error naming both states', () => {
    expect(() => assertTransition('unconsolidated', 'consolidated', { memoryId: 7 })).toThrow(
      InvalidTransitionError,
    );
    try {
      assertTransition('unconsolidated', 'consolidated', { memoryId: 7 });
    } catch (error) {
      expect(error).toMatchObject({
        code: 'invalid_transition',
        details: { from: 'unconsolidated', to: 'consolidated', memoryId: 7 },
      });
    }
  });

  it('accepts every allowed transition without throwing', () => {
    for (const [from, to] of allowed) expect(() => assertTransition(from, to)).not.toThrow();
  });

  it('recognises state names', () => {
    expect(isConsolidationState('labile')).toBe(true);
    expect(isConsolidationState('LABILE')).toBe(false);
    expect(isConsolidationState(3)).toBe(false);
  });

  it('exposes frozen data', () => {
    expect(Object.isFrozen(CONSOLIDATION_TRANSITIONS)).toBe(true);
    expect(Object.isFrozen(CONSOLIDATION_TRANSITIONS.consolidated)).toBe(true);
  });
});
