/**
 * What kind of thing happened in a session: the vocabulary of the original
 * Athena's `EventType`.
 */
export type EpisodeEventType =
  | 'conversation'
  | 'action'
  | 'decision'
  | 'error'
  | 'success'
  | 'file_change'
  | 'test_run'
  | 'deployment'
  | 'refactoring'
  | 'debugging'
  | 'tool_execution'
  | 'session_checkpoint'
  | 'discovery'
  | 'learning'
  | 'observation'
  | 'reflection';

/** Every {@link EpisodeEventType}. */
export const EPISODE_EVENT_TYPES: readonly EpisodeEventType[] = Object.freeze([
  'conversation',
  'action',
  'decision',
  'error',
  'success',
  'file_change',
  'test_run',
  'deployment',
  'refactoring',
  'debugging',
  'tool_execution',
  'session_checkpoint',
  'discovery',
  'learning',
  'observation',
  'reflection',
]);

/**
 * Names accepted on input for an {@link EpisodeEventType}: `tool_call` (this
 * package's name before 0.2) is stored and returned as `tool_execution`.
 */
export const EPISODE_EVENT_TYPE_ALIASES: Readonly<Record<string, EpisodeEventType>> = Object.freeze(
  { tool_call: 'tool_execution' },
);

/** An event type as input accepts it: a type or one of its aliases. */
export type EpisodeEventTypeInput = EpisodeEventType | 'tool_call';

/** How an event turned out. */
export type EpisodeOutcome = 'success' | 'failure' | 'partial' | 'ongoing';

/** Every {@link EpisodeOutcome}. */
export const EPISODE_OUTCOMES: readonly EpisodeOutcome[] = Object.freeze([
  'success',
  'failure',
  'partial',
  'ongoing',
]);

/** Where the agent was when the event happened. */
export interface EpisodeContext {
  readonly cwd: string | null;
  readonly files: readonly string[];
  readonly task: string | null;
  readonly phase: string | null;
  readonly branch: string | null;
}

/** Whether an event has been folded into semantic memory yet. */
export type EpisodeConsolidationStatus = 'unconsolidated' | 'consolidated';

/** Something that happened in a session (`episodic_events`). */
export interface EpisodicEvent {
  readonly id: number;
  readonly projectId: number;
  readonly sessionId: string;
  readonly timestamp: Date;
  /** Milliseconds, when known. */
  readonly durationMs: number | null;
  readonly eventType: EpisodeEventType;
  readonly content: string;
  readonly outcome: EpisodeOutcome | null;
  readonly context: EpisodeContext;
  /** Number of files the event changed. */
  readonly filesChanged: number;
  readonly linesAdded: number;
  readonly linesDeleted: number;
  /** What was learned, in a sentence. */
  readonly learned: string | null;
  /** How unexpected the event was, in [0, 1]. */
  readonly surpriseScore: number | null;
  /** In [0, 1]. */
  readonly confidence: number;
  readonly consolidationStatus: EpisodeConsolidationStatus;
  readonly consolidatedAt: Date | null;
  /** The memory the event was consolidated into (its provenance), when known. */
  readonly consolidatedInto: number | null;
  readonly createdAt: Date;
}

/** Input of `episodes.record()` / `recordMany()`. */
export interface RecordEpisodeInput {
  readonly sessionId: string;
  /** `tool_call` is accepted and stored as `tool_execution`. */
  readonly eventType: EpisodeEventTypeInput;
  readonly content: string;
  /** Default now. */
  readonly timestamp?: Date;
  readonly durationMs?: number | null;
  readonly outcome?: EpisodeOutcome | null;
  readonly context?: Partial<EpisodeContext>;
  readonly filesChanged?: number;
  readonly linesAdded?: number;
  readonly linesDeleted?: number;
  readonly learned?: string | null;
  readonly surpriseScore?: number | null;
  /** Default 1. */
  readonly confidence?: number;
}

/** Filters of `episodes.list()`, ordered chronologically (timestamp, then id). */
export interface ListEpisodesOptions {
  readonly sessionId?: string;
  /** Inclusive lower bound on `timestamp`. */
  readonly from?: Date;
  /** Exclusive upper bound on `timestamp`. */
  readonly to?: Date;
  /** Aliases are accepted (`tool_call` lists `tool_execution` events). */
  readonly eventTypes?: readonly EpisodeEventTypeInput[];
  readonly consolidationStatus?: EpisodeConsolidationStatus;
  /** Only events consolidated into this memory: the provenance of a lesson. */
  readonly consolidatedInto?: number;
}

/** Options of `episodes.markConsolidated()`. */
export interface MarkConsolidatedOptions {
  /** Default now. */
  readonly at?: Date;
  /** The memory of the project the events were consolidated into, kept as their provenance. */
  readonly into?: number;
}
