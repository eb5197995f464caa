import { z } from 'zod';
import { DECISION_STATUSES, SCENARIO_TYPES } from '../decision.js';
import { content, longText, parseWith, shortText, unit } from './internal.js';

const createDecisionSchema = z
  .object({
    title: shortText,
    rationale: longText.nullable().default(null),
    alternatives: z.array(longText).default([]),
    confidence: unit.default(0.5),
  })
  .strict();

/** Validates `decisions.create()` input. */
export function parseCreateDecision(input: unknown): z.output<typeof createDecisionSchema> {
  return parseWith(createDecisionSchema, input, 'decision');
}

const listDecisionsSchema = z
  .object({
    statuses: z.array(z.enum(DECISION_STATUSES as [string, ...string[]])).optional(),
  })
  .strict();

/** Validates `decisions.list()` options. */
export function parseListDecisions(options: unknown): { readonly statuses?: string[] } {
  return parseWith(listDecisionsSchema, options ?? {}, 'options');
}

/** Validates optional decision notes. */
export function parseNotes(notes: unknown): string | null {
  return parseWith(longText.nullable().default(null), notes ?? null, 'notes');
}

const scenarioSchema = z
  .object({
    scenarioType: z.enum(SCENARIO_TYPES as [string, ...string[]]),
    description: content,
    probability: unit.default(0.5),
    impact: longText.nullable().default(null),
  })
  .strict();

/** Validates `decisions.addScenario()` input. */
export function parseAddScenario(input: unknown): z.output<typeof scenarioSchema> {
  return parseWith(scenarioSchema, input, 'scenario');
}
