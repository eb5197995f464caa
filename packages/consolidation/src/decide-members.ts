import type { RelationshipType } from '@athena/core-types';
import { cosine } from './cosine.js';
import type { PlanMemory } from './plan-clusters.js';
import type { MemberRelation } from './summarizer.js';
import { isNegated, normalizedText, novelty } from './text-signals.js';

/** What happens to one member of a cluster. */
export type MemberDecision =
  | { readonly id: number; readonly action: 'supersede'; readonly similarity: number }
  | {
      readonly id: number;
      readonly action: 'link';
      readonly relation: Extract<RelationshipType, MemberRelation>;
      readonly similarity: number;
    };

/**
 * Two texts either of which has more than this share of words the other
 * lacks are a rewording, never superseded for their similarity alone. Set on
 * the tune half of the labelled set: its near duplicates differ by at most
 * 0.21, its shared-term rewordings by 0.21 (one) and 0.27 or more (nine).
 */
export const DUPLICATE_NOVELTY = 0.24;

/** Whether `a` duplicates `b`: the same text, or at least `threshold` similar and no rewording of it. */
export function isDuplicate(
  a: { readonly content: string; readonly embedding: Float32Array },
  b: { readonly content: string; readonly embedding: Float32Array },
  threshold: number,
): boolean {
  if (normalizedText(a.content) === normalizedText(b.content)) return true;
  return (
    cosine(a.embedding, b.embedding) >= threshold &&
    Math.max(novelty(a.content, b.content), novelty(b.content, a.content)) <= DUPLICATE_NOVELTY
  );
}

/** A member adding at least this share of new words extends the representative rather than reinforcing it. */
export const EXTENDS_NOVELTY = 0.25;

/**
 * Decides each member's fate against the representative: a member that
 * contradicts it (the summarizer says so, or exactly one of the two is
 * negated) is linked `contradicts` and never superseded; an identical text,
 * or one at least `duplicateThreshold` similar, is superseded, and so is a
 * member in `duplicates` (it duplicates a memory that already stands for the
 * representative: a member linked to it, or a copy it superseded), or that
 * duplicates an earlier member of the cluster kept beside it; any other is
 * linked `extends` when it adds words (or the summarizer says so) and
 * `reinforces` otherwise.
 *
 * @example
 * ```ts
 * decideMembers({ content: 'Use pnpm', embedding }, members, { duplicateThreshold: 0.92 });
 * ```
 */
export function decideMembers(
  representative: { readonly content: string; readonly embedding: Float32Array },
  members: readonly PlanMemory[],
  options: {
    readonly duplicateThreshold: number;
    readonly relations?: ReadonlyMap<number, MemberRelation>;
    readonly duplicates?: ReadonlySet<number>;
  },
): MemberDecision[] {
  const repNegated = isNegated(representative.content);
  // Members linked so far: a later copy of one of them adds nothing.
  const kept: PlanMemory[] = [];
  return members.map((member) => {
    const similarity = cosine(member.embedding, representative.embedding);
    const said = options.relations?.get(member.id);
    const contradicts = said === 'contradicts' || isNegated(member.content) !== repNegated;
    if (contradicts) return { id: member.id, action: 'link', relation: 'contradicts', similarity };
    if (
      isDuplicate(member, representative, options.duplicateThreshold) ||
      options.duplicates?.has(member.id) === true ||
      kept.some((k) => isDuplicate(member, k, options.duplicateThreshold))
    ) {
      return { id: member.id, action: 'supersede', similarity };
    }
    kept.push(member);
    const relation =
      said ??
      (novelty(member.content, representative.content) >= EXTENDS_NOVELTY
        ? 'extends'
        : 'reinforces');
    return { id: member.id, action: 'link', relation, similarity };
  });
}
