/**
 * `pnpm bench:layout`: the PostgreSQL storage layouts of the memories'
 * vectors (`memory_embeddings`) measured on the same rows, one after another — the index over 32-bit
 * vectors, the half-precision index (the store's default), and that index
 * with the vectors moved out of line (TOAST) — so the layout is decided by
 * measurement. Every search goes through the API.
 */
import { parseArgs } from 'node:util';
import { readVariable } from '@athena/core-types';
import { PostgresStore } from '@athena/store-postgres';
import type { VectorIndexPrecision } from '@athena/store-postgres';
import pg from 'pg';
import { generateDataset } from './dataset.js';
import type { Dataset } from './dataset.js';
import { groundTruth, queryProject } from './ground-truth.js';
import type { GroundTruth } from './ground-truth.js';
import { describeMachine } from './machine.js';
import { resultsDir, saveResults } from './result-files.js';
import { loadInto } from './peers/athena-side.js';
import type { MachineInfo } from './results.js';
import { now, recallAt, summarise } from './stats.js';
import { queryText, queryVector } from './workload.js';

const USAGE = `pnpm bench:layout [--tier 10k|100k] [--queries N] [--out DIR]
  --tier     memories (default 100k), 768-d, 1,000 clusters, 10 projects
  --queries  query vectors per search (default 100)
  --out      result directory (default bench/results)`;

const TIERS = { '10k': 10_000, '100k': 100_000 } as const;

