// Letters, digits and combining marks: the characters unicode61 keeps in a token.
const WORD = /[\p{L}\p{N}\p{M}]+/gu;

/**
 * Turns plain user text into an FTS5 query that matches any of its words.
 * Each word is quoted as an FTS5 string, so quotes, operators (`AND`, `NEAR`,
 * `*`, `-`, `:`) and punctuation in the text can never act as query syntax.
 * Returns `null` when the text has no words.
 *
 * @example
 * ```ts
 * toFtsQuery('pnpm OR "npm"?'); // '"pnpm" OR "OR" OR "npm"'
 * ```
 */
export function toFtsQuery(text: string): string | null {
  const words = new Set<string>();
  for (const match of text.matchAll(WORD)) words.add(match[0].toLowerCase());
  if (words.size === 0) return null;
  return [...words].map((word) => `"${word.replaceAll('"', '""')}"`).join(' OR ');
}
