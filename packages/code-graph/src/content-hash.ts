import { createHash } from 'node:crypto';

/**
 * A short, stable fingerprint of a text: the first 20 hex digits of its
 * SHA-1. It only has to tell one version of a file or declaration from the
 * next, not resist an attacker.
 *
 * @example
 * ```ts
 * contentHash('export const a = 1;\n'); // '…20 hex digits…'
 * ```
 */
export function contentHash(text: string): string {
  return createHash('sha1').update(text).digest('hex').slice(0, 20);
}
