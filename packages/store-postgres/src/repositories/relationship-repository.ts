import { NotFoundError } from '@athena/core-types';
import type { Relationship } from '@athena/core-types';
import type { ParsedArgument, RelationshipBackend } from '@athena/store-kit';
import { sql } from 'kysely';
import { toNumber, toRelationship } from '../rows.js';
import type { Session } from '../session.js';

/**
 * Throws `NotFoundError` naming the first of `ids` that is not a row of
 * `table` in the project. Shared by the repositories that link rows.
 */
export async function assertInProject(
  session: Session,
  table:
    | 'memory_vectors'
    | 'code_metadata'
    | 'prospective_goals'
    | 'prospective_tasks'
    | 'planning_decisions',
  entity: string,
  projectId: number,
  ids: readonly number[],
): Promise<void> {
  const rows = await session.db
    .selectFrom(table)
    .select('id')
    .where('project_id', '=', projectId)
    .where(sql<boolean>`id = any(${[...ids]}::bigint[])`)
    .execute();
  const found = new Set(rows.map((row) => toNumber(row.id)));
  const missing = ids.find((id) => !found.has(id));
  if (missing !== undefined) throw new NotFoundError(entity, missing, { details: { projectId } });
}

/** `memory_relationships` on PostgreSQL, behind the kit's validating front. */
export class PostgresRelationshipRepository implements RelationshipBackend {
  readonly #session: () => Session;

  constructor(session: () => Session) {
    this.#session = session;
  }

  /**
   * Links two memories of the project; linking again updates the strength.
   */
  async link(
    project: number,
    link: ParsedArgument<RelationshipBackend, 'link', 1>,
  ): Promise<Relationship> {
    return this.#session().write(
      { operation: 'link memories', notFound: { entity: 'memory', id: link.fromMemoryId } },
      async (s) => {
        await assertInProject(s, 'memory_vectors', 'memory', project, [
          link.fromMemoryId,
          link.toMemoryId,
        ]);
        const row = await s.db
          .insertInto('memory_relationships')
          .values({
            project_id: project,
            from_memory_id: link.fromMemoryId,
            to_memory_id: link.toMemoryId,
            relationship_type: link.relationshipType,
            strength: link.strength,
          })
          .onConflict((oc) =>
            oc
              .columns(['from_memory_id', 'to_memory_id', 'relationship_type'])
              .doUpdateSet({ strength: (eb) => eb.ref('excluded.strength') }),
          )
          .returningAll()
          .executeTakeFirstOrThrow();
        return toRelationship(row);
      },
    );
  }

  async unlink(
    project: number,
    link: ParsedArgument<RelationshipBackend, 'unlink', 1>,
  ): Promise<boolean> {
    return this.#session().write({ operation: 'unlink memories' }, async (s) => {
      const result = await s.db
        .deleteFrom('memory_relationships')
        .where('project_id', '=', project)
        .where('from_memory_id', '=', link.fromMemoryId)
        .where('to_memory_id', '=', link.toMemoryId)
        .where('relationship_type', '=', link.relationshipType)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    });
  }

  async list(
    project: number,
    id: number,
    { direction, types }: ParsedArgument<RelationshipBackend, 'list', 2>,
  ): Promise<Relationship[]> {
    return this.#session().read({ operation: 'list relationships' }, async (s) => {
      let query = s.db
        .selectFrom('memory_relationships')
        .selectAll()
        .where('project_id', '=', project);
      query =
        direction === 'outgoing'
          ? query.where('from_memory_id', '=', id)
          : direction === 'incoming'
            ? query.where('to_memory_id', '=', id)
            : query.where((eb) =>
                eb.or([eb('from_memory_id', '=', id), eb('to_memory_id', '=', id)]),
              );
      if (types !== undefined && types.length > 0)
        query = query.where('relationship_type', 'in', types);
      const rows = await query.orderBy('id').execute();
      return rows.map(toRelationship);
    });
  }
}
