import { z } from 'zod';
import { CODE_ENTITY_TYPES, DEPENDENCY_TYPES, TRAVERSE_DIRECTIONS } from '../code.js';
import type { CodeEntityType, DependencyType, TraverseDirection } from '../code.js';
import { ValidationError } from '../errors.js';
import { id, limit, lineNumber, longText, parseWith, shortText } from './internal.js';
import { LIMITS } from './limits.js';

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
