/**
 * A Markdown table laid out as Prettier lays out tables (cells padded to the
 * column width), so `prettier --check` and the generators agree. Cells are
 * Markdown already: a `|` inside one must come escaped (see {@link escapeCell}).
 *
 * @example
 * ```ts
 * renderMarkdownTable(['variable', 'default'], [['`ATHENA_FALLBACK`', '`sqlite`']]);
 * ```
 */
export function renderMarkdownTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const cells = [header, ...rows];
  const widths = header.map((_, column) =>
    Math.max(3, ...cells.map((row) => width(row[column] ?? ''))),
  );
  const line = (row: readonly string[]) =>
    `| ${row.map((cell, column) => cell + ' '.repeat((widths[column] ?? 0) - width(cell))).join(' | ')} |`;
  return [
    line(header),
    `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`,
    ...rows.map(line),
  ].join('\n');
}

/** Text as a table cell: its `|` escaped. */
export function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/** Display width as Prettier counts it: one column per code point (no wide characters here). */
function width(text: string): number {
  return [...text].length;
}
