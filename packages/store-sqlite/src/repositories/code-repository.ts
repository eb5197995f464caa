import { NotFoundError, withPaths } from '@athena/core-types';
import type {
  CodeDependency,
  CodeEntity,
  CodeHotspot,
  ImpactedEntity,
  NewCodeEntity,
  NormalizedFileEdge,
  NormalizedHotspotOptions,
  NormalizedReplaceFile,
  NormalizedTraverseOptions,
  ReplaceFileResult,
  UnresolvedDependency,
  UnresolvedReference,
} from '@athena/core-types';
import { CODE_ENTITY, columnsOf, fileReplacement } from '@athena/store-kit';
import type { CodeBackend, ParsedArgument } from '@athena/store-kit';
import type { Connection } from '../connection.js';
import { assertInProject } from './assert-in-project.js';
import { mapError } from '../map-error.js';
import {
  toCodeDependency,
  toCodeEntity,
  toUnresolvedDependency,
  toUnresolvedReference,
} from '../rows.js';
import type {
  CodeDependencyRow,
  CodeEntityRow,
  UnresolvedDependencyRow,
  UnresolvedReferenceRow,
} from '../rows.js';
import type { Session } from '../session.js';

const ENTITY_COLUMNS = `project_id, file_path, name, qualified_name, entity_type, language, signature,
  docstring, start_line, end_line, complexity, code_hash, exported, memory_id, created_at, updated_at`;
const ENTITY_VALUES = `@projectId, @filePath, @name, @qualifiedName, @entityType, @language, @signature,
  @docstring, @startLine, @endLine, @complexity, @codeHash, @exported, @memoryId, @now, @now`;
const ENTITY_UPDATES = `name = excluded.name, language = excluded.language,
  signature = excluded.signature, docstring = excluded.docstring, start_line = excluded.start_line,
  end_line = excluded.end_line, complexity = excluded.complexity, code_hash = excluded.code_hash,
  exported = excluded.exported, memory_id = excluded.memory_id, updated_at = excluded.updated_at`;

/**
 * A breadth-first walk in one statement. Each row of `bfs` is one level: the
 * entities first reached at that depth (`frontier`) and every entity reached
 * before it (`prior`), as JSON arrays, so an entity is expanded once however
 * many paths lead to it (a recursive CTE over (entity, depth) rows repeats an
 * entity at every depth a cycle reaches it). The next `prior` is the two
 * arrays spliced as text — they are disjoint by construction — so each level
 * looks its frontier's edges up once (the union that rebuilt the seen set by
 * a second lookup took 18 ms of a 3,265-entity walk; this one takes 10).
 * `near`/`far` name the edge columns walked from and to. The final join is
 * forced to run from the walk to the entities (CROSS JOIN, `+e.project_id`):
 * the planner otherwise scanned the project's entities. The rows come as
 * arrays of {@link WALK_COLUMNS} and the depth, unsorted: objects made by the
 * driver and SQLite's sort of the wide rows took 6 of a 3,265-entity walk's
 * 20 ms, and {@link walkRows} sorts in JavaScript instead.
 */
function traverseSql(near: 'to_entity_id' | 'from_entity_id'): string {
  const far = near === 'to_entity_id' ? 'from_entity_id' : 'to_entity_id';
  // `+d.project_id`: with a plain comparison the planner walked the project's
  // index and filtered every edge of the project at each level (918 ms on a
  // 9,205-edge project) instead of looking up the frontier's edges (6 ms).
  const neighbours = `SELECT d.${far} AS x FROM code_dependencies d
    WHERE +d.project_id = @projectId AND d.${near} IN (SELECT value FROM json_each(b.frontier))
      AND (@types IS NULL OR d.dependency_type IN (SELECT value FROM json_each(@types)))`;
  return `WITH RECURSIVE bfs (depth, frontier, prior) AS (
      SELECT 0, json_array(@id), '[]'
      UNION ALL
      SELECT b.depth + 1,
        (SELECT json_group_array(x) FROM (${neighbours}
           EXCEPT SELECT value FROM json_each(b.prior) EXCEPT SELECT value FROM json_each(b.frontier))),
        CASE WHEN b.prior = '[]' THEN b.frontier
             ELSE substr(b.prior, 1, length(b.prior) - 1) || ',' || substr(b.frontier, 2) END
      FROM bfs b WHERE b.frontier <> '[]' AND b.depth < @maxDepth
    )
    SELECT ${WALK_COLUMNS.map((column) => `e.${column}`).join(', ')}, b.depth
    FROM bfs b CROSS JOIN json_each(b.frontier) f CROSS JOIN code_metadata e ON e.id = f.value
    WHERE b.depth > 0 AND +e.project_id = @projectId`;
}

