import {
  parseChangedSince,
  parseClaimBatch,
  parseConsolidationState,
  parseId,
  parseIds,
  parseInstant,
  parseListRuns,
  parseReconsolidationWindow,
  parseRunInput,
  parseTransitionMany,
  parseTransitionOptions,
} from '@athena/core-types';
import type { ConsolidationRepository } from '@athena/core-types';
import { front } from '../front.js';
import type { BackendOf, Parsers } from '../front.js';
import { projectIdOf } from './ids.js';

const CONSOLIDATION_PARSERS = {
  /** Checks `transition()`'s `projectId`, `memoryId`, `to` and `options`. */
  transition: (_, projectId, memoryId, to, options) => {
    const project = projectIdOf(projectId);
    const id = parseId(memoryId, 'memoryId');
    const target = parseConsolidationState(to);
    return [project, id, target, parseTransitionOptions(options, target, id)] as const;
  },
  /** Checks `transitionMany()`'s `projectId`, `changes` and `options`. */
  transitionMany: (_, projectId, changes, options) =>
    [projectIdOf(projectId), parseTransitionMany(changes, options)] as const,
  /** Checks `lock()`'s `projectId`. */
  lock: (_, projectId) => [projectIdOf(projectId)] as const,
  /** Checks `recordRun()`'s `projectId` and `run`. */
  recordRun: (_, projectId, run) => [projectIdOf(projectId), parseRunInput(run)] as const,
  /** Checks `listRuns()`'s `projectId` and `options`. */
  listRuns: (_, projectId, options) => [projectIdOf(projectId), parseListRuns(options)] as const,
  /** Checks `history()`'s `projectId` and `memoryId`. */
  history: (_, projectId, memoryId) =>
    [projectIdOf(projectId), parseId(memoryId, 'memoryId')] as const,
  /** Checks `logPosition()`'s `projectId`. */
  logPosition: (_, projectId) => [projectIdOf(projectId)] as const,
  /** Checks `changedSince()`'s `projectId`, `position` and `states`. */
  changedSince: (_, projectId, position, states) =>
    [projectIdOf(projectId), parseChangedSince(position, states)] as const,
  /** Checks `claimBatch()`'s `projectId` and `options`. */
  claimBatch: (_, projectId, options) =>
    [projectIdOf(projectId), parseClaimBatch(options)] as const,
  /** Checks `releaseExpired()`'s `projectId` and `now`. */
  releaseExpired: (_, projectId, now) =>
    [projectIdOf(projectId), parseInstant(now, 'now')] as const,
  /** Checks `labilize()`'s `projectId`, `ids` and `at`. */
  labilize: (_, projectId, ids, at) =>
    [projectIdOf(projectId), parseIds(ids, 'ids'), parseInstant(at, 'at')] as const,
  /** Checks `reconsolidationWindow()`'s `projectId` and `options`. */
  reconsolidationWindow: (_, projectId, options) =>
    [projectIdOf(projectId), parseReconsolidationWindow(options)] as const,
} satisfies Parsers<ConsolidationRepository>;

/** The validating front of a backend's consolidation state machine. */
export const ConsolidationFront = front<ConsolidationRepository>()(CONSOLIDATION_PARSERS);

/**
 * What a backend implements for consolidation: {@link ConsolidationRepository}
 * with parsed arguments (`transitionMany` and `changedSince` receive their
 * changes/options and position/states parsed together, as one value).
 */
export type ConsolidationBackend = BackendOf<ConsolidationRepository, typeof CONSOLIDATION_PARSERS>;
