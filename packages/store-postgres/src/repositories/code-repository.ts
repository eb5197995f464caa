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
  NormalizedUnresolvedReference,
  ReplaceFileResult,
  UnresolvedDependency,
  UnresolvedReference,
} from '@athena/core-types';
import { fileReplacement } from '@athena/store-kit';
import type { CodeBackend, ParsedArgument } from '@athena/store-kit';
import type { Insertable, Selectable } from 'kysely';
import { sql } from 'kysely';
import { assertInProject } from './relationship-repository.js';
import {
  toCodeDependency,
  toCodeEntity,
  toNumber,
  toUnresolvedDependency,
  toUnresolvedReference,
} from '../rows.js';
import type { CodeMetadataTable } from '../schema.js';
import type { Session } from '../session.js';

/** Rows per multi-row INSERT: 15 parameters each, far below PostgreSQL's 65,535. */
const ENTITY_BATCH = 1_000;

/** The columns a re-index may change (the key never changes). */
function entityFields(entity: NewCodeEntity) {
  return {
    name: entity.name,
    language: entity.language,
    signature: entity.signature,
    docstring: entity.docstring,
    start_line: entity.startLine,
    end_line: entity.endLine,
    complexity: entity.complexity,
    code_hash: entity.codeHash,
    exported: entity.exported,
    memory_id: entity.memoryId,
  };
}

function entityRow(
  projectId: number,
  entity: NewCodeEntity,
  now: Date,
): Insertable<CodeMetadataTable> {
  return {
    project_id: projectId,
    file_path: entity.filePath,
    qualified_name: entity.qualifiedName,
    entity_type: entity.entityType,
    ...entityFields(entity),
    created_at: now,
    updated_at: now,
  };
}

/** Checks that every memory an entity links to is a memory of the project. */
async function assertMemories(
  s: Session,
  projectId: number,
  entities: readonly NewCodeEntity[],
): Promise<void> {
  const ids = [...new Set(entities.flatMap((e) => (e.memoryId === null ? [] : [e.memoryId])))];
  if (ids.length > 0) await assertInProject(s, 'memory_vectors', 'memory', projectId, ids);
}

/**
 * Turns the pending edges that name one of `names` and now match exactly one
 * entity of the project (never the edge's own source) into dependencies, in
 * one statement.
 */
async function resolvePending(
  s: Session,
  projectId: number,
  names: ReadonlySet<string>,
): Promise<void> {
  if (names.size === 0) return;
  const pending = s.table('code_unresolved_dependencies');
  await sql`
    with matched as (
      select p.id as pending_id, p.from_entity_id, p.dependency_type, min(e.id) as to_id
      from ${pending} p
      join ${s.table('code_metadata')} e on e.project_id = p.project_id
        and e.qualified_name = p.target_qualified_name
        and (p.target_file_path is null or e.file_path = p.target_file_path)
        and (p.target_entity_type is null or e.entity_type = p.target_entity_type)
        and e.id <> p.from_entity_id
      where p.project_id = ${projectId} and p.target_qualified_name = any(${[...names]}::text[])
      group by p.id, p.from_entity_id, p.dependency_type
      having count(*) = 1
    ),
    resolved as (
      insert into ${s.table('code_dependencies')} (project_id, from_entity_id, to_entity_id, dependency_type)
      select ${projectId}, from_entity_id, to_id, dependency_type from matched
      on conflict do nothing
    )
    delete from ${pending} where id in (select pending_id from matched)`.execute(s.raw);
}

/**
 * Stores a replaced file's edges in one statement: each target that matches
 * exactly one entity of the project becomes a dependency, every other edge is
 * kept pending. Returns how many resolved.
 */
