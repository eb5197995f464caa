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

/** An indexed piece of code (`code_metadata`), unique per (project, file, name, type). */
export interface CodeEntity {
  readonly id: number;
  readonly projectId: number;
  readonly filePath: string;
  readonly name: string;
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

/** Input of `code.upsertEntity()`; (filePath, name, entityType) identifies the entity. */
export interface UpsertCodeEntityInput {
  readonly filePath: string;
  readonly name: string;
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
