import {
  NotFoundError,
  parseDependency,
  parseId,
  parseImpactOptions,
  parseUpsertEntity,
  ValidationError,
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
import type { Connection } from '../connection.js';
import { mapSqliteError } from '../map-error.js';
import { toCodeDependency, toCodeEntity } from '../rows.js';
import type { CodeDependencyRow, CodeEntityRow } from '../rows.js';
import type { Session } from '../session.js';

function assertEntities(c: Connection, projectId: number, ids: readonly number[]): void {
  const found = new Set(
    c
      .column(
        `SELECT id FROM code_metadata
         WHERE project_id = ? AND id IN (SELECT value FROM json_each(?))`,
      )
      .all(projectId, JSON.stringify(ids)) as number[],
  );
  const missing = ids.find((id) => !found.has(id));
  if (missing !== undefined)
    throw new NotFoundError('code entity', missing, { details: { projectId } });
}

function optionalText(value: unknown, what: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0) {
    throw new ValidationError(`invalid options.${what}: must be a non-empty string`, [
      { path: `options.${what}`, message: 'must be a non-empty string' },
    ]);
  }
  return value;
}

/** Code entities and their dependency graph on SQLite. */
export class SqliteCodeRepository implements CodeRepository {
  readonly #session: Session;

  constructor(session: Session) {
    this.#session = session;
  }

