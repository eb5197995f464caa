/**
 * `pnpm bench:transfer`: moves a 100K-memory SQLite database with the
 * `athena` command — copy to PostgreSQL (HNSW index build included), export to
 * JSON Lines, import into PostgreSQL and into SQLite, copy back — each step a
 * separate `node apps/cli/dist/main.js` process whose wall time and peak RSS
 * (the kernel's VmHWM) are measured, and saves the figures.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { PostgresStore } from '@athena/store-postgres';
import { SqliteStore } from '@athena/store-sqlite';
import pg from 'pg';
import { generateDataset } from './dataset.js';
import { describeMachine } from './machine.js';
import type { MachineInfo } from './results.js';
import { now } from './stats.js';
import { memoryInput, progressBar } from './workload.js';

const USAGE = `pnpm bench:transfer [--rows N] [--out DIR]
  --rows   memories in the source database (default 100000)
  --out    result directory (default bench/results)
  PostgreSQL: ATHENA_BENCH_DATABASE_URL or ATHENA_TEST_DATABASE_URL
  (default postgres://athena@127.0.0.1:5432/athena_test)`;

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '100000' },
    out: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const rows = Number(values.rows);
if (!Number.isInteger(rows) || rows < 1000) {
  console.error(USAGE);
  process.exit(2);
}
const here = dirname(fileURLToPath(import.meta.url));
const outDir = resolve(values.out ?? join(here, '..', 'results'));
const cli = resolve(here, '..', '..', 'apps', 'cli', 'dist', 'main.js');
const url =
  process.env.ATHENA_BENCH_DATABASE_URL ??
  process.env.ATHENA_TEST_DATABASE_URL ??
  'postgres://athena@127.0.0.1:5432/athena_test';
const DIMENSION = 768;
const log = (message: string) => console.error(message);

/** One CLI step: what it did and what it cost. */
interface Step {
  readonly name: string;
  readonly command: string;
  readonly seconds: number;
  readonly peakRssBytes: number;
  /** The largest anonymous resident set sampled (every 20 ms). */
  readonly peakAnonBytes: number;
  readonly memoriesPerSecond: number;
  /** CPU time of the athena process itself (user + system, to its last 20 ms). */
  readonly clientCpuSeconds: number;
  /** The machine's 1-minute load average when the step ended (other processes share the cores). */
  readonly loadAverage: number;
  readonly report: Record<string, unknown>;
}

/** Kernel clock ticks per second (USER_HZ, 100 on Linux). */
const CLOCK_TICKS = 100;

/**
 * From /proc (Linux), in bytes: the high-water mark of a process's resident
 * set (VmHWM), and its anonymous part now (RssAnon: heap, stacks, SQLite's
 * page cache — not mapped files).
 */
function memoryOf(pid: number): { hwm: number; anon: number; cpuSeconds: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    // /proc/<pid>/stat fields 14 and 15 (after the parenthesised name): utime, stime in ticks.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuSeconds = (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) / CLOCK_TICKS;
    const kb = (field: string) =>
      Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
    return { hwm: kb('VmHWM') * 1024, anon: kb('RssAnon') * 1024, cpuSeconds };
  } catch {
    return { hwm: 0, anon: 0, cpuSeconds: 0 };
  }
}

/**
 * Runs `athena --json …args` with `env`, polling its peak RSS every 20 ms
 * until it exits; the last reading is the process's high-water mark up to
 * its final 20 ms.
 */
