/** One column of {@link renderTable}. */
export interface Column<T> {
  readonly header: string;
  readonly value: (row: T) => string;
  readonly align?: 'left' | 'right';
  /** Longer values are cut with `…`. */
  readonly max?: number;
}

function cut(text: string, max: number | undefined): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return max !== undefined && flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/**
 * Rows as a plain-text table: a header, a rule, one line per row.
 *
 * @example
 * ```ts
 * renderTable([{ id: 1 }], [{ header: 'id', value: (r) => String(r.id), align: 'right' }]);
 * ```
 */
export function renderTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((row) => columns.map((column) => cut(column.value(row), column.max)));
  const widths = columns.map((column, i) =>
    Math.max(column.header.length, ...cells.map((line) => (line[i] as string).length)),
  );
  const format = (line: readonly string[]) =>
    line
      .map((cell, i) =>
        columns[i]?.align === 'right'
          ? cell.padStart(widths[i] as number)
          : cell.padEnd(widths[i] as number),
      )
      .join('  ')
      .trimEnd();
  return [
    format(columns.map((column) => column.header)),
    format(widths.map((width) => '-'.repeat(width))),
    ...cells.map(format),
  ].join('\n');
}

/** `key  value` lines, keys aligned. */
export function renderFields(fields: readonly (readonly [string, string])[]): string {
  const width = Math.max(...fields.map(([key]) => key.length));
  return fields.map(([key, value]) => `${key.padEnd(width)}  ${value}`).join('\n');
}

/** An instant for people: `2025-11-20 12:00:05`, or `—`. */
export function when(value: Date | string | null | undefined): string {
  if (value === null || value === undefined) return '—';
  const date = typeof value === 'string' ? new Date(value) : value;
  return date.toISOString().replace('T', ' ').slice(0, 19);
}

/** A byte count for people: `1.5 MiB`. */
export function bytes(value: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let size = value;
  let unit = 0;
  while (size >= 1024 && unit < units.length - 1) {
    size /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${size} B` : `${size.toFixed(1)} ${units[unit]}`;
}
