import { NotFoundError } from '@athena/core-types';
import type { Connection } from '../connection.js';

/**
 * Throws `NotFoundError` (naming `entity` and the first missing id) unless
 * every id is a row of `table` in the project: a foreign key cannot say "in
 * the same project", so references across tables are checked here.
 *
 * @example
 * ```ts
 * assertInProject(c, 'memory_vectors', 'memory', projectId, [fromId, toId]);
 * ```
 */
export function assertInProject(
  c: Connection,
  table: 'memory_vectors' | 'code_metadata',
  entity: string,
  projectId: number,
  ids: readonly number[],
): void {
  if (ids.length === 0) return;
  const found = new Set(
    c
      .column(
        `SELECT id FROM ${table} WHERE project_id = ? AND id IN (SELECT value FROM json_each(?))`,
      )
      .all(projectId, JSON.stringify(ids)) as number[],
  );
  const missing = ids.find((id) => !found.has(id));
  if (missing !== undefined) throw new NotFoundError(entity, missing, { details: { projectId } });
}
