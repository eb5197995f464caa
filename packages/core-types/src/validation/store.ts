import { z } from 'zod';
import { ValidationError } from '../errors.js';
import { count, id, parseWith } from './internal.js';

const bulkLoadSchema = z.object({ memories: count.default(0) }).strict();

/** Validates `store.bulkLoad()` options (memories default 0). */
export function parseBulkLoadOptions(options: unknown): { readonly memories: number } {
  return parseWith(bulkLoadSchema, options ?? {}, 'options');
}

const statsOptionsSchema = z.object({ projectId: id.optional() }).strict();

/** Validates `store.stats()` options: `projectId` is `null` for the whole database. */
export function parseStatsOptions(options: unknown): { readonly projectId: number | null } {
  return { projectId: parseWith(statsOptionsSchema, options ?? {}, 'options').projectId ?? null };
}

/**
 * Checks the callback of `store.transaction()` / `bulkLoad()` before any
 * transaction opens.
 *
 * @example
 * ```ts
 * parseTransactionCallback(fn); // fn, or a ValidationError naming `fn`
 * ```
 */
export function parseTransactionCallback<F>(fn: F): F {
  if (typeof fn !== 'function') {
    throw new ValidationError(`invalid fn: must be a function, got ${describeValue(fn)}`, [
      { path: 'fn', message: 'must be a function' },
    ]);
  }
  return fn;
}

function describeValue(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}
