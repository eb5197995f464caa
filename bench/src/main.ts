import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readVariable } from '@athena/core-types';
import { generateDataset } from './dataset.js';
import { groundTruth } from './ground-truth.js';
import { consolidationConsole, writeConsolidationReport } from './consolidation-report.js';
import { runConsolidationSuite } from './consolidation-suite.js';
import { describeMachine } from './machine.js';
import { PEER_NAMES, peerVersions } from './peers/peer-sides.js';
import type { PeerName } from './peers/peer-sides.js';
import { peersMarkdown, writePeersReport } from './peers/peers-report.js';
import type { PeersReport } from './peers/peers-report.js';
import { runPeers } from './peers/run-peers.js';
import { runPostgres } from './postgres/run-postgres.js';
import { toConsole, writeReport } from './report.js';
import type { BackendResult, BenchReport } from './results.js';
import { runSqlite } from './sqlite/run-sqlite.js';
import { now } from './stats.js';
import type { BenchContext } from './workload.js';

const TIERS = {
  '10k': { rows: 10_000, budgetMs: 4_000, ingestRows: 2_048 },
  '100k': { rows: 100_000, budgetMs: 8_000, ingestRows: 2_048 },
  '1m': { rows: 1_000_000, budgetMs: 15_000, ingestRows: 2_048 },
} as const;

const USAGE = `pnpm bench [--tier 10k|100k|1m] [--backend sqlite,postgres,pglite|all] [--suite all|core|consolidation|peers] [--peers all|none|LIST] [--queries N] [--out DIR]
  --tier      data set size (default 10k); 1m is documented but not run in CI
  --backend   which store(s) to measure, comma-separated (default all; the consolidation
              suite runs on sqlite and postgres)
  --suite     core (search, ingest, throughput), consolidation (10,000 memories, 20 % duplicates,
              one and two workers), peers (Athena beside Mastra, LangChain.js and LlamaIndex.TS
              on two data sets), or all three (default all)
  --peers     which peers the peers suite measures, comma-separated: ${PEER_NAMES.join(', ')};
              none skips the suite (default all); they run on postgres and sqlite
  --queries   query vectors/texts, and samples per operation (default 200)
  --sqlite-readers  reader threads of the SQLite stores (default 0)
  --out       result directory (default bench/results)
  PostgreSQL: ATHENA_BENCH_DATABASE_URL or ATHENA_TEST_DATABASE_URL
  (default postgres://athena@127.0.0.1:5432/athena_test)`;

