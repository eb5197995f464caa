import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPORT_FILE_VARIABLE } from './report.js';
import type { Finding } from './report.js';

const RESULTS = fileURLToPath(new URL('../results/', import.meta.url));

/** The findings of one section as a Markdown table, one column per figure any of them has. */
function table(findings: readonly Finding[]): string {
  const columns = [...new Set(findings.flatMap((finding) => Object.keys(finding)))].filter(
    (key) => key !== 'section',
  );
  const cell = (value: unknown) =>
    value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  return [
    `| ${columns.join(' | ')} |`,
    `|${columns.map(() => '---').join('|')}|`,
    ...findings.map((finding) => `| ${columns.map((key) => cell(finding[key])).join(' | ')} |`),
  ].join('\n');
}

/**
 * Vitest global setup: a fresh report file for the run, read back at its
 * end, printed per section and saved to `results/reliability-report.{md,json}`.
 */
export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'athena-reliability-'));
  const file = join(dir, 'findings.jsonl');
  writeFileSync(file, '');
  process.env[REPORT_FILE_VARIABLE] = file;
  return () => {
    const findings = readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Finding);
    rmSync(dir, { recursive: true, force: true });
    const sections = [...new Set(findings.map((finding) => finding.section))];
    const markdown = [
      `# Reliability report, ${new Date().toISOString()}`,
      '',
      ...sections.flatMap((section) => {
        const rows = findings.filter((finding) => finding.section === section);
        return [`## ${section} (${rows.length})`, '', table(rows), ''];
      }),
    ].join('\n');
    mkdirSync(RESULTS, { recursive: true });
    writeFileSync(join(RESULTS, 'reliability-report.md'), markdown);
    writeFileSync(join(RESULTS, 'reliability-report.json'), JSON.stringify(findings, null, 2));
    process.stdout.write(`\n${markdown}\nsaved: ${join(RESULTS, 'reliability-report.md')}\n`);
  };
}
