/**
 * The building blocks the validation modules share: the zod runner that turns
 * issues into a {@link ValidationError}, and the field schemas (texts, ids,
 * instants, …) every domain's schemas are made of. Not part of the package's
 * API: `validation/index.ts` does not re-export this module.
 */
import { z } from 'zod';
import { CONSOLIDATION_STATES } from '../consolidation.js';
import type { ConsolidationState } from '../consolidation.js';
import { ValidationError } from '../errors.js';
import type { ValidationIssue } from '../errors.js';
import { LIMITS } from './limits.js';

/** Converts zod issues into a {@link ValidationError} that names every bad field. */
function toValidationError(what: string, error: z.ZodError): ValidationError {
  const issues: ValidationIssue[] = error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({
          path: formatPath(what, [...issue.path, key]),
          message: 'unknown field',
        }))
      : [{ path: formatPath(what, issue.path), message: issue.message }],
  );
  const summary = issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
  return new ValidationError(`invalid ${what}: ${summary}`, issues, { cause: error });
}

function formatPath(root: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : `${acc}.${String(key)}`),
    root,
  );
}

/** `schema`'s output for `value`; a {@link ValidationError} whose paths start at `what` otherwise. */
export function parseWith<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw toValidationError(what, result.error);
  return result.data;
}

export const noNul = (value: string) => !value.includes('\u0000');
export const NUL_MESSAGE = 'must not contain NUL (\\u0000) characters';
// In a `u` regex a surrogate pair is one code point: only a lone surrogate matches.
const LONE_SURROGATE = /\p{Surrogate}/u;
export const wellFormed = (value: string) => !LONE_SURROGATE.test(value);
export const WELL_FORMED_MESSAGE = 'must be well-formed UTF-16 (no lone surrogate \\uD800–\\uDFFF)';

export const shortText = z
  .string()
  .min(1, 'must not be empty')
  .max(LIMITS.shortText, `must be at most ${LIMITS.shortText} characters`)
  .refine(noNul, NUL_MESSAGE)
  .refine(wellFormed, WELL_FORMED_MESSAGE);
export const content = z
  .string()
  .refine((value) => value.trim().length > 0, 'must not be empty or blank')
  .refine(
    (value) => value.length <= LIMITS.contentLength,
    `must be at most ${LIMITS.contentLength} characters`,
  )
  .refine(noNul, NUL_MESSAGE)
  .refine(wellFormed, WELL_FORMED_MESSAGE);
export const longText = z
  .string()
  .max(LIMITS.contentLength, `must be at most ${LIMITS.contentLength} characters`)
  .refine(noNul, NUL_MESSAGE)
  .refine(wellFormed, WELL_FORMED_MESSAGE);

export const unit = z.number().finite().min(0, 'must be in [0, 1]').max(1, 'must be in [0, 1]');
export const id = z
  .number()
  .int('must be an integer')
  .positive('must be a positive integer')
  .max(Number.MAX_SAFE_INTEGER);
export const count = z
  .number()
  .int('must be an integer')
  .min(0, 'must be ≥ 0')
  .max(2 ** 31 - 1);
export const instant = z
  .date({ error: 'must be a valid Date' })
  .min(LIMITS.earliestInstant, 'must be in the years 0001–9999')
  .max(LIMITS.latestInstant, 'must be in the years 0001–9999');
export const priority = z
  .number()
  .int('must be an integer')
  .min(1, 'must be in 1–10')
  .max(10, 'must be in 1–10');
export const limit = (fallback: number) =>
  z
    .number()
    .int('must be an integer')
    .min(1, 'must be ≥ 1')
    .max(LIMITS.limit, `must be ≤ ${LIMITS.limit}`)
    .default(fallback);

export const lineNumber = z.number().int().min(1, 'must be ≥ 1');

/** A non-empty list of consolidation states, repeats removed. */
export const consolidationStateList = z
  .array(z.enum(CONSOLIDATION_STATES as [string, ...string[]]))
  .min(1, 'must name at least one state')
  .transform((states) => [...new Set(states)] as ConsolidationState[]);

// The fields of a consolidation run: `consolidation.recordRun()` input and its record.
const runCount = z
  .number()
  .int('must be an integer')
  .min(0, 'must be at least 0')
  .max(Number.MAX_SAFE_INTEGER);
export const runFields = {
  workerId: shortText,
  startedAt: instant,
  finishedAt: instant,
  claimed: runCount,
  clusters: runCount,
  created: runCount,
  superseded: runCount,
  linked: runCount,
  episodes: runCount,
  released: runCount,
  closed: runCount,
  fallbacks: runCount,
  errors: runCount,
  error: longText.nullable(),
  phases: z.record(shortText, z.number().finite().min(0, 'must be at least 0')),
};
export const finishedAfterStart: [
  (run: { startedAt: Date; finishedAt: Date }) => boolean,
  { message: string; path: string[] },
] = [
  (run) => run.finishedAt.getTime() >= run.startedAt.getTime(),
  { message: 'must not be before startedAt', path: ['finishedAt'] },
];

/** `value` without its `undefined` fields: a patch names only what it changes. */
export function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
