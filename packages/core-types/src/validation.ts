/**
 * Input validation shared by every backend: one place that decides what a
 * valid input is and which defaults apply. Backends call the `parse*`
 * functions first and write only what they return, so a rejected input never
 * reaches SQL and behaves the same everywhere.
 */
import { z } from 'zod';
import { CONSOLIDATION_STATES } from './consolidation.js';
import type { ConsolidationState } from './consolidation.js';
import type { ConsolidationRunInput } from './consolidation-run.js';
import { CODE_ENTITY_TYPES, DEPENDENCY_TYPES, TRAVERSE_DIRECTIONS } from './code.js';
import type { CodeEntityType, DependencyType, TraverseDirection } from './code.js';
import { DECISION_STATUSES, SCENARIO_TYPES } from './decision.js';
import { EPISODE_EVENT_TYPE_ALIASES, EPISODE_EVENT_TYPES, EPISODE_OUTCOMES } from './episode.js';
import type { EpisodeEventType } from './episode.js';
import { DimensionMismatchError, ValidationError } from './errors.js';
import type { ValidationIssue } from './errors.js';
import { CONTENT_TYPES, MEMORY_TYPES } from './memory.js';
import type { EmbeddingInput } from './memory.js';
import { GOAL_STATUSES, TASK_STATUSES } from './prospective.js';
import { RECORD_TABLES } from './records.js';
import type { RecordOf, RecordTable, SupersessionLink, SupersedingTable } from './records.js';
import { RELATIONSHIP_TYPES } from './relationship.js';
import { DEFAULT_FUSION_WEIGHTS, DEFAULT_RRF_K } from './search.js';

/** Engine-independent limits enforced on every backend. */
export const LIMITS = Object.freeze({
  /** Characters in a memory's or event's content (PostgreSQL's tsvector caps at 1 MB). */
  contentLength: 262_144,
  /** Characters in a name, path, title, tag, domain or identifier. */
  shortText: 1_000,
  /**
   * Characters in a search text: `search.keyword()`'s text and the text of
   * `search.hybrid()`'s query. A query is a few words, and its cost grows with
   * its length on every backend.
   */
  searchTextLength: 4_096,
  /**
   * Words in a search text, counted as runs of letters, digits and combining
   * marks (the terms keyword search matches, repeats included): each is one
   * more term to match, and PostgreSQL fails on a query of thousands.
   */
  searchTerms: 64,
  /** Tags on one memory. */
  tags: 64,
  /** Rows a search or a page returns. */
  limit: 1_000,
  /** Candidates per hybrid leg. */
  candidates: 10_000,
  /** Items in one batch (`storeMany`, `recordMany`, `recordAccess`, `getMany`). */
  batch: 100_000,
  /** Depth of an impact analysis. */
  impactDepth: 50,
  /**
   * Smallest and largest Euclidean length of an embedding. Outside them the
   * 32-bit arithmetic of the vector extensions underflows or overflows and
   * cosine scores come back NaN or null; cosine similarity ignores length, so
   * scale such a vector instead.
   */
  embeddingNormMin: 1e-15,
  embeddingNormMax: 1e15,
  /**
   * The instants a date may hold, in milliseconds since the epoch: the years
   * 0001–9999 UTC (`0001-01-01T00:00:00.000Z` to `9999-12-31T23:59:59.999Z`).
   * Every backend stores these; SQLite would take any JavaScript date and
   * PostgreSQL none before 4713 BC, so the contract draws one line for both.
   */
  earliestInstant: -62_135_596_800_000,
  latestInstant: 253_402_300_799_999,
});

/** Converts zod issues into a {@link ValidationError} that names every bad field. */
function toValidationError(what: string, error: z.ZodError): ValidationError {
  const issues: ValidationIssue[] = error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({
          path: formatPath(what, [...issue.path, key]),
          message: 'unknown field',
        }))
      : [{ path: formatPath(what, issue.path), message: issue.message }],
  );
  const summary = issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
  return new ValidationError(`invalid ${what}: ${summary}`, issues, { cause: error });
}

function formatPath(root: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : `${acc}.${String(key)}`),
    root,
  );
}

function parseWith<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw toValidationError(what, result.error);
  return result.data;
}

const noNul = (value: string) => !value.includes('\u0000');
const NUL_MESSAGE = 'must not contain NUL (\\u0000) characters';
// In a `u` regex a surrogate pair is one code point: only a lone surrogate matches.
const LONE_SURROGATE = /\p{Surrogate}/u;
const wellFormed = (value: string) => !LONE_SURROGATE.test(value);
const WELL_FORMED_MESSAGE = 'must be well-formed UTF-16 (no lone surrogate \\uD800–\\uDFFF)';

const shortText = z
  .string()
  .min(1, 'must not be empty')
  .max(LIMITS.shortText, `must be at most ${LIMITS.shortText} characters`)
  .refine(noNul, NUL_MESSAGE)
  .refine(wellFormed, WELL_FORMED_MESSAGE);
const content = z
  .string()
  .refine((value) => value.trim().length > 0, 'must not be empty or blank')
  .refine(
    (value) => value.length <= LIMITS.contentLength,
    `must be at most ${LIMITS.contentLength} characters`,
  )
  .refine(noNul, NUL_MESSAGE)
  .refine(wellFormed, WELL_FORMED_MESSAGE);
const longText = z
  .string()
  .max(LIMITS.contentLength, `must be at most ${LIMITS.contentLength} characters`)
  .refine(noNul, NUL_MESSAGE)
  .refine(wellFormed, WELL_FORMED_MESSAGE);
// Letters, digits and combining marks: the words of a search text, as the stores' tokenizers see them.
const SEARCH_WORD = /[\p{L}\p{N}\p{M}]+/gu;
const searchWords = (value: string) => value.match(SEARCH_WORD)?.length ?? 0;
const searchText = z
  .string()
  .max(LIMITS.searchTextLength, `must be at most ${LIMITS.searchTextLength} characters`)
  .refine(noNul, NUL_MESSAGE)
  .refine(wellFormed, WELL_FORMED_MESSAGE)
  // Words are counted only in a text of allowed length, never in a huge one.
  .refine(
    (value) => value.length > LIMITS.searchTextLength || searchWords(value) <= LIMITS.searchTerms,
    `must have at most ${LIMITS.searchTerms} words`,
  );

/**
 * The longest start of `text` that a search takes as its text: cut at
 * {@link LIMITS.searchTextLength} characters (never inside a surrogate pair)
 * and before its word number {@link LIMITS.searchTerms} + 1. A text within
 * the limits comes back unchanged. For callers that search with a whole
 * passage (a task description, a long question): `AthenaMemory.recall()`
 * embeds the passage whole and matches keywords of this start.
 *
 * @example
 * ```ts
 * await store.search.keyword(projectId, searchTextPrefix(longQuestion));
 * ```
 */
export function searchTextPrefix(text: string): string {
  let end = Math.min(text.length, LIMITS.searchTextLength);
  if (end < text.length && /[\uD800-\uDBFF]/.test(text.charAt(end - 1))) end -= 1;
  let words = 0;
  for (const match of text.slice(0, end).matchAll(SEARCH_WORD)) {
    words += 1;
    if (words > LIMITS.searchTerms) {
      end = match.index;
      break;
    }
  }
  return text.slice(0, end);
}

const unit = z.number().finite().min(0, 'must be in [0, 1]').max(1, 'must be in [0, 1]');
const id = z
  .number()
  .int('must be an integer')
  .positive('must be a positive integer')
  .max(Number.MAX_SAFE_INTEGER);
const count = z
  .number()
  .int('must be an integer')
  .min(0, 'must be ≥ 0')
  .max(2 ** 31 - 1);
const instant = z
  .date({ error: 'must be a valid Date' })
  .min(LIMITS.earliestInstant, 'must be in the years 0001–9999')
  .max(LIMITS.latestInstant, 'must be in the years 0001–9999');
