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

/** A member adding at least this share of new words extends the representative rather than reinforcing it. */
export const EXTENDS_NOVELTY = 0.25;

/**
 * Decides each member's fate against the representative: a member that
 * contradicts it (the summarizer says so, or exactly one of the two is
 * negated) is linked `contradicts` and never superseded; an identical text,
 * or one at least `duplicateThreshold` similar, is superseded; any other is
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
  },
): MemberDecision[] {
  const repText = normalizedText(representative.content);
  const repNegated = isNegated(representative.content);
  return members.map((member) => {
    const similarity = cosine(member.embedding, representative.embedding);
    const said = options.relations?.get(member.id);
    const contradicts = said === 'contradicts' || isNegated(member.content) !== repNegated;
    if (contradicts) return { id: member.id, action: 'link', relation: 'contradicts', similarity };
    if (normalizedText(member.content) === repText || similarity >= options.duplicateThreshold) {
      return { id: member.id, action: 'supersede', similarity };
    }
    const relation =
      said ??
      (novelty(member.content, representative.content) >= EXTENDS_NOVELTY
        ? 'extends'
        : 'reinforces');
    return { id: member.id, action: 'link', relation, similarity };
  });
}
