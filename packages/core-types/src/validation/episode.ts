import { z } from 'zod';
import { EPISODE_EVENT_TYPE_ALIASES, EPISODE_EVENT_TYPES, EPISODE_OUTCOMES } from '../episode.js';
import type { EpisodeEventType } from '../episode.js';
import { ValidationError } from '../errors.js';
import { content, count, id, instant, longText, parseWith, shortText, unit } from './internal.js';
import { LIMITS } from './limits.js';
import { parseInstant } from './primitives.js';

/** An event type or an alias of one, normalised to the type. */
const eventType = z
  .enum([...EPISODE_EVENT_TYPES, ...Object.keys(EPISODE_EVENT_TYPE_ALIASES)] as [
    string,
    ...string[],
  ])
  .transform((value) => (EPISODE_EVENT_TYPE_ALIASES[value] ?? value) as EpisodeEventType);

const episodeSchema = z
  .object({
    sessionId: shortText,
    eventType,
    content,
    timestamp: instant.optional(),
    durationMs: count.nullable().default(null),
    outcome: z
      .enum(EPISODE_OUTCOMES as [string, ...string[]])
      .nullable()
      .default(null),
    context: z
      .object({
        cwd: shortText.nullable().default(null),
        files: z.array(shortText).default([]),
        task: longText.nullable().default(null),
        phase: shortText.nullable().default(null),
        branch: shortText.nullable().default(null),
      })
      .strict()
      .default({ cwd: null, files: [], task: null, phase: null, branch: null }),
    filesChanged: count.default(0),
    linesAdded: count.default(0),
    linesDeleted: count.default(0),
    learned: longText.nullable().default(null),
    surpriseScore: unit.nullable().default(null),
    confidence: unit.default(1),
  })
  .strict();

/** A validated episode ready to insert. */
export type NewEpisode = Omit<z.output<typeof episodeSchema>, 'timestamp'> & {
  readonly timestamp: Date;
};

/** Validates `episodes.record()` input (timestamp default now). */
export function parseRecordEpisode(input: unknown, path = 'episode'): NewEpisode {
  const parsed = parseWith(episodeSchema, input, path);
  return { ...parsed, timestamp: parsed.timestamp ?? new Date() };
}

/** Validates every `episodes.recordMany()` input before anything is written. */
export function parseRecordEpisodes(inputs: unknown): NewEpisode[] {
  if (!Array.isArray(inputs) || inputs.length > LIMITS.batch) {
    throw new ValidationError(`invalid episodes: must be an array of at most ${LIMITS.batch}`, [
      { path: 'episodes', message: 'must be an array' },
    ]);
  }
  return inputs.map((input, index) => parseRecordEpisode(input, `episodes[${index}]`));
}

const listEpisodesSchema = z
  .object({
    sessionId: shortText.optional(),
    from: instant.optional(),
    to: instant.optional(),
    eventTypes: z
      .array(eventType)
      .transform((types) => [...new Set(types)])
      .optional(),
    consolidationStatus: z.enum(['unconsolidated', 'consolidated']).optional(),
    consolidatedInto: id.optional(),
    limit: z.number().int().min(1).max(LIMITS.limit).default(50),
    after: z.string().min(1).nullable().default(null),
  })
  .strict();

/** Validates `episodes.list()` options. */
export function parseListEpisodes(options: unknown): z.output<typeof listEpisodesSchema> {
  return parseWith(listEpisodesSchema, options ?? {}, 'options');
}

const markConsolidatedSchema = z.object({ at: instant.optional(), into: id.optional() }).strict();

/** Validates the third argument of `episodes.markConsolidated()`: a `Date` or `{ at, into }`. */
export function parseMarkConsolidated(options: unknown): {
  readonly at: Date;
  readonly into: number | null;
} {
  if (options === undefined || options instanceof Date) {
    return { at: parseInstant(options, 'at'), into: null };
  }
  const parsed = parseWith(markConsolidatedSchema, options, 'options');
  return { at: parsed.at ?? new Date(), into: parsed.into ?? null };
}