const priority = z
  .number()
  .int('must be an integer')
  .min(1, 'must be in 1–10')
  .max(10, 'must be in 1–10');
const limit = (fallback: number) =>
  z
    .number()
    .int('must be an integer')
    .min(1, 'must be ≥ 1')
    .max(LIMITS.limit, `must be ≤ ${LIMITS.limit}`)
    .default(fallback);
const tags = z
  .array(shortText)
  .max(LIMITS.tags, `at most ${LIMITS.tags} tags`)
  .transform((values) => [...new Set(values)]);
const similarity = z.number().finite().min(-1, 'must be in [-1, 1]').max(1, 'must be in [-1, 1]');

/**
 * `toEmbedding` for input that is already 32-bit floats: one copy, then a
 * check for NaN, ±Infinity and the all-zero vector, with the same errors.
 */
function checkedCopy(value: Float32Array, path: string): Float32Array {
  const vector = new Float32Array(value);
  for (let i = 0; i < vector.length; i++) {
    const component = vector[i] as number;
    if (!Number.isFinite(component)) {
      throw new ValidationError(
        `invalid ${path}: component ${i} is ${String(component)}, not a finite number`,
        [{ path: `${path}[${i}]`, message: 'must be a finite number' }],
      );
    }
  }
  return checkedLength(vector, path);
}

/**
 * Rejects a vector without a direction (all zeros) or whose length lies
 * outside [{@link LIMITS.embeddingNormMin}, {@link LIMITS.embeddingNormMax}].
 */
function checkedLength(vector: Float32Array, path: string): Float32Array {
  let squares = 0;
  for (const component of vector) squares += component * component;
  if (squares === 0) {
    throw new ValidationError(`invalid ${path}: an all-zero vector has no direction`, [
      { path, message: 'must not be all zeros' },
    ]);
  }
  const length = Math.sqrt(squares);
  if (length < LIMITS.embeddingNormMin || length > LIMITS.embeddingNormMax) {
    const range = `[${LIMITS.embeddingNormMin}, ${LIMITS.embeddingNormMax}]`;
    throw new ValidationError(
      `invalid ${path}: its length ${length.toExponential(2)} is outside ${range}; scale it (cosine similarity ignores length)`,
      [{ path, message: `length must be in ${range}` }],
    );
  }
  return vector;
}

/**
 * Checks a vector and copies it into a `Float32Array`: the right length, every
 * component finite and representable as a 32-bit float, not all zeros (cosine
 * similarity needs a direction), and a Euclidean length within
 * [{@link LIMITS.embeddingNormMin}, {@link LIMITS.embeddingNormMax}].
 *
 * @throws {DimensionMismatchError} when the length differs from `dimension`.
 * @throws {ValidationError} for NaN, ±Infinity, an all-zero vector, a length
 * out of range, or a non-array.
 *
 * @example
 * ```ts
 * const vector = toEmbedding([0.1, 0.2, 0.3], 3);
 * ```
 */
export function toEmbedding(
  value: EmbeddingInput,
  dimension: number,
  path = 'embedding',
): Float32Array {
  if (value === null || typeof value !== 'object' || typeof value.length !== 'number') {
    throw new ValidationError(`invalid ${path}: must be an array of numbers`, [
      { path, message: 'must be an array of numbers' },
    ]);
  }
  if (value.length !== dimension) {
    throw new DimensionMismatchError(dimension, value.length, { details: { path } });
  }
  if (value instanceof Float32Array) return checkedCopy(value, path);
  const vector = new Float32Array(dimension);
  for (let i = 0; i < dimension; i++) {
    const component = value[i];
    if (typeof component !== 'number' || !Number.isFinite(component)) {
      throw new ValidationError(
        `invalid ${path}: component ${i} is ${String(component)}, not a finite number`,
        [{ path: `${path}[${i}]`, message: 'must be a finite number' }],
      );
    }
    const stored = Math.fround(component);
    if (!Number.isFinite(stored)) {
      throw new ValidationError(`invalid ${path}: component ${i} overflows a 32-bit float`, [
        { path: `${path}[${i}]`, message: 'must fit in a 32-bit float' },
      ]);
    }
    vector[i] = stored;
  }
  return checkedLength(vector, path);
}

/**
 * Checks a row id (project, memory, goal, …): a positive safe integer.
 *
 * @example
 * ```ts
 * parseId(projectId, 'projectId');
 * ```
 */
export function parseId(value: unknown, what = 'id'): number {
  return parseWith(id, value, what);
}

// Schemas are built once: zod compiles each one, which costs far more than a parse.
const idsSchema = z.array(id).max(LIMITS.batch);

/** Checks a list of ids (deduplicated, at most {@link LIMITS.batch}). */
export function parseIds(value: unknown, what = 'ids'): number[] {
  const ids = parseWith(idsSchema, value, what);
  return [...new Set(ids)];
}

/** Checks an optional instant, defaulting to now. */
export function parseInstant(value: unknown, what = 'at'): Date {
  return value === undefined ? new Date() : parseWith(instant, value, what);
}

// ----------------------------------------------------------------- projects

const createProjectSchema = z
  .object({
    name: shortText,
    path: shortText,
    description: longText.nullable().default(null),
  })
  .strict();

/** A validated `CreateProjectInput` with defaults applied. */
export type NewProject = z.output<typeof createProjectSchema>;

/** Validates `projects.create()` input. */
export function parseCreateProject(input: unknown): NewProject {
  return parseWith(createProjectSchema, input, 'project');
}

/**
 * Validates the key of `projects.getByPath()` / `getByName()`: the rule a
 * project's path and name are created with (non-empty, at most
 * {@link LIMITS.shortText} characters, no NUL), so a key no project can have
 * is a `ValidationError` on every backend rather than `null` on some.
 *
 * @example
 * ```ts
 * parseProjectKey('/src/demo', 'path'); // '/src/demo'
 * ```
 */
export function parseProjectKey(value: unknown, what: 'path' | 'name'): string {
  return parseWith(shortText, value, what);
}

// ----------------------------------------------------------------- memories

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

const filtersSchema = z
  .object({
    memoryTypes: z.array(z.enum(MEMORY_TYPES as [string, ...string[]])).optional(),
    domains: z.array(shortText).optional(),
    tags: z.array(shortText).max(LIMITS.tags).optional(),
    consolidationStates: z.array(z.enum(CONSOLIDATION_STATES as [string, ...string[]])).optional(),
    createdAfter: instant.optional(),
    createdBefore: instant.optional(),
    sessionId: shortText.optional(),
  })
  .strict();

/** Validated {@link MemoryFilters}; empty arrays mean "no filter". */
export interface NormalizedFilters {
  readonly memoryTypes?: readonly string[];
  readonly domains?: readonly string[];
  readonly tags?: readonly string[];
  readonly consolidationStates?: readonly ConsolidationState[];
  readonly createdAfter?: Date;
  readonly createdBefore?: Date;
  readonly sessionId?: string;
}

/** Validates search/list filters; unknown keys are rejected, empty lists dropped. */
export function parseFilters(filters: unknown): NormalizedFilters {
  const parsed = parseWith(filtersSchema, filters ?? {}, 'filters');
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (value === undefined) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    out[key] = Array.isArray(value) ? [...new Set(value)] : value;
  }
  return out as NormalizedFilters;
}

const pageSchema = z.object({
  limit: z.number().int('must be an integer').min(1).max(LIMITS.limit).default(50),
  after: z.string().min(1).nullable().default(null),
});

/** Validated paging options. */
export interface NormalizedPage {
  readonly limit: number;
  readonly after: string | null;
}

/** Validates {@link PageOptions} (limit default 50). */
export function parsePage(
  options: { limit?: unknown; after?: unknown } | undefined,
): NormalizedPage {
  return parseWith(pageSchema, { limit: options?.limit, after: options?.after ?? null }, 'page');
}

