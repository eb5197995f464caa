import type { PostgresStore } from '@athena/store-postgres';
import type { RunContext } from '../phases/run-context.js';
import { meanRecall, now, summarise } from '../stats.js';
import type { LatencySummary } from '../stats.js';
import { queryText, queryVector } from '../workload.js';
import type { BenchContext } from '../workload.js';
import { overheadBreakdown } from './overhead-breakdown.js';
import type { PostgresConnections } from './postgres-connections.js';
import { ids, rawStatements, shortPlan, vectorParam } from './raw-sql.js';
import type { RawPool, Row } from './raw-sql.js';

/**
 * The measurements behind docs/tuning.md, each with the plan that explains
 * it: ef_search sweep, the API's overhead step by step, iterative scan,
 * plans, exact scans by storage, IVFFlat, ts_rank, prototypes.
 */
export async function postgresTuning(
  run: RunContext<PostgresStore>,
  conn: PostgresConnections,
): Promise<Record<string, unknown>> {
  const { storeA, storeB, pid, projectOfQuery, truthAll, truthProject } = run;
  const { admin, raw, schemaA, schemaB } = conn;
  const { data, log, limits } = run.bench;
  const n = Math.min(limits.samples, 100);
  const qvText = (i: number) => vectorParam(queryVector(data, i));
  const out: Record<string, unknown> = {};
  log('  tuning: ef_search sweep, iterative scan, storage, ts_rank, IVFFlat …');

  // The vectors' own table (the store's migration 9).
  const t = (s: string) => `${s}.memory_embeddings`;
  const filtered = `select memory_id as id from ${t(schemaB)} where project_id = $1 order by embedding <=> $2::vector limit 10`;
  // `project_id + 0` cannot match a project's own graph (a partial index): the shared graph, filtered.
  const sharedFiltered = filtered.replace('where project_id = $1', 'where project_id + 0 = $1');
  const sweep = [];
  for (const efSearch of [20, 40, 80, 160]) {
    const all = await timeQueries(n, async (i) =>
      (await storeA.search.semantic(pid, queryVector(data, i), { efSearch })).map(
        (h) => h.memory.id,
      ),
    );
    const own = await timeQueries(n, async (i) =>
      (await storeB.search.semantic(projectOfQuery(i), queryVector(data, i), { efSearch })).map(
        (h) => h.memory.id,
      ),
    );
    const shared = await timeQueries(n, async (i) =>
      ids(
        await inTransaction(raw, [`set local hnsw.ef_search = ${efSearch}`], sharedFiltered, [
          projectOfQuery(i),
          qvText(i),
        ]),
      ),
    );
    sweep.push({
      efSearch,
      unfilteredP50: all.summary.p50,
      unfilteredRecall: meanRecall(all.found, truthAll),
      projectP50: own.summary.p50,
      projectRecall: meanRecall(own.found, truthProject),
      projectReturned: own.found.reduce((a, f) => a + f.length, 0) / own.found.length,
      projectSharedGraphP50: shared.summary.p50,
      projectSharedGraphRecall: meanRecall(shared.found, truthProject),
    });
  }
  out.efSearchSweep = sweep;

  // Where the API's time goes: the raw semantic statement changed one step at a time towards
  // what the store sends, every variant run round-robin on the same queries.
  out.apiOverhead = await overheadBreakdown(raw, storeA, schemaA, pid, data, n);

  const iterative = [];
  for (const mode of ['off', 'relaxed_order', 'strict_order']) {
    const r = await timeQueries(n, async (i) =>
      ids(
        await inTransaction(raw, [`set local hnsw.iterative_scan = ${mode}`], sharedFiltered, [
          projectOfQuery(i),
          qvText(i),
        ]),
      ),
    );
    iterative.push({
      iterativeScan: mode,
      p50: r.summary.p50,
      recall: meanRecall(r.found, truthProject),
      returned: r.found.reduce((a, f) => a + f.length, 0) / r.found.length,
    });
  }
  out.iterativeScan = iterative;

  const explain = async (settings: readonly string[], text: string, values: unknown[]) =>
    (
      await inTransaction(
        admin,
        settings,
        `explain (analyze, buffers, costs off, timing off) ${text}`,
        values,
      )
    ).map((row) => shortPlan(String(row['QUERY PLAN'])));
  const annSettings = [
    'set local hnsw.ef_search = 40',
    'set local hnsw.iterative_scan = relaxed_order',
  ];
  out.plans = {
    semanticUnfiltered: await explain(
      annSettings,
      `select memory_id as id from ${t(schemaA)} where project_id = $1 order by embedding <=> $2::vector limit 10`,
      [pid, qvText(0)],
    ),
    semanticProject: await explain(annSettings, filtered, [projectOfQuery(0), qvText(0)]),
    semanticProjectSharedGraph: await explain(annSettings, sharedFiltered, [
      projectOfQuery(0),
      qvText(0),
    ]),
    semanticProjectSharedGraphNoIterative: await explain(
      ['set local hnsw.ef_search = 40', 'set local hnsw.iterative_scan = off'],
      sharedFiltered,
      [projectOfQuery(0), qvText(0)],
    ),
    hybridRrfRaw: await explain(annSettings, rawStatements(schemaA).hybridRrf, [
      pid,
      qvText(0),
      queryText(data, 0),
    ]),
    storeSemantic: (
      await storeA.explainSearch({
        kind: 'semantic',
        projectId: pid,
        embedding: queryVector(data, 0),
      })
    ).map(shortPlan),
    storeHybrid: (
      await storeA.explainSearch({
        kind: 'hybrid',
        projectId: pid,
        query: { embedding: queryVector(data, 0), text: queryText(data, 0) },
      })
    ).map(shortPlan),
  };

  // Exact search through the API, and exact scans over PLAIN vs the type's default (EXTERNAL) storage.
  const exactN = Math.min(n, 20);
  const exactApi = await timeQueries(exactN, async (i) =>
    (await storeA.search.semantic(pid, queryVector(data, i), { exact: true })).map(
      (h) => h.memory.id,
    ),
  );
  out.exactApi = { p50: exactApi.summary.p50, recall: meanRecall(exactApi.found, truthAll) };
  const storage: Record<string, unknown>[] = [];
  for (const mode of ['plain', 'external']) {
    const table = `${schemaA}.bench_storage_${mode}`;
    await admin.query(
      `create table ${table} (id bigint, embedding vector(${data.spec.dimension}))`,
    );
    if (mode === 'plain')
      await admin.query(`alter table ${table} alter column embedding set storage plain`);
    await admin.query(`insert into ${table} select memory_id, embedding from ${t(schemaA)}`);
    await admin.query(`vacuum analyze ${table}`);
    const scan = `select id from ${table} order by embedding <=> $1::vector limit 10`;
    const r = await timeQueries(exactN, async (i) =>
      ids((await raw.query<Row>(scan, [qvText(i)])).rows),
    );
    const size = await admin.query<{ heap: string; total: string }>(
      `select pg_relation_size($1::regclass) as heap, pg_total_relation_size($1::regclass) as total`,
      [table],
    );
    storage.push({
      storage: mode,
      p50: r.summary.p50,
      recall: meanRecall(r.found, truthAll),
      heapBytes: Number(size.rows[0]?.heap ?? 0),
      totalBytes: Number(size.rows[0]?.total ?? 0),
      plan: await explain([], scan, [qvText(0)]),
    });
  }
  out.exactScanStorage = storage;
  await admin.query(`drop table ${schemaA}.bench_storage_external`);

  // IVFFlat on the PLAIN copy: build time, probes vs recall.
  const lists = Math.max(10, Math.round(data.spec.rows / 1000));
  const t0 = now();
  await admin.query(
    `create index bench_ivf on ${schemaA}.bench_storage_plain using ivfflat (embedding vector_cosine_ops) with (lists = ${lists})`,
  );
  const ivfBuild = (now() - t0) / 1000;
  const ivf = [];
  const ivfScan = `select id from ${schemaA}.bench_storage_plain order by embedding <=> $1::vector limit 10`;
  for (const probes of [1, 5, 10, 20]) {
    const r = await timeQueries(n, async (i) =>
      ids(await inTransaction(raw, [`set local ivfflat.probes = ${probes}`], ivfScan, [qvText(i)])),
    );
    ivf.push({ probes, p50: r.summary.p50, recall: meanRecall(r.found, truthAll) });
  }
  out.ivfflat = {
    lists,
    buildSeconds: ivfBuild,
    sweep: ivf,
    plan: await explain(['set local ivfflat.probes = 10'], ivfScan, [qvText(0)]),
  };
  await admin.query(`drop table ${schemaA}.bench_storage_plain`);

  // ts_rank vs ts_rank_cd on the keyword query, over the store's narrow keyword table.
  const keywords = `${schemaA}.memory_text_index`;
  const orQuery = (param: string) =>
    `replace(cast(plainto_tsquery('english', ${param}) as text), ' & ', ' | ')::tsquery`;
  const rankQuery = (
    fn: string,
  ) => `select memory_id from ${keywords}, (select ${orQuery('$2')} as q) q
      where project_id = $1 and tsv @@ q.q order by ${fn}(tsv, q.q, 32) desc, memory_id limit 10`;
  const matches = await raw.query<{ n: string }>(
    `select avg(c)::text as n from (select (select count(*) from ${keywords} where tsv @@ ${orQuery('w')}) as c
      from unnest($1::text[]) w) s`,
    [data.queryTexts.slice(0, 20)],
  );
  const rank = [];
  for (const fn of ['ts_rank', 'ts_rank_cd']) {
    const r = await timeQueries(n, async (i) =>
      (await raw.query<{ memory_id: string }>(rankQuery(fn), [pid, queryText(data, i)])).rows.map(
        (row) => Number(row.memory_id),
      ),
    );
    rank.push({
      function: fn,
      p50: r.summary.p50,
      p95: r.summary.p95,
      meanMatchingRows: Number(matches.rows[0]?.n ?? 0),
    });
  }
  out.keywordRank = rank;
  out.keywordPlan = await explain([], rankQuery('ts_rank'), [pid, queryText(data, 0)]);

  // Prototypes of store changes, as raw SQL on copies (the store's tables stay as they are).
  out.prototypes = await prototypes(raw, schemaA, pid, data, n, truthAll);
  return out;
}