function athena(name: string, args: string[], env: Record<string, string>): Promise<Step> {
  return new Promise((resolvePromise, reject) => {
    const started = now();
    const child = spawn(process.execPath, [cli, '--json', ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let peak = 0;
    let anon = 0;
    let cpu = 0;
    const timer = setInterval(() => {
      if (child.pid === undefined) return;
      const memory = memoryOf(child.pid);
      peak = Math.max(peak, memory.hwm);
      anon = Math.max(anon, memory.anon);
      cpu = Math.max(cpu, memory.cpuSeconds);
    }, 20);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(timer);
      const seconds = (now() - started) / 1000;
      if (code !== 0) {
        reject(new Error(`${name} exited ${code}: ${Buffer.concat(err).toString('utf8')}`));
        return;
      }
      const report = JSON.parse(Buffer.concat(out).toString('utf8')) as Record<string, unknown>;
      const counts = report['counts'] as Record<string, number>;
      resolvePromise({
        name,
        command: `athena ${args.join(' ').replace(url, '<url>')}`,
        seconds,
        peakRssBytes: peak,
        peakAnonBytes: anon,
        clientCpuSeconds: cpu,
        loadAverage: loadavg()[0] ?? 0,
        memoriesPerSecond: (counts['memories'] ?? 0) / seconds,
        report,
      });
    });
  });
}

async function populate(
  path: string,
): Promise<{ seconds: number; counts: Record<string, number> }> {
  const data = generateDataset({
    rows,
    dimension: DIMENSION,
    clusters: 1000,
    vocabulary: 5000,
    projects: 10,
    queries: 1,
    seed: 42,
  });
  const store = new SqliteStore({ path, embeddingDimension: DIMENSION });
  await store.init();
  const started = now();
  try {
    const projects: number[] = [];
    for (let p = 0; p < 10; p++) {
      projects.push((await store.projects.create({ name: `bench-${p}`, path: `/bench/${p}` })).id);
    }
    const ids: number[][] = projects.map(() => []);
    const bar = progressBar('sqlite source: memories', rows);
    for (let start = 0; start < rows; start += 10_000) {
      // Rows of a project are every 10th row of the data set: one storeMany per project.
      for (let p = 0; p < 10; p++) {
        const batch = [];
        for (let r = start + p; r < Math.min(rows, start + 10_000); r += 10) {
          batch.push({ ...memoryInput(data, r), embeddingModel: 'bench-clusters-768' });
        }
        ids[p]?.push(...(await store.memories.storeMany(projects[p] as number, batch)));
      }
      bar.update(Math.min(rows, start + 10_000));
    }
    bar.stop();
    // A few of everything else, so every table is copied.
    for (const [p, projectId] of projects.entries()) {
      const own = ids[p] as number[];
      for (let i = 0; i + 1 < Math.min(own.length, 200); i += 2) {
        await store.relationships.link(projectId, {
          fromMemoryId: own[i] as number,
          toMemoryId: own[i + 1] as number,
          relationshipType: 'extends',
        });
      }
      await store.episodes.recordMany(
        projectId,
        Array.from({ length: 100 }, (_, i) => ({
          sessionId: `s${i % 5}`,
          eventType: 'action' as const,
          content: `event ${i}`,
        })),
      );
      const goal = await store.goals.create(projectId, { title: 'goal' });
      await store.tasks.create(projectId, { title: 'task', goalId: goal.id });
      await store.decisions.create(projectId, { title: 'decision' });
    }
    return { seconds: (now() - started) / 1000, counts: (await store.stats()).counts };
  } finally {
    await store.close();
  }
}

/** The database's share of a copy into PostgreSQL, measured without any client. */
interface Floor {
  readonly seconds: number;
  readonly insertSeconds: number;
  readonly indexSeconds: number;
  readonly memoriesPerSecond: number;
}

/**
 * The least a copy into PostgreSQL can cost on this machine right now: the
 * copied memories moved server-side (`INSERT … SELECT` from the copy's
 * schema into a fresh one made by the store, its GIN indexes dropped as
 * `bulkLoad()` does), then the GIN and HNSW indexes built with the
 * `maintenance_work_mem` `bulkLoad()` would choose — no client, no
 * validation, no transfer of rows over the wire.
 */