/**
 * Encodes keyset values into an opaque cursor.
 *
 * @example
 * ```ts
 * const next = encodeCursor([lastRow.id]);
 * ```
 */
export function encodeCursor(values: readonly (number | string)[]): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

/** Decodes a cursor made by {@link encodeCursor} holding `arity` numbers; a `ValidationError` otherwise. */
export function decodeCursor(cursor: string, arity: number): number[] {
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (cause) {
    throw new ValidationError(
      'invalid cursor: not a cursor returned by this store',
      [{ path: 'after', message: 'malformed' }],
      { cause },
    );
  }
  if (
    !Array.isArray(values) ||
    values.length !== arity ||
    !values.every((v) => Number.isSafeInteger(v))
  ) {
    throw new ValidationError('invalid cursor: not a cursor returned by this store', [
      { path: 'after', message: 'malformed' },
    ]);
  }
  return values as number[];
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

// ----------------------------------------------------------------- search

const includeEmbedding = z.boolean().default(true);

const semanticSchema = z
  .object({
    limit: limit(10),
    includeEmbedding,
    threshold: similarity.optional(),
    filters: z.unknown().optional(),
    exact: z.boolean().default(false),
    efSearch: z.number().int().min(1).max(1000).optional(),
    probes: z.number().int().min(1).max(10_000).optional(),
  })
  .strict();

/** Validated semantic-search options with defaults. */
export interface NormalizedSemanticOptions {
  readonly limit: number;
  readonly includeEmbedding: boolean;
  readonly threshold?: number;
  readonly filters: NormalizedFilters;
  readonly exact: boolean;
  readonly efSearch?: number;
  readonly probes?: number;
}

/** Validates `search.semantic()` options. */
export function parseSemanticOptions(options: unknown): NormalizedSemanticOptions {
  const parsed = parseWith(semanticSchema, options ?? {}, 'options');
  return { ...parsed, filters: parseFilters(parsed.filters) } as NormalizedSemanticOptions;
}

const neighbourSchema = z
  .object({
    k: z
      .number()
      .int('must be an integer')
      .min(1, 'must be in 1–100')
      .max(100, 'must be in 1–100')
      .default(10),
    minSimilarity: similarity.optional(),
    states: z
      .array(z.enum(CONSOLIDATION_STATES as [string, ...string[]]))
      .min(1, 'must name at least one state')
      .transform((states) => [...new Set(states)] as ConsolidationState[])
      .optional(),
    efSearch: z.number().int().min(1).max(1000).optional(),
    probes: z.number().int().min(1).max(10_000).optional(),
  })
  .strict();

const logPositionSchema = z
  .number()
  .int('must be an integer')
  .min(0, 'must be ≥ 0')
  .max(Number.MAX_SAFE_INTEGER);
const changedStatesSchema = z
  .array(z.enum(CONSOLIDATION_STATES as [string, ...string[]]))
  .min(1, 'must name at least one state')
  .transform((states) => [...new Set(states)] as ConsolidationState[]);

/**
 * Validates `consolidation.changedSince()` arguments: a log position (a
 * non-negative integer) and the optional states (`null`: any).
 */
export function parseChangedSince(
  position: unknown,
  states: unknown,
): { readonly position: number; readonly states: ConsolidationState[] | null } {
  return {
    position: parseWith(logPositionSchema, position, 'position'),
    states: states === undefined ? null : parseWith(changedStatesSchema, states, 'states'),
  };
}

/** Validated `search.neighbours()` options with defaults. */
export type NormalizedNeighbourOptions = z.output<typeof neighbourSchema>;

const neighbourIdsSchema = z.array(id).max(LIMITS.limit, `at most ${LIMITS.limit} ids`);

/**
 * Validates `search.neighbours()` arguments: at most {@link LIMITS.limit}
 * ids (repeats removed, order kept) and the options.
 */
export function parseNeighbours(
  memoryIds: unknown,
  options: unknown,
): { readonly ids: number[]; readonly options: NormalizedNeighbourOptions } {
  const ids = [...new Set(parseWith(neighbourIdsSchema, memoryIds, 'memoryIds'))];
  return { ids, options: parseWith(neighbourSchema, options ?? {}, 'options') };
}

const keywordText = searchText.refine(
  (value) => value.trim().length > 0,
  'must not be empty or blank',
);

/**
 * Validates a keyword query: plain text, non-blank, without NUL or a lone
 * surrogate, at most {@link LIMITS.searchTextLength} characters and
 * {@link LIMITS.searchTerms} words.
 *
 * @example
 * ```ts
 * parseKeywordText('pnpm workspace'); // 'pnpm workspace'
 * parseKeywordText('x'.repeat(5000)); // throws ValidationError (text: must be at most 4096 characters)
 * ```
 */
export function parseKeywordText(text: unknown): string {
  return parseWith(keywordText, text, 'text');
}

const hybridQuerySchema = z
  .object({
    // Checked by toEmbedding(), against the database's dimension.
    embedding: z.unknown(),
    // Empty or blank text is allowed: the keyword leg then has no candidates.
    text: searchText,
  })
  .strict();

/**
 * Validates the query of `search.hybrid()`: the embedding as in
 * {@link toEmbedding}, the text a string without NUL or a lone surrogate of
 * at most {@link LIMITS.searchTextLength} characters and
 * {@link LIMITS.searchTerms} words. Empty or blank text is no error:
 * like text without a searchable word, it gives the keyword leg no
 * candidates, so the result is the semantic leg fused as usual (keyword 0).
 *
 * @example
 * ```ts
 * const { embedding, text } = parseHybridQuery({ embedding: vector, text: '' }, 768);
 * ```
 */
export function parseHybridQuery(
  query: unknown,
  dimension: number,
): { readonly embedding: Float32Array; readonly text: string } {
  const { embedding, text } = parseWith(hybridQuerySchema, query, 'query');
  return {
    embedding: toEmbedding(embedding as EmbeddingInput, dimension, 'query.embedding'),
    text,
  };
}

const keywordOptionsSchema = z
  .object({
    limit: limit(10),
    includeEmbedding,
    filters: z.unknown().optional(),
  })
  .strict();

/** Validated keyword-search options with defaults. */
export interface NormalizedKeywordOptions {
  readonly limit: number;
  readonly includeEmbedding: boolean;
  readonly filters: NormalizedFilters;
}

/** Validates `search.keyword()` options. */
export function parseKeywordOptions(options: unknown): NormalizedKeywordOptions {
  const parsed = parseWith(keywordOptionsSchema, options ?? {}, 'options');
  return {
    limit: parsed.limit,
    includeEmbedding: parsed.includeEmbedding,
    filters: parseFilters(parsed.filters),
  };
}

const weight = z.number().finite().min(0, 'must be ≥ 0');
const hybridSchema = semanticSchema
  .omit({ exact: true })
  .extend({
    fusion: z.enum(['weighted', 'rrf']).default('weighted'),
    weights: z
      .object({ semantic: weight, keyword: weight })
      .strict()
      .refine((w) => w.semantic + w.keyword > 0, 'weights must not both be 0')
      .default({ ...DEFAULT_FUSION_WEIGHTS }),
    rrfK: z.number().finite().min(0).default(DEFAULT_RRF_K),
    candidates: z.number().int().min(1).max(LIMITS.candidates).optional(),
  })
  .strict();

/** Validated hybrid-search options with defaults resolved. */
export interface NormalizedHybridOptions extends Omit<NormalizedSemanticOptions, 'exact'> {
  readonly fusion: 'weighted' | 'rrf';
  readonly weights: { readonly semantic: number; readonly keyword: number };
  readonly rrfK: number;
  /** Candidates per leg: max(4·limit, 40) unless given; never below `limit`. */
  readonly candidates: number;
}

/** Validates `search.hybrid()` options. */
export function parseHybridOptions(options: unknown): NormalizedHybridOptions {
  const parsed = parseWith(hybridSchema, options ?? {}, 'options');
  const candidates = Math.max(parsed.candidates ?? Math.max(4 * parsed.limit, 40), parsed.limit);
  return {
    ...parsed,
    candidates,
    filters: parseFilters(parsed.filters),
  } as NormalizedHybridOptions;
}

// ----------------------------------------------------------------- relationships

const linkSchema = z
  .object({
    fromMemoryId: id,
    toMemoryId: id,
    relationshipType: z.enum(RELATIONSHIP_TYPES as [string, ...string[]]),
    strength: unit.default(0.5),
  })
  .strict()
  .refine((link) => link.fromMemoryId !== link.toMemoryId, {
    message: 'a memory cannot be linked to itself',
    path: ['toMemoryId'],
  });

/** Validates `relationships.link()` input (strength default 0.5). */
export function parseLink(input: unknown): z.output<typeof linkSchema> {
  return parseWith(linkSchema, input, 'link');
}

const listRelationshipsSchema = z
  .object({
    direction: z.enum(['outgoing', 'incoming', 'both']).default('both'),
    types: z.array(z.enum(RELATIONSHIP_TYPES as [string, ...string[]])).optional(),
  })
  .strict();

/** Validates `relationships.list()` options. */
export function parseListRelationships(options: unknown): z.output<typeof listRelationshipsSchema> {
  return parseWith(listRelationshipsSchema, options ?? {}, 'options');
}

// ----------------------------------------------------------------- episodes

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

// ----------------------------------------------------------------- goals and tasks

const createGoalSchema = z
  .object({
    title: shortText,
    description: longText.nullable().default(null),
    parentGoalId: id.nullable().default(null),
    status: z.enum(GOAL_STATUSES as [string, ...string[]]).default('planned'),
    priority: priority.default(5),
    progress: unit.default(0),
    deadline: instant.nullable().default(null),
  })
  .strict();

/** Validates `goals.create()` input. */
export function parseCreateGoal(input: unknown): z.output<typeof createGoalSchema> {
  return parseWith(createGoalSchema, input, 'goal');
}

const updateGoalSchema = z
  .object({
    title: shortText.optional(),
    description: longText.nullable().optional(),
    status: z.enum(GOAL_STATUSES as [string, ...string[]]).optional(),
    priority: priority.optional(),
    progress: unit.optional(),
    deadline: instant.nullable().optional(),
  })
  .strict();

/** Validates `goals.update()` input; unknown fields are rejected. */
export function parseUpdateGoal(input: unknown): z.output<typeof updateGoalSchema> {
  return dropUndefined(parseWith(updateGoalSchema, input, 'goal update'));
}

const listGoalsSchema = z
  .object({
    statuses: z.array(z.enum(GOAL_STATUSES as [string, ...string[]])).optional(),
    minPriority: priority.optional(),
    parentGoalId: id.nullable().optional(),
  })
  .strict();

/** Validates `goals.list()` options. */
export function parseListGoals(options: unknown): z.output<typeof listGoalsSchema> {
  return parseWith(listGoalsSchema, options ?? {}, 'options');
}

const createTaskSchema = z
  .object({
    title: shortText,
    description: longText.nullable().default(null),
    goalId: id.nullable().default(null),
    parentTaskId: id.nullable().default(null),
    status: z.enum(TASK_STATUSES as [string, ...string[]]).default('pending'),
    priority: priority.default(5),
    dueAt: instant.nullable().default(null),
  })
  .strict();

/** Validates `tasks.create()` input. */
export function parseCreateTask(input: unknown): z.output<typeof createTaskSchema> {
  return parseWith(createTaskSchema, input, 'task');
}

const updateTaskSchema = z
  .object({
    title: shortText.optional(),
    description: longText.nullable().optional(),
    status: z.enum(TASK_STATUSES as [string, ...string[]]).optional(),
    priority: priority.optional(),
    dueAt: instant.nullable().optional(),
  })
  .strict();

/** Validates `tasks.update()` input; unknown fields are rejected. */
export function parseUpdateTask(input: unknown): z.output<typeof updateTaskSchema> {
  return dropUndefined(parseWith(updateTaskSchema, input, 'task update'));
}

const listTasksSchema = z
  .object({
    statuses: z.array(z.enum(TASK_STATUSES as [string, ...string[]])).optional(),
    minPriority: priority.optional(),
    goalId: id.optional(),
    parentTaskId: id.nullable().optional(),
  })
  .strict();

/** Validates `tasks.list()` options. */
export function parseListTasks(options: unknown): z.output<typeof listTasksSchema> {
  return parseWith(listTasksSchema, options ?? {}, 'options');
}

// ----------------------------------------------------------------- code

const lineNumber = z.number().int().min(1, 'must be ≥ 1');
const entityType = z.enum(CODE_ENTITY_TYPES as [string, ...string[]]);
const entityFields = {
  name: shortText,
  qualifiedName: shortText.optional(),
  entityType,
  language: shortText.nullable().default(null),
  signature: longText.nullable().default(null),
  docstring: longText.nullable().default(null),
  startLine: lineNumber.nullable().default(null),
  endLine: lineNumber.nullable().default(null),
  complexity: z.number().finite().min(0).nullable().default(null),
  codeHash: shortText.nullable().default(null),
  exported: z.boolean().nullable().default(null),
  memoryId: id.nullable().default(null),
};
const lineRange = {
  check: (e: { startLine: number | null; endLine: number | null }) =>
    e.startLine === null || e.endLine === null || e.endLine >= e.startLine,
  issue: { message: 'must be ≥ startLine', path: ['endLine'] },
};
const upsertEntitySchema = z
  .object({ filePath: shortText, ...entityFields })
  .strict()
  .refine(lineRange.check, lineRange.issue);
const fileEntitySchema = z.object(entityFields).strict().refine(lineRange.check, lineRange.issue);

/** A validated code entity: every field present, `qualifiedName` defaulted to `name`. */
export type NewCodeEntity = Omit<z.output<typeof upsertEntitySchema>, 'qualifiedName'> & {
  readonly qualifiedName: string;
  readonly entityType: CodeEntityType;
};

function withQualifiedName<E extends { name: string; qualifiedName?: string | undefined }>(
  entity: E,
): E & { qualifiedName: string } {
  return { ...entity, qualifiedName: entity.qualifiedName ?? entity.name };
}

/** The key of a code entity within its project, as one string (for maps and sets). */
export function codeEntityKey(entity: {
  readonly filePath: string;
  readonly qualifiedName: string;
  readonly entityType: string;
}): string {
  return JSON.stringify([entity.filePath, entity.qualifiedName, entity.entityType]);
}

/** Validates `code.upsertEntity()` input (`qualifiedName` defaults to `name`). */
export function parseUpsertEntity(input: unknown, path = 'entity'): NewCodeEntity {
  return withQualifiedName(parseWith(upsertEntitySchema, input, path)) as NewCodeEntity;
}

function batchArray(inputs: unknown, what: string): unknown[] {
  if (!Array.isArray(inputs) || inputs.length > LIMITS.batch) {
    throw new ValidationError(`invalid ${what}: must be an array of at most ${LIMITS.batch}`, [
      { path: what, message: `must be an array of at most ${LIMITS.batch}` },
    ]);
  }
  return inputs;
}

function rejectDuplicateKey(seen: Map<string, number>, key: string, path: string): void {
  const first = seen.get(key);
  if (first !== undefined) {
    throw new ValidationError(
      `invalid ${path}: the same (filePath, qualifiedName, entityType) as entry ${first}`,
      [{ path, message: `duplicates entry ${first}` }],
    );
  }
}

/** Validates every `code.upsertEntities()` input; two inputs with one key are rejected. */
export function parseUpsertEntities(inputs: unknown): NewCodeEntity[] {
  const seen = new Map<string, number>();
  return batchArray(inputs, 'entities').map((input, index) => {
    const entity = parseUpsertEntity(input, `entities[${index}]`);
    const key = codeEntityKey(entity);
    rejectDuplicateKey(seen, key, `entities[${index}]`);
    seen.set(key, index);
    return entity;
  });
}

const entityRefSchema = z
  .object({
    qualifiedName: shortText,
    filePath: shortText.optional(),
    entityType: entityType.optional(),
  })
  .strict();
const fileEdgeSchema = z
  .object({
    from: entityRefSchema,
    to: entityRefSchema,
    dependencyType: z.enum(DEPENDENCY_TYPES as [string, ...string[]]),
  })
  .strict();
const unresolvedReferenceSchema = z
  .object({
    from: entityRefSchema,
    dependencyType: z.enum(DEPENDENCY_TYPES as [string, ...string[]]),
    target: shortText,
    line: lineNumber.nullable().default(null),
  })
  .strict();
const replaceFileSchema = z
  .object({
    entities: z.array(z.unknown()).max(LIMITS.batch),
    edges: z.array(z.unknown()).max(LIMITS.batch).default([]),
    unresolved: z.array(z.unknown()).max(LIMITS.batch).default([]),
  })
  .strict();

/** The target of a validated edge: absent parts are `null`. */
export interface NormalizedEntityRef {
  readonly qualifiedName: string;
  readonly filePath: string | null;
  readonly entityType: CodeEntityType | null;
}

/** A validated `replaceFile()` edge: `from` is an index into the file's entities. */
export interface NormalizedFileEdge {
  readonly from: number;
  readonly to: NormalizedEntityRef;
  readonly dependencyType: DependencyType;
}

/** A validated unresolved reference of `replaceFile()`: `from` is an index into the file's entities. */
export interface NormalizedUnresolvedReference {
  readonly from: number;
  readonly dependencyType: DependencyType;
  readonly target: string;
  readonly line: number | null;
}

/** A validated `replaceFile()` input. */
export interface NormalizedReplaceFile {
  readonly filePath: string;
  readonly entities: readonly NewCodeEntity[];
  /** Deduplicated, in input order. */
  readonly edges: readonly NormalizedFileEdge[];
  /** Deduplicated, in input order. */
  readonly unresolved: readonly NormalizedUnresolvedReference[];
}

/** The index of the one entity of the file that `from` names; a `ValidationError` otherwise. */
function sourceIndex(
  entities: readonly NewCodeEntity[],
  byName: ReadonlyMap<string, readonly number[]>,
  file: string,
  from: { qualifiedName: string; filePath?: string | undefined; entityType?: string | undefined },
  path: string,
): number {
  if (from.filePath !== undefined && from.filePath !== file) {
    throw new ValidationError(`invalid ${path}.from.filePath: must be the replaced file`, [
      { path: `${path}.from.filePath`, message: `must be ${JSON.stringify(file)} or absent` },
    ]);
  }
  const matches = (byName.get(from.qualifiedName) ?? []).filter(
    (at) => from.entityType === undefined || entities[at]?.entityType === from.entityType,
  );
  if (matches.length !== 1) {
    const problem =
      matches.length === 0
        ? 'names no entity of the file'
        : 'names several entities of the file: give entityType';
    throw new ValidationError(`invalid ${path}.from: ${problem}`, [
      { path: `${path}.from`, message: problem },
    ]);
  }
  return matches[0] as number;
}

/**
 * Validates `code.replaceFile()` input: the entities (no two with one key),
 * and every edge, whose `from` must name exactly one of them. An edge from an
 * entity to itself is rejected, repeated edges are kept once.
 */
export function parseReplaceFile(filePath: unknown, input: unknown): NormalizedReplaceFile {
  const file = parseWith(shortText, filePath, 'filePath');
  const raw = parseWith(replaceFileSchema, input, 'input');
  const seen = new Map<string, number>();
  const entities = raw.entities.map((candidate, index) => {
    const path = `input.entities[${index}]`;
    const entity = {
      ...withQualifiedName(parseWith(fileEntitySchema, candidate, path)),
      filePath: file,
    };
    const key = codeEntityKey(entity);
    rejectDuplicateKey(seen, key, path);
    seen.set(key, index);
    return entity as NewCodeEntity;
  });
  const byName = new Map<string, number[]>();
  entities.forEach((entity, index) => {
    const list = byName.get(entity.qualifiedName);
    if (list === undefined) byName.set(entity.qualifiedName, [index]);
    else list.push(index);
  });
  const edgeKeys = new Set<string>();
  const edges: NormalizedFileEdge[] = [];
  raw.edges.forEach((candidate, index) => {
    const path = `input.edges[${index}]`;
    const edge = parseWith(fileEdgeSchema, candidate, path);
    const fromIndex = sourceIndex(entities, byName, file, edge.from, path);
    const source = entities[fromIndex] as NewCodeEntity;
    const to: NormalizedEntityRef = {
      qualifiedName: edge.to.qualifiedName,
      filePath: edge.to.filePath ?? null,
      entityType: (edge.to.entityType ?? null) as CodeEntityType | null,
    };
    if (
      to.filePath === file &&
      to.qualifiedName === source.qualifiedName &&
      (to.entityType === null || to.entityType === source.entityType)
    ) {
      throw new ValidationError(`invalid ${path}: an entity cannot depend on itself`, [
        { path: `${path}.to`, message: 'an entity cannot depend on itself' },
      ]);
    }
    const key = JSON.stringify([
      fromIndex,
      edge.dependencyType,
      to.qualifiedName,
      to.filePath,
      to.entityType,
    ]);
    if (edgeKeys.has(key)) return;
    edgeKeys.add(key);
    edges.push({ from: fromIndex, to, dependencyType: edge.dependencyType as DependencyType });
  });
  const referenceKeys = new Set<string>();
  const unresolved: NormalizedUnresolvedReference[] = [];
  raw.unresolved.forEach((candidate, index) => {
    const path = `input.unresolved[${index}]`;
    const reference = parseWith(unresolvedReferenceSchema, candidate, path);
    const from = sourceIndex(entities, byName, file, reference.from, path);
    const key = JSON.stringify([from, reference.dependencyType, reference.target, reference.line]);
    if (referenceKeys.has(key)) return;
    referenceKeys.add(key);
    unresolved.push({
      from,
      dependencyType: reference.dependencyType as DependencyType,
      target: reference.target,
      line: reference.line,
    });
  });
  return { filePath: file, entities, edges, unresolved };
}

const entityTypes = z.array(entityType).min(1, 'must name at least one type');
const dependencyTypes = z
  .array(z.enum(DEPENDENCY_TYPES as [string, ...string[]]))
  .min(1, 'must name at least one type');

const findEntitiesSchema = z
  .object({
    filePath: shortText.optional(),
    name: shortText.optional(),
    qualifiedName: shortText.optional(),
    entityTypes: entityTypes.optional(),
    line: lineNumber.optional(),
  })
  .strict();

/** Validates `code.findEntities()` options. */
export function parseFindEntities(options: unknown): z.output<typeof findEntitiesSchema> {
  return parseWith(findEntitiesSchema, options ?? {}, 'options');
}

const listUnresolvedSchema = z
  .object({ filePath: shortText.optional(), qualifiedName: shortText.optional() })
  .strict();

/** Validates `code.unresolvedDependencies()` options. */
export function parseListUnresolved(options: unknown): z.output<typeof listUnresolvedSchema> {
  return parseWith(listUnresolvedSchema, options ?? {}, 'options');
}

const dependencySchema = z
  .object({
    fromEntityId: id,
    toEntityId: id,
    dependencyType: z.enum(DEPENDENCY_TYPES as [string, ...string[]]),
  })
  .strict()
  .refine((d) => d.fromEntityId !== d.toEntityId, {
    message: 'an entity cannot depend on itself',
    path: ['toEntityId'],
  });

/** Validates `code.addDependency()` / `removeDependency()` input. */
export function parseDependency(input: unknown): z.output<typeof dependencySchema> {
  return parseWith(dependencySchema, input, 'dependency');
}

const impactOptionsFields = {
  maxDepth: z.number().int().min(1).max(LIMITS.impactDepth).nullable().default(5),
  dependencyTypes: dependencyTypes.optional(),
  entityTypes: entityTypes.optional(),
};
const impactOptionsSchema = z.object(impactOptionsFields).strict();
const traverseOptionsSchema = z
  .object({
    ...impactOptionsFields,
    direction: z.enum(TRAVERSE_DIRECTIONS as [string, ...string[]]),
  })
  .strict();

/** Validated options of a walk over the code graph; absent filters are `null`. */
export interface NormalizedTraverseOptions {
  readonly direction: TraverseDirection;
  /** `null`: no bound. */
  readonly maxDepth: number | null;
  readonly dependencyTypes: readonly DependencyType[] | null;
  readonly entityTypes: readonly CodeEntityType[] | null;
}

/** Validates `code.impact()` options (maxDepth default 5, `null` for no bound). */
export function parseImpactOptions(options: unknown): NormalizedTraverseOptions {
  const parsed = parseWith(impactOptionsSchema, options ?? {}, 'options');
  return {
    direction: 'dependents',
    maxDepth: parsed.maxDepth,
    dependencyTypes: (parsed.dependencyTypes as DependencyType[] | undefined) ?? null,
    entityTypes: (parsed.entityTypes as CodeEntityType[] | undefined) ?? null,
  };
}

/** Validates `code.traverse()` options: `direction` is required, the rest as in `impact()`. */
export function parseTraverseOptions(options: unknown): NormalizedTraverseOptions {
  const parsed = parseWith(traverseOptionsSchema, options, 'options');
  return {
    direction: parsed.direction as TraverseDirection,
    maxDepth: parsed.maxDepth,
    dependencyTypes: (parsed.dependencyTypes as DependencyType[] | undefined) ?? null,
    entityTypes: (parsed.entityTypes as CodeEntityType[] | undefined) ?? null,
  };
}

const hotspotOptionsSchema = z
  .object({
    limit: limit(20),
    orderBy: z.enum(['fanIn', 'fanOut']).default('fanIn'),
    entityTypes: entityTypes.optional(),
    dependencyTypes: dependencyTypes.optional(),
  })
  .strict();

/** Validated `code.hotspots()` options; absent filters are `null`. */
export interface NormalizedHotspotOptions {
  readonly limit: number;
  readonly orderBy: 'fanIn' | 'fanOut';
  readonly entityTypes: readonly CodeEntityType[] | null;
  readonly dependencyTypes: readonly DependencyType[] | null;
}

/** Validates `code.hotspots()` options (limit default 20, ranked by fan-in). */
export function parseHotspotOptions(options: unknown): NormalizedHotspotOptions {
  const parsed = parseWith(hotspotOptionsSchema, options ?? {}, 'options');
  return {
    limit: parsed.limit,
    orderBy: parsed.orderBy,
    entityTypes: (parsed.entityTypes as CodeEntityType[] | undefined) ?? null,
    dependencyTypes: (parsed.dependencyTypes as DependencyType[] | undefined) ?? null,
  };
}

const listUnresolvedReferencesSchema = z
  .object({
    filePath: shortText.optional(),
    dependencyType: z.enum(DEPENDENCY_TYPES as [string, ...string[]]).optional(),
  })
  .strict();

/** Validates `code.unresolvedReferences()` options. */
export function parseListUnresolvedReferences(options: unknown): {
  readonly filePath?: string;
  readonly dependencyType?: DependencyType;
} {
  return parseWith(listUnresolvedReferencesSchema, options ?? {}, 'options') as {
    filePath?: string;
    dependencyType?: DependencyType;
  };
}

// ----------------------------------------------------------------- decisions

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

// ----------------------------------------------------------------- consolidation

const consolidationStateSchema = z.enum(CONSOLIDATION_STATES as [string, ...string[]]);

/** Validates a target consolidation state. */
export function parseConsolidationState(value: unknown, what = 'to'): ConsolidationState {
  return parseWith(consolidationStateSchema, value, what) as ConsolidationState;
}

const transitionSchema = z
  .object({
    reason: longText.nullable().default(null),
    actor: shortText.nullable().default(null),
    supersededBy: id.optional(),
    at: instant.optional(),
  })
  .strict();

/**
 * Validates `consolidation.transition()` options for a move of `memoryId` to
 * `to`: `supersededBy` is required when moving to `superseded`, allowed only
 * then, and must name a different memory.
 */
export function parseTransitionOptions(
  options: unknown,
  to: ConsolidationState,
  memoryId: number,
): {
  readonly reason: string | null;
  readonly actor: string | null;
  readonly supersededBy?: number;
  readonly at: Date;
} {
  const parsed = parseWith(transitionSchema, options ?? {}, 'options');
  const problem =
    to === 'superseded' && parsed.supersededBy === undefined
      ? 'required when moving to superseded'
      : to !== 'superseded' && parsed.supersededBy !== undefined
        ? 'only allowed when moving to superseded'
        : parsed.supersededBy === memoryId
          ? 'must be a different memory: a memory cannot supersede itself'
          : undefined;
  if (problem !== undefined) {
    throw new ValidationError(`invalid options: supersededBy ${problem}`, [
      { path: 'options.supersededBy', message: problem },
    ]);
  }
  return { ...parsed, at: parsed.at ?? new Date() };
}

const claimSchema = z
  .object({
    worker: shortText,
    limit: limit(10),
    leaseMs: z
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 3_600_000)
      .default(300_000),
    now: instant.optional(),
  })
  .strict();

