import { finalSuccessor, representedNotes } from './consolidation-outcome.js';
import type { ConsolidationOutcome } from './consolidation-outcome.js';

/** How many labelled contradictions a pass found, and how many it invented. */
export interface ContradictionScores {
  readonly pairs: number;
  /** Labelled pairs joined by a `contradicts` link (on the notes or their successors). */
  readonly detected: number;
  /** `contradicts` links that touch a note of the pairs' split. */
  readonly links: number;
  /** …of which join the two sides of a labelled pair. */
  readonly correctLinks: number;
  /** detected ÷ pairs (1 when there are no pairs). */
  readonly recall: number;
  /** correctLinks ÷ links (1 when there are no links). */
  readonly precision: number;
}

/**
 * Contradiction detection over labelled pairs of notes: a pair counts as
 * detected when a `contradicts` link joins the memories that finally stand
 * for its two notes (either direction). Links are counted when one end
 * stands for a note of `notes` (the evaluated split), so links of the other
 * split are neither credited nor charged.
 *
 * @example
 * ```ts
 * contradictionScores(outcome, [['n014', 'n014-c1']], heldOutNotes); // { recall: 1, precision: 1, … }
 * ```
 */
export function contradictionScores(
  outcome: ConsolidationOutcome,
  pairs: readonly (readonly [string, string])[],
  notes: Iterable<string>,
): ContradictionScores {
  const represented = representedNotes(outcome);
  const final = (note: string) => {
    const memory = outcome.noteMemory.get(note);
    if (memory === undefined) throw new RangeError(`note ${note} has no memory`);
    return finalSuccessor(outcome.supersededBy, memory);
  };
  const evaluated = new Set(notes);
  const labelled = new Set(pairs.flatMap(([a, b]) => [`${a}\u0000${b}`, `${b}\u0000${a}`]));
  const contradicting = outcome.links
    .filter((link) => link.type === 'contradicts')
    .map(
      (link) =>
        [
          finalSuccessor(outcome.supersededBy, link.from),
          finalSuccessor(outcome.supersededBy, link.to),
        ] as const,
    );

  let links = 0;
  let correctLinks = 0;
  for (const [from, to] of contradicting) {
    const fromNotes = represented.get(from) ?? [];
    const toNotes = represented.get(to) ?? [];
    if (![...fromNotes, ...toNotes].some((note) => evaluated.has(note))) continue;
    links += 1;
    if (fromNotes.some((a) => toNotes.some((b) => labelled.has(`${a}\u0000${b}`))))
      correctLinks += 1;
  }

  const joined = new Set(contradicting.flatMap(([a, b]) => [`${a}:${b}`, `${b}:${a}`]));
  const detected = pairs.filter(([a, b]) => joined.has(`${final(a)}:${final(b)}`)).length;
  return {
    pairs: pairs.length,
    detected,
    links,
    correctLinks,
    recall: pairs.length === 0 ? 1 : detected / pairs.length,
    precision: links === 0 ? 1 : correctLinks / links,
  };
}
