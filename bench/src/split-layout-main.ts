/**
 * `pnpm bench:split-layout`: a prototype of the next PostgreSQL layout,
 * measured before the store is changed for it. The store keeps a memory's
 * vector inline in its `memory_vectors` row (PLAIN storage, fillfactor 50 so
 * access-recording updates stay HOT): one ~3.9 KB row per 8 KiB page. The
 * prototype splits that row in two — the vectors in a narrow table that is
 * never updated (`fillfactor` 100, PLAIN: two rows per page, no TOAST), and
 * every other column in a row of their own with the store's secondary
 * indexes and fillfactor 50 — and carries the store's ANN graphs (the shared
 * one and the project graphs of `buildProjectGraphs()`) over to the vector
 * table. Both layouts hold the same rows (the store's, loaded through the
 * API); the same statements (the store's, written out by hand for the split)
 * run against both on one pool, query by query in alternation, so the
 * machine's drift falls on both sides alike.
 */
import { parseArgs } from 'node:util';
import { readVariable } from '@athena/core-types';
import { PostgresStore } from '@athena/store-postgres';
import type { VectorIndexPrecision } from '@athena/store-postgres';
import pg from 'pg';
import { generateDataset } from './dataset.js';
import type { Dataset } from './dataset.js';
import { groundTruth, queryProject } from './ground-truth.js';
import { describeMachine } from './machine.js';
import { loadInto } from './peers/athena-side.js';
import { HNSW, RAW_SETTINGS, maintenanceWorkMem, vectorParam } from './postgres/raw-sql.js';
import { resultsDir, saveResults } from './result-files.js';
import type { MachineInfo } from './results.js';
import { now, recallAt, summarise } from './stats.js';
import { queryVector } from './workload.js';

const USAGE = `pnpm bench:split-layout [--tier 10k|100k] [--data spread|tight] [--precision half|full] [--queries N] [--out DIR]
  --tier       memories (default 100k), 768-d, 10 projects in schema B
  --data       spread (1,000 clusters, the default) or tight (100 clusters, cosine ≈ 0.9)
  --precision  the ANN index's precision on both layouts (default half, the store's advice from 50K)
  --queries    query vectors per search (default 100)
  --out        result directory (default bench/results)`;

const TIERS = { '10k': 10_000, '100k': 100_000 } as const;
const DATA = {
  spread: { clusters: 1000, noise: 0.75 },
  tight: { clusters: 100, noise: 0.5 },
} as const;