/** Validates `consolidation.claimBatch()` options. */
export function parseClaimBatch(options: unknown): {
  readonly worker: string;
  readonly limit: number;
  readonly leaseMs: number;
  readonly now: Date;
} {
  const parsed = parseWith(claimSchema, options, 'options');
  return { ...parsed, now: parsed.now ?? new Date() };
}

/** Validates `consolidation.reconsolidationWindow()` options. */
const reconsolidationWindowSchema = z
  .object({
    windowMinutes: z.number().finite().positive().default(60),
    now: instant.optional(),
  })
  .strict();

export function parseReconsolidationWindow(options: unknown): {
  readonly windowMinutes: number;
  readonly now: Date;
} {
  const parsed = parseWith(reconsolidationWindowSchema, options ?? {}, 'options');
  return { windowMinutes: parsed.windowMinutes, now: parsed.now ?? new Date() };
}

const transitionChangeSchema = z
  .object({
    memoryId: id,
    to: consolidationStateSchema,
    supersededBy: id.optional(),
  })
  .strict();
const transitionManySchema = z.array(transitionChangeSchema).max(LIMITS.batch);
const transitionManyOptionsSchema = z
  .object({
    reason: longText.nullable().default(null),
    actor: shortText.nullable().default(null),
    at: instant.optional(),
  })
  .strict();