  /**
   * @example
   * ```ts
   * const fn = await store.code.upsertEntity(projectId, { filePath: 'src/a.ts', name: 'run', entityType: 'function' });
   * ```
   */
  async upsertEntity(projectId: number, input: UpsertCodeEntityInput): Promise<CodeEntity> {
    const project = parseId(projectId, 'projectId');
    const entity = parseUpsertEntity(input);
    return this.#session.run((c) => {
      if (entity.memoryId !== null) {
        const memory = c
          .statement('SELECT 1 FROM memory_vectors WHERE project_id = ? AND id = ?')
          .get(project, entity.memoryId);
        if (memory === undefined) throw new NotFoundError('memory', entity.memoryId);
      }
      const now = Date.now();
      try {
        const row = c
          .statement<unknown[], CodeEntityRow>(
            `INSERT INTO code_metadata (project_id, file_path, name, entity_type, language, signature,
               docstring, start_line, end_line, complexity, code_hash, memory_id, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (project_id, file_path, name, entity_type) DO UPDATE SET
               language = excluded.language, signature = excluded.signature,
               docstring = excluded.docstring, start_line = excluded.start_line,
               end_line = excluded.end_line, complexity = excluded.complexity,
               code_hash = excluded.code_hash, memory_id = excluded.memory_id,
               updated_at = excluded.updated_at
             RETURNING *`,
          )
          .get(
            project,
            entity.filePath,
            entity.name,
            entity.entityType,
            entity.language,
            entity.signature,
            entity.docstring,
            entity.startLine,
            entity.endLine,
            entity.complexity,
            entity.codeHash,
            entity.memoryId,
            now,
            now,
          );
        return toCodeEntity(row as CodeEntityRow);
      } catch (error) {
        throw mapSqliteError(error, { foreignKey: { entity: 'project', id: project } });
      }
    });
  }

  async getEntity(projectId: number, id: number): Promise<CodeEntity | null> {
    const project = parseId(projectId, 'projectId');
    const entityId = parseId(id, 'id');
    return this.#session.run((c) => {
      const row = c
        .statement<unknown[], CodeEntityRow>(
          'SELECT * FROM code_metadata WHERE project_id = ? AND id = ?',
        )
        .get(project, entityId);
      return row === undefined ? null : toCodeEntity(row);
    });
  }

  /** By file path, then start line (unknown last), then id. */
  async findEntities(projectId: number, options?: FindCodeEntitiesOptions): Promise<CodeEntity[]> {
    const project = parseId(projectId, 'projectId');
    const filePath = optionalText(options?.filePath, 'filePath');
    const name = optionalText(options?.name, 'name');
    const conditions = ['project_id = @projectId'];
    if (filePath !== undefined) conditions.push('file_path = @filePath');
    if (name !== undefined) conditions.push('name = @name');
    return this.#session.run((c) =>
      c
        .statement<[Record<string, unknown>], CodeEntityRow>(
          `SELECT * FROM code_metadata WHERE ${conditions.join(' AND ')}
           ORDER BY file_path, start_line NULLS LAST, id`,
        )
        .all({ projectId: project, filePath: filePath ?? null, name: name ?? null })
        .map(toCodeEntity),
    );
  }

  async deleteEntity(projectId: number, id: number): Promise<boolean> {
    const project = parseId(projectId, 'projectId');
    const entityId = parseId(id, 'id');
    return this.#session.run(
      (c) =>
        c
          .statement('DELETE FROM code_metadata WHERE project_id = ? AND id = ?')
          .run(project, entityId).changes > 0,
    );
  }

  /**
   * @example
   * ```ts
   * await store.code.addDependency(projectId, { fromEntityId: caller.id, toEntityId: callee.id, dependencyType: 'calls' });
   * ```
   */
  async addDependency(projectId: number, input: AddDependencyInput): Promise<CodeDependency> {
    const project = parseId(projectId, 'projectId');
    const edge = parseDependency(input);
    return this.#session.run((c) =>
      c.atomic(() => {
        assertEntities(c, project, [edge.fromEntityId, edge.toEntityId]);
        c.statement(
          `INSERT INTO code_dependencies (project_id, from_entity_id, to_entity_id, dependency_type, created_at)
           VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (from_entity_id, to_entity_id, dependency_type) DO NOTHING`,
        ).run(project, edge.fromEntityId, edge.toEntityId, edge.dependencyType, Date.now());
        const row = c
          .statement<unknown[], CodeDependencyRow>(
            `SELECT * FROM code_dependencies
             WHERE from_entity_id = ? AND to_entity_id = ? AND dependency_type = ?`,
          )
          .get(edge.fromEntityId, edge.toEntityId, edge.dependencyType);
        return toCodeDependency(row as CodeDependencyRow);
      }),
    );
  }

  async removeDependency(projectId: number, input: AddDependencyInput): Promise<boolean> {
    const project = parseId(projectId, 'projectId');
    const edge = parseDependency(input);
    return this.#session.run(
      (c) =>
        c
          .statement(
            `DELETE FROM code_dependencies
             WHERE project_id = ? AND from_entity_id = ? AND to_entity_id = ? AND dependency_type = ?`,
          )
          .run(project, edge.fromEntityId, edge.toEntityId, edge.dependencyType).changes > 0,
    );
  }

  async dependenciesOf(projectId: number, entityId: number): Promise<CodeEntity[]> {
    const project = parseId(projectId, 'projectId');
    const id = parseId(entityId, 'entityId');
    return this.#session.run((c) =>
      c
        .statement<unknown[], CodeEntityRow>(
          `SELECT e.* FROM code_metadata e
           WHERE e.project_id = ? AND e.id IN (
             SELECT to_entity_id FROM code_dependencies WHERE project_id = ? AND from_entity_id = ?)
           ORDER BY e.id`,
        )
        .all(project, project, id)
        .map(toCodeEntity),
    );
  }

  async dependentsOf(projectId: number, entityId: number): Promise<CodeEntity[]> {
    const project = parseId(projectId, 'projectId');
    const id = parseId(entityId, 'entityId');
    return this.#session.run((c) =>
      c
        .statement<unknown[], CodeEntityRow>(
          `SELECT e.* FROM code_metadata e
           WHERE e.project_id = ? AND e.id IN (
             SELECT from_entity_id FROM code_dependencies WHERE project_id = ? AND to_entity_id = ?)
           ORDER BY e.id`,
        )
        .all(project, project, id)
        .map(toCodeEntity),
    );
  }

  /**
   * Transitive dependents by a recursive CTE walking edges backwards. `UNION`
   * drops repeated (entity, depth) pairs and the depth bound stops cycles;
   * `min(depth)` keeps each entity at its shortest distance.
   *
   * @example
   * ```ts
   * const affected = await store.code.impact(projectId, entity.id, { maxDepth: 3 });
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
    return this.#session.run((c) =>
      c
        .statement<[Record<string, unknown>], CodeEntityRow & { impact_depth: number }>(
          `WITH RECURSIVE walk (entity_id, depth) AS (
             SELECT from_entity_id, 1 FROM code_dependencies
             WHERE project_id = @projectId AND to_entity_id = @id
             UNION
             SELECT d.from_entity_id, w.depth + 1
             FROM walk w JOIN code_dependencies d ON d.to_entity_id = w.entity_id
             WHERE w.depth < @maxDepth AND d.project_id = @projectId
           ),
           nearest AS (
             SELECT entity_id, min(depth) AS depth FROM walk WHERE entity_id <> @id GROUP BY entity_id
           )
           SELECT e.*, n.depth AS impact_depth
           FROM nearest n JOIN code_metadata e ON e.id = n.entity_id
           WHERE e.project_id = @projectId
           ORDER BY n.depth, e.id`,
        )
        .all({ projectId: project, id, maxDepth })
        .map((row) => ({ entity: toCodeEntity(row), depth: row.impact_depth })),
    );
  }
}