async function floorOf(admin: pg.Client, from: string, to: string): Promise<Floor> {
  const store = new PostgresStore({
    connectionString: url,
    schema: to,
    embeddingDimension: DIMENSION,
    vectorIndex: { type: 'none' },
  });
  await store.init();
  await store.close();
  const columns =
    'project_id, content, content_type, memory_type, domain, tags, embedding_model, access_count, ' +
    'last_accessed, last_retrieved, usefulness_score, confidence, consolidation_state, consolidated_at, ' +
    'claimed_by, claim_expires_at, version, session_id, event_type, code_language, code_hash, created_at, updated_at';
  await admin.query('begin');
  try {
    await admin.query(
      `insert into ${to}.projects (name, path) select name, path from ${from}.projects order by id`,
    );
    await admin.query(`drop index ${to}.memory_vectors_tags_idx`);
    await admin.query(`drop index ${to}.memory_text_index_project_tsv_idx`);
    let started = now();
    await admin.query(
      `insert into ${to}.memory_vectors (${columns})
       select p2.id, ${columns
         .replace('project_id, ', '')
         .split(', ')
         .map((column) => `m.${column}`)
         .join(', ')} from ${from}.memory_vectors m
       join ${from}.projects p1 on p1.id = m.project_id join ${to}.projects p2 on p2.name = p1.name
       order by m.id`,
    );
    // The vectors under the new ids: identity values grew in the order of the old ids.
    await admin.query(
      `insert into ${to}.memory_embeddings (memory_id, project_id, embedding)
       select n.id, n.project_id, o.embedding
       from (select id, project_id, row_number() over (order by id) as k from ${to}.memory_vectors) n
       join (select embedding, row_number() over (order by memory_id) as k from ${from}.memory_embeddings) o
         on o.k = n.k`,
    );
    const insertSeconds = (now() - started) / 1000;
    const { rows } = await admin.query<{ n: string; kb: string }>(
      `select (select count(*) from ${to}.memory_vectors) as n,
              (select setting from pg_settings where name = 'maintenance_work_mem') as kb`,
    );
    const graph = Number(rows[0]?.n ?? 0) * (4 * DIMENSION + 1024) + 64 * 2 ** 20;
    const mb = Math.max(
      Math.ceil(Number(rows[0]?.kb ?? 0) / 1024),
      Math.min(1024, Math.ceil(graph / 2 ** 20)),
    );
    await admin.query(`set local maintenance_work_mem = '${mb}MB'`);
    started = now();
    await admin.query(`create index on ${to}.memory_vectors using gin (tags)`);
    await admin.query(
      `create index on ${to}.memory_text_index using gin (project_id, tsv) with (gin_pending_list_limit = 256)`,
    );
    await admin.query(
      `create index on ${to}.memory_embeddings using hnsw (embedding vector_cosine_ops) with (m = 16, ef_construction = 64)`,
    );
    const indexSeconds = (now() - started) / 1000;
    await admin.query('commit');
    const seconds = insertSeconds + indexSeconds;
    return {
      seconds,
      insertSeconds,
      indexSeconds,
      memoriesPerSecond: Number(rows[0]?.n ?? 0) / seconds,
    };
  } catch (error) {
    await admin.query('rollback');
    throw error;
  }
}