async function writeEdges(
  s: Session,
  projectId: number,
  edges: readonly { readonly fromId: number; readonly edge: NormalizedFileEdge }[],
): Promise<number> {
  if (edges.length === 0) return 0;
  const { rows } = await sql<{ resolved: string | number }>`
    with edge as (
      select * from unnest(
        ${edges.map((e) => e.fromId)}::bigint[], ${edges.map((e) => e.edge.dependencyType)}::text[],
        ${edges.map((e) => e.edge.to.qualifiedName)}::text[], ${edges.map((e) => e.edge.to.filePath)}::text[],
        ${edges.map((e) => e.edge.to.entityType)}::text[]
      ) as t(from_id, dependency_type, target_name, target_file, target_type)
    ),
    target as (
      -- With its file, a target is looked up through the unique key's index;
      -- without, among the project's entities of that qualified name.
      select edge.*, case when edge.target_file is not null then (
        select case when count(*) = 1 then min(e.id) end from ${s.table('code_metadata')} e
        where e.project_id = ${projectId} and e.file_path = edge.target_file
          and e.qualified_name = edge.target_name
          and (edge.target_type is null or e.entity_type = edge.target_type)
          and e.id <> edge.from_id
      ) else (
        select case when count(*) = 1 then min(e.id) end from ${s.table('code_metadata')} e
        where e.project_id = ${projectId} and e.qualified_name = edge.target_name
          and (edge.target_type is null or e.entity_type = edge.target_type)
          and e.id <> edge.from_id
      ) end as to_id
      from edge
    ),
    resolved as (
      insert into ${s.table('code_dependencies')} (project_id, from_entity_id, to_entity_id, dependency_type)
      select ${projectId}, from_id, to_id, dependency_type from target where to_id is not null
      on conflict do nothing
    ),
    pending as (
      insert into ${s.table('code_unresolved_dependencies')} (project_id, from_entity_id, dependency_type,
        target_qualified_name, target_file_path, target_entity_type)
      select ${projectId}, from_id, dependency_type, target_name, target_file, target_type
      from target where to_id is null
    )
    select count(*) filter (where to_id is not null) as resolved from target`.execute(s.raw);
  return toNumber(rows[0]?.resolved ?? 0);
}

/** Stores a replaced file's unresolved references in one statement. */
async function writeReferences(
  s: Session,
  projectId: number,
  references: readonly {
    readonly fromId: number;
    readonly reference: NormalizedUnresolvedReference;
  }[],
): Promise<void> {
  if (references.length === 0) return;
  await sql`
    insert into ${s.table('code_unresolved_references')} (project_id, from_entity_id, dependency_type, target, line)
    select ${projectId}, * from unnest(
      ${references.map((r) => r.fromId)}::bigint[], ${references.map((r) => r.reference.dependencyType)}::text[],
      ${references.map((r) => r.reference.target)}::text[], ${references.map((r) => r.reference.line)}::int[]
    )`.execute(s.raw);
}

/**
 * A breadth-first walk in one statement. Each row of `bfs` is one level: the
 * entities first reached at that depth, each with its parent (the smallest
 * id of the previous level with an edge to it, so one shortest path per
 * entity comes out of the walk itself), and every entity seen so far, as
 * arrays, so an entity is expanded once however many paths lead to it (a
 * recursive CTE over (entity, depth) rows repeats an entity at every depth a
 * cycle reaches it). `not in` a subquery removes the seen ones through a
 * hashed subplan whatever the estimates (neither side holds a null): as a
 * `not exists` the planner hashed it only while the code tables had no
 * statistics, and with them chose a nested loop over `unnest(seen)`, 467 ms
 * for the 3,265 dependents of drizzle-orm's `SQL` (`not in`: 27 ms). `offset 0`
 * keeps the level's subquery from being inlined, which evaluated it once for
 * each column that used it; `project_id + 0` keeps the project out of the
 * index scan, which otherwise read every edge of the project at each level.
 * `near`/`far` name the edge columns walked from and to.
 */