/** The entity columns of a walk's rows, in order, followed by the depth. */
const WALK_COLUMNS = columnsOf(CODE_ENTITY);

/** A walk's rows as entities with their depth, nearest first and by id within a depth. */
function walkRows(rows: readonly unknown[][]): { entity: CodeEntity; depth: number }[] {
  const depthAt = WALK_COLUMNS.length;
  return rows
    .map((values) => {
      const row: Record<string, unknown> = {};
      for (let i = 0; i < depthAt; i++) row[WALK_COLUMNS[i] as string] = values[i];
      return {
        entity: toCodeEntity(row as unknown as CodeEntityRow),
        depth: values[depthAt] as number,
      };
    })
    .sort((a, b) => a.depth - b.depth || a.entity.id - b.entity.id);
}

/**
 * The edges from reached entities to reached entities (or the start), from
 * which each one's parent is chosen. `+d.near`: as an index key next to
 * `far` the planner probed every (child, candidate) pair (1.2 s for 3,265
 * entities); as a filter it reads each child's edges once.
 */
function stepsSql(near: 'to_entity_id' | 'from_entity_id'): string {
  const far = near === 'to_entity_id' ? 'from_entity_id' : 'to_entity_id';
  return `SELECT d.${far} AS child, d.${near} AS parent FROM code_dependencies d
    WHERE d.${far} IN (SELECT value FROM json_each(@children))
      AND +d.${near} IN (SELECT value FROM json_each(@candidates))
      AND (@types IS NULL OR d.dependency_type IN (SELECT value FROM json_each(@types)))`;
}

const TRAVERSE_SQL = {
  dependents: { walk: traverseSql('to_entity_id'), steps: stepsSql('to_entity_id') },
  dependencies: { walk: traverseSql('from_entity_id'), steps: stepsSql('from_entity_id') },
} as const;

/** A JSON array of the filter's values, or NULL for no filter. */
const jsonFilter = (values: readonly string[] | null) =>
  values === null ? null : JSON.stringify(values);

/** One entity's bound parameters for {@link ENTITY_VALUES}. */
function entityParams(projectId: number, entity: NewCodeEntity, now: number) {
  return {
    projectId,
    filePath: entity.filePath,
    name: entity.name,
    qualifiedName: entity.qualifiedName,
    entityType: entity.entityType,
    language: entity.language,
    signature: entity.signature,
    docstring: entity.docstring,
    startLine: entity.startLine,
    endLine: entity.endLine,
    complexity: entity.complexity,
    codeHash: entity.codeHash,
    exported: entity.exported === null ? null : entity.exported ? 1 : 0,
    memoryId: entity.memoryId,
    now,
  };
}

/**
 * Pending edges naming one of `@names` whose target now matches exactly one
 * entity of the project (never the edge's own source): `(pending_id,
 * from_entity_id, dependency_type, to_id)`.
 */
