/**
 * The soak run (issue 18; not part of CI): on each backend, 16 clients run a
 * mixed load of reads and writes against one store for 10 minutes, and the
 * latency percentiles of each minute and the errors (by code) are printed
 * and saved. A store that degrades over time — a leak, a growing queue, a
 * pool that loses connections — shows as minutes that get slower or errors
 * that appear late.
 *
 *   pnpm soak [--backend sqlite|postgres|all] [--minutes 10] [--clients 16] [--rows 10000]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { isAthenaError, readVariable } from '@athena/core-types';
import type { Store } from '@athena/core-types';
import { PostgresStore } from '@athena/store-postgres';
import { SqliteStore } from '@athena/store-sqlite';
import pg from 'pg';
import { generateDataset, rowOf } from './dataset.js';
import { describeMachine } from './machine.js';
import { Random } from './random.js';
import { summarise } from './stats.js';

const USAGE = `pnpm soak [--backend sqlite|postgres|all] [--minutes N] [--clients N] [--rows N]
  --backend   which store(s) to soak (default all)
  --minutes   minutes of load per backend (default 10)
  --clients   concurrent clients (default 16)
  --rows      memories loaded before the load starts (default 10000)
  PostgreSQL: ATHENA_BENCH_DATABASE_URL or ATHENA_TEST_DATABASE_URL`;

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'all' },
    minutes: { type: 'string', default: '10' },
    clients: { type: 'string', default: '16' },
    rows: { type: 'string', default: '10000' },
    help: { type: 'boolean', default: false },
  },
});
const minutes = Number(values.minutes);
const clients = Number(values.clients);
const rows = Number(values.rows);
if (
  values.help ||
  !['sqlite', 'postgres', 'all'].includes(values.backend ?? '') ||
  !(minutes > 0) ||
  !Number.isInteger(clients) ||
  clients < 1 ||
  !Number.isInteger(rows) ||
  rows < 100
) {
  console.error(USAGE);
  process.exit(values.help ? 0 : 2);
}
const backends =
  values.backend === 'all'
    ? (['sqlite', 'postgres'] as const)
    : [values.backend as 'sqlite' | 'postgres'];
const url = readVariable(process.env, 'ATHENA_BENCH_DATABASE_URL');
const DIMENSION = 768;

/** The mix of operations each client draws from, by weight. */
const MIX = [
  ['hybrid search', 35],
  ['semantic search', 15],
  ['keyword search', 10],
  ['get', 10],
  ['list', 5],
  ['store', 15],
  ['record access', 5],
  ['update', 5],
] as const;
type OperationName = (typeof MIX)[number][0];
const TOTAL_WEIGHT = MIX.reduce((sum, [, weight]) => sum + weight, 0);

interface Minute {
  readonly latencies: Map<OperationName, number[]>;
  readonly errors: Map<string, number>;
}

interface SoakResult {
  readonly backend: string;
  readonly minutes: readonly {
    readonly minute: number;
    readonly operations: number;
    readonly errors: Readonly<Record<string, number>>;
    readonly latency: Readonly<
      Record<string, { p50: number; p95: number; p99: number; n: number }>
    >;
  }[];
}

const data = generateDataset({
  rows,
  dimension: DIMENSION,
  clusters: 200,
  vocabulary: 5000,
  projects: 1,
  queries: 500,
  seed: 11,
});

