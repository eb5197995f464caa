import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readVariable } from '@athena/core-types';
import { consolidationConsole, writeConsolidationReport } from './consolidation-report.js';
import { runConsolidationSuite } from './consolidation-suite.js';

const USAGE = `pnpm bench:consolidation [--backend sqlite|postgres|all] [--rows N] [--out DIR]
  --backend   which store(s) to measure (default all)
  --rows      memories in the backlog, a fifth of them duplicates (default 10000)
  --out       result directory (default bench/results)
  PostgreSQL: ATHENA_BENCH_DATABASE_URL or ATHENA_TEST_DATABASE_URL`;

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'all' },
    rows: { type: 'string', default: '10000' },
    out: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const backend = values.backend ?? 'all';
const rows = Number(values.rows);
if (!['sqlite', 'postgres', 'all'].includes(backend) || !Number.isInteger(rows) || rows < 1000) {
  console.error(USAGE);
  process.exit(2);
}
const outDir = resolve(
  values.out ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'results'),
);
const report = await runConsolidationSuite({
  backends: backend === 'all' ? ['sqlite', 'postgres'] : [backend as 'sqlite' | 'postgres'],
  rows,
  url: readVariable(process.env, 'ATHENA_BENCH_DATABASE_URL'),
  log: (message) => console.error(message),
});
console.log(consolidationConsole(report));
for (const path of writeConsolidationReport(report, outDir)) console.error(`wrote ${path}`);