const { values } = parseArgs({
  options: {
    tier: { type: 'string', default: '10k' },
    backend: { type: 'string', default: 'all' },
    suite: { type: 'string', default: 'all' },
    peers: { type: 'string', default: 'all' },
    queries: { type: 'string', default: '200' },
    'sqlite-readers': { type: 'string', default: '0' },
    out: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const tierName = values.tier as keyof typeof TIERS;
const tier = TIERS[tierName];
const BACKENDS = ['sqlite', 'postgres', 'pglite'] as const;
type Backend = (typeof BACKENDS)[number];
const backend = values.backend ?? 'all';
const chosen: readonly string[] = backend === 'all' ? BACKENDS : backend.split(',');
const wanted = (name: Backend) => chosen.includes(name);
const suite = values.suite ?? 'all';
const queries = Number(values.queries);
const sqliteReaders = Number(values['sqlite-readers']);
const peersOption = values.peers ?? 'all';
const peers: readonly string[] =
  peersOption === 'all' ? PEER_NAMES : peersOption === 'none' ? [] : peersOption.split(',');
// The peers run on PostgreSQL and SQLite only (no peer runs on PGlite).
const peerEngines = (['postgres', 'sqlite'] as const).filter(wanted);
const runs = (name: 'core' | 'consolidation' | 'peers') =>
  (suite === 'all' || suite === name) &&
  (name !== 'peers' || (peers.length > 0 && peerEngines.length > 0));
if (
  tier === undefined ||
  chosen.length === 0 ||
  chosen.some((name) => !(BACKENDS as readonly string[]).includes(name)) ||
  !['all', 'core', 'consolidation', 'peers'].includes(suite) ||
  peers.some((name) => !(PEER_NAMES as readonly string[]).includes(name)) ||
  (suite === 'peers' && (peers.length === 0 || peerEngines.length === 0)) ||
  !Number.isInteger(queries) ||
  queries < 20 ||
  !Number.isInteger(sqliteReaders) ||
  sqliteReaders < 0
) {
  console.error(USAGE);
  process.exit(2);
}
const outDir = resolve(
  values.out ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'results'),
);
const url = readVariable(process.env, 'ATHENA_BENCH_DATABASE_URL');

const started = now();
const spec = {
  rows: tier.rows,
  dimension: 768,
  clusters: 1000,
  vocabulary: 5000,
  projects: 10,
  queries,
  seed: 42,
};
const log = (message: string) => console.error(message);

if (runs('core')) {
  log(
    `athena bench: tier ${tierName}, ${tier.rows.toLocaleString('en-US')} memories, backend ${backend}`,
  );
  let t = now();
  const data = generateDataset(spec);
  log(`  data generated in ${((now() - t) / 1000).toFixed(1)} s`);
  t = now();
  const truth = groundTruth(data);
  log(
    `  exact top-10 ${truth.cached ? 'read from bench/.cache' : 'computed'} in ${((now() - t) / 1000).toFixed(1)} s`,
  );

  const ctx: BenchContext = {
    tier: tierName,
    data,
    truth,
    ingestRows: tier.ingestRows,
    limits: { samples: queries, budgetMs: tier.budgetMs },
    throughputOps: 400,
    sqliteReaders,
    log,
  };

  const backends: BackendResult[] = [];
  if (wanted('sqlite')) {
    log('sqlite …');
    backends.push(await runSqlite(ctx));
  }
  if (wanted('postgres')) {
    log('postgres …');
    backends.push(await runPostgres(ctx, url));
  }
  if (wanted('pglite')) {
    log('pglite …');
    // Loaded when asked for: PGlite is WebAssembly, and other runs need none of it.
    const { runPglite } = await import('./pglite/run-pglite.js');
    backends.push(await runPglite(ctx));
  }

  const report: BenchReport = {
    date: new Date().toISOString(),
    tier: tierName,
    rows: tier.rows,
    settings: {
      dimension: spec.dimension,
      clusters: spec.clusters,
      vocabulary: spec.vocabulary,
      projects: spec.projects,
      queries,
      seed: spec.seed,
      samplesPerOperation: queries,
      timeBudgetPerOperationMs: tier.budgetMs,
      ingestRowsPerSide: tier.ingestRows,
    },
    machine: await describeMachine(wanted('postgres') ? url : null),
    backends,
    // maxRSS is in KiB.
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    seconds: (now() - started) / 1000,
  };
  console.log(toConsole(report));
  for (const path of writeReport(report, outDir)) log(`wrote ${path}`);
}

if (runs('consolidation')) {
  const report = await runConsolidationSuite({
    backends: (['sqlite', 'postgres'] as const).filter(wanted),
    rows: 10_000,
    url,
    log,
  });
  console.log(consolidationConsole(report));
  for (const path of writeConsolidationReport(report, outDir)) log(`wrote ${path}`);
}

if (runs('peers')) {
  log(`athena bench: peers ${peers.join(', ')}, tier ${tierName}`);
  const engines = peerEngines;
  const { datasets, seconds } = await runPeers({
    spec,
    url,
    peers: peers as PeerName[],
    engines,
    // The budget covers every side of an operation: a peer's exact scans are slow.
    limits: { samples: queries, budgetMs: tier.budgetMs * 8 },
    log,
  });
  const report: PeersReport = {
    date: new Date().toISOString(),
    tier: tierName,
    rows: tier.rows,
    settings: { dimension: spec.dimension, projects: spec.projects, queries, seed: spec.seed },
    machine: await describeMachine(
      engines.includes('postgres') ? url : null,
      peerVersions(peers as PeerName[]),
    ),
    datasets,
    seconds,
  };
  console.log(peersMarkdown(report));
  for (const path of writePeersReport(report, outDir)) log(`wrote ${path}`);
}
