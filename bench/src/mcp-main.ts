/**
 * `pnpm bench:mcp`: the round-trip latency of the MCP server's `recall` tool
 * over stdio — the SDK's own `Client` calling the built `athena-mcp`
 * (`apps/mcp-server/dist/main.js`) as a subprocess — on a project of 10K
 * memories embedded with the hashing embedder, next to the same recall
 * called in-process, so that the protocol's share is visible.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { readVariable } from '@athena/core-types';
import type { Store } from '@athena/core-types';
import { AthenaMemory, HashingEmbedder } from '@athena/search';
import { PostgresStore } from '@athena/store-postgres';
import { SqliteStore } from '@athena/store-sqlite';
import pg from 'pg';
import { generateDataset } from './dataset.js';
import { describeMachine } from './machine.js';
import type { MachineInfo } from './results.js';
import { now, summarise } from './stats.js';
import type { LatencySummary } from './stats.js';
import { progressBar, queryText } from './workload.js';

const USAGE = `pnpm bench:mcp [--memories N] [--calls N] [--backend sqlite|postgres|all] [--out DIR]
  --memories  memories in the project (default 10000)
  --calls     timed recall calls per backend (default 500, after 50 untimed)
  --backend   default all
  --out       result directory (default bench/results)
  PostgreSQL: ATHENA_BENCH_DATABASE_URL or ATHENA_TEST_DATABASE_URL`;

const { values } = parseArgs({
  options: {
    memories: { type: 'string', default: '10000' },
    calls: { type: 'string', default: '500' },
    backend: { type: 'string', default: 'all' },
    out: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const memories = Number(values.memories);
const calls = Number(values.calls);
const backends =
  values.backend === 'all' ? ['sqlite', 'postgres'] : [values.backend as 'sqlite' | 'postgres'];
if (
  !Number.isInteger(memories) ||
  memories < 100 ||
  !Number.isInteger(calls) ||
  calls < 10 ||
  !backends.every((b) => b === 'sqlite' || b === 'postgres')
) {
  console.error(USAGE);
  process.exit(2);
}

const here = dirname(fileURLToPath(import.meta.url));
const outDir = resolve(values.out ?? join(here, '..', 'results'));
const server = resolve(here, '..', '..', 'apps', 'mcp-server', 'dist', 'main.js');
const url = readVariable(process.env, 'ATHENA_BENCH_DATABASE_URL');
/** The hashing embedder's dimension: what `ATHENA_EMBEDDING_DIM` tells the server. */
const DIMENSION = 384;
const WARMUP = 50;
const LIMIT = 5;
const TARGET_P50_MS = 10;
const log = (message: string) => console.error(message);

/** What one backend measured. */
interface BackendResult {
  readonly backend: 'sqlite' | 'postgres';
  readonly loadSeconds: number;
  /** The SDK client's `callTool('recall')`: request, server work, response, both JSON codecs. */
  readonly mcp: LatencySummary;
  /** `AthenaMemory.recall()` in this process, on the same database and queries. */
  readonly inProcess: LatencySummary;
  readonly hitsPerCall: number;
}

/** Opens an empty store of the backend, and what to set for the server to open the same. */
async function openStore(
  backend: 'sqlite' | 'postgres',
  dir: string,
): Promise<{ store: Store; env: Record<string, string>; drop: () => Promise<void> }> {
  if (backend === 'sqlite') {
    const path = join(dir, 'memory.db');
    const store = new SqliteStore({ path, embeddingDimension: DIMENSION });
    await store.init();
    return {
      store,
      env: { ATHENA_DB_TYPE: 'sqlite', ATHENA_SQLITE_PATH: path },
      drop: async () => undefined,
    };
  }
  const schema = `athena_mcp_bench_${process.pid}`;
  const store = new PostgresStore({ connectionString: url, schema, embeddingDimension: DIMENSION });
  await store.init();
  return {
    store,
    env: { ATHENA_DATABASE_URL: url, ATHENA_POSTGRES_SCHEMA: schema, ATHENA_FALLBACK: 'none' },
    drop: async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`drop schema if exists "${schema}" cascade`);
      } finally {
        await client.end();
      }
    },
  };
}

