import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { BenchReport } from './results.js';

const USAGE = `pnpm --filter @athena/bench compare --before A.json,B.json,… --after C.json,D.json,… [--tolerance 0.05]
  Compares the API/raw ratios of two builds, each measured by several \`pnpm bench\` runs
  (alternate them: before, after, before, …). Per row: the median ratio of each build and
  the difference; a row is WORSE when the after median exceeds the before median by more
  than the tolerance. Every ratio reads "higher is worse". Exits 1 when a row is worse.`;

const { values } = parseArgs({
  options: {
    before: { type: 'string' },
    after: { type: 'string' },
    tolerance: { type: 'string', default: '0.05' },
    help: { type: 'boolean', default: false },
  },
});
const tolerance = Number(values.tolerance);
if (values.help || !values.before || !values.after || !(tolerance >= 0)) {
  console.log(USAGE);
  process.exit(values.help ? 0 : 2);
}

/** Every ratio of a run, keyed `backend | kind | operation`. */
function ratios(path: string): Map<string, number> {
  const report = JSON.parse(readFileSync(path, 'utf8')) as BenchReport;
  const out = new Map<string, number>();
  for (const b of report.backends) {
    for (const r of b.latency) out.set(`${b.backend} | latency | ${r.operation}`, r.ratio);
    for (const r of b.ingest) out.set(`${b.backend} | ingest | ${r.operation}`, r.ratio);
    for (const r of b.throughput) {
      out.set(`${b.backend} | throughput | ${r.operation} @${r.clients}`, r.ratio);
    }
  }
  return out;
}

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

const before = values.before.split(',').map(ratios);
const after = values.after.split(',').map(ratios);
const rows = [...new Set([...before, ...after].flatMap((run) => [...run.keys()]))];
const width = Math.max(...rows.map((row) => row.length));
let worse = 0;
let compared = 0;
for (const row of rows) {
  const b = before.flatMap((run) => run.get(row) ?? []);
  const a = after.flatMap((run) => run.get(row) ?? []);
  if (b.length === 0 || a.length === 0) {
    console.log(`${row.padEnd(width)}  only ${b.length === 0 ? 'after' : 'before'}`);
    continue;
  }
  compared++;
  const mb = median(b);
  const ma = median(a);
  const flag = ma - mb > tolerance ? ' WORSE' : '';
  if (flag !== '') worse++;
  const diff = `${ma - mb >= 0 ? '+' : ''}${(ma - mb).toFixed(3)}`;
  console.log(
    `${row.padEnd(width)}  ${mb.toFixed(3)} ${ma.toFixed(3)} ${diff}${flag}  n=${b.length}/${a.length}`,
  );
}
console.log(`rows ${compared} worse by >${tolerance}: ${worse}`);
process.exitCode = worse > 0 ? 1 : 0;
