import { finalSuccessor, representedNotes } from './consolidation-outcome.js';
import type { ConsolidationOutcome } from './consolidation-outcome.js';

/** The labels a supersede is judged against. */
export interface DuplicateLabels {
  /** Note id → group id. */
  readonly group: ReadonlyMap<string, string>;
  /** Group ids whose notes are near-exact duplicates of each other. */
  readonly duplicateGroups: ReadonlySet<string>;
}

/** How the superseded notes among `over` split up, and the detection scores. */
export interface DuplicateScores {
  /** Notes of `over` that were superseded. */
  readonly superseded: number;
  /** …by a memory that stands for their duplicate group only. */
  readonly correct: number;
  /** …being a rewording (same fact, not a duplicate), into its own group only. */
  readonly rewordings: number;
  /** …into a memory that also stands for another group, or being a singleton: a lost fact. */
  readonly wrong: number;
  /** Redundant notes: per duplicate group among `over`, its size minus one. */
  readonly expected: number;
  /** correct ÷ superseded (1 when nothing was superseded). */
  readonly precision: number;
  /** Σ per group min(correct, size − 1) ÷ expected (1 when nothing was expected). */
  readonly recall: number;
}

/**
 * Duplicate-detection scores over the notes `over`: a supersede is correct
 * when the note belongs to a duplicate group and the memory that finally
 * stands for it stands for notes of that group only; a supersede that merges
 * two groups, or swallows a note that has no duplicate, loses a fact.
 *
 * @example
 * ```ts
 * duplicateScores(outcome, labels, heldOutNotes); // { precision: 1, recall: 0.9, wrong: 0, … }
 * ```
 */
export function duplicateScores(
  outcome: ConsolidationOutcome,
  labels: DuplicateLabels,
  over: Iterable<string>,
): DuplicateScores {
  const represented = representedNotes(outcome);
  const notes = [...over];
  const groupOf = (note: string) => {
    const group = labels.group.get(note);
    if (group === undefined) throw new RangeError(`note ${note} has no group`);
    return group;
  };

  const fullGroupSize = new Map<string, number>();
  for (const group of labels.group.values())
    fullGroupSize.set(group, (fullGroupSize.get(group) ?? 0) + 1);

  let superseded = 0;
  let rewordings = 0;
  let wrong = 0;
  const correctByGroup = new Map<string, number>();
  const sizeByGroup = new Map<string, number>();
  for (const note of notes) {
    const group = groupOf(note);
    sizeByGroup.set(group, (sizeByGroup.get(group) ?? 0) + 1);
    const memory = outcome.noteMemory.get(note);
    if (memory === undefined) throw new RangeError(`note ${note} has no memory`);
    if (!outcome.supersededBy.has(memory)) continue;
    superseded += 1;
    const final = finalSuccessor(outcome.supersededBy, memory);
    const sameGroup = (represented.get(final) ?? []).every((other) => groupOf(other) === group);
    if (!sameGroup || (fullGroupSize.get(group) ?? 0) < 2) wrong += 1;
    else if (labels.duplicateGroups.has(group))
      correctByGroup.set(group, (correctByGroup.get(group) ?? 0) + 1);
    else rewordings += 1;
  }

  let expected = 0;
  let found = 0;
  for (const [group, size] of sizeByGroup) {
    if (!labels.duplicateGroups.has(group)) continue;
    expected += size - 1;
    found += Math.min(correctByGroup.get(group) ?? 0, size - 1);
  }
  const correct = [...correctByGroup.values()].reduce((sum, n) => sum + n, 0);
  return {
    superseded,
    correct,
    rewordings,
    wrong,
    expected,
    precision: superseded === 0 ? 1 : correct / superseded,
    recall: expected === 0 ? 1 : found / expected,
  };
}
