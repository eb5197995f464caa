/** What a code entity is. */
export type CodeEntityType =
  'file' | 'module' | 'class' | 'interface' | 'type' | 'function' | 'method' | 'variable' | 'enum';

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
  'enum',
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
  /** Visible outside its module (exported, public); `null` when the indexer did not say. */
  readonly exported: boolean | null;
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
  /** Default `null` (unknown). */
  readonly exported?: boolean | null;
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

/** One entity affected by a change (or reached by a walk), and how far from the start it is. */
export interface ImpactedEntity {
  readonly entity: CodeEntity;
  /** 1 = depends directly on the changed entity. The shortest distance is reported. */
  readonly depth: number;
  /**
   * One shortest chain of entity ids from the start to this entity: `path[0]`
   * is the start, the last id is `entity.id`, and it has `depth + 1` ids.
   * Among equally short chains, each step takes the smallest id.
   */
  readonly path: readonly number[];
}

/** Options of `code.impact()`. */
export interface ImpactOptions {
  /** Maximum distance to follow, 1–50, or `null` for no bound (the walk still ends: each entity is visited once); default 5. */
  readonly maxDepth?: number | null;
  /** Follow only edges of these types; default every type. */
  readonly dependencyTypes?: readonly DependencyType[];
  /** Report only entities of these types; the walk still passes through the others. Default every type. */
  readonly entityTypes?: readonly CodeEntityType[];
}

/** Which way `code.traverse()` walks: to what depends on the start, or to what it depends on. */
export type TraverseDirection = 'dependents' | 'dependencies';

/** Every {@link TraverseDirection}. */
export const TRAVERSE_DIRECTIONS: readonly TraverseDirection[] = Object.freeze([
  'dependents',
  'dependencies',
]);

/** Options of `code.traverse()`. */
export interface TraverseOptions extends ImpactOptions {
  readonly direction: TraverseDirection;
}

/** Options of `code.hotspots()`. */
export interface HotspotOptions {
  /** 1–1000; default 20. */
  readonly limit?: number;
  /** Rank by dependents (`fanIn`, the default) or by dependencies (`fanOut`). */
  readonly orderBy?: 'fanIn' | 'fanOut';
  /** Only entities of these types; default every type. */
  readonly entityTypes?: readonly CodeEntityType[];
  /** Count only edges of these types; default every type. */
  readonly dependencyTypes?: readonly DependencyType[];
}

/** One entry of `code.hotspots()`. */
export interface CodeHotspot {
  readonly entity: CodeEntity;
  /** Distinct entities that depend on it directly. */
  readonly fanIn: number;
  /** Distinct entities it depends on directly. */
  readonly fanOut: number;
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

/**
 * A reference an indexer found but could not resolve to any entity (a call
 * through an untyped value, an import of a module that is not there). It is
 * kept as written and never matched to an entity by name, so that nothing is
 * guessed.
 */
export interface UnresolvedReferenceInput {
  /** An entity of the replaced file, as in an edge's `from`. */
  readonly from: CodeEntityRef;
  readonly dependencyType: DependencyType;
  /** The reference as written, e.g. `client.query` or `./missing`. */
  readonly target: string;
  readonly line?: number | null;
}

/** A stored {@link UnresolvedReferenceInput} (`code_unresolved_references`). */
export interface UnresolvedReference {
  readonly id: number;
  readonly projectId: number;
  readonly fromEntityId: number;
  readonly dependencyType: DependencyType;
  readonly target: string;
  readonly line: number | null;
  readonly createdAt: Date;
}

/** Filters of `code.unresolvedReferences()`. */
export interface ListUnresolvedReferencesOptions {
  /** Only references from entities of this file. */
  readonly filePath?: string;
  readonly dependencyType?: DependencyType;
}

/** Input of `code.replaceFile()`: everything the file now declares. */
export interface ReplaceFileInput {
  readonly entities: readonly FileEntityInput[];
  /** The outgoing edges of the file's entities; default none. */
  readonly edges?: readonly FileEdgeInput[];
  /** References of the file's entities that resolve to nothing; replaced like the edges. Default none. */
  readonly unresolved?: readonly UnresolvedReferenceInput[];
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
  /** How many unresolved references the file now has. */
  readonly unresolvedReferences: number;
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
