import { z } from 'zod';
import { CONSOLIDATION_STATES } from '../consolidation.js';
import type { ConsolidationState } from '../consolidation.js';
import type { ConsolidationRunInput } from '../consolidation-run.js';
import { ValidationError } from '../errors.js';
import type { ValidationIssue } from '../errors.js';
import {
  consolidationStateList,
  dropUndefined,
  finishedAfterStart,
  id,
  instant,
  limit,
  longText,
  parseWith,
  runFields,
  shortText,
} from './internal.js';
import { LIMITS } from './limits.js';

const consolidationStateSchema = z.enum(CONSOLIDATION_STATES as [string, ...string[]]);

/** Validates a target consolidation state. */
export function parseConsolidationState(value: unknown, what = 'to'): ConsolidationState {
  return parseWith(consolidationStateSchema, value, what) as ConsolidationState;
}

const transitionSchema = z
  .object({
    reason: longText.nullable().default(null),
    actor: shortText.nullable().default(null),
    supersededBy: id.optional(),
    at: instant.optional(),
  })
  .strict();

/**
 * Validates `consolidation.transition()` options for a move of `memoryId` to
 * `to`: `supersededBy` is required when moving to `superseded`, allowed only
 * then, and must name a different memory.
 */
export function parseTransitionOptions(
  options: unknown,
  to: ConsolidationState,
  memoryId: number,
): {
  readonly reason: string | null;
  readonly actor: string | null;
  readonly supersededBy?: number;
  readonly at: Date;
} {
  const parsed = parseWith(transitionSchema, options ?? {}, 'options');
  const problem =
    to === 'superseded' && parsed.supersededBy === undefined
      ? 'required when moving to superseded'
      : to !== 'superseded' && parsed.supersededBy !== undefined
        ? 'only allowed when moving to superseded'
        : parsed.supersededBy === memoryId
          ? 'must be a different memory: a memory cannot supersede itself'
          : undefined;
  if (problem !== undefined) {
    throw new ValidationError(`invalid options: supersededBy ${problem}`, [
      { path: 'options.supersededBy', message: problem },
    ]);
  }
  return { ...parsed, at: parsed.at ?? new Date() };
}

const claimSchema = z
  .object({
    worker: shortText,
    limit: limit(10),
    leaseMs: z
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 3_600_000)
      .default(300_000),
    now: instant.optional(),
  })
  .strict();

/** Validates `consolidation.claimBatch()` options. */
export function parseClaimBatch(options: unknown): {
  readonly worker: string;
  readonly limit: number;
  readonly leaseMs: number;
  readonly now: Date;
} {
  const parsed = parseWith(claimSchema, options, 'options');
  return { ...parsed, now: parsed.now ?? new Date() };
}

const reconsolidationWindowSchema = z
  .object({
    windowMinutes: z.number().finite().positive().default(60),
    now: instant.optional(),
  })
  .strict();

/** Validates `consolidation.reconsolidationWindow()` options. */
export function parseReconsolidationWindow(options: unknown): {
  readonly windowMinutes: number;
  readonly now: Date;
} {
  const parsed = parseWith(reconsolidationWindowSchema, options ?? {}, 'options');
  return { windowMinutes: parsed.windowMinutes, now: parsed.now ?? new Date() };
}

const transitionChangeSchema = z
  .object({
    memoryId: id,
    to: consolidationStateSchema,
    supersededBy: id.optional(),
  })
  .strict();
const transitionManySchema = z.array(transitionChangeSchema).max(LIMITS.batch);
const transitionManyOptionsSchema = z
  .object({
    reason: longText.nullable().default(null),
    actor: shortText.nullable().default(null),
    at: instant.optional(),
  })
  .strict();

/** A validated change of `consolidation.transitionMany()`. */
export interface NormalizedTransitionChange {
  readonly memoryId: number;
  readonly to: ConsolidationState;
  readonly supersededBy: number | null;
}

/**
 * Validates `consolidation.transitionMany()` input: each change names a
 * memory and a state, `supersededBy` exactly when moving to `superseded`
 * (and another memory).
 */
export function parseTransitionMany(
  changes: unknown,
  options: unknown,
): {
  readonly changes: readonly NormalizedTransitionChange[];
  readonly reason: string | null;
  readonly actor: string | null;
  readonly at: Date;
} {
  const parsed = parseWith(transitionManySchema, changes, 'changes');
  const issues: ValidationIssue[] = [];
  parsed.forEach((change, i) => {
    const problem =
      change.to === 'superseded' && change.supersededBy === undefined
        ? 'required when moving to superseded'
        : change.to !== 'superseded' && change.supersededBy !== undefined
          ? 'only allowed when moving to superseded'
          : change.supersededBy === change.memoryId
            ? 'must be a different memory: a memory cannot supersede itself'
            : undefined;
    if (problem !== undefined)
      issues.push({ path: `changes[${i}].supersededBy`, message: problem });
  });
  if (issues.length > 0) {
    throw new ValidationError(
      `invalid changes: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      issues,
    );
  }
  const rest = parseWith(transitionManyOptionsSchema, options ?? {}, 'options');
  return {
    changes: parsed.map((c) => ({
      memoryId: c.memoryId,
      to: c.to as ConsolidationState,
      supersededBy: c.supersededBy ?? null,
    })),
    reason: rest.reason,
    actor: rest.actor,
    at: rest.at ?? new Date(),
  };
}

const logPositionSchema = z
  .number()
  .int('must be an integer')
  .min(0, 'must be ≥ 0')
  .max(Number.MAX_SAFE_INTEGER);

/**
 * Validates `consolidation.changedSince()` arguments: a log position (a
 * non-negative integer) and the optional states (`null`: any).
 */
export function parseChangedSince(
  position: unknown,
  states: unknown,
): { readonly position: number; readonly states: ConsolidationState[] | null } {
  return {
    position: parseWith(logPositionSchema, position, 'position'),
    states: states === undefined ? null : parseWith(consolidationStateList, states, 'states'),
  };
}

const runInputSchema = z
  .object(runFields)
  .strict()
  .refine(...finishedAfterStart);

/** Validates `consolidation.recordRun()` input. */
export function parseRunInput(input: unknown): ConsolidationRunInput {
  return parseWith(runInputSchema, input, 'run');
}

const listRunsSchema = z.object({ limit: limit(50), before: id.optional() }).strict();

/** Validates `consolidation.listRuns()` options. */
export function parseListRuns(options: unknown): {
  readonly limit: number;
  readonly before?: number;
} {
  return dropUndefined(parseWith(listRunsSchema, options ?? {}, 'options'));
}