export function traverseQuery(
  schema: string,
  project: number,
  id: number,
  options: NormalizedTraverseOptions,
) {
  const [near, far] = edgeColumns(options);
  const deps = sql.table(`${schema}.code_dependencies`);
  const types = options.dependencyTypes === null ? null : [...options.dependencyTypes];
  const maxDepth = options.maxDepth ?? 2 ** 31 - 1;
  return sql<Selectable<CodeMetadataTable> & { walk_depth: number; walk_parent: string | number }>`
    with recursive bfs(depth, frontier, parents, seen) as (
      select 0, array[${id}]::bigint[], array[null]::bigint[], array[${id}]::bigint[]
      union all
      select b.depth + 1, n.next, n.parents, b.seen || n.next
      from bfs b cross join lateral (
        select coalesce(array_agg(g.x order by g.x), '{}') as next,
          coalesce(array_agg(g.p order by g.x), '{}') as parents
        from (
          select d.${far} as x, min(d.${near}) as p from ${deps} d
          where d.project_id + 0 = ${project} and d.${near} = any(b.frontier)
            and (${types}::text[] is null or d.dependency_type = any(${types}::text[]))
          group by d.${far}
        ) g
        where g.x not in (select unnest(b.seen))
        offset 0
      ) n
      where cardinality(b.frontier) > 0 and b.depth < ${maxDepth}
    ),
    reached as (
      select unnest(frontier) as id, unnest(parents) as parent, depth from bfs where depth > 0
    )
    select e.*, r.depth as walk_depth, r.parent as walk_parent
    from reached r join ${sql.table(`${schema}.code_metadata`)} e on e.id = r.id and e.project_id = ${project}
    order by r.depth, e.id`;
}

/** The edge columns a walk goes from and to. */
function edgeColumns(options: NormalizedTraverseOptions) {
  return options.direction === 'dependents'
    ? [sql.raw('to_entity_id'), sql.raw('from_entity_id')]
    : [sql.raw('from_entity_id'), sql.raw('to_entity_id')];
}

/** `code_metadata` and `code_dependencies` on PostgreSQL, behind the kit's validating front. */
export class PostgresCodeRepository implements CodeBackend {
  readonly #session: () => Session;

  constructor(session: () => Session) {
    this.#session = session;
  }

