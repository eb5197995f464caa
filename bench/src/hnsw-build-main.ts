/**
 * `pnpm bench:hnsw-build`: how long PostgreSQL takes to build the store's
 * HNSW index over one project of the bench's vectors, serially and with
 * parallel maintenance workers. The rows go in through `storeMany` into a
 * table without a vector index; a second store's `init()` then builds the
 * index as after a bulk import (the server's `max_parallel_maintenance_workers`);
 * then `rebuildVectorIndex()` rebuilds it once per worker count, on a store
 * whose connections start with that many. Every build is the store's own,
 * with the `maintenance_work_mem` it sets.
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import { readVariable } from '@athena/core-types';
import { PostgresStore } from '@athena/store-postgres';
import { generateDataset } from './dataset.js';
import { describeMachine } from './machine.js';
import { loadThroughApi } from './phases/load-through-api.js';
import { resultsDir, saveResults } from './result-files.js';
import type { MachineInfo } from './results.js';
import { now } from './stats.js';

const USAGE = `pnpm bench:hnsw-build [--rows N] [--workers 0,1,2] [--out DIR]
  --rows     memories in the project (default 100000)
  --workers  max_parallel_maintenance_workers to rebuild with, comma-separated (default 0,1,2)
  --out      result directory (default bench/results)`;

const DIMENSION = 768;

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '100000' },
    workers: { type: 'string', default: '0,1,2' },
    out: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const rows = Number(values.rows);
const workerCounts = (values.workers ?? '').split(',').map(Number);
if (
  !Number.isInteger(rows) ||
  rows < 1_000 ||
  workerCounts.some((count) => !Number.isInteger(count) || count < 0 || count > 8)
) {
  console.error(USAGE);
  process.exit(2);
}
const url = readVariable(process.env, 'ATHENA_BENCH_DATABASE_URL');
const log = (message: string) => console.error(message);

interface Build {
  readonly how: string;
  readonly seconds: number;
  readonly memoriesPerSecond: number;
}

interface HnswBuildReport {
  readonly date: string;
  readonly rows: number;
  readonly machine: MachineInfo;
  readonly serverWorkers: string;
  readonly loadSeconds: number;
  readonly builds: readonly Build[];
  readonly seconds: number;
}

function toMarkdown(report: HnswBuildReport): string {
  const { machine } = report;
  const versions = Object.entries(machine.versions)
    .map(([name, version]) => `${name} ${version}`)
    .join(', ');
  return [
    `# PostgreSQL: building the HNSW index of ${report.rows.toLocaleString('en-US')} memories`,
    '',
    `${report.date} · ${machine.cpu} · ${machine.cores} cores · ${versions}`,
    '',
    `One project of the bench's 768-d vectors (1,000 clusters), loaded through \`storeMany\` in ${report.loadSeconds.toFixed(1)} s into a table without a vector index; then the store's default HNSW index (m 16, ef_construction 64) built by \`init()\`, and rebuilt by \`rebuildVectorIndex()\` on connections started with each \`max_parallel_maintenance_workers\`; every build with the \`maintenance_work_mem\` the store sets. The server's \`max_parallel_maintenance_workers\` is ${report.serverWorkers}.`,
    '',
    '| build | seconds | memories/s (index only) |',
    '|---|--:|--:|',
    ...report.builds.map(
      (build) =>
        `| ${build.how} | ${build.seconds.toFixed(1)} | ${Math.round(build.memoriesPerSecond).toLocaleString('en-US')} |`,
    ),
    '',
    `Run time ${(report.seconds / 60).toFixed(1)} min.`,
    '',
  ].join('\n');
}

const started = now();
const schema = `athena_hnsw_${process.pid}`;
const admin = new pg.Client({ connectionString: url });
await admin.connect();
try {
  const data = generateDataset({
    rows,
    dimension: DIMENSION,
    clusters: 1_000,
    vocabulary: 5_000,
    projects: 1,
    queries: 1,
    seed: 42,
  });
  const loader = new PostgresStore({
    connectionString: url,
    schema,
    embeddingDimension: DIMENSION,
    vectorIndex: { type: 'none' },
  });
  await loader.init();
  let loadSeconds: number;
  try {
    const project = await loader.projects.create({ name: 'hnsw', path: '/hnsw' });
    ({ seconds: loadSeconds } = await loadThroughApi(loader, project.id, data, 'loading'));
  } finally {
    await loader.close();
  }
  log(`  ${rows.toLocaleString('en-US')} memories loaded in ${loadSeconds.toFixed(1)} s`);

  const builds: Build[] = [];
  const record = (how: string, seconds: number) => {
    builds.push({ how, seconds, memoriesPerSecond: rows / seconds });
    log(`  ${how}: ${seconds.toFixed(1)} s`);
  };
  const indexed = new PostgresStore({
    connectionString: url,
    schema,
    embeddingDimension: DIMENSION,
  });
  let t = now();
  await indexed.init();
  record("the store's init() (the server's setting)", (now() - t) / 1000);
  await indexed.close();

  for (const workers of workerCounts) {
    const pool = new pg.Pool({
      connectionString: url,
      options: `-c max_parallel_maintenance_workers=${workers}`,
      max: 2,
    });
    const store = new PostgresStore({ pool, schema, embeddingDimension: DIMENSION });
    try {
      await store.init();
      t = now();
      await store.rebuildVectorIndex();
      record(
        workers === 0 ? 'serial' : `${workers} parallel worker(s) + the leader`,
        (now() - t) / 1000,
      );
    } finally {
      await store.close();
      await pool.end();
    }
  }
  const { rows: setting } = await admin.query<{ value: string }>(
    `select current_setting('max_parallel_maintenance_workers') as value`,
  );

  const report: HnswBuildReport = {
    date: new Date().toISOString(),
    rows,
    machine: await describeMachine(url),
    serverWorkers: setting[0]?.value ?? '?',
    loadSeconds,
    builds,
    seconds: (now() - started) / 1000,
  };
  const name = `hnsw-build-${report.date.slice(0, 16).replace(/[T:]/g, '-')}`;
  saveResults(resultsDir(values.out), name, report, toMarkdown(report));
} finally {
  await admin.query(`drop schema if exists ${schema} cascade`);
  await admin.end();
}
