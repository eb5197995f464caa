import { z } from 'zod';
import { ValidationError } from '../errors.js';
import { CONTENT_TYPES, MEMORY_TYPES } from '../memory.js';
import type { EmbeddingInput } from '../memory.js';
import { parseFilters } from './filters.js';
import type { NormalizedFilters } from './filters.js';
import { content, instant, parseWith, shortText, unit } from './internal.js';
import { LIMITS } from './limits.js';
import { parsePage } from './pagination.js';
import type { NormalizedPage } from './pagination.js';
import { toEmbedding } from './to-embedding.js';

const tags = z
  .array(shortText)
  .max(LIMITS.tags, `at most ${LIMITS.tags} tags`)
  .transform((values) => [...new Set(values)]);

const memoryFieldsSchema = z
  .object({
    content,
    contentType: z.enum(CONTENT_TYPES as [string, ...string[]]).default('text'),
    memoryType: z.enum(MEMORY_TYPES as [string, ...string[]]).default('fact'),
    domain: shortText.nullable().default(null),
    tags: tags.default([]),
    embeddingModel: shortText.nullable().default(null),
    usefulnessScore: unit.default(0),
    confidence: unit.default(1),
    sessionId: shortText.nullable().default(null),
    eventType: shortText.nullable().default(null),
    codeLanguage: shortText.nullable().default(null),
    codeHash: shortText.nullable().default(null),
    createdAt: instant.optional(),
    // Checked by toEmbedding(), against the database's dimension.
    embedding: z.unknown(),
  })
  .strict();

/** A validated memory ready to insert: every field present, the vector as 32-bit floats. */
export interface NewMemory {
  readonly content: string;
  readonly embedding: Float32Array;
  readonly contentType: 'text' | 'code' | 'markdown' | 'json';
  readonly memoryType: 'fact' | 'pattern' | 'decision' | 'context' | 'code' | 'insight';
  readonly domain: string | null;
  readonly tags: string[];
  readonly embeddingModel: string | null;
  readonly usefulnessScore: number;
  readonly confidence: number;
  readonly sessionId: string | null;
  readonly eventType: string | null;
  readonly codeLanguage: string | null;
  readonly codeHash: string | null;
  /** Now, unless the input gave one. */
  readonly createdAt: Date;
}

function parseMemoryAt(input: unknown, dimension: number, path: string, now: Date): NewMemory {
  if (input === null || typeof input !== 'object') {
    throw new ValidationError(`invalid ${path}: must be an object`, [
      { path, message: 'must be an object' },
    ]);
  }
  const fields = parseWith(memoryFieldsSchema, input, path);
  const embedding = toEmbedding(
    (input as { embedding: EmbeddingInput }).embedding,
    dimension,
    `${path}.embedding`,
  );
  return {
    ...(fields as Omit<NewMemory, 'embedding' | 'createdAt'>),
    embedding,
    createdAt: fields.createdAt ?? now,
  };
}

/**
 * Validates `memories.store()` input against the database's dimension.
 *
 * @example
 * ```ts
 * const row = parseStoreMemory({ content: 'Use pnpm', embedding }, store.embeddingDimension);
 * ```
 */
export function parseStoreMemory(input: unknown, dimension: number): NewMemory {
  return parseMemoryAt(input, dimension, 'memory', new Date());
}

/** Validates every `memories.storeMany()` input before anything is written; paths name the index. */
export function parseStoreMemories(inputs: unknown, dimension: number): NewMemory[] {
  if (!Array.isArray(inputs)) {
    throw new ValidationError('invalid memories: must be an array', [
      { path: 'memories', message: 'must be an array' },
    ]);
  }
  if (inputs.length > LIMITS.batch) {
    throw new ValidationError(`invalid memories: at most ${LIMITS.batch} per call`, [
      { path: 'memories', message: `at most ${LIMITS.batch} per call` },
    ]);
  }
  const now = new Date();
  return inputs.map((input, index) => parseMemoryAt(input, dimension, `memories[${index}]`, now));
}

const updateMemorySchema = memoryFieldsSchema
  .omit({
    createdAt: true,
    sessionId: true,
    eventType: true,
    codeLanguage: true,
    codeHash: true,
    embedding: true,
  })
  .partial()
  .extend({
    content: content.optional(),
    contentType: z.enum(CONTENT_TYPES as [string, ...string[]]).optional(),
    memoryType: z.enum(MEMORY_TYPES as [string, ...string[]]).optional(),
    domain: shortText.nullable().optional(),
    tags: tags.optional(),
    embeddingModel: shortText.nullable().optional(),
    usefulnessScore: unit.optional(),
    confidence: unit.optional(),
  })
  .strict();

/** A validated `UpdateMemoryInput`: only the fields to change are present. */
export interface MemoryPatch {
  readonly content?: string;
  readonly embedding?: Float32Array;
  readonly embeddingModel?: string | null;
  readonly contentType?: NewMemory['contentType'];
  readonly memoryType?: NewMemory['memoryType'];
  readonly domain?: string | null;
  readonly tags?: string[];
  readonly usefulnessScore?: number;
  readonly confidence?: number;
}

/** Validates `memories.update()` input; unknown fields are rejected. */
export function parseUpdateMemory(input: unknown, dimension: number): MemoryPatch {
  if (input === null || typeof input !== 'object') {
    throw new ValidationError('invalid memory update: must be an object', [
      { path: 'update', message: 'must be an object' },
    ]);
  }
  const { embedding, ...rest } = input as { embedding?: EmbeddingInput };
  const fields = parseWith(updateMemorySchema, rest, 'update') as Omit<MemoryPatch, 'embedding'>;
  const patch: MemoryPatch =
    embedding === undefined
      ? fields
      : { ...fields, embedding: toEmbedding(embedding, dimension, 'update.embedding') };
  const defined = Object.fromEntries(
    Object.entries(patch).filter(([, value]) => value !== undefined),
  );
  return defined as MemoryPatch;
}

const orderSchema = z.enum(['asc', 'desc']).default('desc');
// Each field is checked on its own below; this schema only rejects unknown ones.
const listMemoriesKeysSchema = z
  .object({
    filters: z.unknown(),
    order: z.unknown(),
    limit: z.unknown(),
    after: z.unknown(),
  })
  .partial()
  .strict();

/** Validates `memories.list()` options. */
export function parseListMemories(options: unknown): NormalizedPage & {
  readonly filters: NormalizedFilters;
  readonly order: 'asc' | 'desc';
} {
  const raw = parseWith(listMemoriesKeysSchema, options ?? {}, 'options');
  const order = parseWith(orderSchema, raw.order, 'order');
  return { ...parsePage(raw), filters: parseFilters(raw.filters), order };
}

const recordAccessSchema = z
  .object({
    retrieved: z.boolean().default(false),
    at: instant.optional(),
  })
  .strict();

/** Validates `memories.recordAccess()` options. */
export function parseRecordAccess(options: unknown): {
  readonly retrieved: boolean;
  readonly at: Date;
} {
  const parsed = parseWith(recordAccessSchema, options ?? {}, 'recordAccess');
  return { retrieved: parsed.retrieved, at: parsed.at ?? new Date() };
}