async function run(backend: 'sqlite' | 'postgres'): Promise<BackendResult> {
  const dir = mkdtempSync(join(tmpdir(), 'athena-mcp-bench-'));
  const projectDir = join(dir, 'project');
  mkdirSync(projectDir);
  const data = generateDataset({
    rows: memories,
    dimension: 8,
    clusters: 10,
    vocabulary: 5_000,
    projects: 1,
    queries: 200,
    seed: 42,
  });
  const { store, env, drop } = await openStore(backend, dir);
  try {
    const embedder = new HashingEmbedder({ dimension: DIMENSION });
    const memory = new AthenaMemory({ store, embedder });
    const project = await store.projects.create({ name: 'bench', path: projectDir });
    log(`${backend}: loading ${memories} memories (hashing embedder, ${DIMENSION} dimensions)`);
    const bar = progressBar(`${backend} load`, memories);
    const started = now();
    for (let from = 0; from < memories; from += 1_000) {
      const items = data.texts.slice(from, from + 1_000).map((content) => ({ content }));
      await memory.rememberMany(project.id, items);
      bar.update(Math.min(memories, from + 1_000));
    }
    bar.stop();
    const loadSeconds = (now() - started) / 1000;

    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [server],
      cwd: projectDir,
      env: {
        PATH: process.env['PATH'] ?? '',
        HOME: process.env['HOME'] ?? '',
        ...env,
        ATHENA_EMBEDDER: 'hash',
        ATHENA_EMBEDDING_DIM: String(DIMENSION),
      },
      stderr: 'inherit',
    });
    const client = new Client({ name: 'athena-bench', version: '1.0.0' });
    await client.connect(transport);
    let hits = 0;
    const mcpLatencies: number[] = [];
    const inProcessLatencies: number[] = [];
    try {
      // Interleaved, query by query: both sides see the same caches and the same machine load.
      for (let i = 0; i < WARMUP + calls; i++) {
        const query = queryText(data, i);
        const t0 = now();
        const result = (await client.callTool({
          name: 'recall',
          arguments: { query, limit: LIMIT },
        })) as CallToolResult;
        const t1 = now();
        await memory.recall(project.id, query, { limit: LIMIT, includeEmbedding: false });
        const t2 = now();
        if (result.isError === true) {
          throw new Error(`recall failed: ${JSON.stringify(result.content)}`);
        }
        if (i >= WARMUP) {
          mcpLatencies.push(t1 - t0);
          inProcessLatencies.push(t2 - t1);
          hits += (result.structuredContent as { hits: unknown[] }).hits.length;
        }
      }
    } finally {
      await client.close();
    }
    return {
      backend,
      loadSeconds,
      mcp: summarise(mcpLatencies),
      inProcess: summarise(inProcessLatencies),
      hitsPerCall: hits / calls,
    };
  } finally {
    await store.close();
    await drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function commit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

function markdown(
  date: string,
  machine: MachineInfo,
  results: readonly BackendResult[],
  load: number,
): string {
  const ms = (value: number) => value.toFixed(2);
  const versions = Object.entries(machine.versions)
    .filter(([name]) => ['sqlite', 'postgresql', 'pgvector'].includes(name))
    .map(([name, version]) => `${name} ${version}`)
    .join(' · ');
  return [
    `# MCP recall round trip: ${memories.toLocaleString('en')} memories, stdio`,
    '',
    `${date} · ${machine.cpu} (${machine.cores} cores) · Node ${machine.node} · ${versions} · commit ${commit()}`,
    '',
    `The SDK's \`Client\` calls the \`recall\` tool of the built \`athena-mcp\` (a subprocess over stdio) ` +
      `${calls} times after ${WARMUP} untimed calls, one query at a time (limit ${LIMIT}, hashing embedder, ` +
      `${DIMENSION} dimensions, one project of ${memories.toLocaleString('en')} memories). Each call is a ` +
      'hybrid search plus the access it records (one write transaction), serialised to JSON twice (text ' +
      '+ structured content) and sent through a pipe. "In process" is `AthenaMemory.recall()` on the same ' +
      'database and query, without MCP, right after each MCP call (interleaved, so both see the same ' +
      `caches and load). Load average at the end: ${load.toFixed(1)}.`,
    '',
    '| backend | MCP p50 ms | MCP p95 ms | MCP p99 ms | in-process p50 ms | in-process p95 ms | MCP overhead p50 ms | calls/s | hits per call |',
    '| ------- | ---------: | ---------: | ---------: | ----------------: | ----------------: | ------------------: | ------: | ------------: |',
    ...results.map(
      (r) =>
        `| ${r.backend} | ${ms(r.mcp.p50)} | ${ms(r.mcp.p95)} | ${ms(r.mcp.p99)} | ${ms(r.inProcess.p50)} | ${ms(r.inProcess.p95)} | ${ms(r.mcp.p50 - r.inProcess.p50)} | ${r.mcp.qps.toFixed(0)} | ${r.hitsPerCall.toFixed(1)} |`,
    ),
    '',
    '| target | measured | met |',
    '| ------ | -------- | --- |',
    ...results
      .filter((r) => r.backend === 'sqlite')
      .map(
        (r) =>
          `| MCP recall p50 ≤ ${TARGET_P50_MS} ms on SQLite (hashing embedder, ${memories.toLocaleString('en')} memories) | ${ms(r.mcp.p50)} ms | ${r.mcp.p50 <= TARGET_P50_MS ? 'yes' : '**no**'} |`,
      ),
    '',
  ].join('\n');
}

const machine = await describeMachine(backends.includes('postgres') ? url : null);
const results: BackendResult[] = [];
for (const backend of backends) {
  const result = await run(backend);
  results.push(result);
  log(
    `${backend}: MCP recall p50 ${result.mcp.p50.toFixed(2)} ms, p95 ${result.mcp.p95.toFixed(2)} ms; ` +
      `in process p50 ${result.inProcess.p50.toFixed(2)} ms`,
  );
}
const date = new Date().toISOString();
const stamp = date.slice(0, 16).replace(/[T:]/g, '-');
const text = markdown(date, machine, results, loadavg()[0] ?? 0);
mkdirSync(outDir, { recursive: true });
const base = join(outDir, `mcp-${stamp}`);
writeFileSync(
  `${base}.json`,
  `${JSON.stringify(
    {
      date,
      memories,
      calls,
      warmup: WARMUP,
      limit: LIMIT,
      dimension: DIMENSION,
      machine,
      commit: commit(),
      loadAverage: loadavg(),
      results,
    },
    null,
    2,
  )}\n`,
);
writeFileSync(`${base}.md`, text);
writeFileSync(join(outDir, 'latest-mcp.md'), text);
console.log(text);
log(`saved ${base}.{json,md} and latest-mcp.md`);
