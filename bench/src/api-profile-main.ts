/**
 * `pnpm bench:api-profile`: where the client's time goes when many callers
 * read through `PostgresStore` at once. One project of the bench's 768-d
 * memories; then get by id with N concurrent callers, through the store and
 * through its raw twin (the bench's named `pg` statement, embedding decoded
 * to a Float32Array), in alternating rounds. Per side and round: operations
 * per second and this process's CPU time per operation (user + system; the
 * server's CPU is not in it). Then one more round of each side under V8's
 * sampling profiler, its samples summed by where the code lives (a
 * package, Node's internals, the kernel calls Node makes, the garbage
 * collector), so the API's extra CPU per call is named layer by layer.
 */
import { Session } from 'node:inspector/promises';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { readVariable } from '@athena/core-types';
import { PostgresStore } from '@athena/store-postgres';
import { generateDataset } from './dataset.js';
import { describeMachine } from './machine.js';
import { loadThroughApi } from './phases/load-through-api.js';
import { rawStatements, withVector } from './postgres/raw-sql.js';
import { resultsDir, saveResults } from './result-files.js';
import type { MachineInfo } from './results.js';
import { now, summarise, throughput } from './stats.js';

const USAGE = `pnpm bench:api-profile [--rows N] [--clients N] [--ops N] [--rounds N] [--out DIR]
  --rows     memories in the project (default 10000)
  --clients  concurrent callers (default 16)
  --ops      gets per side and round (default 30000)
  --rounds   timed rounds per side, alternating (default 5)
  --out      result directory (default bench/results)`;

const DIMENSION = 768;

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '10000' },
    clients: { type: 'string', default: '16' },
    ops: { type: 'string', default: '30000' },
    rounds: { type: 'string', default: '5' },
    out: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const rows = Number(values.rows);
const clients = Number(values.clients);
const ops = Number(values.ops);
const rounds = Number(values.rounds);
if (
  [rows, clients, ops, rounds].some((n) => !Number.isInteger(n) || n < 1) ||
  rows < 1_000 ||
  clients > 64
) {
  console.error(USAGE);
  process.exit(2);
}
const url = readVariable(process.env, 'ATHENA_BENCH_DATABASE_URL');
const log = (message: string) => console.error(message);

type Side = 'api' | 'raw';

interface Round {
  readonly side: Side;
  readonly opsPerSecond: number;
  readonly cpuMicrosPerOp: number;
}

/** CPU of one profiled round, by where the code lives. */
interface Layer {
  readonly layer: string;
  readonly share: number;
  readonly microsPerOp: number;
}

interface ApiProfileReport {
  readonly date: string;
  readonly rows: number;
  readonly clients: number;
  readonly ops: number;
  readonly machine: MachineInfo;
  readonly rounds: readonly Round[];
  readonly profiles: Readonly<Record<Side, readonly Layer[]>>;
  readonly seconds: number;
}

interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: { readonly functionName: string; readonly url: string };
  }[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/**
 * The layer a profile node's code belongs to: a workspace package, an
 * installed package (by name), Node's own JavaScript, or V8's pseudo-frames
 * and native calls (the socket's `writev`, the garbage collector, idle).
 */
function layerOf({ functionName, url: file }: CpuProfile['nodes'][number]['callFrame']): string {
  const installed = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)\//.exec(
    file,
  );
  if (installed !== null) return installed[1] as string;
  const workspace = /\/packages\/([^/]+)\//.exec(file);
  if (workspace !== null) return `@athena/${workspace[1] as string}`;
  if (file.startsWith('node:')) return "Node's JavaScript";
  if (file === '')
    return functionName === '' ? '(native)' : `(${functionName.replace(/[()]/g, '')})`;
  return 'the benchmark';
}

/** Sums a profile's samples by layer; `perOp` divides the time by the round's operations. */
function layers(profile: CpuProfile, perOp: number): Layer[] {
  const layerById = new Map(profile.nodes.map((node) => [node.id, layerOf(node.callFrame)]));
  const micros = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    const layer = layerById.get(id) ?? '(native)';
    micros.set(layer, (micros.get(layer) ?? 0) + delta);
    total += delta;
  });
  return [...micros]
    .filter(([layer]) => layer !== '(idle)')
    .map(([layer, time]) => ({ layer, share: time / total, microsPerOp: time / perOp }))
    .sort((a, b) => b.microsPerOp - a.microsPerOp);
}

const median = (values: readonly number[]) => summarise(values).p50;