  /**
   * Inserts the entities or updates those with the same (filePath,
   * qualifiedName, entityType), in one transaction, 1,000 rows per statement.
   */
  async upsertEntities(project: number, entities: readonly NewCodeEntity[]): Promise<CodeEntity[]> {
    return this.#session().atomic(
      { operation: 'upsert code entities', notFound: { entity: 'project', id: project } },
      async (s) => {
        await assertMemories(s, project, entities);
        const now = new Date();
        const byKey = new Map<string, Selectable<CodeMetadataTable>>();
        for (let start = 0; start < entities.length; start += ENTITY_BATCH) {
          const rows = await s.db
            .insertInto('code_metadata')
            .values(
              entities.slice(start, start + ENTITY_BATCH).map((e) => entityRow(project, e, now)),
            )
            .onConflict((oc) =>
              oc
                .columns(['project_id', 'file_path', 'qualified_name', 'entity_type'])
                .doUpdateSet((eb) => ({
                  name: eb.ref('excluded.name'),
                  language: eb.ref('excluded.language'),
                  signature: eb.ref('excluded.signature'),
                  docstring: eb.ref('excluded.docstring'),
                  start_line: eb.ref('excluded.start_line'),
                  end_line: eb.ref('excluded.end_line'),
                  complexity: eb.ref('excluded.complexity'),
                  code_hash: eb.ref('excluded.code_hash'),
                  exported: eb.ref('excluded.exported'),
                  memory_id: eb.ref('excluded.memory_id'),
                  updated_at: eb.ref('excluded.updated_at'),
                })),
            )
            .returningAll()
            .execute();
          for (const row of rows) {
            byKey.set(JSON.stringify([row.file_path, row.qualified_name, row.entity_type]), row);
          }
        }
        await resolvePending(s, project, new Set(entities.map((e) => e.qualifiedName)));
        await s.env.statistics.wrote(s, 'code', entities.length);
        // RETURNING promises no order: put the rows back in input order by key.
        return entities.map((e) =>
          toCodeEntity(
            byKey.get(
              JSON.stringify([e.filePath, e.qualifiedName, e.entityType]),
            ) as Selectable<CodeMetadataTable>,
          ),
        );
      },
    );
  }

  /**
   * Makes the stored file say what `input` says, in one transaction of at
   * most eight statements whatever the file's size. A transaction-level
   * advisory lock on (project, file) serialises concurrent re-indexes of one
   * file, whose compare-then-write would otherwise race.
   */
  async replaceFile(project: number, file: NormalizedReplaceFile): Promise<ReplaceFileResult> {
    return this.#session().atomic(
      { operation: 'replace code file', notFound: { entity: 'project', id: project } },
      async (s) => {
        const lockKey = `athena:code:${s.env.schema}:${project}:${file.filePath}`;
        const { rows: found } = await sql<{ project: boolean }>`
          select pg_advisory_xact_lock(hashtext(${lockKey})),
            exists (select 1 from ${s.table('projects')} where id = ${project}) as project`.execute(
          s.raw,
        );
        if (found[0]?.project !== true) throw new NotFoundError('project', project);
        await assertMemories(s, project, file.entities);
        const stored = (
          await s.db
            .selectFrom('code_metadata')
            .selectAll()
            .where('project_id', '=', project)
            .where('file_path', '=', file.filePath)
            .execute()
        ).map(toCodeEntity);
        const replacement = fileReplacement(stored, file);
        const { plan } = replacement;
        const storedIds = stored.map((e) => e.id);
        const removedIds = plan.remove.map((e) => e.id);
        const deps = s.table('code_dependencies');
        const pending = s.table('code_unresolved_dependencies');
        const entitiesTable = s.table('code_metadata');
        if (storedIds.length > 0) {
          // The file's own edges are replaced below; edges of other files that
          // point at a removed entity wait, by its key, for it to come back.
          await sql`
            with old_edges as (delete from ${deps} where from_entity_id = any(${storedIds}::bigint[])),
            old_pending as (delete from ${pending} where from_entity_id = any(${storedIds}::bigint[])),
            old_references as (
              delete from ${s.table('code_unresolved_references')}
              where from_entity_id = any(${storedIds}::bigint[])
            )
            insert into ${pending} (project_id, from_entity_id, dependency_type,
              target_qualified_name, target_file_path, target_entity_type)
            select d.project_id, d.from_entity_id, d.dependency_type, e.qualified_name, e.file_path, e.entity_type
            from ${deps} d join ${entitiesTable} e on e.id = d.to_entity_id
            where d.to_entity_id = any(${removedIds}::bigint[])
              and d.from_entity_id <> all(${storedIds}::bigint[])`.execute(s.raw);
        }
        if (removedIds.length > 0) {
          await s.db
            .deleteFrom('code_metadata')
            .where(sql<boolean>`id = any(${removedIds}::bigint[])`)
            .execute();
        }
        const now = new Date();
        const entities: (CodeEntity | undefined)[] = new Array(file.entities.length);
        for (let start = 0; start < plan.insert.length; start += ENTITY_BATCH) {
          const indexes = plan.insert.slice(start, start + ENTITY_BATCH);
          const rows = await s.db
            .insertInto('code_metadata')
            .values(indexes.map((i) => entityRow(project, file.entities[i] as NewCodeEntity, now)))
            .returningAll()
            .execute();
          const byKey = new Map(
            rows.map((row) => [JSON.stringify([row.qualified_name, row.entity_type]), row]),
          );
          for (const i of indexes) {
            const e = file.entities[i] as NewCodeEntity;
            entities[i] = toCodeEntity(
              byKey.get(
                JSON.stringify([e.qualifiedName, e.entityType]),
              ) as Selectable<CodeMetadataTable>,
            );
          }
        }
        if (plan.update.length > 0) {
          const changed = plan.update.map(({ index, id }) => ({
            id,
            ...entityFields(file.entities[index] as NewCodeEntity),
          }));
          const column = <K extends keyof (typeof changed)[number]>(key: K) =>
            changed.map((row) => row[key]);
          const { rows } = await sql<Selectable<CodeMetadataTable>>`
            update ${entitiesTable} e set name = v.name, language = v.language,
              signature = v.signature, docstring = v.docstring, start_line = v.start_line,
              end_line = v.end_line, complexity = v.complexity, code_hash = v.code_hash,
              exported = v.exported, memory_id = v.memory_id, updated_at = ${now}
            from unnest(${column('id')}::bigint[], ${column('name')}::text[], ${column('language')}::text[],
              ${column('signature')}::text[], ${column('docstring')}::text[], ${column('start_line')}::int[],
              ${column('end_line')}::int[], ${column('complexity')}::float8[], ${column('code_hash')}::text[],
              ${column('exported')}::boolean[], ${column('memory_id')}::bigint[])
              as v(id, name, language, signature, docstring, start_line, end_line, complexity, code_hash,
                exported, memory_id)
            where e.id = v.id
            returning e.*`.execute(s.raw);
          const byId = new Map(rows.map((row) => [toNumber(row.id), row]));
          for (const { index, id } of plan.update) {
            entities[index] = toCodeEntity(byId.get(id) as Selectable<CodeMetadataTable>);
          }
        }
        const written = replacement.entities(entities);
        const resolvedEdges = await writeEdges(
          s,
          project,
          file.edges.map((edge) => ({ fromId: (written[edge.from] as CodeEntity).id, edge })),
        );
        await writeReferences(
          s,
          project,
          file.unresolved.map((reference) => ({
            fromId: (written[reference.from] as CodeEntity).id,
            reference,
          })),
        );
        await resolvePending(s, project, replacement.resolvableNames);
        await s.env.statistics.wrote(
          s,
          'code',
          plan.insert.length + plan.update.length + file.edges.length + file.unresolved.length,
        );
        return replacement.result(written, resolvedEdges);
      },
    );
  }

  /**
   * Pending edges, by id.
   */
  async unresolvedDependencies(
    project: number,
    { filePath, qualifiedName }: ParsedArgument<CodeBackend, 'unresolvedDependencies', 1>,
  ): Promise<UnresolvedDependency[]> {
    return this.#session().read({ operation: 'list unresolved code dependencies' }, async (s) => {
      let query = s.db
        .selectFrom('code_unresolved_dependencies')
        .selectAll()
        .where('project_id', '=', project);
      if (qualifiedName !== undefined)
        query = query.where('target_qualified_name', '=', qualifiedName);
      if (filePath !== undefined) {
        query = query.where('from_entity_id', 'in', (eb) =>
          eb
            .selectFrom('code_metadata')
            .select('id')
            .where('project_id', '=', project)
            .where('file_path', '=', filePath),
        );
      }
      const rows = await query.orderBy('id').execute();
      return rows.map(toUnresolvedDependency);
    });
  }

  /**
   * References that resolve to no entity, by id.
   */
  async unresolvedReferences(
    project: number,
    { filePath, dependencyType }: ParsedArgument<CodeBackend, 'unresolvedReferences', 1>,
  ): Promise<UnresolvedReference[]> {
    return this.#session().read({ operation: 'list unresolved code references' }, async (s) => {
      let query = s.db
        .selectFrom('code_unresolved_references')
        .selectAll()
        .where('project_id', '=', project);
      if (dependencyType !== undefined) query = query.where('dependency_type', '=', dependencyType);
      if (filePath !== undefined) {
        query = query.where('from_entity_id', 'in', (eb) =>
          eb
            .selectFrom('code_metadata')
            .select('id')
            .where('project_id', '=', project)
            .where('file_path', '=', filePath),
        );
      }
      const rows = await query.orderBy('id').execute();
      return rows.map(toUnresolvedReference);
    });
  }

  async getEntity(project: number, entityId: number): Promise<CodeEntity | null> {
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

  async findEntities(
    project: number,
    options: ParsedArgument<CodeBackend, 'findEntities', 1>,
  ): Promise<CodeEntity[]> {
    return this.#session().read({ operation: 'find code entities' }, async (s) => {
      let query = s.db.selectFrom('code_metadata').selectAll().where('project_id', '=', project);
      if (options.filePath !== undefined) query = query.where('file_path', '=', options.filePath);
      if (options.name !== undefined) query = query.where('name', '=', options.name);
      if (options.qualifiedName !== undefined)
        query = query.where('qualified_name', '=', options.qualifiedName);
      if (options.entityTypes !== undefined)
        query = query.where('entity_type', 'in', options.entityTypes);
      if (options.line !== undefined) {
        query = query.where('start_line', '<=', options.line).where('end_line', '>=', options.line);
      }
      const rows = await query
        .orderBy('file_path')
        .orderBy(sql`start_line asc nulls last`)
        .orderBy('id')
        .execute();
      return rows.map(toCodeEntity);
    });
  }

  async deleteEntity(project: number, entityId: number): Promise<boolean> {
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
   */
  async addDependency(
    project: number,
    edge: ParsedArgument<CodeBackend, 'addDependency', 1>,
  ): Promise<CodeDependency> {
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

  async removeDependency(
    project: number,
    edge: ParsedArgument<CodeBackend, 'removeDependency', 1>,
  ): Promise<boolean> {
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

  async dependenciesOf(project: number, id: number): Promise<CodeEntity[]> {
    return this.#neighbours(project, id, 'from_entity_id', 'to_entity_id');
  }

  async dependentsOf(project: number, id: number): Promise<CodeEntity[]> {
    return this.#neighbours(project, id, 'to_entity_id', 'from_entity_id');
  }

  async #neighbours(
    project: number,
    id: number,
    match: 'from_entity_id' | 'to_entity_id',
    other: 'from_entity_id' | 'to_entity_id',
  ): Promise<CodeEntity[]> {
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
   * A breadth-first walk in one recursive CTE (see {@link traverseQuery}).
   */
  async traverse(
    project: number,
    id: number,
    options: NormalizedTraverseOptions,
  ): Promise<ImpactedEntity[]> {
    return this.#session().read({ operation: 'walk code graph' }, async (s) => {
      const { rows } = await traverseQuery(s.env.schema, project, id, options).execute(s.raw);
      const reached = rows.map((row) => ({
        entity: toCodeEntity(row),
        depth: Number(row.walk_depth),
      }));
      const steps = rows.map((row) => ({
        child: toNumber(row.id),
        parent: toNumber(row.walk_parent),
      }));
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
    const types = dependencyTypes === null ? null : [...dependencyTypes];
    const kinds = entityTypes === null ? null : [...entityTypes];
    const [first, second] =
      orderBy === 'fanIn'
        ? [sql.raw('fan_in'), sql.raw('fan_out')]
        : [sql.raw('fan_out'), sql.raw('fan_in')];
    return this.#session().read({ operation: 'code hotspots' }, async (s) => {
      const deps = s.table('code_dependencies');
      const typeFilter = sql`(${types}::text[] is null or dependency_type = any(${types}::text[]))`;
      const { rows } = await sql<
        Selectable<CodeMetadataTable> & { fan_in: string | number; fan_out: string | number }
      >`
        select e.*, coalesce(fi.n, 0) as fan_in, coalesce(fo.n, 0) as fan_out
        from ${s.table('code_metadata')} e
        left join (select to_entity_id as id, count(distinct from_entity_id) as n from ${deps}
                   where project_id = ${project} and ${typeFilter} group by to_entity_id) fi on fi.id = e.id
        left join (select from_entity_id as id, count(distinct to_entity_id) as n from ${deps}
                   where project_id = ${project} and ${typeFilter} group by from_entity_id) fo on fo.id = e.id
        where e.project_id = ${project}
          and (${kinds}::text[] is null or e.entity_type = any(${kinds}::text[]))
        order by ${first} desc, ${second} desc, e.id
        limit ${limit}`.execute(s.raw);
      return rows.map((row) => ({
        entity: toCodeEntity(row),
        fanIn: toNumber(row.fan_in),
        fanOut: toNumber(row.fan_out),
      }));
    });
  }
}
