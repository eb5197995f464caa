import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TargetCheck } from '../report.js';
import type { BenchReport } from '../results.js';
import type { SideLatency } from './measure-sides.js';
import type { PeersDatasetResult, PeerSideResult } from './run-peers.js';
import type { Engine } from './side.js';

/** A whole peers run: both data sets, every side (described as a core run is). */
export interface PeersReport extends Pick<
  BenchReport,
  'date' | 'tier' | 'rows' | 'settings' | 'machine' | 'seconds'
> {
  readonly datasets: readonly PeersDatasetResult[];
}

const ms = (value: number) =>
  !Number.isFinite(value)
    ? '—'
    : value < 1
      ? value.toFixed(3)
      : value < 10
        ? value.toFixed(2)
        : value.toFixed(1);
const times = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)}×` : '—');
const fixed3 = (value: number) => (Number.isFinite(value) ? value.toFixed(3) : '—');
const mib = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MiB`;
const rate = (value: number) => Math.round(value).toLocaleString('en-US');

/** A row of the comparison: how to read a side's figure, and which way is better. */
interface Metric {
  readonly label: string;
  readonly value: (side: PeerSideResult) => number | null;
  readonly format: (value: number) => string;
  /** 'lower': Athena ÷ peer ≤ 1 wins (latency, size); 'higher': ≥ 1 wins (rates, recall). */
  readonly better: 'lower' | 'higher';
  /** For a latency row: the search it times, whose answers decide whether the two compare. */
  readonly search?: (side: PeerSideResult) => SideLatency | null;
}

const latency =
  (pick: (side: PeerSideResult) => SideLatency | null, p: 'p50' | 'p95') =>
  (side: PeerSideResult) => {
    const figures = pick(side);
    return figures === null ? null : figures.latency[p];
  };

/** The p50 and p95 rows of a search, each knowing the search (for {@link incomparable}). */
const latencyRows = (
  label: string,
  search: (side: PeerSideResult) => SideLatency | null,
): Metric[] =>
  (['p50', 'p95'] as const).map((p) => ({
    label: `${label} ${p}, ms`,
    value: latency(search, p),
    search,
    format: ms,
    better: 'lower',
  }));

const METRICS: readonly Metric[] = [
  {
    label: 'bulk ingest, memories/s (index build included)',
    value: (s) => s.load.rowsPerSecond,
    format: rate,
    better: 'higher',
  },
  ...latencyRows('semantic top-10', (s) => s.semantic),
  {
    label: 'semantic recall@10',
    value: (s) => s.semantic.recall,
    format: fixed3,
    better: 'higher',
  },
  ...latencyRows('one project of 10:', (s) => s.filtered),
  {
    label: 'one project of 10: recall@10',
    value: (s) => s.filtered.recall,
    format: fixed3,
    better: 'higher',
  },
  {
    label: 'one project of 10: rows returned',
    value: (s) => s.filtered.rowsReturned,
    format: (v) => v.toFixed(2),
    better: 'higher',
  },
  {
    label: 'keyword top-10 p50, ms',
    value: latency((s) => s.keyword, 'p50'),
    format: ms,
    better: 'lower',
  },
  {
    label: 'hybrid top-10 p50, ms',
    value: latency((s) => s.hybrid, 'p50'),
    format: ms,
    better: 'lower',
  },
  { label: 'tables + indexes', value: (s) => s.sizeBytes, format: mib, better: 'lower' },
];

/** Rows a search is asked for: a peer returning fewer (its filter applied after the ANN scan) answers another question. */
const K = 10;

/**
 * Why a latency row does not compare, or null when it does: a peer whose
 * answer is incomplete — fewer than k rows, or recall@10 more than 0.05 under
 * Athena's — was fast at giving a different answer.
 */
function incomparable(metric: Metric, athena: PeerSideResult, peer: PeerSideResult): string | null {
  const ours = metric.search?.(athena);
  const theirs = metric.search?.(peer);
  if (!ours || !theirs) return null;
  if (theirs.rowsReturned < K - 0.5 || theirs.recall < ours.recall - 0.05)
    return `${peer.name} returned ${theirs.rowsReturned.toFixed(2)} of ${K} rows at recall@10 ${fixed3(theirs.recall)} (athena: ${ours.rowsReturned.toFixed(2)} at ${fixed3(ours.recall)})`;
  return null;
}

/** Athena ÷ peer for a metric, or NaN where either side has no figure. */
function ratioOf(metric: Metric, athena: PeerSideResult, peer: PeerSideResult): number {
  const a = metric.value(athena);
  const b = metric.value(peer);
  return a === null || b === null || b === 0 ? Number.NaN : a / b;
}

