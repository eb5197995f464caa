import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BackendResult, BenchReport, LatencyRow } from './results.js';

/** One target of the issue, checked against this run. */
export interface TargetCheck {
  readonly backend: string;
  readonly target: string;
  readonly measured: string;
  readonly met: boolean;
}

const ms = (value: number) =>
  value < 1 ? value.toFixed(3) : value < 10 ? value.toFixed(2) : value.toFixed(1);
const ratio = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)}×` : '—');
const recall = (value: number | undefined) =>
  value === undefined || Number.isNaN(value) ? '' : value.toFixed(3);
const rate = (value: number) => Math.round(value).toLocaleString('en-US');
const mib = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MiB`;

function row(result: BackendResult, operation: string): LatencyRow | undefined {
  return result.latency.find((r) => r.operation === operation);
}

/**
 * The issue's targets that apply to this tier, each with the measured figure.
 * Latency targets are p50 of the API side.
 *
 * @example
 * ```ts
 * checkTargets(report).filter((t) => !t.met);
 * ```
 */
export function checkTargets(report: BenchReport): TargetCheck[] {
  const out: TargetCheck[] = [];
  const add = (backend: string, target: string, measured: string, met: boolean) =>
    out.push({ backend, target, measured, met });
  for (const result of report.backends) {
    const b = result.backend;
    for (const r of result.latency) {
      add(b, `${r.operation}: API/raw ≤ 1.25`, ratio(r.ratio), r.ratio <= 1.25);
    }
    for (const r of result.ingest) {
      add(b, `${r.operation}: API/raw ≤ 1.25`, ratio(r.ratio), r.ratio <= 1.25);
    }
    if (report.rows <= 10_000) {
      for (const r of result.latency.filter(
        (l) => /semantic|keyword|hybrid/.test(l.operation) && !l.operation.endsWith('exact'),
      )) {
        add(b, `10K: ${r.operation} ≤ 5 ms`, `${ms(r.api.p50)} ms`, r.api.p50 <= 5);
      }
      continue;
    }
    const semantic = row(result, 'semantic top-10');
    const project = row(result, 'semantic top-10, project (10 %)');
    const hybrids = result.latency.filter((l) => l.operation.startsWith('hybrid'));
    const get = row(result, 'get by id');
    if (b === 'postgres') {
      if (semantic) {
        add(
          b,
          'semantic top-10 ≤ 1.5 ms at recall@10 ≥ 0.98',
          `${ms(semantic.api.p50)} ms, recall ${recall(semantic.recallApi)}`,
          semantic.api.p50 <= 1.5 && (semantic.recallApi ?? 0) >= 0.98,
        );
      }
      if (project) {
        add(
          b,
          'project-filtered semantic: all 10, recall@10 ≥ 0.95, ≤ 2.5 ms',
          `${ms(project.api.p50)} ms, recall ${recall(project.recallApi)}, ${project.returnedApi?.toFixed(2)} returned`,
          project.api.p50 <= 2.5 &&
            (project.recallApi ?? 0) >= 0.95 &&
            (project.returnedApi ?? 0) >= 10,
        );
      }
      for (const h of hybrids)
        add(b, `${h.operation} ≤ 6 ms`, `${ms(h.api.p50)} ms`, h.api.p50 <= 6);
      if (get) add(b, 'get by id ≤ 0.2 ms', `${ms(get.api.p50)} ms`, get.api.p50 <= 0.2);
      const indexed = result.ingest.find((r) => r.operation.startsWith('ingest into indexed'));
      if (indexed) {
        add(
          b,
          'ingest into indexed table ≥ raw batched INSERT, searchable at once',
          `${rate(indexed.api)} vs ${rate(indexed.raw)} memories/s; ${indexed.note.split('; ').pop()}`,
          indexed.api >= indexed.raw,
        );
      }
      const bulk = result.ingest.find((r) => r.operation.includes('HNSW build'));
      if (bulk)
        add(
          b,
          'bulk import into empty table ≥ 5,000 memories/s',
          `${rate(bulk.api)} memories/s (incl. index build)`,
          bulk.api >= 5000,
        );
      const four = result.throughput.find(
        (t) => t.operation === 'semantic top-10' && t.clients === 4,
      );
      if (four)
        add(
          b,
          '4 clients ≥ 1.6× single-client throughput (semantic)',
          `${four.apiScaling.toFixed(2)}×`,
          four.apiScaling >= 1.6,
        );
    } else {
      if (semantic) {
        add(
          b,
          'semantic top-10 ≤ 15 ms at recall@10 ≥ 0.95',
          `${ms(semantic.api.p50)} ms, recall ${recall(semantic.recallApi)}`,
          semantic.api.p50 <= 15 && (semantic.recallApi ?? 0) >= 0.95,
        );
      }
      for (const h of hybrids)
        add(b, `${h.operation} ≤ 20 ms`, `${ms(h.api.p50)} ms`, h.api.p50 <= 20);
      if (get) add(b, 'get by id ≤ 0.05 ms', `${ms(get.api.p50)} ms`, get.api.p50 <= 0.05);
      const bulk = result.ingest.find((r) => r.operation.startsWith('bulk import'));
      if (bulk)
        add(
          b,
          'ingest ≥ 20,000 memories/s',
          `${rate(bulk.api)} memories/s (bulk)`,
          bulk.api >= 20000,
        );
    }
  }
  return out;
}