function toMarkdown(report: ApiProfileReport): string {
  const { machine } = report;
  const versions = Object.entries(machine.versions)
    .map(([name, version]) => `${name} ${version}`)
    .join(', ');
  const of = (side: Side) => report.rounds.filter((round) => round.side === side);
  const summary = (side: Side) => ({
    opsPerSecond: median(of(side).map((round) => round.opsPerSecond)),
    cpu: median(of(side).map((round) => round.cpuMicrosPerOp)),
  });
  const api = summary('api');
  const raw = summary('raw');
  const layerNames = [
    ...new Set([...report.profiles.api, ...report.profiles.raw].map((layer) => layer.layer)),
  ];
  const micros = (side: Side, layer: string) =>
    report.profiles[side].find((entry) => entry.layer === layer)?.microsPerOp ?? 0;
  const rowsByLayer = layerNames
    .map((layer) => ({ layer, api: micros('api', layer), raw: micros('raw', layer) }))
    .filter((row) => row.api >= 0.5 || row.raw >= 0.5)
    .sort((a, b) => b.api - a.api);
  return [
    `# Get by id with ${report.clients} callers: where the client's CPU goes`,
    '',
    `${report.date} · ${machine.cpu} · ${machine.cores} cores · ${versions}`,
    '',
    `One project of ${report.rows.toLocaleString('en-US')} memories (768-d); ${report.clients} concurrent callers of get by id, ${report.ops.toLocaleString('en-US')} gets per side and round, the sides alternating over ${of('api').length} rounds: the store's \`memories.get\` (API) and its raw twin (a named \`pg\` statement, the embedding decoded to a Float32Array). CPU is this process's user + system time per get; PostgreSQL's own CPU is not in it.`,
    '',
    '| side | ops/s (median) | client CPU per get, µs (median) | rounds: ops/s |',
    '|---|--:|--:|---|',
    `| API | ${Math.round(api.opsPerSecond).toLocaleString('en-US')} | ${api.cpu.toFixed(1)} | ${of(
      'api',
    )
      .map((round) => Math.round(round.opsPerSecond).toLocaleString('en-US'))
      .join(', ')} |`,
    `| raw | ${Math.round(raw.opsPerSecond).toLocaleString('en-US')} | ${raw.cpu.toFixed(1)} | ${of(
      'raw',
    )
      .map((round) => Math.round(round.opsPerSecond).toLocaleString('en-US'))
      .join(', ')} |`,
    `| API/raw | ${(raw.opsPerSecond / api.opsPerSecond).toFixed(2)}× | ${(api.cpu / raw.cpu).toFixed(2)}× | |`,
    '',
    "One more round of each side under V8's sampling profiler, the samples summed by where the code lives (µs per get; idle time left out; `(writev)` is the kernel call that sends a statement, `(garbage collector)` V8's):",
    '',
    '| layer | API µs/get | raw µs/get | API − raw |',
    '|---|--:|--:|--:|',
    ...rowsByLayer.map(
      (row) =>
        `| ${row.layer} | ${row.api.toFixed(1)} | ${row.raw.toFixed(1)} | ${(row.api - row.raw).toFixed(1)} |`,
    ),
    '',
    `Run time ${(report.seconds / 60).toFixed(1)} min.`,
    '',
  ].join('\n');
}

const started = now();
const schema = `athena_api_profile_${process.pid}`;
const admin = new pg.Client({ connectionString: url });
await admin.connect();
const store = new PostgresStore({
  connectionString: url,
  schema,
  embeddingDimension: DIMENSION,
  poolMax: 16,
});
const raw = new pg.Pool({ connectionString: url, max: 16 });
try {
  await store.init();
  const data = generateDataset({
    rows,
    dimension: DIMENSION,
    clusters: 1_000,
    vocabulary: 5_000,
    projects: 1,
    queries: 1,
    seed: 42,
  });
  const project = await store.projects.create({ name: 'profile', path: '/profile' });
  const { ids } = await loadThroughApi(store, project.id, data, 'loading through the store');
  const getText = rawStatements(schema).get;
  const idAt = (i: number) => ids[(i * 7_919) % ids.length] as number;
  const sides: Record<Side, (i: number) => Promise<unknown>> = {
    api: (i) => store.memories.get(project.id, idAt(i)),
    raw: async (i) =>
      (await raw.query({ name: 'get', text: getText, values: [project.id, idAt(i)] })).rows.map(
        withVector,
      ),
  };
  const run = async (side: Side, count: number): Promise<Round> => {
    const cpu = process.cpuUsage();
    const opsPerSecond = await throughput(clients, count, sides[side]);
    const used = process.cpuUsage(cpu);
    return { side, opsPerSecond, cpuMicrosPerOp: (used.user + used.system) / count };
  };
  // Untimed: statements prepared on every connection, the JIT warm.
  for (const side of ['api', 'raw'] as const) await run(side, Math.ceil(ops / 5));
  const timed: Round[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const side of round % 2 === 0 ? (['api', 'raw'] as const) : (['raw', 'api'] as const)) {
      const result = await run(side, ops);
      timed.push(result);
      log(
        `  round ${round + 1} ${side}: ${Math.round(result.opsPerSecond)} ops/s, ${result.cpuMicrosPerOp.toFixed(1)} µs CPU per get`,
      );
    }
  }
  const inspector = new Session();
  inspector.connect();
  await inspector.post('Profiler.enable');
  const profiles = {} as Record<Side, Layer[]>;
  for (const side of ['api', 'raw'] as const) {
    await inspector.post('Profiler.start');
    await run(side, ops);
    const { profile } = (await inspector.post('Profiler.stop')) as { profile: CpuProfile };
    profiles[side] = layers(profile, ops);
  }
  inspector.disconnect();

  const report: ApiProfileReport = {
    date: new Date().toISOString(),
    rows,
    clients,
    ops,
    machine: await describeMachine(url),
    rounds: timed,
    profiles,
    seconds: (now() - started) / 1000,
  };
  const name = `api-profile-${report.date.slice(0, 16).replace(/[T:]/g, '-')}`;
  saveResults(resultsDir(values.out), name, report, toMarkdown(report));
} finally {
  await store.close();
  await raw.end();
  await admin.query(`drop schema if exists ${schema} cascade`);
  await admin.end();
}
