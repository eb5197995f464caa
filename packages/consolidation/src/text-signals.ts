/**
 * Cheap lexical signals of the fast path: whether two texts say the same
 * thing word for word, whether one adds words the other lacks, and whether
 * one negates what the other asserts.
 */

const WORD = /[\p{L}\p{N}]+/gu;
const NEGATIONS = new Set([
  'not',
  'no',
  'never',
  'none',
  'nothing',
  'neither',
  'nor',
  'cannot',
  'cant',
  'couldnt',
  'wouldnt',
  'dont',
  'doesnt',
  'didnt',
  'isnt',
  'arent',
  'wasnt',
  'werent',
  'wont',
  'shouldnt',
  'mustnt',
  'hasnt',
  'havent',
  'hadnt',
  'avoid',
  'without',
  // "unless approved" = "without approval": a rewording swapping one for the other must not flip the parity.
  'unless',
]);

/** Lower-cased words of `text`, apostrophes dropped (`don't` → `dont`). */
export function words(text: string): string[] {
  return text.toLowerCase().replace(/['’]/g, '').match(WORD) ?? [];
}

/** The text with case, punctuation and spacing normalised: equal for exact duplicates. */
export function normalizedText(text: string): string {
  return words(text).join(' ');
}

/** Whether the text contains an odd number of negations (it denies rather than asserts). */
export function isNegated(text: string): boolean {
  let count = 0;
  for (const word of words(text)) if (NEGATIONS.has(word)) count += 1;
  return count % 2 === 1;
}

/**
 * Share of the words of `member` (three letters or more) that `base` lacks,
 * in [0, 1]: what the member adds to the representative.
 */
export function novelty(member: string, base: string): number {
  const known = new Set(words(base));
  const own = [...new Set(words(member).filter((word) => word.length >= 3))];
  if (own.length === 0) return 0;
  return own.filter((word) => !known.has(word)).length / own.length;
}
