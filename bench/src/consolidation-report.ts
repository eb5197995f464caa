import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConsolidationBenchRow } from './consolidation-bench.js';
import type { MachineInfo } from './results.js';
import type { TargetCheck } from './report.js';

/** A consolidation suite run: its rows, where it ran, what was targeted. */
export interface ConsolidationReport {
  readonly date: string;
  readonly rows: number;
  readonly duplicateShare: number;
  readonly machine: MachineInfo;
  readonly results: readonly ConsolidationBenchRow[];
  /** The machine's load average (1, 5, 15 min) when the suite finished. */
  readonly loadAverage: readonly number[];
}

const rate = (value: number) => Math.round(value).toLocaleString('en-US');
const pct = (value: number) => `${(value * 100).toFixed(0)} %`;

/**
 * The issue's targets: ≥ 500 memories/s on SQLite and ≥ 300 on PostgreSQL
 * with one worker; two workers on PostgreSQL ≥ 1.5× one; every duplicate
 * pair merged.
 *
 * @example
 * ```ts
 * consolidationTargets(report).filter((t) => !t.met);
 * ```
 */
export function consolidationTargets(report: ConsolidationReport): TargetCheck[] {
  const out: TargetCheck[] = [];
  const one = (backend: string) =>
    report.results.find((r) => r.backend === backend && r.workers === 1);
  const two = (backend: string) =>
    report.results.find((r) => r.backend === backend && r.workers === 2);
  for (const [backend, floor] of [
    ['sqlite', 500],
    ['postgres', 300],
  ] as const) {
    const single = one(backend);
    if (single !== undefined)
      out.push({
        backend,
        target: `one worker ≥ ${floor} memories/s`,
        measured: `${rate(single.memoriesPerSecond)} memories/s`,
        met: single.memoriesPerSecond >= floor,
      });
  }
  const pgOne = one('postgres');
  const pgTwo = two('postgres');
  if (pgOne !== undefined && pgTwo !== undefined) {
    const scaling = pgTwo.memoriesPerSecond / pgOne.memoriesPerSecond;
    out.push({
      backend: 'postgres',
      target: 'two workers ≥ 1.5× one',
      measured: `${scaling.toFixed(2)}×`,
      met: scaling >= 1.5,
    });
  }
  for (const r of report.results)
    out.push({
      backend: r.backend,
      target: `${r.workers} worker(s): every duplicate pair merged, no errors`,
      measured: `${r.duplicatePairsNotMerged} pairs left, ${r.errorMessages.length} errors`,
      met: r.duplicatePairsNotMerged === 0 && r.errorMessages.length === 0,
    });
  return out;
}

function phases(row: ConsolidationBenchRow): string {
  return Object.entries(row.phaseShares)
    .sort(([, a], [, b]) => b - a)
    .map(([phase, share]) => `${phase} ${pct(share)}`)
    .join(', ');
}

/** The Markdown report. */
export function consolidationMarkdown(report: ConsolidationReport): string {
  const lines = [
    `# Athena benchmark — consolidation (${report.rows.toLocaleString('en-US')} memories, ${pct(report.duplicateShare)} duplicates)`,
    '',
    `${report.date} · ${report.machine.cpu} · ${report.machine.cores} cores · Node ${report.machine.node} · load average at the end ${report.loadAverage.map((l) => l.toFixed(2)).join(' ')}`,
    '',
    `Versions: ${Object.entries(report.machine.versions)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    '',
    "Each row: a fresh database, the backlog loaded (not timed), then consolidated by N worker processes at once (each with its own store, started before the timer) until a pass claims nothing. Phase shares are summed over every worker's run records.",
    '',
    '| backend | workers | seconds | memories/s | claimed | clusters | created | superseded | linked | errors | passes | phase shares |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|',
    ...report.results.map(
      (r) =>
        `| ${r.backend} | ${r.workers} | ${r.seconds.toFixed(1)} | **${rate(r.memoriesPerSecond)}** | ${r.totals.claimed} | ${r.totals.clusters} | ${r.totals.created} | ${r.totals.superseded} | ${r.totals.linked} | ${r.totals.errors} | ${r.runs.join(' + ')} | ${phases(r)} |`,
    ),
    '',
    '| backend | workers | states afterwards | duplicate pairs not merged |',
    '|---|--:|---|--:|',
    ...report.results.map(
      (r) =>
        `| ${r.backend} | ${r.workers} | ${Object.entries(r.states)
          .filter(([, n]) => n > 0)
          .map(([s, n]) => `${s} ${n}`)
          .join(', ')} | ${r.duplicatePairsNotMerged} |`,
    ),
    ...report.results
      .filter((r) => r.errorMessages.length > 0)
      .flatMap((r) => [
        '',
        `Errors of ${r.backend}, ${r.workers} worker(s): ${r.errorMessages.map((m) => `\`${m}\``).join('; ')}`,
      ]),
    '',
    'Where the time goes: store operations the workers called, summed over the workers (`transaction` includes the calls inside it), ms (calls).',
    '',
    '| backend | workers | store operations |',
    '|---|--:|---|',
    ...report.results.map(
      (r) =>
        `| ${r.backend} | ${r.workers} | ${Object.entries(r.storeTimes)
          .sort(([, a], [, b]) => b.ms - a.ms)
          .map(([name, t]) => `${name} ${Math.round(t.ms).toLocaleString('en-US')} (${t.calls})`)
          .join(', ')} |`,
    ),
    '',
    '## Targets',
    '',
    '| backend | target | measured | met |',
    '|---|---|---|:-:|',
    ...consolidationTargets(report).map(
      (t) => `| ${t.backend} | ${t.target} | ${t.measured} | ${t.met ? 'yes' : '**no**'} |`,
    ),
    '',
  ];
  return lines.join('\n');
}

/** A compact table for the terminal. */
export function consolidationConsole(report: ConsolidationReport): string {
  const lines = [
    '',
    `consolidation — ${report.rows.toLocaleString('en-US')} memories, ${pct(report.duplicateShare)} duplicates`,
  ];
  for (const r of report.results)
    lines.push(
      `${`${r.backend}, ${r.workers} worker(s)`.padEnd(24)}${rate(r.memoriesPerSecond).padStart(7)} memories/s  ${r.seconds.toFixed(1).padStart(6)} s  superseded ${r.totals.superseded}  ${phases(r)}`,
    );
  const targets = consolidationTargets(report);
  const missed = targets.filter((t) => !t.met);
  lines.push(`targets: ${targets.length - missed.length}/${targets.length} met`);
  for (const t of missed) lines.push(`  missed  ${t.backend}: ${t.target} — ${t.measured}`);
  return lines.join('\n');
}

/** Writes `consolidation-<date>.{json,md}` and `latest-consolidation.md` under `dir`. */
export function writeConsolidationReport(report: ConsolidationReport, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const stamp = report.date.slice(0, 16).replace(/[:T]/g, '-');
  const base = join(dir, `${stamp}-consolidation-${report.rows / 1000}k`);
  const markdown = consolidationMarkdown(report);
  writeFileSync(
    `${base}.json`,
    `${JSON.stringify({ ...report, targets: consolidationTargets(report) }, null, 2)}\n`,
  );
  writeFileSync(`${base}.md`, markdown);
  writeFileSync(join(dir, 'latest-consolidation.md'), markdown);
  return [`${base}.json`, `${base}.md`, join(dir, 'latest-consolidation.md')];
}