interface TransferBenchReport {
  readonly date: string;
  readonly rows: number;
  readonly dimension: number;
  readonly machine: MachineInfo;
  readonly source: {
    readonly seconds: number;
    readonly counts: Record<string, number>;
    readonly bytes: number;
  };
  readonly exportBytes: number;
  readonly steps: readonly Step[];
  /** The database's share of the copy into PostgreSQL (see `floorOf`), measured right after it. */
  readonly floor: Floor;
  readonly checksumsEqual: boolean;
  readonly targets: readonly { target: string; measured: string; met: boolean }[];
  readonly seconds: number;
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const rate = (value: number) => `${Math.round(value).toLocaleString('en-US')} memories/s`;

function toMarkdown(report: TransferBenchReport): string {
  const lines = [
    `# Transfer benchmark: ${report.rows.toLocaleString('en-US')} memories, ${report.dimension} dimensions`,
    '',
    `${report.date} · ${report.machine.cpu} (${report.machine.cores} cores, ${mib(report.machine.memoryBytes)}) · Node ${report.machine.node} · ` +
      `PostgreSQL ${report.machine.versions.postgresql ?? '?'} + pgvector ${report.machine.versions.pgvector ?? '?'} · SQLite ${report.machine.versions.sqlite ?? '?'} · commit ${report.machine.versions.commit ?? '?'}`,
    '',
    `Source: a SQLite file of ${report.rows.toLocaleString('en-US')} memories over 10 projects (plus ${report.source.counts.relationships} relationships, ${report.source.counts.episodes} episodes, goals, tasks, decisions), ${mib(report.source.bytes)}, loaded in ${report.source.seconds.toFixed(1)} s. Every step is one \`athena\` process (\`node apps/cli/dist/main.js --json …\`); time is its wall time, start to exit; peak RSS its VmHWM (mapped files included), the anonymous part the largest RssAnon sampled every 20 ms; athena CPU: user + system time of that process (the rest of the wall time is the database's work, or waiting for a core); load average: the machine's 1-minute load when the step ended (${report.machine.cores} cores, shared with other work).`,
    '',
    '| step | command | seconds | memories/s | peak RSS | of it anonymous | athena CPU s | load average |',
    '| ---- | ------- | ------: | ---------: | -------: | --------------: | -----------: | -----------: |',
    ...report.steps.map(
      (step) =>
        `| ${step.name} | \`${step.command}\` | ${step.seconds.toFixed(1)} | ${Math.round(step.memoriesPerSecond).toLocaleString('en-US')} | ${mib(step.peakRssBytes)} | ${mib(step.peakAnonBytes)} | ${step.clientCpuSeconds.toFixed(1)} | ${step.loadAverage.toFixed(1)} |`,
    ),
    '',
    `Floor of the copy into PostgreSQL, measured right after it: the same memories moved server-side with \`INSERT … SELECT\` into a fresh schema (GIN indexes dropped), then the GIN and HNSW indexes built — no client, no validation, nothing over the wire: ${report.floor.seconds.toFixed(1)} s (insert ${report.floor.insertSeconds.toFixed(1)} s, indexes ${report.floor.indexSeconds.toFixed(1)} s), ${rate(report.floor.memoriesPerSecond)}. The copy took ${(report.steps[0]?.seconds ?? 0).toFixed(1)} s, ${((report.steps[0]?.seconds ?? 0) / report.floor.seconds).toFixed(2)}× the floor.`,
    '',
    `Export file: ${mib(report.exportBytes)}. Checksums of every step equal: **${report.checksumsEqual ? 'yes' : 'NO'}** (\`${String(report.steps[0]?.report['checksum'] ?? '')}\`).`,
    '',
    '| target | measured | met |',
    '| ------ | -------- | --- |',
    ...report.targets.map((t) => `| ${t.target} | ${t.measured} | ${t.met ? 'yes' : '**no**'} |`),
    '',
    `Whole run: ${report.seconds.toFixed(0)} s.`,
    '',
  ];
  return lines.join('\n');
}

async function main(): Promise<void> {
  const started = now();
  const dir = mkdtempSync(join(tmpdir(), 'athena-transfer-bench-'));
  const stamp = `${process.pid}`;
  const schemas = [
    `athena_tbench_${stamp}_copy`,
    `athena_tbench_${stamp}_import`,
    `athena_tbench_${stamp}_floor`,
  ];
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    for (const schema of schemas) await admin.query(`drop schema if exists ${schema} cascade`);
    const source = join(dir, 'source.db');
    log(`athena transfer bench: ${rows.toLocaleString('en-US')} memories, ${DIMENSION} dimensions`);
    const populated = await populate(source);
    const sqlite = (path: string) => ({
      ATHENA_DB_TYPE: 'sqlite',
      ATHENA_SQLITE_PATH: path,
      ATHENA_EMBEDDING_DIM: String(DIMENSION),
    });
    const postgres = (schema: string) => ({
      ATHENA_DATABASE_URL: url,
      ATHENA_POSTGRES_SCHEMA: schema,
      ATHENA_FALLBACK: 'none',
      ATHENA_EMBEDDING_DIM: String(DIMENSION),
    });
    const file = join(dir, 'export.jsonl');
    const steps: Step[] = [];
    const step = async (name: string, args: string[], env: Record<string, string>) => {
      log(`  ${name} …`);
      const result = await athena(name, args, env);
      log(
        `    ${result.seconds.toFixed(1)} s, ${rate(result.memoriesPerSecond)}, peak RSS ${mib(result.peakRssBytes)} (anonymous ${mib(result.peakAnonBytes)})`,
      );
      steps.push(result);
    };
    await step(
      'copy SQLite → PostgreSQL',
      ['copy', '--to', url, '--to-schema', schemas[0] as string],
      sqlite(source),
    );
    log('  floor: the same memories INSERT … SELECT server-side, then the indexes …');
    const floor = await floorOf(admin, schemas[0] as string, schemas[2] as string);
    log(
      `    ${floor.seconds.toFixed(1)} s (insert ${floor.insertSeconds.toFixed(1)} s, indexes ${floor.indexSeconds.toFixed(1)} s), ${rate(floor.memoriesPerSecond)}`,
    );
    await step('export SQLite → file', ['export', file], sqlite(source));
    await step('import file → PostgreSQL', ['import', file], postgres(schemas[1] as string));
    await step('import file → SQLite', ['import', file], sqlite(join(dir, 'imported.db')));
    await step(
      'copy PostgreSQL → SQLite',
      ['copy', '--to', join(dir, 'back.db')],
      postgres(schemas[0] as string),
    );
    const checksums = new Set(steps.map((s) => s.report['checksum']));
    const copyStep = steps[0] as Step;
    const report: TransferBenchReport = {
      date: new Date().toISOString(),
      rows,
      dimension: DIMENSION,
      machine: await describeMachine(url),
      source: { ...populated, bytes: statSync(source).size },
      exportBytes: statSync(file).size,
      steps,
      floor,
      checksumsEqual: checksums.size === 1,
      targets: [
        {
          target: 'copy SQLite → PostgreSQL ≥ 2,000 memories/s (index build included)',
          measured: rate(copyStep.memoriesPerSecond),
          met: copyStep.memoriesPerSecond >= 2000,
        },
        {
          target: 'copy SQLite → PostgreSQL peak RSS ≤ 500 MiB',
          measured: mib(copyStep.peakRssBytes),
          met: copyStep.peakRssBytes <= 500 * 2 ** 20,
        },
        {
          target: 'every step verified with the same checksum',
          measured: `${checksums.size} distinct`,
          met: checksums.size === 1,
        },
      ],
      seconds: (now() - started) / 1000,
    };
    mkdirSync(outDir, { recursive: true });
    const name = `${report.date.slice(0, 16).replace(/[T:]/g, '-')}-transfer-${rows >= 1000 ? `${rows / 1000}k` : rows}`;
    const markdown = toMarkdown(report);
    writeFileSync(join(outDir, `${name}.json`), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(join(outDir, `${name}.md`), markdown);
    writeFileSync(join(outDir, 'latest-transfer.md'), markdown);
    console.log(markdown);
    log(`wrote ${join(outDir, `${name}.{json,md}`)}`);
  } finally {
    for (const schema of schemas) await admin.query(`drop schema if exists ${schema} cascade`);
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
