import {
  decodeCursor,
  parseFilters,
  parseId,
  parseIds,
  parseListMemories,
  parseRecordAccess,
  parseStoreMemories,
  parseStoreMemory,
  parseUpdateMemory,
} from '@athena/core-types';
import type { MemoryRepository } from '@athena/core-types';
import { front } from '../front.js';
import type { BackendOf, Parsers } from '../front.js';
import { projectIdOf } from './ids.js';

const MEMORY_PARSERS = {
  /** Checks `store()`'s `projectId` and `input`. */
  store: (context, projectId, input) =>
    [projectIdOf(projectId), parseStoreMemory(input, context.embeddingDimension)] as const,
  /** Checks `storeMany()`'s `projectId` and `inputs`. */
  storeMany: (context, projectId, inputs) =>
    [projectIdOf(projectId), parseStoreMemories(inputs, context.embeddingDimension)] as const,
  /** Checks `get()`'s `projectId` and `id`. */
  get: (_, projectId, id) => [projectIdOf(projectId), parseId(id)] as const,
  /** Checks `getMany()`'s `projectId` and `ids`. */
  getMany: (_, projectId, ids) => [projectIdOf(projectId), parseIds(ids, 'ids')] as const,
  /** Checks `update()`'s `projectId`, `id` and `input`. */
  update: (context, projectId, id, input) =>
    [
      projectIdOf(projectId),
      parseId(id),
      parseUpdateMemory(input, context.embeddingDimension),
    ] as const,
  /** Checks `delete()`'s `projectId` and `id`. */
  delete: (_, projectId, id) => [projectIdOf(projectId), parseId(id)] as const,
  // The cursor is decoded here too: `afterId` is the last id of the page before, or null.
  /** Checks `list()`'s `projectId` and `options`. */
  list: (_, projectId, options) => {
    const project = projectIdOf(projectId);
    const { limit, after, filters, order } = parseListMemories(options);
    const afterId = after === null ? null : (decodeCursor(after, 1)[0] ?? null);
    return [project, { limit, afterId, filters, order }] as const;
  },
  /** Checks `count()`'s `projectId` and `filters`. */
  count: (_, projectId, filters) => [projectIdOf(projectId), parseFilters(filters)] as const,
  /** Checks `recordAccess()`'s `projectId`, `ids` and `options`. */
  recordAccess: (_, projectId, ids, options) =>
    [projectIdOf(projectId), parseIds(ids, 'ids'), parseRecordAccess(options)] as const,
} satisfies Parsers<MemoryRepository>;

/** The validating front of a backend's memories. */
export const MemoryFront = front<MemoryRepository>()(MEMORY_PARSERS);

/** What a backend implements for memories: {@link MemoryRepository} with parsed arguments. */
export type MemoryBackend = BackendOf<MemoryRepository, typeof MEMORY_PARSERS>;
