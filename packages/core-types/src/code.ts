/** What a code entity is. */
export type CodeEntityType =
  'file' | 'module' | 'class' | 'interface' | 'type' | 'function' | 'method' | 'variable';

/** Every {@link CodeEntityType}. */
export const CODE_ENTITY_TYPES: readonly CodeEntityType[] = Object.freeze([
  'file',
  'module',
  'class',
  'interface',
  'type',
  'function',
  'method',
  'variable',
]);

/** How one entity depends on another. */
export type DependencyType = 'imports' | 'calls' | 'extends' | 'implements' | 'uses';

/** Every {@link DependencyType}. */
export const DEPENDENCY_TYPES: readonly DependencyType[] = Object.freeze([
  'imports',
  'calls',
  'extends',
  'implements',
  'uses',
]);

/**
 * An indexed piece of code (`code_metadata`), unique per (project, file,
 * qualified name, type): two methods `run` of different classes in one file
 * are two entities (`Reader.run`, `Writer.run`).
 */
export interface CodeEntity {
  readonly id: number;
  readonly projectId: number;
  readonly filePath: string;
  /** The short name, e.g. `run`. */
  readonly name: string;
  /** The name within its file, e.g. `Reader.run`; equals `name` for top-level entities. */
  readonly qualifiedName: string;
  readonly entityType: CodeEntityType;
  readonly language: string | null;
  readonly signature: string | null;
  readonly docstring: string | null;
  readonly startLine: number | null;
  readonly endLine: number | null;
  readonly complexity: number | null;
  readonly codeHash: string | null;
  /** The memory that describes this entity, if any. */
  readonly memoryId: number | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** Input of `code.upsertEntity()`; (filePath, qualifiedName, entityType) identifies the entity. */
export interface UpsertCodeEntityInput {
  readonly filePath: string;
  readonly name: string;
  /** Default `name`. Qualify members (`Reader.run`) so same-named ones never collide. */
  readonly qualifiedName?: string;
  readonly entityType: CodeEntityType;
  readonly language?: string | null;
  readonly signature?: string | null;
  readonly docstring?: string | null;
  readonly startLine?: number | null;
  readonly endLine?: number | null;
  readonly complexity?: number | null;
  readonly codeHash?: string | null;
  readonly memoryId?: number | null;
}

/** `fromEntityId` depends on `toEntityId` (`code_dependencies`). */
export interface CodeDependency {
  readonly id: number;
  readonly projectId: number;
  readonly fromEntityId: number;
  readonly toEntityId: number;
  readonly dependencyType: DependencyType;
  readonly createdAt: Date;
}

/** Input of `code.addDependency()`; adding an existing edge again is a no-op that returns it. */
export interface AddDependencyInput {
  readonly fromEntityId: number;
  readonly toEntityId: number;
  readonly dependencyType: DependencyType;
}

/** One entity affected by a change, and how far from the change it is. */
export interface ImpactedEntity {
  readonly entity: CodeEntity;
  /** 1 = depends directly on the changed entity. The shortest distance is reported. */
  readonly depth: number;
}

/** Options of `code.impact()`. */
export interface ImpactOptions {
  /** Maximum distance to follow, 1–50; default 5. */
  readonly maxDepth?: number;
}

/** One entity of `code.replaceFile()`: an upsert input whose file is the replaced file. */
export type FileEntityInput = Omit<UpsertCodeEntityInput, 'filePath'>;

/**
 * Names an entity by its key. In an edge's `from`, an entity of the
 * replaced file (`entityType` may be left out when the qualified name alone
 * is unique among the file's entities). In an edge's `to`, any entity of the
 * project, indexed or not yet: with `filePath` (and `entityType`) the edge
 * resolves to exactly that entity; without, only while one entity of the
 * project matches.
 */
export interface CodeEntityRef {
  readonly qualifiedName: string;
  readonly filePath?: string;
  readonly entityType?: CodeEntityType;
}

/** An edge of `code.replaceFile()`: an entity of the file depends on `to`. */
export interface FileEdgeInput {
  readonly from: CodeEntityRef;
  readonly to: CodeEntityRef;
  readonly dependencyType: DependencyType;
}

/** Input of `code.replaceFile()`: everything the file now declares. */
export interface ReplaceFileInput {
  readonly entities: readonly FileEntityInput[];
  /** The outgoing edges of the file's entities; default none. */
  readonly edges?: readonly FileEdgeInput[];
}

/** What `code.replaceFile()` did. */
export interface ReplaceFileResult {
  /** The file's entities, in input order. */
  readonly entities: CodeEntity[];
  /** How many of `entities` are new, changed (`updatedAt` moved) and unchanged. */
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
  /** Entities of the file that the input no longer declares, deleted with their edges. */
  readonly removed: CodeEntity[];
  /** The file's outgoing edges: stored as dependencies, or pending until their target is indexed. */
  readonly resolvedEdges: number;
  readonly unresolvedEdges: number;
}

/** An edge whose target is not indexed (or not unique) yet: `code_unresolved_dependencies`. */
export interface UnresolvedDependency {
  readonly id: number;
  readonly projectId: number;
  readonly fromEntityId: number;
  readonly dependencyType: DependencyType;
  /** The target as the edge named it. */
  readonly target: {
    readonly qualifiedName: string;
    readonly filePath: string | null;
    readonly entityType: CodeEntityType | null;
  };
  readonly createdAt: Date;
}

/** Filters of `code.unresolvedDependencies()`. */
export interface ListUnresolvedOptions {
  /** Only edges from entities of this file. */
  readonly filePath?: string;
  /** Only edges whose target has this qualified name. */
  readonly qualifiedName?: string;
}