const { values } = parseArgs({
  options: {
    tier: { type: 'string', default: '100k' },
    data: { type: 'string', default: 'spread' },
    precision: { type: 'string', default: 'half' },
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
const dataName = values.data as keyof typeof DATA;
const shape = DATA[dataName];
const precision = values.precision as VectorIndexPrecision;
const queries = Number(values.queries);
if (
  rows === undefined ||
  shape === undefined ||
  (precision !== 'half' && precision !== 'full') ||
  !Number.isInteger(queries) ||
  queries < 10
) {
  console.error(USAGE);
  process.exit(2);
}
const outDir = resultsDir(values.out);
const url = readVariable(process.env, 'ATHENA_BENCH_DATABASE_URL');
const log = (message: string) => console.error(message);
const DIMENSION = 768;

const schemas = [`athena_split_${process.pid}_a`, `athena_split_${process.pid}_b`] as const;
const [A, B] = schemas;
type Layout = 'inline' | 'split';
const LAYOUTS: readonly Layout[] = ['inline', 'split'];

interface Latency {
  readonly p50: number;
  readonly p95: number;
}
interface Sizes {
  /** The memory rows' heap (inline: with the vectors), TOAST included. */
  readonly rows: number;
  /** The vector table's heap (split only). */
  readonly vectors: number;
  /** The shared ANN graph. */
  readonly graph: number;
  /** Every table of schema A with its indexes and TOAST (the other layout's tables left out). */
  readonly total: number;
}
interface LayoutResult {
  readonly layout: Layout;
  readonly graphBuildSeconds: number;
  readonly semantic: Latency & { recall: number };
  readonly filtered: Latency & { recall: number; plan: string };
  readonly exact: Latency;
  readonly recordAccess: Latency & { hotShare: number };
  readonly sizes: Sizes;
}

const admin = new pg.Client({ connectionString: url });
/** One connection with the store's ANN settings for every measured statement. */
const raw = new pg.Client({ connectionString: url, options: RAW_SETTINGS });

let vectorSchema = 'public';
/** The expression the ANN index is built on and the searches order by (the store's `annDistance`). */
function annKey(column: string): string {
  if (precision === 'full') return column;
  return `cast(${vectorSchema}.l2_normalize(${column}) as ${vectorSchema}.halfvec(${DIMENSION}))`;
}
const opclass = () =>
  precision === 'full' ? `${vectorSchema}.vector_cosine_ops` : `${vectorSchema}.halfvec_cosine_ops`;
const candidates = precision === 'half' ? 20 : 10;

/** The memory columns a search returns (`includeEmbedding: false`), of `alias`. */
let returned: (alias: string) => string = () => '';

function statements(schema: string, layout: Layout) {
  const q = `$2::${vectorSchema}.vector`;
  if (layout === 'inline') {
    const t = `${schema}.memory_vectors`;
    return {
      semantic: `select ${returned('c')}, c.distance from (
          select m.*, m.embedding <=> ${q} as distance from ${t} m
          where m.project_id = $1 order by ${annKey('m.embedding')} <=> ${annKey(q)} limit ${candidates}) c
        order by c.distance, c.id limit 10`,
      exact: `with c as materialized (
          select m.id, m.embedding <=> ${q} as distance from ${t} m where m.project_id = $1),
        top as (select c.id, c.distance from c order by c.distance, c.id limit 10)
        select ${returned('m')}, top.distance from top join ${t} m on m.id = top.id
        order by top.distance, top.id`,
      recordAccess: `update ${t} set access_count = access_count + 1, last_accessed = $3, last_retrieved = $3
        where project_id = $1 and id = any($2::bigint[])`,
    };
  }
  const r = `${schema}.split_rows`;
  const v = `${schema}.split_vectors`;
  return {
    semantic: `select ${returned('m')}, c.distance from (
        select e.id, e.embedding <=> ${q} as distance from ${v} e
        where e.project_id = $1 order by ${annKey('e.embedding')} <=> ${annKey(q)} limit ${candidates}) c
      join ${r} m on m.id = c.id
      order by c.distance, c.id limit 10`,
    exact: `with c as materialized (
        select e.id, e.embedding <=> ${q} as distance from ${v} e where e.project_id = $1),
      top as (select c.id, c.distance from c order by c.distance, c.id limit 10)
      select ${returned('m')}, top.distance from top join ${r} m on m.id = top.id
      order by top.distance, top.id`,
    recordAccess: `update ${r} set access_count = access_count + 1, last_accessed = $3, last_retrieved = $3
      where project_id = $1 and id = any($2::bigint[])`,
  };
}

/**
 * Builds the split layout in `schema` from the store's table: the rows
 * without their vectors (with the store's indexes other than the ANN ones,
 * fillfactor 50), the vectors (fillfactor 100, PLAIN), and on them the
 * shared graph and a copy of each project graph. Returns the shared graph's
 * build time.
 */
async function buildSplit(schema: string): Promise<number> {
  const { rows: cols } = await admin.query<{ column_name: string }>(
    `select column_name from information_schema.columns
     where table_schema = $1 and table_name = 'memory_vectors' and column_name <> 'embedding'
     order by ordinal_position`,
    [schema],
  );
  const list = cols.map((c) => c.column_name).join(', ');
  await admin.query(
    `create table ${schema}.split_rows with (fillfactor = 50) as
     select ${list} from ${schema}.memory_vectors order by id`,
  );
  await admin.query(
    `create table ${schema}.split_vectors (
       id bigint not null, project_id bigint not null,
       embedding ${vectorSchema}.vector(${DIMENSION}) not null) with (fillfactor = 100)`,
  );
  await admin.query(`alter table ${schema}.split_vectors alter column embedding set storage plain`);
  await admin.query(
    `insert into ${schema}.split_vectors select id, project_id, embedding from ${schema}.memory_vectors order by id`,
  );
  await admin.query(`alter table ${schema}.split_vectors add primary key (id)`);
  // The exact scan reads one project's vectors: an index on the project, as the rows have.
  await admin.query(`create index split_vectors_project on ${schema}.split_vectors (project_id)`);
  const { rows: indexes } = await admin.query<{ indexname: string; indexdef: string }>(
    `select indexname, indexdef from pg_indexes where schemaname = $1 and tablename = 'memory_vectors'`,
    [schema],
  );
  for (const { indexname, indexdef } of indexes) {
    const partial = /where \(?project_id = '?(\d+)/i.exec(indexdef);
    if (/ using (hnsw|ivfflat) /i.test(indexdef)) {
      // Project graphs are copied; the shared graph is built (and timed) below.
      if (partial === null) continue;
      await admin.query(
        `create index ${indexname}_split on ${schema}.split_vectors using hnsw (${annKey('embedding')} ${opclass()})
         with (m = ${HNSW.m}, ef_construction = ${HNSW.efConstruction}) where project_id = ${partial[1]}`,
      );
      continue;
    }
    await admin.query(
      indexdef
        .replace(
          /^CREATE (UNIQUE )?INDEX (\S+)/i,
          (_, unique = '', name) => `CREATE ${unique}INDEX ${name}_split`,
        )
        .replace(`ON ${schema}.memory_vectors `, `ON ${schema}.split_rows `),
    );
  }
  const started = now();
  await admin.query(
    `create index split_vectors_graph on ${schema}.split_vectors using hnsw (${annKey('embedding')} ${opclass()})
     with (m = ${HNSW.m}, ef_construction = ${HNSW.efConstruction})`,
  );
  const seconds = (now() - started) / 1000;
  await admin.query(`analyze ${schema}.split_rows`);
  await admin.query(`analyze ${schema}.split_vectors`);
  return seconds;
}

async function sizes(layout: Layout): Promise<Sizes> {
  const other = layout === 'inline' ? ['split_rows', 'split_vectors'] : ['memory_vectors'];
  const { rows: found } = await admin.query<Record<string, string>>(
    `select
       pg_table_size(to_regclass($1 || $2)) as rows,
       coalesce(pg_table_size(to_regclass($1 || '.split_vectors')), 0) as vectors,
       pg_relation_size(to_regclass($1 || $3)) as graph,
       (select sum(pg_total_relation_size(t.oid)) from pg_class t
         join pg_namespace tn on tn.oid = t.relnamespace
         where tn.nspname = $1 and t.relkind = 'r' and not t.relname = any($4)) as total`,
    [
      A,
      layout === 'inline' ? '.memory_vectors' : '.split_rows',
      layout === 'inline' ? '.memory_vectors_embedding_hnsw_idx' : '.split_vectors_graph',
      other,
    ],
  );
  const row = found[0] ?? {};
  return {
    rows: Number(row.rows),
    vectors: layout === 'inline' ? 0 : Number(row.vectors),
    graph: Number(row.graph),
    total: Number(row.total),
  };
}

/**
 * p50/p95 of each layout's `run(layout, q)` over the queries, after one
 * untimed pass; the layouts alternate query by query, and which goes first
 * alternates too.
 */
async function interleaved(
  run: (layout: Layout, q: number) => Promise<unknown>,
): Promise<Record<Layout, Latency>> {
  for (let q = 0; q < queries; q++) for (const layout of LAYOUTS) await run(layout, q);
  const latencies: Record<Layout, number[]> = { inline: [], split: [] };
  for (let q = 0; q < queries; q++) {
    const order = q % 2 === 0 ? LAYOUTS : [...LAYOUTS].reverse();
    for (const layout of order) {
      const started = now();
      await run(layout, q);
      latencies[layout].push(now() - started);
    }
  }
  const out = {} as Record<Layout, Latency>;
  for (const layout of LAYOUTS) {
    const { p50, p95 } = summarise(latencies[layout]);
    out[layout] = { p50, p95 };
  }
  return out;
}

async function hotCounts(schema: string, table: string): Promise<{ updated: number; hot: number }> {
  await raw.query('select pg_stat_force_next_flush()');
  const { rows: found } = await admin.query<{ u: string; h: string }>(
    `select n_tup_upd as u, n_tup_hot_upd as h from pg_stat_user_tables
     where schemaname = $1 and relname = $2`,
    [schema, table],
  );
  return { updated: Number(found[0]?.u ?? 0), hot: Number(found[0]?.h ?? 0) };
}

interface Report {
  readonly date: string;
  readonly tier: string;
  readonly data: string;
  readonly precision: VectorIndexPrecision;
  readonly rows: number;
  readonly queries: number;
  readonly machine: MachineInfo;
  readonly layouts: readonly LayoutResult[];
  readonly seconds: number;
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const ms = (value: number) => value.toFixed(2);

function toMarkdown(report: Report): string {
  const { machine } = report;
  const lines = [
    `# Split layout prototype — ${report.tier} (${report.rows.toLocaleString('en-US')} memories, 768-d, "${report.data}", ${report.precision}-precision graphs)`,
    '',
    `${report.date} · ${machine.cpu} · ${machine.cores} cores · ${Object.entries(machine.versions)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    '',
    `inline: the store's \`memory_vectors\` (vectors in the row, fillfactor 50). split: the same rows ` +
      "without their vectors (fillfactor 50, the store's indexes) + the vectors in a table of their own " +
      "(fillfactor 100, PLAIN) carrying the graphs. The store's statements on one connection with its ANN " +
      `settings, the layouts alternating query by query, ${report.queries} queries after an untimed pass, ` +
      'ms p50 / p95. Semantic and recordAccess (10 ids) on schema A (one project), project-filtered and ' +
      "exact on schema B (10 projects, the store's project graphs). Sizes of schema A.",
    '',
    '| layout | graph build | semantic | recall@10 | one project of 10 | recall@10 | plan reads the project by | exact, one project | recordAccess | HOT | rows | vectors | graph | all tables |',
    '|---|--:|--:|--:|--:|--:|---|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const r of report.layouts) {
    lines.push(
      `| ${r.layout} | ${r.graphBuildSeconds.toFixed(1)} s | ` +
        `${ms(r.semantic.p50)} / ${ms(r.semantic.p95)} | ${r.semantic.recall.toFixed(3)} | ` +
        `${ms(r.filtered.p50)} / ${ms(r.filtered.p95)} | ${r.filtered.recall.toFixed(3)} | ${r.filtered.plan} | ` +
        `${ms(r.exact.p50)} / ${ms(r.exact.p95)} | ` +
        `${ms(r.recordAccess.p50)} / ${ms(r.recordAccess.p95)} | ${(100 * r.recordAccess.hotShare).toFixed(0)} % | ` +
        `${mib(r.sizes.rows)} | ${r.sizes.vectors === 0 ? '' : mib(r.sizes.vectors)} | ${mib(r.sizes.graph)} | ${mib(r.sizes.total)} |`,
    );
  }
  lines.push('', `Run time ${(report.seconds / 60).toFixed(1)} min.`, '');
  return lines.join('\n');
}

const started = now();
await admin.connect();
await raw.connect();
const spec = {
  rows,
  dimension: DIMENSION,
  clusters: shape.clusters,
  noise: shape.noise,
  vocabulary: 5000,
  projects: 10,
  queries,
  seed: 42,
};
const data: Dataset = generateDataset(spec);
const truth = groundTruth(data, 10);
const stores = schemas.map(
  (schema) =>
    new PostgresStore({
      connectionString: url,
      schema,
      embeddingDimension: DIMENSION,
      vectorIndex: { type: 'hnsw', precision },
    }),
) as [PostgresStore, PostgresStore];
try {
  log(
    `athena bench:split-layout: ${rows.toLocaleString('en-US')} memories, "${dataName}", ${precision}`,
  );
  for (const store of stores) await store.init();
  const { rows: ext } = await admin.query<{ nspname: string }>(
    `select n.nspname from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'vector'`,
  );
  vectorSchema = ext[0]?.nspname ?? 'public';
  const pidA = (await stores[0].projects.create({ name: 'split', path: '/split' })).id;
  const pidsB: number[] = [];
  for (let p = 0; p < spec.projects; p++) {
    pidsB.push((await stores[1].projects.create({ name: `split-${p}`, path: `/split/${p}` })).id);
  }
  const rowsA = new Map<number, number>();
  const rowsB = new Map<number, number>();
  log('  loading A (one project) and B (10 projects) through the API …');
  await loadInto(stores[0], data, () => pidA, rowsA);
  await loadInto(stores[1], data, (row) => pidsB[data.projectOf(row)] ?? 0, rowsB);
  await stores[1].buildProjectGraphs();
  await Promise.all(stores.map((store) => store.close()));

  const { rows: cols } = await admin.query<{ column_name: string }>(
    `select column_name from information_schema.columns
     where table_schema = $1 and table_name = 'memory_vectors' and column_name <> 'embedding'
     order by ordinal_position`,
    [A],
  );
  returned = (alias) => cols.map((c) => `${alias}.${c.column_name}`).join(', ');

  log('  building the split layout (rows, vectors, graphs) …');
  await admin.query(`set maintenance_work_mem = '${maintenanceWorkMem(rows)}'`);
  const splitBuild = await buildSplit(A);
  await buildSplit(B);
  // The shared graph of the inline layout, rebuilt here so both builds are timed alike.
  await admin.query(`drop index ${A}.memory_vectors_embedding_hnsw_idx`);
  let t0 = now();
  await admin.query(
    `create index memory_vectors_embedding_hnsw_idx on ${A}.memory_vectors using hnsw (${annKey('embedding')} ${opclass()})
     with (m = ${HNSW.m}, ef_construction = ${HNSW.efConstruction})`,
  );
  const inlineBuild = (now() - t0) / 1000;
  await admin.query(`analyze ${A}.memory_vectors`);
  await admin.query(`checkpoint`);

  const sql = {
    inline: { a: statements(A, 'inline'), b: statements(B, 'inline') },
    split: { a: statements(A, 'split'), b: statements(B, 'split') },
  };
  const projectOf = (q: number) => pidsB[queryProject(q, spec.projects)] ?? 0;
  const idsOf = (found: { id: string }[]) => found.map((row) => Number(row.id));
  const recall = { semantic: { inline: 0, split: 0 }, filtered: { inline: 0, split: 0 } };

  log('  semantic (A) …');
  t0 = now();
  const semantic = await interleaved(async (layout, q) => {
    const { rows: found } = await raw.query<{ id: string }>(sql[layout].a.semantic, [
      pidA,
      vectorParam(queryVector(data, q)),
    ]);
    recall.semantic[layout] += recallAt(
      idsOf(found).map((id) => rowsA.get(id) ?? -1),
      truth.unfiltered[q] ?? [],
      10,
    );
  });
  log('  one project of 10 (B) …');
  const filtered = await interleaved(async (layout, q) => {
    const { rows: found } = await raw.query<{ id: string }>(sql[layout].b.semantic, [
      projectOf(q),
      vectorParam(queryVector(data, q)),
    ]);
    recall.filtered[layout] += recallAt(
      idsOf(found).map((id) => rowsB.get(id) ?? -1),
      truth.projectFiltered[q] ?? [],
      10,
    );
  });
  const plans = {} as Record<Layout, string>;
  for (const layout of LAYOUTS) {
    const { rows: plan } = await raw.query<{ 'QUERY PLAN': string }>(
      `explain ${sql[layout].b.semantic.replace(/\$1/g, String(projectOf(0))).replace(/\$2/g, `'${vectorText(0)}'`)}`,
    );
    const reads = plan
      .map((line) => line['QUERY PLAN'])
      .find((line) => /Index Scan using|Bitmap Heap Scan|Seq Scan/.test(line));
    plans[layout] = (reads ?? 'unknown').replace(/\s*\(cost=.*$/, '').replace(/^[\s>-]+/, '');
  }
  log('  exact (B) …');
  const exact = await interleaved((layout, q) =>
    raw.query(sql[layout].b.exact, [projectOf(q), vectorParam(queryVector(data, q))]),
  );
  log('  recordAccess (A) …');
  const hitIds = [...rowsA.keys()];
  const before = {
    inline: await hotCounts(A, 'memory_vectors'),
    split: await hotCounts(A, 'split_rows'),
  };
  const at = new Date();
  const recordAccess = await interleaved((layout, q) =>
    raw.query(sql[layout].a.recordAccess, [pidA, hitIds.slice(q * 10, q * 10 + 10), at]),
  );
  const after = {
    inline: await hotCounts(A, 'memory_vectors'),
    split: await hotCounts(A, 'split_rows'),
  };
  log(`  measured in ${((now() - t0) / 1000).toFixed(0)} s`);

  const layouts: LayoutResult[] = [];
  for (const layout of LAYOUTS) {
    layouts.push({
      layout,
      graphBuildSeconds: layout === 'inline' ? inlineBuild : splitBuild,
      semantic: { ...semantic[layout], recall: recall.semantic[layout] / (2 * queries) },
      filtered: {
        ...filtered[layout],
        recall: recall.filtered[layout] / (2 * queries),
        plan: plans[layout],
      },
      exact: exact[layout],
      recordAccess: {
        ...recordAccess[layout],
        hotShare:
          (after[layout].hot - before[layout].hot) /
          Math.max(1, after[layout].updated - before[layout].updated),
      },
      sizes: await sizes(layout),
    });
  }
  const report: Report = {
    date: new Date().toISOString(),
    tier: tierName,
    data: dataName,
    precision,
    rows,
    queries,
    machine: await describeMachine(url),
    layouts,
    seconds: (now() - started) / 1000,
  };
  const name = `split-layout-${report.date.slice(0, 16).replace(/[T:]/g, '-')}-${tierName}-${dataName}`;
  saveResults(outDir, name, report, toMarkdown(report));
} finally {
  await Promise.all(stores.map((store) => store.close()));
  for (const schema of schemas) await admin.query(`drop schema if exists ${schema} cascade`);
  await raw.end();
  await admin.end();
}

/** Query `q`'s vector as pgvector's text form, for EXPLAIN (which takes no binary parameters). */
function vectorText(q: number): string {
  return `[${Array.from(queryVector(data, q)).join(',')}]`;
}