function latencyTable(result: BackendResult): string[] {
  const lines = [
    '| operation | API p50 | API p95 | API p99 | API QPS | raw p50 | raw p95 | API/raw | recall@10 API | recall@10 raw |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const r of result.latency) {
    lines.push(
      `| ${r.operation} | ${ms(r.api.p50)} | ${ms(r.api.p95)} | ${ms(r.api.p99)} | ${rate(r.api.qps)} | ${ms(r.raw.p50)} | ${ms(r.raw.p95)} | **${ratio(r.ratio)}** | ${recall(r.recallApi)} | ${recall(r.recallRaw)} |`,
    );
  }
  return lines;
}

/** The Markdown report: settings, machine, every table, targets. */
export function toMarkdown(report: BenchReport): string {
  const lines: string[] = [
    `# Athena benchmark — ${report.tier} (${report.rows.toLocaleString('en-US')} memories)`,
    '',
    `${report.date} · ${report.machine.cpu} · ${report.machine.cores} cores · ${mib(report.machine.memoryBytes)} · ${report.machine.os} · Node ${report.machine.node}`,
    '',
    `Versions: ${Object.entries(report.machine.versions)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    '',
    `Settings: ${Object.entries(report.settings)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(', ')}`,
    '',
    `Run time ${(report.seconds / 60).toFixed(1)} min · peak RSS of the process ${mib(report.peakRssBytes)}`,
    '',
    'Latencies in milliseconds. API/raw = API p50 ÷ raw p50 (or raw rate ÷ API rate): what Athena costs over the best hand-written SQL on the same tables in the same run; 1.00× = nothing.',
  ];
  for (const result of report.backends) {
    lines.push(
      '',
      `## ${result.backend}`,
      '',
      `Run time ${(result.seconds / 60).toFixed(1)} min · database size ${mib(result.dbSizeBytes)}`,
      '',
    );
    lines.push(...Object.entries(result.settings).map(([k, v]) => `- ${k}: ${String(v)}`), '');
    lines.push(...latencyTable(result), '');
    lines.push('| ingest | API | raw | API/raw | how |', '|---|--:|--:|--:|---|');
    for (const r of result.ingest)
      lines.push(
        `| ${r.operation} | ${rate(r.api)} ${r.unit} | ${rate(r.raw)} ${r.unit} | **${ratio(r.ratio)}** | ${r.note} |`,
      );
    lines.push(
      '',
      '| throughput | clients | API ops/s | raw ops/s | API/raw | API scaling | raw scaling |',
      '|---|--:|--:|--:|--:|--:|--:|',
    );
    for (const t of result.throughput) {
      lines.push(
        `| ${t.operation} | ${t.clients} | ${rate(t.apiQps)} | ${rate(t.rawQps)} | ${ratio(t.ratio)} | ${t.apiScaling.toFixed(2)}× | ${t.rawScaling.toFixed(2)}× |`,
      );
    }
    lines.push(
      '',
      'What each side returns:',
      '',
      ...result.latency.map((r) => `- ${r.operation}: ${r.returns}`),
    );
    if (result.notes.length > 0) lines.push('', ...result.notes.map((n) => `- ${n}`));
  }
  const targets = checkTargets(report);
  lines.push('', '## Targets', '', '| backend | target | measured | met |', '|---|---|---|:-:|');
  for (const t of targets)
    lines.push(`| ${t.backend} | ${t.target} | ${t.measured} | ${t.met ? 'yes' : '**no**'} |`);
  lines.push('');
  return lines.join('\n');
}