/**
 * A store change tried as raw SQL: exact search computing `(id, distance)`
 * before fetching rows. p50 in ms. (The narrow keyword table and the
 * per-project graphs, prototyped here before, are store features now and
 * measured through the API.)
 */
async function prototypes(
  raw: RawPool,
  schemaA: string,
  pid: number,
  data: BenchContext['data'],
  n: number,
  truthAll: (i: number) => readonly number[],
): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const exactN = Math.min(n, 20);
  const exactIds = `select id from (select memory_id as id, embedding <=> $2::vector as d from ${schemaA}.memory_embeddings
      where project_id = $1 order by d, id limit 10) c`;
  const exact = await timeQueries(exactN, async (i) =>
    ids(
      await inTransaction(raw, ['set local enable_indexscan = off'], exactIds, [
        pid,
        vectorParam(queryVector(data, i)),
      ]),
    ),
  );
  out.exactIdsFirst = { p50: exact.summary.p50, recall: meanRecall(exact.found, truthAll) };

  return out;
}

async function timeQueries(
  n: number,
  fn: (i: number) => Promise<readonly number[]>,
): Promise<{ summary: LatencySummary; found: (readonly number[])[] }> {
  for (let i = 0; i < Math.min(5, n); i++) await fn(i);
  const times: number[] = [];
  const found: (readonly number[])[] = [];
  for (let i = 0; i < n; i++) {
    const t = now();
    found.push(await fn(i));
    times.push(now() - t);
  }
  return { summary: summarise(times), found };
}

/** Runs `statements` then `text` in one transaction on one connection; returns the rows. */
async function inTransaction(
  pool: RawPool,
  settings: readonly string[],
  text: string,
  values: unknown[],
): Promise<Row[]> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    for (const setting of settings) await client.query(setting);
    const result = await client.query<Row>(text, values);
    await client.query('commit');
    return result.rows;
  } finally {
    client.release();
  }
}
