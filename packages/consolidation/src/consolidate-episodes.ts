import type { EpisodicEvent } from '@athena/core-types';
import type { WorkerContext } from './consolidate-batch.js';
import type { EpisodeItem } from './summarizer.js';

/** Counters of the episode phase. */
export interface EpisodeOutcome {
  /** Lessons stored (unconsolidated: the memory phase of the same pass clusters them). */
  readonly created: number;
  /** Events marked consolidated. */
  readonly episodes: number;
  readonly fallbacks: number;
}

/** Most characters of a heuristic lesson; longer groups are cut at an event boundary. */
const LESSON_MAX_CHARS = 2_000;

/**
 * The confidence of a lesson: the events' mean confidence times the smoothed
 * share of their decided outcomes that succeeded, (successes + ½·partials +
 * 1) / (decided + 2): a lesson drawn from failures is held less firmly, and
 * one or two events move it less than many.
 *
 * @example
 * ```ts
 * lessonConfidence([{ outcome: 'success', confidence: 1 }, { outcome: 'success', confidence: 1 }]); // 0.75
 * ```
 */
export function lessonConfidence(
  events: readonly Pick<EpisodicEvent, 'outcome' | 'confidence'>[],
): number {
  let successes = 0;
  let decided = 0;
  for (const event of events) {
    if (event.outcome === 'success') successes += 1;
    if (event.outcome === 'partial') successes += 0.5;
    if (event.outcome !== null && event.outcome !== 'ongoing') decided += 1;
  }
  const mean = events.reduce((sum, e) => sum + e.confidence, 0) / Math.max(events.length, 1);
  return Math.max(0, Math.min(1, (mean * (successes + 1)) / (decided + 2)));
}

/** The topic of an event within its session: its task, else its phase, else the session itself. */
export function topicOf(event: EpisodicEvent): string {
  return event.context.task ?? event.context.phase ?? '';
}

/**
 * The heuristic lesson of a group: what the events say they taught
 * (`learned`), else what succeeded and what failed, in order.
 *
 * @example
 * ```ts
 * heuristicLesson(events); // 'Session s1, task "fix retries": retries need jitter'
 * ```
 */
export function heuristicLesson(events: readonly EpisodicEvent[]): string {
  const first = events[0] as EpisodicEvent;
  const topic = topicOf(first);
  const head = `Session ${first.sessionId}${topic === '' ? '' : `, ${JSON.stringify(topic)}`}: `;
  const learned = [
    ...new Set(events.flatMap((e) => (e.learned === null ? [] : [e.learned.trim()]))),
  ];
  const lines =
    learned.length > 0
      ? learned
      : events.map((e) => {
          const prefix =
            e.outcome === 'success'
              ? 'succeeded: '
              : e.outcome === 'failure'
                ? 'failed: '
                : e.outcome === 'partial'
                  ? 'partly worked: '
                  : `${e.eventType.replace(/_/g, ' ')}: `;
          return `${prefix}${e.content.trim()}`;
        });
  let text = head;
  for (const [i, line] of lines.entries()) {
    const next = `${i === 0 ? '' : '; '}${line}`;
    if (text.length + next.length > LESSON_MAX_CHARS && i > 0) break;
    text += next;
  }
  return text.slice(0, LESSON_MAX_CHARS);
}

function toItem(event: EpisodicEvent): EpisodeItem {
  return {
    id: event.id,
    eventType: event.eventType,
    content: event.content,
    outcome: event.outcome,
    learned: event.learned,
  };
}

/**
 * Episodic → semantic: unconsolidated events, a page at a time, grouped by
 * session and topic; each group becomes one lesson memory (`insight`,
 * tagged `lesson`, with the session id), and its events are marked
 * consolidated into it — in one transaction under the project's
 * consolidation lock, so two workers never turn one event into two lessons
 * (the second finds the events taken and rolls back).
 *
 * @example
 * ```ts
 * const { created, episodes } = await consolidateEpisodes(ctx, projectId);
 * ```
 */
export async function consolidateEpisodes(
  ctx: WorkerContext,
  projectId: number,
): Promise<EpisodeOutcome> {
  const { store, embedder, summarizer, options } = ctx;
  let created = 0;
  let episodes = 0;
  let fallbacks = 0;
  let after: string | null = null;
  do {
    const page = await store.episodes.list(projectId, {
      consolidationStatus: 'unconsolidated',
      limit: options.episodeBatchSize,
      after,
    });
    after = page.nextCursor;
    const groups = new Map<string, EpisodicEvent[]>();
    for (const event of page.items) {
      const key = JSON.stringify([event.sessionId, topicOf(event)]);
      const group = groups.get(key);
      if (group === undefined) groups.set(key, [event]);
      else group.push(event);
    }
    for (const events of groups.values()) {
      let lesson = heuristicLesson(events);
      if (summarizer !== null) {
        try {
          lesson = await summarizer.summarizeEpisodes(events.map(toItem));
        } catch (error) {
          fallbacks += 1;
          options.logger.warn('summarizer failed on episodes; keeping the heuristic lesson', {
            workerId: options.workerId,
            projectId,
            model: summarizer.modelId,
            error: error instanceof Error ? error.message : String(error),
          });
        }
      }
      const embedding = await embedder.embed(lesson, { inputType: 'document' });
      const first = events[0] as EpisodicEvent;
      const ids = events.map((e) => e.id);
      const marked = await store
        .transaction(async (tx) => {
          await tx.consolidation.lock(projectId);
          const memory = await tx.memories.store(projectId, {
            content: lesson,
            embedding,
            embeddingModel: embedder.modelId,
            memoryType: 'insight',
            tags: ['lesson'],
            sessionId: first.sessionId,
            eventType: 'learning',
            confidence: lessonConfidence(events),
            createdAt: events[events.length - 1]?.timestamp ?? new Date(),
          });
          const count = await tx.episodes.markConsolidated(projectId, ids, { into: memory.id });
          if (count !== ids.length) throw new EventsTakenError();
          return count;
        })
        .catch((error: unknown) => {
          if (error instanceof EventsTakenError) return 0;
          throw error;
        });
      if (marked > 0) {
        created += 1;
        episodes += marked;
      }
    }
  } while (after !== null);
  return { created, episodes, fallbacks };
}

/** Another worker consolidated some of the group's events first: roll the lesson back. */
class EventsTakenError extends Error {}