async function soak(backend: 'sqlite' | 'postgres'): Promise<SoakResult> {
  const dir = mkdtempSync(join(tmpdir(), 'athena-soak-'));
  const schema = `athena_soak_${process.pid}`;
  const store: Store =
    backend === 'sqlite'
      ? new SqliteStore({ path: join(dir, 'soak.db'), embeddingDimension: DIMENSION })
      : new PostgresStore({
          connectionString: url,
          schema,
          embeddingDimension: DIMENSION,
          poolMax: clients,
        });
  await store.init();
  try {
    const project = await store.projects.create({ name: 'soak', path: '/soak' });
    const ids: number[] = [];
    for (let start = 0; start < rows; start += 1000) {
      const batch = [];
      for (let row = start; row < Math.min(rows, start + 1000); row++)
        batch.push({
          content: data.texts[row] ?? 'soak',
          embedding: rowOf(data.vectors, row, DIMENSION),
        });
      ids.push(...(await store.memories.storeMany(project.id, batch)));
    }
    console.error(`  ${backend}: ${rows} memories loaded; ${clients} clients for ${minutes} min …`);
    const started = performance.now();
    const end = started + minutes * 60_000;
    const perMinute: Minute[] = [];
    const minuteOf = (at: number) => {
      const index = Math.floor((at - started) / 60_000);
      while (perMinute.length <= index) perMinute.push({ latencies: new Map(), errors: new Map() });
      return perMinute[index] as Minute;
    };
    const client = async (seed: number) => {
      const random = new Random(seed);
      let written = 0;
      while (performance.now() < end) {
        let pick = random.int(1, TOTAL_WEIGHT);
        const name = (MIX.find(([, weight]) => (pick -= weight) <= 0) ?? MIX[0])[0];
        const query = random.int(0, data.spec.queries - 1);
        const embedding = rowOf(data.queryVectors, query, DIMENSION);
        const text = data.queryTexts[query] ?? 'soak';
        const id = ids[random.int(0, ids.length - 1)] as number;
        const at = performance.now();
        try {
          switch (name) {
            case 'hybrid search':
              await store.search.hybrid(project.id, { embedding, text }, { limit: 10 });
              break;
            case 'semantic search':
              await store.search.semantic(project.id, embedding, { limit: 10 });
              break;
            case 'keyword search':
              await store.search.keyword(project.id, text, { limit: 10 });
              break;
            case 'get':
              await store.memories.get(project.id, id);
              break;
            case 'list':
              await store.memories.list(project.id, { limit: 20 });
              break;
            case 'store':
              ids.push(
                (
                  await store.memories.store(project.id, {
                    content: `soak ${seed}-${written++} ${text}`,
                    embedding,
                  })
                ).id,
              );
              break;
            case 'record access':
              await store.memories.recordAccess(project.id, [id]);
              break;
            case 'update':
              await store.memories.update(project.id, id, { confidence: random.next() });
              break;
          }
          const minute = minuteOf(at);
          const list = minute.latencies.get(name) ?? [];
          list.push(performance.now() - at);
          minute.latencies.set(name, list);
        } catch (error) {
          const code = isAthenaError(error) ? error.code : 'unexpected';
          const minute = minuteOf(at);
          minute.errors.set(code, (minute.errors.get(code) ?? 0) + 1);
        }
      }
    };
    await Promise.all(Array.from({ length: clients }, (_, i) => client(1000 + i)));
    return {
      backend,
      minutes: perMinute.slice(0, Math.ceil(minutes)).map((minute, index) => ({
        minute: index + 1,
        operations: [...minute.latencies.values()].reduce((sum, list) => sum + list.length, 0),
        errors: Object.fromEntries(minute.errors),
        latency: Object.fromEntries(
          [...minute.latencies].map(([name, list]) => {
            const summary = summarise(list);
            return [name, { p50: summary.p50, p95: summary.p95, p99: summary.p99, n: list.length }];
          }),
        ),
      })),
    };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    if (backend === 'postgres') {
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      await admin.query(`drop schema if exists ${schema} cascade`);
      await admin.end();
    }
  }
}

const results: SoakResult[] = [];
for (const backend of backends) results.push(await soak(backend));
const machine = await describeMachine(backends.includes('postgres') ? url : null);
const ms = (value: number) => value.toFixed(2);
const lines = [
  `# Soak: ${clients} clients, ${minutes} min per backend, ${rows} memories loaded first`,
  '',
  `${new Date().toISOString()} · ${machine.cpu} · ${machine.cores} cores · Node ${machine.node} · ${Object.entries(
    machine.versions,
  )
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}`,
  '',
  `Mix (weights): ${MIX.map(([name, weight]) => `${name} ${weight}`).join(', ')}. Latency p50 / p95 / p99 in ms per minute; errors by code.`,
  '',
];
for (const result of results) {
  const names = MIX.map(([name]) => name);
  lines.push(
    `## ${result.backend}`,
    '',
    `| minute | operations | errors | ${names.join(' | ')} |`,
    `|--:|--:|---|${names.map(() => '--:').join('|')}|`,
    ...result.minutes.map((minute) => {
      const errors =
        Object.entries(minute.errors)
          .map(([code, n]) => `${code} ${n}`)
          .join(', ') || '0';
      const cells = names.map((name) => {
        const latency = minute.latency[name];
        return latency === undefined
          ? ''
          : `${ms(latency.p50)} / ${ms(latency.p95)} / ${ms(latency.p99)}`;
      });
      return `| ${minute.minute} | ${minute.operations} | ${errors} | ${cells.join(' | ')} |`;
    }),
    '',
  );
}
const markdown = lines.join('\n');
console.log(markdown);
const out = resolve(join(dirname(fileURLToPath(import.meta.url)), '..', 'results'));
mkdirSync(out, { recursive: true });
const stamp = new Date().toISOString().slice(0, 16).replace(/[T:]/g, '-');
writeFileSync(join(out, `soak-${stamp}.md`), `${markdown}\n`);
writeFileSync(
  join(out, `soak-${stamp}.json`),
  JSON.stringify({ machine, clients, minutes, rows, results }, null, 2),
);
console.error(`wrote ${join(out, `soak-${stamp}.md`)}`);
