import type { NormalizedFilters } from '@athena/core-types';
import { filterSql } from './filter-sql.js';

/**
 * The statement of one keyset page of a project's memories (`limit` + 1 rows,
 * to know whether another page follows), in id order, after `@afterId` when
 * `keyset`; read through `memory_vectors (project_id, id)`.
 *
 * @example
 * ```ts
 * const { sql, params } = memoryPageSql(filters, 'desc', false);
 * ```
 */
export function memoryPageSql(
  filters: NormalizedFilters,
  order: 'asc' | 'desc',
  keyset: boolean,
): { readonly sql: string; readonly params: Record<string, unknown> } {
  const where = filterSql(filters, 'm');
  const after = keyset ? ` AND m.id ${order === 'asc' ? '>' : '<'} @afterId` : '';
  return {
    sql: `SELECT m.* FROM memory_vectors m
           WHERE m.project_id = @projectId${after}${where.sql}
           ORDER BY m.id ${order === 'asc' ? 'ASC' : 'DESC'} LIMIT @limit`,
    params: where.params,
  };
}
