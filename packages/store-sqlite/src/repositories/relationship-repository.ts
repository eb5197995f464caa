import type { Relationship } from '@athena/core-types';
import type { ParsedArgument, RelationshipBackend } from '@athena/store-kit';
import { assertInProject } from './assert-in-project.js';
import { toRelationship } from '../rows.js';
import type { RelationshipRow } from '../rows.js';
import type { Session } from '../session.js';

/** Typed links between memories (`memory_relationships`) on SQLite, behind the kit's validating front. */
export class SqliteRelationshipRepository implements RelationshipBackend {
  readonly #session: Session;

  constructor(session: Session) {
    this.#session = session;
  }

  async link(
    project: number,
    link: ParsedArgument<RelationshipBackend, 'link', 1>,
  ): Promise<Relationship> {
    return this.#session.run((c) =>
      c.atomic(() => {
        assertInProject(c, 'memory_vectors', 'memory', project, [
          link.fromMemoryId,
          link.toMemoryId,
        ]);
        const row = c
          .statement<unknown[], RelationshipRow>(
            `INSERT INTO memory_relationships
               (project_id, from_memory_id, to_memory_id, relationship_type, strength, created_at)
             VALUES (?, ?, ?, ?, ?, ?)
             ON CONFLICT (from_memory_id, to_memory_id, relationship_type)
             DO UPDATE SET strength = excluded.strength
             RETURNING *`,
          )
          .get(
            project,
            link.fromMemoryId,
            link.toMemoryId,
            link.relationshipType,
            link.strength,
            Date.now(),
          );
        return toRelationship(row as RelationshipRow);
      }),
    );
  }

  async unlink(
    project: number,
    link: ParsedArgument<RelationshipBackend, 'unlink', 1>,
  ): Promise<boolean> {
    return this.#session.run(
      (c) =>
        c
          .statement(
            `DELETE FROM memory_relationships
             WHERE project_id = ? AND from_memory_id = ? AND to_memory_id = ? AND relationship_type = ?`,
          )
          .run(project, link.fromMemoryId, link.toMemoryId, link.relationshipType).changes > 0,
    );
  }

  async list(
    project: number,
    id: number,
    { direction, types }: ParsedArgument<RelationshipBackend, 'list', 2>,
  ): Promise<Relationship[]> {
    const side =
      direction === 'outgoing'
        ? 'from_memory_id = @id'
        : direction === 'incoming'
          ? 'to_memory_id = @id'
          : '(from_memory_id = @id OR to_memory_id = @id)';
    const typeFilter =
      types === undefined || types.length === 0
        ? ''
        : ' AND relationship_type IN (SELECT value FROM json_each(@types))';
    return this.#session.run((c) =>
      c
        .statement<[Record<string, unknown>], RelationshipRow>(
          `SELECT * FROM memory_relationships
           WHERE project_id = @projectId AND ${side}${typeFilter}
           ORDER BY id`,
        )
        .all({ projectId: project, id, types: JSON.stringify(types ?? []) })
        .map(toRelationship),
    );
  }
}
