import type { NormalizedFilters } from '@athena/core-types';

/** A SQL condition and the named parameters it binds. */
export interface SqlFragment {
  /** Empty, or ` AND …` conditions on the memory alias. */
  readonly sql: string;
  readonly params: Readonly<Record<string, unknown>>;
}

/**
 * Turns validated memory filters into conditions on `memory_vectors`. Lists
 * are bound as one JSON parameter read by `json_each`, so the SQL text (and
 * its cached prepared statement) depends only on which filters are present.
 *
 * @example
 * ```ts
 * const where = filterSql(parseFilters({ tags: ['db'] }), 'm');
 * db.prepare(`SELECT count(*) FROM memory_vectors m WHERE m.project_id = @projectId${where.sql}`)
 *   .get({ projectId, ...where.params });
 * ```
 */
export function filterSql(filters: NormalizedFilters, alias: string): SqlFragment {
  const conditions: string[] = [];
  const params: Record<string, unknown> = {};
  if (filters.memoryTypes !== undefined) {
    conditions.push(`${alias}.memory_type IN (SELECT value FROM json_each(@filterMemoryTypes))`);
    params['filterMemoryTypes'] = JSON.stringify(filters.memoryTypes);
  }
  if (filters.domains !== undefined) {
    conditions.push(`${alias}.domain IN (SELECT value FROM json_each(@filterDomains))`);
    params['filterDomains'] = JSON.stringify(filters.domains);
  }
  if (filters.tags !== undefined) {
    // "Has every tag": no wanted tag is missing from the memory's tags.
    conditions.push(
      `NOT EXISTS (SELECT 1 FROM json_each(@filterTags) AS wanted
         WHERE wanted.value NOT IN (SELECT value FROM json_each(${alias}.tags)))`,
    );
    params['filterTags'] = JSON.stringify(filters.tags);
  }
  if (filters.consolidationStates !== undefined) {
    conditions.push(`${alias}.consolidation_state IN (SELECT value FROM json_each(@filterStates))`);
    params['filterStates'] = JSON.stringify(filters.consolidationStates);
  }
  if (filters.createdAfter !== undefined) {
    conditions.push(`${alias}.created_at >= @filterCreatedAfter`);
    params['filterCreatedAfter'] = filters.createdAfter.getTime();
  }
  if (filters.createdBefore !== undefined) {
    conditions.push(`${alias}.created_at < @filterCreatedBefore`);
    params['filterCreatedBefore'] = filters.createdBefore.getTime();
  }
  if (filters.sessionId !== undefined) {
    conditions.push(`${alias}.session_id = @filterSessionId`);
    params['filterSessionId'] = filters.sessionId;
  }
  return { sql: conditions.map((condition) => ` AND ${condition}`).join(''), params };
}

/** Whether any filter is present. */
export function hasFilters(filters: NormalizedFilters): boolean {
  return Object.keys(filters).length > 0;
}
