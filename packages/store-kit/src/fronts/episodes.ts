import {
  parseId,
  parseIds,
  parseListEpisodes,
  parseMarkConsolidated,
  parseRecordEpisode,
  parseRecordEpisodes,
} from '@athena/core-types';
import type { EpisodeRepository } from '@athena/core-types';
import { front } from '../front.js';
import type { BackendOf, Parsers } from '../front.js';
import { projectIdOf } from './ids.js';

const EPISODE_PARSERS = {
  /** Checks `record()`'s `projectId` and `input`. */
  record: (_, projectId, input) => [projectIdOf(projectId), parseRecordEpisode(input)] as const,
  /** Checks `recordMany()`'s `projectId` and `inputs`. */
  recordMany: (_, projectId, inputs) =>
    [projectIdOf(projectId), parseRecordEpisodes(inputs)] as const,
  /** Checks `get()`'s `projectId` and `id`. */
  get: (_, projectId, id) => [projectIdOf(projectId), parseId(id)] as const,
  /** Checks `list()`'s `projectId` and `options`. */
  list: (_, projectId, options) => [projectIdOf(projectId), parseListEpisodes(options)] as const,
  /** Checks `markConsolidated()`'s `projectId`, `ids` and `options`. */
  markConsolidated: (_, projectId, ids, options) =>
    [projectIdOf(projectId), parseIds(ids, 'ids'), parseMarkConsolidated(options)] as const,
} satisfies Parsers<EpisodeRepository>;

/** The validating front of a backend's episodes. */
export const EpisodeFront = front<EpisodeRepository>()(EPISODE_PARSERS);

/** What a backend implements for episodes: {@link EpisodeRepository} with parsed arguments. */
export type EpisodeBackend = BackendOf<EpisodeRepository, typeof EPISODE_PARSERS>;
