import { z } from 'zod';
import { id, instant, parseWith } from './internal.js';
import { LIMITS } from './limits.js';

/**
 * Checks a row id (project, memory, goal, …): a positive safe integer.
 *
 * @example
 * ```ts
 * parseId(projectId, 'projectId');
 * ```
 */
export function parseId(value: unknown, what = 'id'): number {
  return parseWith(id, value, what);
}

// Schemas are built once: zod compiles each one, which costs far more than a parse.
const idsSchema = z.array(id).max(LIMITS.batch);

/** Checks a list of ids (deduplicated, at most {@link LIMITS}.batch). */
export function parseIds(value: unknown, what = 'ids'): number[] {
  const ids = parseWith(idsSchema, value, what);
  return [...new Set(ids)];
}

/** Checks an optional instant, defaulting to now. */
export function parseInstant(value: unknown, what = 'at'): Date {
  return value === undefined ? new Date() : parseWith(instant, value, what);
}
