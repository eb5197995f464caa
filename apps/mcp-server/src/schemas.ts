import { z } from 'zod';

/** A zod enum of one of core-types' value lists (`MEMORY_TYPES`, `TASK_STATUSES`, …). */
export function oneOf<T extends string>(values: readonly T[]): z.ZodEnum<{ [K in T]: K }> {
  return z.enum(values as unknown as [T, ...T[]]);
}

/** A text with something in it besides whitespace. */
export const TEXT = z.string().regex(/\S/, 'must not be blank');

/** A record id. */
export const ID = z.number().int().positive();

/** A date or an instant, ISO 8601: `2025-12-31` or `2025-12-31T17:00:00Z`. */
export const INSTANT = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}/, 'must be an ISO 8601 date or instant, e.g. 2025-12-31')
  .refine((value) => !Number.isNaN(new Date(value).getTime()), 'must be a valid date')
  .describe('ISO 8601 date or instant, e.g. 2025-12-31 or 2025-12-31T17:00:00Z');

/** A score in [0, 1]. */
export const UNIT = z.number().min(0).max(1);

/** `{ key: value }` without the keys whose value is undefined (the stores' inputs are exact). */
export function defined<T extends Record<string, unknown>>(
  input: T,
): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}