const { values } = parseArgs({
  options: {
    tier: { type: 'string', default: '100k' },
    queries: { type: 'string', default: '100' },
    out: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const tierName = values.tier as keyof typeof TIERS;
const rows = TIERS[tierName];
const queries = Number(values.queries);
if (rows === undefined || !Number.isInteger(queries) || queries < 10) {
  console.error(USAGE);
  process.exit(2);
}
const outDir = resultsDir(values.out);
const url = readVariable(process.env, 'ATHENA_BENCH_DATABASE_URL');
const log = (message: string) => console.error(message);

/** One layout's figures; latencies in ms (p50 / p95). */
interface LayoutResult {
  readonly layout: string;
  readonly indexBuildSeconds: number | null;
  readonly semantic: { p50: number; p95: number; recall: number };
  readonly filtered: { p50: number; p95: number; recall: number; plan: string };
  readonly exact: { p50: number; p95: number };
  readonly hybrid: { p50: number; p95: number };
  readonly recordAccess: { p50: number; p95: number; hotShare: number };
  /** Schema A (one project): heap of the memories and their vectors, their TOAST, the shared vector index, everything. */
  readonly sizes: { heap: number; toast: number; vectorIndex: number; total: number };
}

interface LayoutReport {
  readonly date: string;
  readonly tier: string;
  readonly rows: number;
  readonly queries: number;
  readonly machine: MachineInfo;
  readonly layouts: readonly LayoutResult[];
  readonly seconds: number;
}

const admin = new pg.Client({ connectionString: url });
const schemas = [`athena_layout_${process.pid}_a`, `athena_layout_${process.pid}_b`] as const;

function openStores(precision: VectorIndexPrecision): [PostgresStore, PostgresStore] {
  return schemas.map(
    (schema) =>
      new PostgresStore({
        connectionString: url,
        schema,
        embeddingDimension: 768,
        vectorIndex: { type: 'hnsw', precision },
      }),
  ) as [PostgresStore, PostgresStore];
}

async function sizes(): Promise<LayoutResult['sizes']> {
  const { rows: found } = await admin.query<Record<string, string>>(
    `select sum(pg_relation_size(c.oid)) as heap, sum(pg_relation_size(c.reltoastrelid)) as toast,
       pg_relation_size(to_regclass($1 || '.memory_vectors_embedding_hnsw_idx')) as index,
       (select sum(pg_total_relation_size(t.oid)) from pg_class t
         join pg_namespace tn on tn.oid = t.relnamespace
         where tn.nspname = $1 and t.relkind = 'r') as total
     from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = $1 and c.relname in ('memory_vectors', 'memory_embeddings')`,
    [schemas[0]],
  );
  const row = found[0] ?? {};
  return {
    heap: Number(row.heap),
    toast: Number(row.toast),
    vectorIndex: Number(row.index),
    total: Number(row.total),
  };
}

/** p50/p95 of `fn` over the queries, after one untimed pass. */
async function timed(fn: (q: number) => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  for (let q = 0; q < queries; q++) await fn(q);
  const latencies: number[] = [];
  for (let q = 0; q < queries; q++) {
    const started = now();
    await fn(q);
    latencies.push(now() - started);
  }
  const { p50, p95 } = summarise(latencies);
  return { p50, p95 };
}

async function measure(
  truth: GroundTruth,
  layout: string,
  [a, b]: [PostgresStore, PostgresStore],
  data: Dataset,
  ids: { a: number; b: number[]; rowsA: Map<number, number>; rowsB: Map<number, number> },
  indexBuildSeconds: number | null,
): Promise<LayoutResult> {
  log(`  measuring ${layout} …`);
  const rowsOf = (map: Map<number, number>, hits: readonly { memory: { id: number } }[]) =>
    hits.map((hit) => map.get(hit.memory.id) ?? -1);
  const options = { limit: 10, includeEmbedding: false } as const;
  let recall = 0;
  const semantic = await timed(async (q) => {
    const hits = await a.search.semantic(ids.a, queryVector(data, q), options);
    recall += recallAt(rowsOf(ids.rowsA, hits), truth.unfiltered[q] ?? [], 10);
  });
  const semanticRecall = recall / (2 * queries);
  recall = 0;
  const project = (q: number) => ids.b[queryProject(q, data.spec.projects)] ?? 0;
  const filtered = await timed(async (q) => {
    const hits = await b.search.semantic(project(q), queryVector(data, q), options);
    recall += recallAt(rowsOf(ids.rowsB, hits), truth.projectFiltered[q] ?? [], 10);
  });
  const plan = await b.explainSearch({
    kind: 'semantic',
    projectId: project(0),
    embedding: queryVector(data, 0),
  });
  // The node that reads the project's rows: an index scan of a graph, or a sort of them all.
  const reads = plan.find((line) => /Index Scan using|Bitmap Heap Scan|Seq Scan/.test(line));
  const exact = await timed((q) =>
    b.search.semantic(project(q), queryVector(data, q), { ...options, exact: true }),
  );
  const hybrid = await timed((q) =>
    a.search.hybrid(ids.a, { embedding: queryVector(data, q), text: queryText(data, q) }, options),
  );
  const before = await hotCounts();
  const hitIds = [...ids.rowsA.keys()];
  const recordAccess = await timed((q) =>
    a.memories.recordAccess(ids.a, hitIds.slice(q * 10, q * 10 + 10), { retrieved: true }),
  );
  // An idle backend reports its table statistics within PGSTAT_IDLE_INTERVAL (10 s).
  await new Promise((done) => setTimeout(done, 11_000));
  const after = await hotCounts();
  return {
    layout,
    indexBuildSeconds,
    semantic: { ...semantic, recall: semanticRecall },
    filtered: {
      ...filtered,
      recall: recall / (2 * queries),
      plan: (reads ?? 'unknown').replace(/\s*\(cost=.*$/, '').replace(/^[\s>-]+/, ''),
    },
    exact,
    hybrid,
    recordAccess: {
      ...recordAccess,
      hotShare: (after.hot - before.hot) / Math.max(1, after.updated - before.updated),
    },
    sizes: await sizes(),
  };
}

async function hotCounts(): Promise<{ updated: number; hot: number }> {
  const { rows: found } = await admin.query<{ u: string; h: string }>(
    `select n_tup_upd as u, n_tup_hot_upd as h from pg_stat_user_tables
     where schemaname = $1 and relname = 'memory_vectors'`,
    [schemas[0]],
  );
  return { updated: Number(found[0]?.u ?? 0), hot: Number(found[0]?.h ?? 0) };
}

/** Opens stores of `precision` (their init() rebuilds the index), builds B's project graphs. */
async function switchTo(
  precision: VectorIndexPrecision,
): Promise<[PostgresStore, PostgresStore, number]> {
  const started = now();
  const stores = openStores(precision);
  await stores[0].init();
  const seconds = (now() - started) / 1000;
  await stores[1].init();
  await stores[1].buildProjectGraphs();
  return [...stores, seconds];
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const ms = (value: number) => value.toFixed(2);

function toMarkdown(report: LayoutReport): string {
  const { machine } = report;
  const lines = [
    `# Vector layouts — ${report.tier} (${report.rows.toLocaleString('en-US')} memories, 768-d)`,
    '',
    `${report.date} · ${machine.cpu} · ${machine.cores} cores · ${Object.entries(machine.versions)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    '',
    `Every search through the API, ${report.queries} queries each after an untimed pass, ms p50 / p95. ` +
      'Semantic, hybrid and recordAccess (10 ids) on schema A (one project); project-filtered and ' +
      '`exact: true` on schema B (10 projects, `buildProjectGraphs()` defaults). Sizes of schema A.',
    '',
    '| layout | index build | semantic | recall@10 | one project of 10 | recall@10 | plan reads the project by | exact | hybrid | recordAccess | HOT | heap | TOAST | vector index | all tables |',
    '|---|--:|--:|--:|--:|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const r of report.layouts) {
    lines.push(
      `| ${r.layout} | ${r.indexBuildSeconds === null ? '' : `${r.indexBuildSeconds.toFixed(1)} s`} | ` +
        `${ms(r.semantic.p50)} / ${ms(r.semantic.p95)} | ${r.semantic.recall.toFixed(3)} | ` +
        `${ms(r.filtered.p50)} / ${ms(r.filtered.p95)} | ${r.filtered.recall.toFixed(3)} | ${r.filtered.plan} | ` +
        `${ms(r.exact.p50)} / ${ms(r.exact.p95)} | ${ms(r.hybrid.p50)} / ${ms(r.hybrid.p95)} | ` +
        `${ms(r.recordAccess.p50)} / ${ms(r.recordAccess.p95)} | ${(100 * r.recordAccess.hotShare).toFixed(0)} % | ` +
        `${mib(r.sizes.heap)} | ${mib(r.sizes.toast)} | ${mib(r.sizes.vectorIndex)} | ${mib(r.sizes.total)} |`,
    );
  }
  lines.push('', `Run time ${(report.seconds / 60).toFixed(1)} min.`, '');
  return lines.join('\n');
}

const started = now();
await admin.connect();
const spec = {
  rows,
  dimension: 768,
  clusters: 1000,
  vocabulary: 5000,
  projects: 10,
  queries,
  seed: 42,
};
const data = generateDataset(spec);
const truth = groundTruth(data, 10);
const stores = openStores('half');
try {
  log(`athena bench:layout: ${rows.toLocaleString('en-US')} memories, ${queries} queries`);
  await stores[0].init();
  await stores[1].init();
  const ids = {
    a: 0,
    b: [] as number[],
    rowsA: new Map<number, number>(),
    rowsB: new Map<number, number>(),
  };
  ids.a = (await stores[0].projects.create({ name: 'layout', path: '/layout' })).id;
  for (let p = 0; p < spec.projects; p++) {
    ids.b.push((await stores[1].projects.create({ name: `layout-${p}`, path: `/layout/${p}` })).id);
  }
  log('  loading A (one project) and B (10 projects) …');
  await loadInto(stores[0], data, () => ids.a, ids.rowsA);
  await loadInto(stores[1], data, (row) => ids.b[data.projectOf(row)] ?? 0, ids.rowsB);
  await stores[1].buildProjectGraphs();
  const layouts: LayoutResult[] = [];

  await Promise.all(stores.map((store) => store.close()));
  let seconds: number;
  [stores[0], stores[1], seconds] = await switchTo('full');
  layouts.push(
    await measure(
      truth,
      '32-bit index (precision: full, the default), vectors inline',
      stores,
      data,
      ids,
      seconds,
    ),
  );

  await Promise.all(stores.map((store) => store.close()));
  [stores[0], stores[1], seconds] = await switchTo('half');
  layouts.push(
    await measure(
      truth,
      'half-precision index (precision: half), vectors inline',
      stores,
      data,
      ids,
      seconds,
    ),
  );

  log('  moving the vectors out of line (ALTER … SET STORAGE EXTERNAL, VACUUM FULL) …');
  for (const schema of schemas) {
    await admin.query(
      `alter table ${schema}.memory_embeddings alter column embedding set storage external`,
    );
    await admin.query(`vacuum full ${schema}.memory_embeddings`);
    await admin.query(`analyze ${schema}.memory_embeddings`);
  }
  layouts.push(
    await measure(
      truth,
      'half-precision index, vectors out of line (TOAST)',
      stores,
      data,
      ids,
      null,
    ),
  );

  const report: LayoutReport = {
    date: new Date().toISOString(),
    tier: tierName,
    rows,
    queries,
    machine: await describeMachine(url),
    layouts,
    seconds: (now() - started) / 1000,
  };
  const name = `layout-${report.date.slice(0, 16).replace(/[T:]/g, '-')}-${tierName}`;
  saveResults(outDir, name, report, toMarkdown(report));
} finally {
  await Promise.all(stores.map((store) => store.close()));
  for (const schema of schemas) await admin.query(`drop schema if exists ${schema} cascade`);
  await admin.end();
}