const RESOLVABLE_PENDING = `
  SELECT p.id AS pending_id, p.from_entity_id, p.dependency_type, min(e.id) AS to_id
  FROM code_unresolved_dependencies p
  JOIN code_metadata e INDEXED BY code_metadata_project_qualified_name
    ON e.project_id = p.project_id AND e.qualified_name = p.target_qualified_name
    AND (p.target_file_path IS NULL OR e.file_path = p.target_file_path)
    AND (p.target_entity_type IS NULL OR e.entity_type = p.target_entity_type)
    AND e.id <> p.from_entity_id
  WHERE p.project_id = @projectId AND p.target_qualified_name IN (SELECT value FROM json_each(@names))
  GROUP BY p.id
  HAVING count(*) = 1`;

/** Turns the pending edges that name one of `names` and now resolve into dependencies. */
function resolvePending(
  c: Connection,
  projectId: number,
  names: ReadonlySet<string>,
  now: number,
): void {
  if (names.size === 0) return;
  const params = { projectId, names: JSON.stringify([...names]), now };
  c.statement(
    `INSERT OR IGNORE INTO code_dependencies (project_id, from_entity_id, to_entity_id, dependency_type, created_at)
     SELECT @projectId, from_entity_id, to_id, dependency_type, @now FROM (${RESOLVABLE_PENDING})`,
  ).run(params);
  c.statement(
    `DELETE FROM code_unresolved_dependencies WHERE id IN (SELECT pending_id FROM (${RESOLVABLE_PENDING}))`,
  ).run(params);
}

/** Checks that every memory an entity links to is a memory of the project. */
function assertMemories(
  c: Connection,
  projectId: number,
  entities: readonly NewCodeEntity[],
): void {
  const ids = [...new Set(entities.flatMap((e) => (e.memoryId === null ? [] : [e.memoryId])))];
  assertInProject(c, 'memory_vectors', 'memory', projectId, ids);
}

/**
 * Stores one edge of a replaced file: a dependency when its target is unique, else pending.
 * A target named without its file is looked up by qualified name (`INDEXED
 * BY`): left to itself the planner chose the covering unique index on its
 * project prefix and read every entity of the project per edge (0.95 ms per
 * lookup with 12,500 entities, 3.8 s of indexing a 960-file repository).
 */