function engineTable(dataset: PeersDatasetResult, engine: Engine): string[] {
  const sides = dataset.sides.filter((side) => side.engine === engine);
  const athena = sides.find((side) => side.name === 'athena');
  const peers = sides.filter((side) => side.name !== 'athena');
  if (athena === undefined || peers.length === 0) return [];
  const header = ['', `athena`, ...peers.flatMap((peer) => [peer.name, 'athena ÷'])];
  const lines = [
    `| ${header.join(' | ')} |`,
    `| --- | ${header
      .slice(1)
      .map(() => '---:')
      .join(' | ')} |`,
  ];
  for (const metric of METRICS) {
    const cell = (side: PeerSideResult) => {
      const value = metric.value(side);
      return value === null ? 'not offered' : metric.format(value);
    };
    const cells = [metric.label, cell(athena)];
    for (const peer of peers) {
      const r = ratioOf(metric, athena, peer);
      cells.push(cell(peer), times(r));
    }
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines;
}

/**
 * The issue's targets per data set and engine: Athena ÷ peer ≤ 1.0 for
 * latency (p50 and p95) and ≥ 1.0 for ingest on every row both offer, at a
 * recall no lower than the peer's; Athena's tables at most 1.2× the largest
 * peer's.
 */
export function checkPeerTargets(report: PeersReport): TargetCheck[] {
  return peerChecks(report).targets;
}

/** The targets, and the latency rows left out of them because the peer's answer was incomplete. */
function peerChecks(report: PeersReport): { targets: TargetCheck[]; excluded: string[] } {
  const out: TargetCheck[] = [];
  const excluded: string[] = [];
  for (const dataset of report.datasets) {
    for (const engine of ['postgres', 'sqlite'] as const) {
      const sides = dataset.sides.filter((side) => side.engine === engine);
      const athena = sides.find((side) => side.name === 'athena');
      const peers = sides.filter((side) => side.name !== 'athena');
      if (athena === undefined || peers.length === 0) continue;
      const where = `${engine}, ${dataset.dataset}`;
      for (const peer of peers) {
        for (const metric of METRICS) {
          if (metric.label === 'tables + indexes') continue;
          const r = ratioOf(metric, athena, peer);
          if (Number.isNaN(r)) continue;
          const why = incomparable(metric, athena, peer);
          if (why !== null) {
            excluded.push(`${where}, ${metric.label} (${times(r)}): ${why}`);
            continue;
          }
          const met = metric.better === 'lower' ? r <= 1 : r >= 1;
          out.push({
            backend: where,
            target: `${metric.label}: athena ÷ ${peer.name} ${metric.better === 'lower' ? '≤' : '≥'} 1.0`,
            measured: `${times(r)} (${metric.format(metric.value(athena) as number)} vs ${metric.format(metric.value(peer) as number)})`,
            met,
          });
        }
      }
      const largest = Math.max(...peers.map((peer) => peer.sizeBytes));
      out.push({
        backend: where,
        target: 'tables + indexes ≤ 1.2× the largest peer',
        measured: `${times(athena.sizeBytes / largest)} (${mib(athena.sizeBytes)} vs ${mib(largest)})`,
        met: athena.sizeBytes <= 1.2 * largest,
      });
    }
  }
  return { targets: out, excluded };
}

/** The run as Markdown: versions, one table per data set and engine, targets, notes. */
export function peersMarkdown(report: PeersReport): string {
  const { machine } = report;
  const lines = [
    `# Athena and its peers: ${report.rows.toLocaleString('en-US')} memories (${report.tier})`,
    '',
    `${report.date} · ${machine.cpu} (${machine.cores} cores, ${(machine.memoryBytes / 1048576).toFixed(0)} MiB) · Node ${machine.node} · ${Object.entries(
      machine.versions,
    )
      .map(([name, version]) => `${name} ${version}`)
      .join(' · ')}`,
    '',
    'Every side through its own public API, in one process and run, on the same data;',
    'searches in blocks of 50 timed calls per side (after 20 untimed ones), the sides taking turns in a rotating order.',
    '',
    '| side | engine | library | settings |',
    '| --- | --- | --- | --- |',
  ];
  const first = report.datasets[0];
  for (const side of first?.sides ?? [])
    lines.push(`| ${side.name} | ${side.engine} | ${side.library} | ${side.settings} |`);
  for (const dataset of report.datasets) {
    lines.push(
      '',
      `## Data set "${dataset.dataset}": ${dataset.clusters} clusters, noise ${dataset.noise}`,
    );
    for (const engine of ['postgres', 'sqlite'] as const) {
      const table = engineTable(dataset, engine);
      if (table.length === 0) continue;
      lines.push('', `### ${engine === 'postgres' ? 'PostgreSQL' : 'SQLite'}`, '', ...table);
    }
    lines.push('', 'How each side loaded:', '');
    for (const side of dataset.sides)
      lines.push(
        `- ${side.name} (${side.engine}): ${side.load.seconds.toFixed(1)} s — ${side.load.how}`,
      );
    for (const note of dataset.notes) lines.push(`- ${note}`);
  }
  const { targets, excluded } = peerChecks(report);
  lines.push(
    '',
    `## Targets (${targets.filter((t) => t.met).length} of ${targets.length} met)`,
    '',
    '| where | target | measured | met |',
    '| --- | --- | --- | --- |',
  );
  for (const t of targets)
    lines.push(`| ${t.backend} | ${t.target} | ${t.measured} | ${t.met ? 'yes' : '**no**'} |`);
  if (excluded.length > 0) {
    lines.push(
      '',
      'Latency rows not compared, because the peer answered another question (its metadata filter applied to the ANN scan’s few candidates):',
      '',
    );
    for (const line of excluded) lines.push(`- ${line}`);
  }
  lines.push('', `Whole run: ${(report.seconds / 60).toFixed(1)} min.`, '');
  return lines.join('\n');
}

/** Writes `peers-<date>-<tier>.{json,md}` and `latest-peers-<tier>.md` under `dir`; returns the paths. */
export function writePeersReport(report: PeersReport, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const stamp = report.date.slice(0, 16).replace(/[:T]/g, '-');
  const base = join(dir, `peers-${stamp}-${report.tier}`);
  const markdown = peersMarkdown(report);
  const { targets, excluded } = peerChecks(report);
  writeFileSync(`${base}.json`, `${JSON.stringify({ ...report, targets, excluded }, null, 2)}\n`);
  writeFileSync(`${base}.md`, markdown);
  const latest = join(dir, `latest-peers-${report.tier}.md`);
  writeFileSync(latest, markdown);
  return [`${base}.json`, `${base}.md`, latest];
}
