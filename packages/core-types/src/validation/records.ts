import { z } from 'zod';
import { CODE_ENTITY_TYPES, DEPENDENCY_TYPES } from '../code.js';
import { CONSOLIDATION_STATES } from '../consolidation.js';
import { DECISION_STATUSES, SCENARIO_TYPES } from '../decision.js';
import { EPISODE_EVENT_TYPES, EPISODE_OUTCOMES } from '../episode.js';
import { ValidationError } from '../errors.js';
import { CONTENT_TYPES, MEMORY_TYPES } from '../memory.js';
import type { EmbeddingInput } from '../memory.js';
import { GOAL_STATUSES, TASK_STATUSES } from '../prospective.js';
import { RECORD_TABLES } from '../records.js';
import type { RecordOf, RecordTable, SupersessionLink, SupersedingTable } from '../records.js';
import { RELATIONSHIP_TYPES } from '../relationship.js';
import {
  content,
  count,
  finishedAfterStart,
  id,
  instant,
  lineNumber,
  longText,
  parseWith,
  priority,
  runFields,
  shortText,
  unit,
} from './internal.js';
import { LIMITS } from './limits.js';
import { toEmbedding } from './to-embedding.js';

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