function writeEdge(
  c: Connection,
  projectId: number,
  fromId: number,
  edge: NormalizedFileEdge,
  now: number,
): boolean {
  // One statement per shape of the reference, so a target named with its file
  // is found through the unique (project, file, qualified name, type) index.
  const conditions = [
    'project_id = @projectId',
    'qualified_name = @qualifiedName',
    'id <> @fromId',
  ];
  if (edge.to.filePath !== null) conditions.push('file_path = @filePath');
  if (edge.to.entityType !== null) conditions.push('entity_type = @entityType');
  const target = c
    .column<number | null>(
      `SELECT CASE WHEN count(*) = 1 THEN min(id) END FROM code_metadata ${
        edge.to.filePath === null ? 'INDEXED BY code_metadata_project_qualified_name' : ''
      } WHERE ${conditions.join(' AND ')}`,
    )
    .get({ projectId, fromId, ...edge.to });
  if (target !== null && target !== undefined) {
    c.statement(
      `INSERT OR IGNORE INTO code_dependencies (project_id, from_entity_id, to_entity_id, dependency_type, created_at)
       VALUES (?, ?, ?, ?, ?)`,
    ).run(projectId, fromId, target, edge.dependencyType, now);
    return true;
  }
  c.statement(
    `INSERT INTO code_unresolved_dependencies (project_id, from_entity_id, dependency_type,
       target_qualified_name, target_file_path, target_entity_type, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    projectId,
    fromId,
    edge.dependencyType,
    edge.to.qualifiedName,
    edge.to.filePath,
    edge.to.entityType,
    now,
  );
  return false;
}

/** Code entities and their dependency graph on SQLite, behind the kit's validating front. */
export class SqliteCodeRepository implements CodeBackend {
  readonly #session: Session;

  constructor(session: Session) {
    this.#session = session;
  }

  async upsertEntities(project: number, entities: readonly NewCodeEntity[]): Promise<CodeEntity[]> {
    return this.#session.run((c) =>
      c.atomic(() => {
        assertMemories(c, project, entities);
        const now = Date.now();
        const upsert = c.statement<[Record<string, unknown>], CodeEntityRow>(
          `INSERT INTO code_metadata (${ENTITY_COLUMNS}) VALUES (${ENTITY_VALUES})
           ON CONFLICT (project_id, file_path, qualified_name, entity_type) DO UPDATE SET ${ENTITY_UPDATES}
           RETURNING *`,
        );
        try {
          const rows = entities.map(
            (entity) => upsert.get(entityParams(project, entity, now)) as CodeEntityRow,
          );
          resolvePending(c, project, new Set(entities.map((e) => e.qualifiedName)), now);
          return rows.map(toCodeEntity);
        } catch (error) {
          throw mapError(error, { notFound: { entity: 'project', id: project } });
        }
      }),
    );
  }

  async replaceFile(project: number, file: NormalizedReplaceFile): Promise<ReplaceFileResult> {
    return this.#session.run((c) =>
      c.atomic(() => {
        if (c.column('SELECT 1 FROM projects WHERE id = ?').get(project) === undefined) {
          throw new NotFoundError('project', project);
        }
        assertMemories(c, project, file.entities);
        const now = Date.now();
        const stored = c
          .statement<unknown[], CodeEntityRow>(
            'SELECT * FROM code_metadata WHERE project_id = ? AND file_path = ?',
          )
          .all(project, file.filePath)
          .map(toCodeEntity);
        const replacement = fileReplacement(stored, file);
        const { plan } = replacement;
        const storedIds = JSON.stringify(stored.map((e) => e.id));
        const removedIds = JSON.stringify(plan.remove.map((e) => e.id));
        // The file's own edges are replaced below; edges of other files that
        // point at a removed entity wait, by its key, for it to come back.
        c.statement(
          `DELETE FROM code_dependencies WHERE from_entity_id IN (SELECT value FROM json_each(?))`,
        ).run(storedIds);
        c.statement(
          `DELETE FROM code_unresolved_dependencies WHERE from_entity_id IN (SELECT value FROM json_each(?))`,
        ).run(storedIds);
        c.statement(
          `DELETE FROM code_unresolved_references WHERE from_entity_id IN (SELECT value FROM json_each(?))`,
        ).run(storedIds);
        c.statement(
          `INSERT INTO code_unresolved_dependencies (project_id, from_entity_id, dependency_type,
             target_qualified_name, target_file_path, target_entity_type, created_at)
           SELECT d.project_id, d.from_entity_id, d.dependency_type, e.qualified_name, e.file_path, e.entity_type, ?
           FROM code_dependencies d JOIN code_metadata e ON e.id = d.to_entity_id
           WHERE d.to_entity_id IN (SELECT value FROM json_each(?))`,
        ).run(now, removedIds);
        c.statement(`DELETE FROM code_metadata WHERE id IN (SELECT value FROM json_each(?))`).run(
          removedIds,
        );

        const rows: CodeEntityRow[] = new Array(file.entities.length);
        const insert = c.statement<[Record<string, unknown>], CodeEntityRow>(
          `INSERT INTO code_metadata (${ENTITY_COLUMNS}) VALUES (${ENTITY_VALUES}) RETURNING *`,
        );
        for (const index of plan.insert) {
          rows[index] = insert.get(
            entityParams(project, file.entities[index] as NewCodeEntity, now),
          ) as CodeEntityRow;
        }
        const update = c.statement<[Record<string, unknown>], CodeEntityRow>(
          `UPDATE code_metadata SET name = @name, language = @language, signature = @signature,
             docstring = @docstring, start_line = @startLine, end_line = @endLine,
             complexity = @complexity, code_hash = @codeHash, exported = @exported, memory_id = @memoryId,
             updated_at = @now
           WHERE id = @id RETURNING *`,
        );
        for (const { index, id } of plan.update) {
          rows[index] = update.get({
            ...entityParams(project, file.entities[index] as NewCodeEntity, now),
            id,
          }) as CodeEntityRow;
        }
        const entities = replacement.entities(
          rows.map((row) => (row === undefined ? undefined : toCodeEntity(row))),
        );

        let resolvedEdges = 0;
        for (const edge of file.edges) {
          const from = (entities[edge.from] as CodeEntity).id;
          if (writeEdge(c, project, from, edge, now)) resolvedEdges += 1;
        }
        const reference = c.statement(
          `INSERT INTO code_unresolved_references (project_id, from_entity_id, dependency_type, target, line, created_at)
           VALUES (?, ?, ?, ?, ?, ?)`,
        );
        for (const ref of file.unresolved) {
          const from = (entities[ref.from] as CodeEntity).id;
          reference.run(project, from, ref.dependencyType, ref.target, ref.line, now);
        }
        resolvePending(c, project, replacement.resolvableNames, now);
        return replacement.result(entities, resolvedEdges);
      }),
    );
  }

  async unresolvedDependencies(
    project: number,
    { filePath, qualifiedName }: ParsedArgument<CodeBackend, 'unresolvedDependencies', 1>,
  ): Promise<UnresolvedDependency[]> {
    return this.#session.run((c) =>
      c
        .statement<[Record<string, unknown>], UnresolvedDependencyRow>(
          `SELECT p.* FROM code_unresolved_dependencies p
           WHERE p.project_id = @projectId
             AND (@qualifiedName IS NULL OR p.target_qualified_name = @qualifiedName)
             AND (@filePath IS NULL OR p.from_entity_id IN (
               SELECT id FROM code_metadata WHERE project_id = @projectId AND file_path = @filePath))
           ORDER BY p.id`,
        )
        .all({
          projectId: project,
          filePath: filePath ?? null,
          qualifiedName: qualifiedName ?? null,
        })
        .map(toUnresolvedDependency),
    );
  }

  async unresolvedReferences(
    project: number,
    { filePath, dependencyType }: ParsedArgument<CodeBackend, 'unresolvedReferences', 1>,
  ): Promise<UnresolvedReference[]> {
    return this.#session.run((c) =>
      c
        .statement<[Record<string, unknown>], UnresolvedReferenceRow>(
          `SELECT r.* FROM code_unresolved_references r
           WHERE r.project_id = @projectId
             AND (@dependencyType IS NULL OR r.dependency_type = @dependencyType)
             AND (@filePath IS NULL OR r.from_entity_id IN (
               SELECT id FROM code_metadata WHERE project_id = @projectId AND file_path = @filePath))
           ORDER BY r.id`,
        )
        .all({
          projectId: project,
          filePath: filePath ?? null,
          dependencyType: dependencyType ?? null,
        })
        .map(toUnresolvedReference),
    );
  }

  async getEntity(project: number, entityId: number): Promise<CodeEntity | null> {
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
  async findEntities(
    project: number,
    options: ParsedArgument<CodeBackend, 'findEntities', 1>,
  ): Promise<CodeEntity[]> {
    const conditions = ['project_id = @projectId'];
    if (options.filePath !== undefined) conditions.push('file_path = @filePath');
    if (options.name !== undefined) conditions.push('name = @name');
    if (options.qualifiedName !== undefined) conditions.push('qualified_name = @qualifiedName');
    if (options.entityTypes !== undefined)
      conditions.push('entity_type IN (SELECT value FROM json_each(@entityTypes))');
    if (options.line !== undefined) conditions.push('start_line <= @line AND end_line >= @line');
    return this.#session.run((c) =>
      c
        .statement<[Record<string, unknown>], CodeEntityRow>(
          `SELECT * FROM code_metadata WHERE ${conditions.join(' AND ')}
           ORDER BY file_path, start_line NULLS LAST, id`,
        )
        .all({
          projectId: project,
          filePath: options.filePath ?? null,
          name: options.name ?? null,
          qualifiedName: options.qualifiedName ?? null,
          entityTypes:
            options.entityTypes === undefined ? null : JSON.stringify(options.entityTypes),
          line: options.line ?? null,
        })
        .map(toCodeEntity),
    );
  }

  async deleteEntity(project: number, entityId: number): Promise<boolean> {
    return this.#session.run(
      (c) =>
        c
          .statement('DELETE FROM code_metadata WHERE project_id = ? AND id = ?')
          .run(project, entityId).changes > 0,
    );
  }

  async addDependency(
    project: number,
    edge: ParsedArgument<CodeBackend, 'addDependency', 1>,
  ): Promise<CodeDependency> {
    return this.#session.run((c) =>
      c.atomic(() => {
        assertInProject(c, 'code_metadata', 'code entity', project, [
          edge.fromEntityId,
          edge.toEntityId,
        ]);
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

  async removeDependency(
    project: number,
    edge: ParsedArgument<CodeBackend, 'removeDependency', 1>,
  ): Promise<boolean> {
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

  async dependenciesOf(project: number, id: number): Promise<CodeEntity[]> {
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

  async dependentsOf(project: number, id: number): Promise<CodeEntity[]> {
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
   * A breadth-first walk in one recursive CTE (see {@link traverseSql}).
   */
  async traverse(
    project: number,
    id: number,
    options: NormalizedTraverseOptions,
  ): Promise<ImpactedEntity[]> {
    const sql = TRAVERSE_SQL[options.direction];
    const types = jsonFilter(options.dependencyTypes);
    return this.#session.run((c) => {
      const reached = walkRows(
        c
          .raw<unknown[]>(sql.walk)
          .all({ projectId: project, id, maxDepth: options.maxDepth ?? 2 ** 31 - 1, types }),
      );
      const ids = reached.map((r) => r.entity.id);
      const steps =
        ids.length === 0
          ? []
          : c
              .raw<[number, number]>(sql.steps)
              .all({
                children: JSON.stringify(ids),
                candidates: JSON.stringify([id, ...ids]),
                types,
              })
              .map(([child, parent]) => ({ child, parent }));
      return withPaths(id, reached, steps, options.entityTypes);
    });
  }

  /**
   * Fan-in and fan-out per entity by two grouped counts over the edges.
   */
  async hotspots(
    project: number,
    { limit, orderBy, entityTypes, dependencyTypes }: NormalizedHotspotOptions,
  ): Promise<CodeHotspot[]> {
    const [first, second] = orderBy === 'fanIn' ? ['fan_in', 'fan_out'] : ['fan_out', 'fan_in'];
    const typeFilter = `(@types IS NULL OR dependency_type IN (SELECT value FROM json_each(@types)))`;
    return this.#session.run((c) =>
      c
        .statement<[Record<string, unknown>], CodeEntityRow & { fan_in: number; fan_out: number }>(
          `SELECT e.*, coalesce(fi.n, 0) AS fan_in, coalesce(fo.n, 0) AS fan_out
           FROM code_metadata e
           LEFT JOIN (SELECT to_entity_id AS id, count(DISTINCT from_entity_id) AS n FROM code_dependencies
                      WHERE project_id = @projectId AND ${typeFilter} GROUP BY to_entity_id) fi ON fi.id = e.id
           LEFT JOIN (SELECT from_entity_id AS id, count(DISTINCT to_entity_id) AS n FROM code_dependencies
                      WHERE project_id = @projectId AND ${typeFilter} GROUP BY from_entity_id) fo ON fo.id = e.id
           WHERE e.project_id = @projectId
             AND (@entityTypes IS NULL OR e.entity_type IN (SELECT value FROM json_each(@entityTypes)))
           ORDER BY ${first} DESC, ${second} DESC, e.id
           LIMIT @limit`,
        )
        .all({
          projectId: project,
          types: jsonFilter(dependencyTypes),
          entityTypes: jsonFilter(entityTypes),
          limit,
        })
        .map((row) => ({ entity: toCodeEntity(row), fanIn: row.fan_in, fanOut: row.fan_out })),
    );
  }
}
