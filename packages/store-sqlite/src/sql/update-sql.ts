/** Columns and parameters of a partial update. */
export interface UpdateSql {
  /** `column = @field` assignments, comma-separated. */
  readonly sets: string;
  readonly params: Record<string, unknown>;
}

/**
 * Builds the SET list of a partial update from a validated patch: only
 * fields present in `patch` and named in `columns` change. Dates become
 * epoch milliseconds. A `status` field also maintains `completed_at`:
 * entering `completed` stamps it (keeping an earlier stamp), leaving clears it.
 *
 * @example
 * ```ts
 * const { sets, params } = updateSql({ title: 'Ship' }, { title: 'title' }, Date.now());
 * ```
 */
export function updateSql(
  patch: Readonly<Record<string, unknown>>,
  columns: Readonly<Record<string, string>>,
  now: number,
): UpdateSql {
  const assignments: string[] = [];
  const params: Record<string, unknown> = { now };
  for (const [field, value] of Object.entries(patch)) {
    const column = columns[field];
    if (column === undefined || value === undefined) continue;
    assignments.push(`${column} = @${field}`);
    params[field] = value instanceof Date ? value.getTime() : value;
  }
  if (patch['status'] !== undefined) {
    assignments.push(
      `completed_at = CASE WHEN @status = 'completed'
         THEN coalesce(CASE WHEN status = 'completed' THEN completed_at END, @now)
         ELSE NULL END`,
    );
  }
  assignments.push('updated_at = @now');
  return { sets: assignments.join(', '), params };
}
