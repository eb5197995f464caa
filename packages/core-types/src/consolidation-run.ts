import type { ConsolidationState } from './consolidation.js';

/**
 * How long each phase of a consolidation pass took, in milliseconds, by
 * phase name (`release`, `episodes`, `claim`, `cluster`, `summarize`,
 * `settle`, `sweep`, …). Phases a pass did not reach are absent.
 */
export type ConsolidationPhases = Readonly<Record<string, number>>;

/** What one consolidation pass did: the record `consolidation.recordRun()` stores. */
export interface ConsolidationRunInput {
  /** The worker that ran the pass. */
  readonly workerId: string;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  /** Memories claimed. */
  readonly claimed: number;
  /** Clusters settled with at least two memories (a representative and its members). */
  readonly clusters: number;
  /** Consolidated memories created: new representatives, summaries, lessons from episodes. */
  readonly created: number;
  /** Memories moved to `superseded`. */
  readonly superseded: number;
  /** Relationships written. */
  readonly linked: number;
  /** Episodic events marked consolidated. */
  readonly episodes: number;
  /** Expired claims returned to `unconsolidated` at the start of the pass. */
  readonly released: number;
  /** Labile memories whose reconsolidation window closed (`labile → consolidated`). */
  readonly closed: number;
  /** Times the slow path failed or answered nonsense and the heuristic result was kept. */
  readonly fallbacks: number;
  /** Failures that stopped a batch (its claim was released). */
  readonly errors: number;
  /** The last failure's message, `null` when none. */
  readonly error: string | null;
  readonly phases: ConsolidationPhases;
}

/** A stored consolidation run (`consolidation_runs`). */
export interface ConsolidationRun extends ConsolidationRunInput {
  readonly id: number;
  readonly projectId: number;
}

/** Options of `consolidation.listRuns()`: newest first, keyset-paginated by id. */
export interface ListRunsOptions {
  /** 1–1000; default 50. */
  readonly limit?: number;
  /** Only runs with a smaller id (the last id of the previous page). */
  readonly before?: number;
}

/** One change of `consolidation.transitionMany()`. */
export interface TransitionChange {
  readonly memoryId: number;
  readonly to: ConsolidationState;
  /** Required when `to` is `superseded`: a different memory of the project. */
  readonly supersededBy?: number;
}
