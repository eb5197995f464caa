import { z } from 'zod';
import { ValidationError } from '../errors.js';
import { parseWith } from './internal.js';
import { LIMITS } from './limits.js';

const pageSchema = z.object({
  limit: z.number().int('must be an integer').min(1).max(LIMITS.limit).default(50),
  after: z.string().min(1).nullable().default(null),
});

/** Validated paging options. */
export interface NormalizedPage {
  readonly limit: number;
  readonly after: string | null;
}

/** Validates {@link PageOptions} (limit default 50). */
export function parsePage(
  options: { limit?: unknown; after?: unknown } | undefined,
): NormalizedPage {
  return parseWith(pageSchema, { limit: options?.limit, after: options?.after ?? null }, 'page');
}

/**
 * Encodes keyset values into an opaque cursor.
 *
 * @example
 * ```ts
 * const next = encodeCursor([lastRow.id]);
 * ```
 */
export function encodeCursor(values: readonly (number | string)[]): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

/** Decodes a cursor made by {@link encodeCursor} holding `arity` numbers; a `ValidationError` otherwise. */
export function decodeCursor(cursor: string, arity: number): number[] {
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (cause) {
    throw new ValidationError(
      'invalid cursor: not a cursor returned by this store',
      [{ path: 'after', message: 'malformed' }],
      { cause },
    );
  }
  if (
    !Array.isArray(values) ||
    values.length !== arity ||
    !values.every((v) => Number.isSafeInteger(v))
  ) {
    throw new ValidationError('invalid cursor: not a cursor returned by this store', [
      { path: 'after', message: 'malformed' },
    ]);
  }
  return values as number[];
}
