import { describe, expect, it } from 'vitest';
import { isNegated, normalizedText, novelty } from '../src/text-signals.js';

describe('text signals', () => {
  it('counts contractions and "unless" as negations, so a rewording keeps its parity', () => {
    // n021 of the labelled consolidation set and its near duplicate.
    expect(isNegated("if it can't acquire its lock it fails fast")).toBe(
      isNegated('if it cannot acquire its lock it fails fast'),
    );
    // n132: "no … without approval" against "no … unless approved".
    expect(isNegated('no production deploys without explicit approval')).toBe(
      isNegated('no production deploys unless explicitly approved'),
    );
    for (const word of ["couldn't", "wouldn't", "hasn't", "haven't", "hadn't"])
      expect(isNegated(`it ${word} run`), word).toBe(true);
  });

  it('still tells an assertion from its denial', () => {
    expect(isNegated('we convert currencies ourselves')).toBe(false);
    expect(isNegated('we never convert currencies ourselves')).toBe(true);
  });

  it('normalises case and punctuation, and measures new words', () => {
    expect(normalizedText("Don't  use Redux!")).toBe('dont use redux');
    // Words of three letters or more: use, pnpm, workspaces; one is new.
    expect(novelty('use pnpm workspaces', 'use pnpm')).toBeCloseTo(1 / 3, 12);
  });
});
