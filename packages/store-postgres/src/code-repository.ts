import {
  parseDependency,
  parseId,
  parseImpactOptions,
  parseUpsertEntity,
} from '@athena/core-types';
import type {
  AddDependencyInput,
  CodeDependency,
  CodeEntity,
  CodeRepository,
  FindCodeEntitiesOptions,
  ImpactedEntity,
  ImpactOptions,
  UpsertCodeEntityInput,
} from '@athena/core-types';
import type { Selectable } from 'kysely';
import { sql } from 'kysely';
import { assertInProject } from './relationship-repository.js';
import { toCodeDependency, toCodeEntity } from './rows.js';
import type { CodeMetadataTable } from './schema.js';
import type { Session } from './session.js';

/** `code_metadata` and `code_dependencies` on PostgreSQL. */
export class PostgresCodeRepository implements CodeRepository {
  readonly #session: () => Session;

  constructor(session: () => Session) {
    this.#session = session;
  }

  /**
   * Inserts an entity or updates the one with the same (filePath, name, entityType).
   *
   * @example
   * ```ts
   * const fn = await store.code.upsertEntity(project.id, { filePath: 'src/a.ts', name: 'run', entityType: 'function' });
   * ```
   */
  async upsertEntity(projectId: number, input: UpsertCodeEntityInput): Promise<CodeEntity> {
    const project = parseId(projectId, 'projectId');
    const entity = parseUpsertEntity(input);
    return this.#session().write(
      { operation: 'upsert code entity', notFound: { entity: 'project', id: project } },
      async (s) => {
        if (entity.memoryId !== null)
          await assertInProject(s, 'memory_vectors', 'memory', project, [entity.memoryId]);
        const now = new Date();
        const fields = {
          language: entity.language,
          signature: entity.signature,
          docstring: entity.docstring,
          start_line: entity.startLine,
          end_line: entity.endLine,
          complexity: entity.complexity,
          code_hash: entity.codeHash,
          memory_id: entity.memoryId,
        };
        const row = await s.db
          .insertInto('code_metadata')
          .values({
            project_id: project,
            file_path: entity.filePath,
            name: entity.name,
            entity_type: entity.entityType,
            ...fields,
            created_at: now,
            updated_at: now,
          })
          .onConflict((oc) =>
            oc
              .columns(['project_id', 'file_path', 'name', 'entity_type'])
              .doUpdateSet({ ...fields, updated_at: now }),
          )
          .returningAll()
          .executeTakeFirstOrThrow();
        return toCodeEntity(row);
      },
    );
  }

  async getEntity(projectId: number, id: number): Promise<CodeEntity | null> {
    const project = parseId(projectId, 'projectId');
    const entityId = parseId(id, 'id');
    return this.#session().read({ operation: 'get code entity' }, async (s) => {
      const row = await s.db
        .selectFrom('code_metadata')
        .selectAll()
        .where('project_id', '=', project)
        .where('id', '=', entityId)
        .executeTakeFirst();
      return row === undefined ? null : toCodeEntity(row);
    });
  }

  async findEntities(projectId: number, options?: FindCodeEntitiesOptions): Promise<CodeEntity[]> {
    const project = parseId(projectId, 'projectId');
    return this.#session().read({ operation: 'find code entities' }, async (s) => {
      let query = s.db.selectFrom('code_metadata').selectAll().where('project_id', '=', project);
      if (options?.filePath !== undefined) query = query.where('file_path', '=', options.filePath);
      if (options?.name !== undefined) query = query.where('name', '=', options.name);
      const rows = await query
        .orderBy('file_path')
        .orderBy(sql`start_line asc nulls last`)
        .orderBy('id')
        .execute();
      return rows.map(toCodeEntity);
    });
  }

  async deleteEntity(projectId: number, id: number): Promise<boolean> {
    const project = parseId(projectId, 'projectId');
    const entityId = parseId(id, 'id');
    return this.#session().write({ operation: 'delete code entity' }, async (s) => {
      const result = await s.db
        .deleteFrom('code_metadata')
        .where('project_id', '=', project)
        .where('id', '=', entityId)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    });
  }

  /**
   * Records that `fromEntityId` depends on `toEntityId`; idempotent.
   *
   * @example
   * ```ts
   * await store.code.addDependency(project.id, { fromEntityId: a.id, toEntityId: b.id, dependencyType: 'calls' });
   * ```
   */
  async addDependency(projectId: number, input: AddDependencyInput): Promise<CodeDependency> {
    const project = parseId(projectId, 'projectId');
    const edge = parseDependency(input);
    return this.#session().write(
      {
        operation: 'add code dependency',
        notFound: { entity: 'code entity', id: edge.fromEntityId },
      },
      async (s) => {
        await assertInProject(s, 'code_metadata', 'code entity', project, [
          edge.fromEntityId,
          edge.toEntityId,
        ]);
        // The no-op update makes RETURNING yield the existing row too.
        const row = await s.db
          .insertInto('code_dependencies')
          .values({
            project_id: project,
            from_entity_id: edge.fromEntityId,
            to_entity_id: edge.toEntityId,
            dependency_type: edge.dependencyType,
          })
          .onConflict((oc) =>
            oc
              .columns(['from_entity_id', 'to_entity_id', 'dependency_type'])
              .doUpdateSet({ dependency_type: (eb) => eb.ref('excluded.dependency_type') }),
          )
          .returningAll()
          .executeTakeFirstOrThrow();
        return toCodeDependency(row);
      },
    );
  }

  async removeDependency(projectId: number, input: AddDependencyInput): Promise<boolean> {
    const project = parseId(projectId, 'projectId');
    const edge = parseDependency(input);
    return this.#session().write({ operation: 'remove code dependency' }, async (s) => {
      const result = await s.db
        .deleteFrom('code_dependencies')
        .where('project_id', '=', project)
        .where('from_entity_id', '=', edge.fromEntityId)
        .where('to_entity_id', '=', edge.toEntityId)
        .where('dependency_type', '=', edge.dependencyType)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    });
  }

  async dependenciesOf(projectId: number, entityId: number): Promise<CodeEntity[]> {
    return this.#neighbours(projectId, entityId, 'from_entity_id', 'to_entity_id');
  }

  async dependentsOf(projectId: number, entityId: number): Promise<CodeEntity[]> {
    return this.#neighbours(projectId, entityId, 'to_entity_id', 'from_entity_id');
  }

  async #neighbours(
    projectId: number,
    entityId: number,
    match: 'from_entity_id' | 'to_entity_id',
    other: 'from_entity_id' | 'to_entity_id',
  ): Promise<CodeEntity[]> {
    const project = parseId(projectId, 'projectId');
    const id = parseId(entityId, 'entityId');
    return this.#session().read({ operation: 'list code dependencies' }, async (s) => {
      const rows = await s.db
        .selectFrom('code_metadata')
        .selectAll()
        .where('project_id', '=', project)
        .where('id', 'in', (eb) =>
          eb
            .selectFrom('code_dependencies')
            .select(other)
            .where('project_id', '=', project)
            .where(match, '=', id),
        )
        .orderBy('id')
        .execute();
      return rows.map(toCodeEntity);
    });
  }

  /**
   * Transitive dependents, each at its shortest depth, by depth then id.
   * A recursive CTE walks the reverse edges breadth-first; `union` (not
   * `union all`) over (id, depth) plus the depth bound make cycles harmless.
   *
   * @example
   * ```ts
   * const affected = await store.code.impact(project.id, fn.id, { maxDepth: 3 });
   * ```
   */
  async impact(
    projectId: number,
    entityId: number,
    options?: ImpactOptions,
  ): Promise<ImpactedEntity[]> {
    const project = parseId(projectId, 'projectId');
    const id = parseId(entityId, 'entityId');
    const { maxDepth } = parseImpactOptions(options);
    return this.#session().read({ operation: 'code impact' }, async (s) => {
      const deps = s.table('code_dependencies');
      const { rows } = await sql<Selectable<CodeMetadataTable> & { depth: number }>`
        with recursive walk(id, depth) as (
          select d.from_entity_id, 1 from ${deps} d
          where d.project_id = ${project} and d.to_entity_id = ${id}
          union
          select d.from_entity_id, w.depth + 1 from walk w
          join ${deps} d on d.to_entity_id = w.id and d.project_id = ${project}
          where w.depth < ${maxDepth}
        ),
        shortest as (select id, min(depth) as depth from walk where id <> ${id} group by id)
        select e.*, shortest.depth from shortest
        join ${s.table('code_metadata')} e on e.id = shortest.id
        order by shortest.depth, e.id`.execute(s.raw);
      return rows.map((row) => ({ entity: toCodeEntity(row), depth: Number(row.depth) }));
    });
  }
}
