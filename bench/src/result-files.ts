import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `--out`, or bench/results. */
export function resultsDir(out: string | undefined): string {
  return resolve(out ?? fileURLToPath(new URL('../results', import.meta.url)));
}

/**
 * Saves one run as `<dir>/<name>.json` (the report) and `<name>.md`, prints
 * the Markdown to stdout and where it went to stderr.
 *
 * @example
 * ```ts
 * saveResults(resultsDir(values.out), 'crossover-2026-12-07-04-23', report, toMarkdown(report));
 * ```
 */
export function saveResults(dir: string, name: string, report: unknown, markdown: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(dir, `${name}.md`), markdown);
  console.log(markdown);
  console.error(`wrote ${join(dir, `${name}.{json,md}`)}`);
}