/** A compact table for the terminal. */
export function toConsole(report: BenchReport): string {
  const lines: string[] = [];
  for (const result of report.backends) {
    lines.push(
      '',
      `${result.backend} — ${report.tier} (${(result.seconds / 60).toFixed(1)} min, db ${mib(result.dbSizeBytes)})`,
    );
    lines.push(
      `${'operation'.padEnd(36)}${'API p50'.padStart(10)}${'API p99'.padStart(10)}${'raw p50'.padStart(10)}${'API/raw'.padStart(9)}${'recall'.padStart(8)}`,
    );
    for (const r of result.latency) {
      lines.push(
        `${r.operation.padEnd(36)}${ms(r.api.p50).padStart(10)}${ms(r.api.p99).padStart(10)}${ms(r.raw.p50).padStart(10)}${ratio(r.ratio).padStart(9)}${recall(r.recallApi).padStart(8)}`,
      );
    }
    for (const r of result.ingest) {
      lines.push(
        `${r.operation.slice(0, 60).padEnd(62)}API ${rate(r.api).padStart(8)}  raw ${rate(r.raw).padStart(8)} ${r.unit}  ${ratio(r.ratio)}`,
      );
    }
    for (const t of result.throughput) {
      lines.push(
        `${`${t.operation}, ${t.clients} client(s)`.padEnd(36)}API ${rate(t.apiQps).padStart(7)}/s  raw ${rate(t.rawQps).padStart(7)}/s  ${ratio(t.ratio)}  scaling ${t.apiScaling.toFixed(2)}×`,
      );
    }
  }
  const targets = checkTargets(report);
  const missed = targets.filter((t) => !t.met);
  lines.push('', `targets: ${targets.length - missed.length}/${targets.length} met`);
  for (const t of missed) lines.push(`  missed  ${t.backend}: ${t.target} — ${t.measured}`);
  lines.push(`peak RSS ${mib(report.peakRssBytes)}, total ${(report.seconds / 60).toFixed(1)} min`);
  return lines.join('\n');
}

/**
 * Writes `<date>-<tier>.json`, `<date>-<tier>.md` and `latest-<tier>.md`
 * under `dir`; returns the paths.
 */
export function writeReport(report: BenchReport, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const stamp = report.date.slice(0, 16).replace(/[:T]/g, '-');
  const base = join(dir, `${stamp}-${report.tier}`);
  const markdown = toMarkdown(report);
  writeFileSync(
    `${base}.json`,
    `${JSON.stringify({ ...report, targets: checkTargets(report) }, null, 2)}\n`,
  );
  writeFileSync(`${base}.md`, markdown);
  writeFileSync(join(dir, `latest-${report.tier}.md`), markdown);
  return [`${base}.json`, `${base}.md`, join(dir, `latest-${report.tier}.md`)];
}
