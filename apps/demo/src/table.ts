/** A column of {@link renderTable}. */
export interface Column<T> {
  readonly header: string;
  readonly value: (row: T) => string;
  readonly align?: 'left' | 'right';
  /** Longer values are cut with an ellipsis. */
  readonly max?: number;
}

function cut(text: string, max: number | undefined): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return max === undefined || flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

/** Renders rows as an aligned plain-text table. */
export function renderTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((row) => columns.map((column) => cut(column.value(row), column.max)));
  const widths = columns.map((column, i) =>
    Math.max(column.header.length, ...cells.map((row) => row[i]?.length ?? 0)),
  );
  const line = (values: readonly string[]) =>
    values
      .map((value, i) =>
        columns[i]?.align === 'right'
          ? value.padStart(widths[i] ?? 0)
          : value.padEnd(widths[i] ?? 0),
      )
      .join('  ')
      .trimEnd();
  return [
    line(columns.map((c) => c.header)),
    line(widths.map((w) => '-'.repeat(w))),
    ...cells.map(line),
  ].join('\n');
}
