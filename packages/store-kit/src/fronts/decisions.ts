import {
  parseAddScenario,
  parseCreateDecision,
  parseId,
  parseListDecisions,
  parseNotes,
} from '@athena/core-types';
import type { DecisionRepository } from '@athena/core-types';
import { front } from '../front.js';
import type { BackendOf, Parsers } from '../front.js';
import { projectIdOf } from './ids.js';

const DECISION_PARSERS = {
  /** Checks `create()`'s `projectId` and `input`. */
  create: (_, projectId, input) => [projectIdOf(projectId), parseCreateDecision(input)] as const,
  /** Checks `get()`'s `projectId` and `id`. */
  get: (_, projectId, id) => [projectIdOf(projectId), parseId(id)] as const,
  /** Checks `list()`'s `projectId` and `options`. */
  list: (_, projectId, options) => [projectIdOf(projectId), parseListDecisions(options)] as const,
  /** Checks `validate()`'s `projectId`, `id` and `notes`. */
  validate: (_, projectId, id, notes) =>
    [projectIdOf(projectId), parseId(id), parseNotes(notes)] as const,
  /** Checks `reject()`'s `projectId`, `id` and `notes`. */
  reject: (_, projectId, id, notes) =>
    [projectIdOf(projectId), parseId(id), parseNotes(notes)] as const,
  /** Checks `supersede()`'s `projectId`, `id` and `replacement`. */
  supersede: (_, projectId, id, replacement) =>
    [projectIdOf(projectId), parseId(id), parseCreateDecision(replacement)] as const,
  /** Checks `addScenario()`'s `projectId`, `decisionId` and `input`. */
  addScenario: (_, projectId, decisionId, input) =>
    [projectIdOf(projectId), parseId(decisionId, 'decisionId'), parseAddScenario(input)] as const,
  /** Checks `listScenarios()`'s `projectId` and `decisionId`. */
  listScenarios: (_, projectId, decisionId) =>
    [projectIdOf(projectId), parseId(decisionId, 'decisionId')] as const,
} satisfies Parsers<DecisionRepository>;

/** The validating front of a backend's decisions. */
export const DecisionFront = front<DecisionRepository>()(DECISION_PARSERS);

/** What a backend implements for decisions: {@link DecisionRepository} with parsed arguments. */
export type DecisionBackend = BackendOf<DecisionRepository, typeof DECISION_PARSERS>;