/** A validated change of `consolidation.transitionMany()`. */
export interface NormalizedTransitionChange {
  readonly memoryId: number;
  readonly to: ConsolidationState;
  readonly supersededBy: number | null;
}

/**
 * Validates `consolidation.transitionMany()` input: each change names a
 * memory and a state, `supersededBy` exactly when moving to `superseded`
 * (and another memory).
 */
export function parseTransitionMany(
  changes: unknown,
  options: unknown,
): {
  readonly changes: readonly NormalizedTransitionChange[];
  readonly reason: string | null;
  readonly actor: string | null;
  readonly at: Date;
} {
  const parsed = parseWith(transitionManySchema, changes, 'changes');
  const issues: ValidationIssue[] = [];
  parsed.forEach((change, i) => {
    const problem =
      change.to === 'superseded' && change.supersededBy === undefined
        ? 'required when moving to superseded'
        : change.to !== 'superseded' && change.supersededBy !== undefined
          ? 'only allowed when moving to superseded'
          : change.supersededBy === change.memoryId
            ? 'must be a different memory: a memory cannot supersede itself'
            : undefined;
    if (problem !== undefined)
      issues.push({ path: `changes[${i}].supersededBy`, message: problem });
  });
  if (issues.length > 0) {
    throw new ValidationError(
      `invalid changes: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      issues,
    );
  }
  const rest = parseWith(transitionManyOptionsSchema, options ?? {}, 'options');
  return {
    changes: parsed.map((c) => ({
      memoryId: c.memoryId,
      to: c.to as ConsolidationState,
      supersededBy: c.supersededBy ?? null,
    })),
    reason: rest.reason,
    actor: rest.actor,
    at: rest.at ?? new Date(),
  };
}

const runCount = z
  .number()
  .int('must be an integer')
  .min(0, 'must be at least 0')
  .max(Number.MAX_SAFE_INTEGER);
const runFields = {
  workerId: shortText,
  startedAt: instant,
  finishedAt: instant,
  claimed: runCount,
  clusters: runCount,
  created: runCount,
  superseded: runCount,
  linked: runCount,
  episodes: runCount,
  released: runCount,
  closed: runCount,
  fallbacks: runCount,
  errors: runCount,
  error: longText.nullable(),
  phases: z.record(shortText, z.number().finite().min(0, 'must be at least 0')),
};
const finishedAfterStart: [
  (run: { startedAt: Date; finishedAt: Date }) => boolean,
  { message: string; path: string[] },
] = [
  (run) => run.finishedAt.getTime() >= run.startedAt.getTime(),
  { message: 'must not be before startedAt', path: ['finishedAt'] },
];
const runInputSchema = z
  .object(runFields)
  .strict()
  .refine(...finishedAfterStart);

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

/** Validates `consolidation.recordRun()` input. */
export function parseRunInput(input: unknown): ConsolidationRunInput {
  return parseWith(runInputSchema, input, 'run');
}

const listRunsSchema = z.object({ limit: limit(50), before: id.optional() }).strict();

/** Validates `consolidation.listRuns()` options. */
export function parseListRuns(options: unknown): {
  readonly limit: number;
  readonly before?: number;
} {
  return dropUndefined(parseWith(listRunsSchema, options ?? {}, 'options'));
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

// ----------------------------------------------------------------- records

/** Most records one `records.insert()` or `records.linkSupersession()` call takes. */
export const RECORD_BATCH_LIMIT = 10_000;

const enumOf = (values: readonly string[]) => z.enum(values as [string, ...string[]]);
const nullableInstant = instant.nullable();
const projectRef = { projectId: id };

const memoryRecordSchema = z
  .object({
    ...projectRef,
    content,
    contentType: enumOf(CONTENT_TYPES),
    memoryType: enumOf(MEMORY_TYPES),
    domain: shortText.nullable(),
    tags: z.array(shortText).max(LIMITS.tags, `at most ${LIMITS.tags} tags`),
    embeddingModel: shortText.nullable(),
    accessCount: count,
    lastAccessed: nullableInstant,
    lastRetrieved: nullableInstant,
    usefulnessScore: unit,
    confidence: unit,
    consolidationState: enumOf(CONSOLIDATION_STATES),
    consolidatedAt: nullableInstant,
    supersededBy: id.nullable(),
    claimedBy: shortText.nullable(),
    claimExpiresAt: nullableInstant,
    version: z
      .number()
      .int('must be an integer')
      .min(1, 'must be ≥ 1')
      .max(2 ** 31 - 1),
    sessionId: shortText.nullable(),
    eventType: shortText.nullable(),
    codeLanguage: shortText.nullable(),
    codeHash: shortText.nullable(),
    createdAt: instant,
    updatedAt: instant,
  })
  .strict();

/** The refinement of an edge record: its two ends differ. */
function differentEnds(from: string, to: string) {
  return [
    (value: Record<string, unknown>) => value[from] !== value[to],
    { message: `must differ from ${from}`, path: [to] },
  ] as const satisfies readonly [unknown, { message: string; path: PropertyKey[] }];
}

const RECORD_SCHEMAS = {
  projects: z
    .object({
      name: shortText,
      path: shortText,
      description: longText.nullable(),
      createdAt: instant,
      lastAccessedAt: instant,
    })
    .strict(),
  memories: memoryRecordSchema,
  relationships: z
    .object({
      ...projectRef,
      fromMemoryId: id,
      toMemoryId: id,
      relationshipType: enumOf(RELATIONSHIP_TYPES),
      strength: unit,
      createdAt: instant,
    })
    .strict()
    .refine(...differentEnds('fromMemoryId', 'toMemoryId')),
  transitions: z
    .object({
      ...projectRef,
      memoryId: id,
      fromState: enumOf(CONSOLIDATION_STATES),
      toState: enumOf(CONSOLIDATION_STATES),
      reason: longText.nullable(),
      actor: shortText.nullable(),
      at: instant,
    })
    .strict(),
  episodes: z
    .object({
      ...projectRef,
      sessionId: shortText,
      timestamp: instant,
      durationMs: count.nullable(),
      eventType: enumOf(EPISODE_EVENT_TYPES),
      content,
      outcome: enumOf(EPISODE_OUTCOMES).nullable(),
      context: z
        .object({
          cwd: shortText.nullable(),
          files: z.array(shortText),
          task: longText.nullable(),
          phase: shortText.nullable(),
          branch: shortText.nullable(),
        })
        .strict(),
      filesChanged: count,
      linesAdded: count,
      linesDeleted: count,
      learned: longText.nullable(),
      surpriseScore: unit.nullable(),
      confidence: unit,
      consolidationStatus: z.enum(['unconsolidated', 'consolidated']),
      consolidatedAt: nullableInstant,
      consolidatedInto: id.nullable(),
      createdAt: instant,
    })
    .strict(),
  goals: z
    .object({
      ...projectRef,
      parentGoalId: id.nullable(),
      title: shortText,
      description: longText.nullable(),
      status: enumOf(GOAL_STATUSES),
      priority,
      progress: unit,
      deadline: nullableInstant,
      completedAt: nullableInstant,
      createdAt: instant,
      updatedAt: instant,
    })
    .strict(),
  tasks: z
    .object({
      ...projectRef,
      goalId: id.nullable(),
      parentTaskId: id.nullable(),
      title: shortText,
      description: longText.nullable(),
      status: enumOf(TASK_STATUSES),
      priority,
      dueAt: nullableInstant,
      completedAt: nullableInstant,
      createdAt: instant,
      updatedAt: instant,
    })
    .strict(),
  codeEntities: z
    .object({
      ...projectRef,
      filePath: shortText,
      name: shortText,
      qualifiedName: shortText,
      entityType: enumOf(CODE_ENTITY_TYPES),
      language: shortText.nullable(),
      signature: longText.nullable(),
      docstring: longText.nullable(),
      startLine: lineNumber.nullable(),
      endLine: lineNumber.nullable(),
      complexity: z.number().finite().min(0).nullable(),
      codeHash: shortText.nullable(),
      memoryId: id.nullable(),
      exported: z.boolean().nullable(),
      createdAt: instant,
      updatedAt: instant,
    })
    .strict()
    .refine((e) => e.startLine === null || e.endLine === null || e.endLine >= e.startLine, {
      message: 'must be ≥ startLine',
      path: ['endLine'],
    }),
  codeDependencies: z
    .object({
      ...projectRef,
      fromEntityId: id,
      toEntityId: id,
      dependencyType: enumOf(DEPENDENCY_TYPES),
      createdAt: instant,
    })
    .strict()
    .refine(...differentEnds('fromEntityId', 'toEntityId')),
  unresolvedDependencies: z
    .object({
      ...projectRef,
      fromEntityId: id,
      dependencyType: enumOf(DEPENDENCY_TYPES),
      target: z
        .object({
          qualifiedName: shortText,
          filePath: shortText.nullable(),
          entityType: enumOf(CODE_ENTITY_TYPES).nullable(),
        })
        .strict(),
      createdAt: instant,
    })
    .strict(),
  unresolvedReferences: z
    .object({
      ...projectRef,
      fromEntityId: id,
      dependencyType: enumOf(DEPENDENCY_TYPES),
      target: shortText,
      line: lineNumber.nullable(),
      createdAt: instant,
    })
    .strict(),
  decisions: z
    .object({
      ...projectRef,
      title: shortText,
      rationale: longText.nullable(),
      alternatives: z.array(longText),
      status: enumOf(DECISION_STATUSES),
      confidence: unit,
      validatedAt: nullableInstant,
      validationNotes: longText.nullable(),
      supersededBy: id.nullable(),
      createdAt: instant,
      updatedAt: instant,
    })
    .strict(),
  scenarios: z
    .object({
      ...projectRef,
      decisionId: id,
      scenarioType: enumOf(SCENARIO_TYPES),
      description: content,
      probability: unit,
      impact: longText.nullable(),
      createdAt: instant,
    })
    .strict(),
  consolidationRuns: z
    .object({ ...projectRef, ...runFields })
    .strict()
    .refine(...finishedAfterStart),
} satisfies Record<RecordTable, z.ZodType>;

/** Fields of a domain record that `records.insert()` does not take from it: new ids, derived scores. */
const RECORD_IGNORED: ReadonlySet<string> = new Set(['id']);
/** The embedding is checked on its own, against the database's dimension. */
const MEMORY_RECORD_IGNORED: ReadonlySet<string> = new Set(['id', 'qualityScore', 'embedding']);

/**
 * A record validated for `records.insert()`: every field of the domain
 * record but the id and derived fields, embeddings as 32-bit floats.
 */
export type NewRecord<T extends RecordTable> = Omit<RecordOf<T>, 'id' | 'qualityScore'>;

/**
 * Checks a table name of the record repository.
 *
 * @example
 * ```ts
 * parseRecordTable('memories'); // 'memories'
 * ```
 */
export function parseRecordTable(value: unknown, what = 'table'): RecordTable {
  return parseWith(enumOf(RECORD_TABLES), value, what) as RecordTable;
}

/**
 * Validates every record of one `records.insert()` call before anything is
 * written; messages name the index and field (`memories[3].createdAt`).
 * Memories' embeddings must have `dimension` components.
 *
 * @example
 * ```ts
 * const rows = parseRecords('goals', records, store.embeddingDimension);
 * ```
 */
export function parseRecords<T extends RecordTable>(
  table: T,
  records: unknown,
  dimension: number,
): NewRecord<T>[] {
  parseRecordTable(table);
  if (!Array.isArray(records) || records.length > RECORD_BATCH_LIMIT) {
    throw new ValidationError(
      `invalid ${table}: must be an array of at most ${RECORD_BATCH_LIMIT} records`,
      [{ path: table, message: `must be an array of at most ${RECORD_BATCH_LIMIT}` }],
    );
  }
  const schema: z.ZodType = RECORD_SCHEMAS[table];
  return records.map((record: unknown, index) => {
    const path = `${table}[${index}]`;
    if (record === null || typeof record !== 'object') {
      throw new ValidationError(`invalid ${path}: must be an object`, [
        { path, message: 'must be an object' },
      ]);
    }
    // A record as `page()` returns it: its id and derived fields are not written.
    const ignored = table === 'memories' ? MEMORY_RECORD_IGNORED : RECORD_IGNORED;
    const given = Object.fromEntries(Object.entries(record).filter(([key]) => !ignored.has(key)));
    const parsed = parseWith(schema, given, path) as Record<string, unknown>;
    if (table !== 'memories') return parsed as NewRecord<T>;
    const embedding = toEmbedding(
      (record as { embedding: EmbeddingInput }).embedding,
      dimension,
      `${path}.embedding`,
    );
    return { ...parsed, embedding } as unknown as NewRecord<T>;
  });
}

const recordPageSchema = z
  .object({
    after: z.number().int('must be an integer').min(0, 'must be ≥ 0').default(0),
    limit: z.number().int('must be an integer').min(1).max(RECORD_BATCH_LIMIT).default(500),
    projectIds: z.array(id).max(LIMITS.batch).optional(),
  })
  .strict();

/** Validated `records.page()` options; `projectIds` deduplicated, absent for every project. */
export interface NormalizedRecordPage {
  readonly after: number;
  readonly limit: number;
  readonly projectIds?: readonly number[];
}

/** Validates `records.page()` options (after default 0, limit default 500). */
export function parseRecordPage(options: unknown): NormalizedRecordPage {
  const parsed = parseWith(recordPageSchema, options ?? {}, 'options');
  return parsed.projectIds === undefined
    ? { after: parsed.after, limit: parsed.limit }
    : { ...parsed, projectIds: [...new Set(parsed.projectIds)] };
}

const recordCountSchema = recordPageSchema.pick({ projectIds: true }).strict();

/** Validates the project filter of `records.count()`. */
export function parseRecordCount(options: unknown): { readonly projectIds?: readonly number[] } {
  const { projectIds } = parseWith(recordCountSchema, options ?? {}, 'options');
  return projectIds === undefined ? {} : { projectIds: [...new Set(projectIds)] };
}

const supersessionLinksSchema = z
  .array(
    z
      .object({ id, supersededBy: id })
      .strict()
      .refine((link) => link.id !== link.supersededBy, {
        message: 'a row cannot supersede itself',
        path: ['supersededBy'],
      }),
  )
  .max(RECORD_BATCH_LIMIT)
  .superRefine((links, ctx) => {
    // One link per row: two links of one row would leave its value to chance.
    const seen = new Set<number>();
    links.forEach((link, index) => {
      if (seen.has(link.id)) {
        ctx.addIssue({ code: 'custom', message: 'links each row once', path: [index, 'id'] });
      }
      seen.add(link.id);
    });
  });

/** Validates `records.linkSupersession()` input: each row linked once, never to itself. */
export function parseSupersessionLinks(
  table: unknown,
  links: unknown,
): { readonly table: SupersedingTable; readonly links: SupersessionLink[] } {
  const parsedTable = parseWith(z.enum(['memories', 'decisions']), table, 'table');
  return { table: parsedTable, links: parseWith(supersessionLinksSchema, links, 'links') };
}

const bulkLoadSchema = z.object({ memories: count.default(0) }).strict();

/** Validates `store.bulkLoad()` options (memories default 0). */
export function parseBulkLoadOptions(options: unknown): { readonly memories: number } {
  return parseWith(bulkLoadSchema, options ?? {}, 'options');
}

const statsOptionsSchema = z.object({ projectId: id.optional() }).strict();

/** Validates `store.stats()` options: `projectId` is `null` for the whole database. */
export function parseStatsOptions(options: unknown): { readonly projectId: number | null } {
  return { projectId: parseWith(statsOptionsSchema, options ?? {}, 'options').projectId ?? null };
}

/**
 * Checks the callback of `store.transaction()` / `bulkLoad()` before any
 * transaction opens.
 *
 * @example
 * ```ts
 * parseTransactionCallback(fn); // fn, or a ValidationError naming `fn`
 * ```
 */
export function parseTransactionCallback<F>(fn: F): F {
  if (typeof fn !== 'function') {
    throw new ValidationError(`invalid fn: must be a function, got ${describeValue(fn)}`, [
      { path: 'fn', message: 'must be a function' },
    ]);
  }
  return fn;
}

function describeValue(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}
