import {
  parseDependency,
  parseFindEntities,
  parseHotspotOptions,
  parseId,
  parseImpactOptions,
  parseListUnresolved,
  parseListUnresolvedReferences,
  parseReplaceFile,
  parseTraverseOptions,
  parseUpsertEntities,
  parseUpsertEntity,
} from '@athena/core-types';
import type {
  CodeEntity,
  CodeRepository,
  ImpactedEntity,
  ImpactOptions,
  UpsertCodeEntityInput,
} from '@athena/core-types';
import { front } from '../front.js';
import type { BackendOf, FrontContext, Parsers } from '../front.js';
import { projectIdOf } from './ids.js';

/**
 * The methods a backend implements; `upsertEntity` and `impact` are
 * `upsertEntities` of one entity and `traverse` towards dependents, so the
 * front derives them.
 */
type CodeBackendMethods = Omit<CodeRepository, 'upsertEntity' | 'impact'>;

const entityIdOf = (value: unknown): number => parseId(value, 'entityId');

const CODE_PARSERS = {
  upsertEntities: (_, projectId, inputs) =>
    [projectIdOf(projectId), parseUpsertEntities(inputs)] as const,
  replaceFile: (_, projectId, filePath, input) =>
    [projectIdOf(projectId), parseReplaceFile(filePath, input)] as const,
  unresolvedDependencies: (_, projectId, options) =>
    [projectIdOf(projectId), parseListUnresolved(options)] as const,
  unresolvedReferences: (_, projectId, options) =>
    [projectIdOf(projectId), parseListUnresolvedReferences(options)] as const,
  getEntity: (_, projectId, id) => [projectIdOf(projectId), parseId(id)] as const,
  findEntities: (_, projectId, options) =>
    [projectIdOf(projectId), parseFindEntities(options)] as const,
  deleteEntity: (_, projectId, id) => [projectIdOf(projectId), parseId(id)] as const,
  addDependency: (_, projectId, input) => [projectIdOf(projectId), parseDependency(input)] as const,
  removeDependency: (_, projectId, input) =>
    [projectIdOf(projectId), parseDependency(input)] as const,
  dependenciesOf: (_, projectId, entityId) =>
    [projectIdOf(projectId), entityIdOf(entityId)] as const,
  dependentsOf: (_, projectId, entityId) => [projectIdOf(projectId), entityIdOf(entityId)] as const,
  traverse: (_, projectId, entityId, options) =>
    [projectIdOf(projectId), entityIdOf(entityId), parseTraverseOptions(options)] as const,
  hotspots: (_, projectId, options) =>
    [projectIdOf(projectId), parseHotspotOptions(options)] as const,
} satisfies Parsers<CodeBackendMethods>;

/** What a backend implements for code: {@link CodeRepository} but the derived methods, with parsed arguments. */
export type CodeBackend = BackendOf<CodeBackendMethods, typeof CODE_PARSERS>;

const FrontedCode = front<CodeBackendMethods>()(CODE_PARSERS);

/** The validating front of a backend's code entities and dependency graph. */
export class CodeFront extends FrontedCode implements CodeRepository {
  readonly #backend: CodeBackend;

  constructor(backend: CodeBackend, context: FrontContext) {
    super(backend, context);
    this.#backend = backend;
  }

  /** One entity upserted as a batch of one; its errors name `entity`, not `entities[0]`. */
  async upsertEntity(projectId: number, input: UpsertCodeEntityInput): Promise<CodeEntity> {
    const project = projectIdOf(projectId);
    const [entity] = await this.#backend.upsertEntities(project, [parseUpsertEntity(input)]);
    return entity as CodeEntity;
  }

  /** Transitive dependents: `traverse` towards what depends on the entity. */
  async impact(
    projectId: number,
    entityId: number,
    options?: ImpactOptions,
  ): Promise<ImpactedEntity[]> {
    const project = projectIdOf(projectId);
    const id = entityIdOf(entityId);
    return this.#backend.traverse(project, id, parseImpactOptions(options));
  }
}
