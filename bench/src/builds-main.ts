import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { readVariable } from '@athena/core-types';
import type { Store } from '@athena/core-types';
import { generateDataset } from './dataset.js';
import { describeMachine } from './machine.js';
import { now, summarise } from './stats.js';
import { LOAD_BATCH, memoryInput, queryText, queryVector } from './workload.js';

const USAGE = `pnpm bench:builds --before DIR [--backend sqlite,postgres] [--rows N] [--samples N] [--out DIR]
  Measures two builds of the stores call by call in one process: the packages of this
  checkout ("after") against those of another checkout, built (--before, e.g. a git
  worktree of the base commit after \`pnpm install && pnpm build\`). Both stores open the
  same database; each sample calls both, in alternating order, so the machine's drift
  hits both alike. Per operation: p50 of each build and after ÷ before.
  --rows      memories loaded (default 10000)
  --samples   calls per operation and build (default 2000)
  --out       result directory (default bench/results)`;

const { values } = parseArgs({
  options: {
    before: { type: 'string' },
    backend: { type: 'string', default: 'sqlite,postgres' },
    rows: { type: 'string', default: '10000' },
    samples: { type: 'string', default: '2000' },
    out: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
const backends = (values.backend ?? '').split(',');
const rows = Number(values.rows);
const samples = Number(values.samples);
if (
  values.help ||
  values.before === undefined ||
  !backends.every((b) => b === 'sqlite' || b === 'postgres') ||
  !Number.isInteger(rows) ||
  rows < 100 ||
  !Number.isInteger(samples) ||
  samples < 100
) {
  console.log(USAGE);
  process.exit(values.help ? 0 : 2);
}
const beforeDir = resolve(values.before);
const outDir = resolve(
  values.out ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'results'),
);
const url = readVariable(process.env, 'ATHENA_BENCH_DATABASE_URL');
const log = (message: string) => console.error(message);

/** The store classes a build exports, loaded from its built package. */
interface StoreClasses {
  readonly SqliteStore: new (options: { path: string; embeddingDimension: number }) => Store;
  readonly PostgresStore: new (options: {
    connectionString: string;
    schema: string;
    embeddingDimension: number;
  }) => Store;
}

async function loadBuild(root: string | null): Promise<StoreClasses> {
  if (root === null) {
    const [{ SqliteStore }, { PostgresStore }] = await Promise.all([
      import('@athena/store-sqlite'),
      import('@athena/store-postgres'),
    ]);
    return { SqliteStore, PostgresStore } as unknown as StoreClasses;
  }
  const load = (name: string) =>
    import(pathToFileURL(join(root, 'packages', name, 'dist', 'index.js')).href) as Promise<
      Record<string, unknown>
    >;
  const [sqlite, postgres] = await Promise.all([load('store-sqlite'), load('store-postgres')]);
  return {
    SqliteStore: sqlite['SqliteStore'],
    PostgresStore: postgres['PostgresStore'],
  } as StoreClasses;
}

interface Row {
  readonly backend: string;
  readonly operation: string;
  readonly beforeP50: number;
  readonly afterP50: number;
  /** afterP50 / beforeP50: 1 = no change, above 1 = after is slower. */
  readonly ratio: number;
}

const data = generateDataset({
  rows,
  dimension: 768,
  clusters: 1000,
  vocabulary: 5000,
  projects: 1,
  queries: 200,
  seed: 42,
});
const before = await loadBuild(beforeDir);
const after = await loadBuild(null);
const results: Row[] = [];

for (const backend of backends) {
  const dir = mkdtempSync(join(tmpdir(), 'athena-builds-'));
  const schema = `athena_builds_${process.pid}`;
  const open = (build: StoreClasses): Store =>
    backend === 'sqlite'
      ? new build.SqliteStore({ path: join(dir, 'builds.db'), embeddingDimension: 768 })
      : new build.PostgresStore({ connectionString: url, schema, embeddingDimension: 768 });
  // A third store (the base build) creates and loads the database and is closed: the two
  // measured stores then start alike, on new connections (a loader's own connections
  // measured up to 20 % faster, whichever build it was).
  const loader = open(before);
  await loader.init();
  const old = open(before);
  const fresh = open(after);
  try {
    const pid = (await loader.projects.create({ name: 'builds', path: '/builds' })).id;
    const ids: number[] = [];
    log(`${backend}: loading ${rows.toLocaleString('en-US')} memories …`);
    for (let start = 0; start < rows; start += LOAD_BATCH) {
      const batch = [];
      for (let r = start; r < Math.min(rows, start + LOAD_BATCH); r++) {
        batch.push(memoryInput(data, r));
      }
      ids.push(...(await loader.memories.storeMany(pid, batch)));
    }
    await loader.close();
    await old.init();
    await fresh.init();
    const tenIds = (i: number) =>
      Array.from({ length: 10 }, (_, k) => ids[(i * 10 + k) % rows] as number);
    const hybrid = (i: number) => ({ embedding: queryVector(data, i), text: queryText(data, i) });
    const operations: [string, (store: Store, i: number) => Promise<unknown>][] = [
      ['get by id', (s, i) => s.memories.get(pid, ids[(i * 7919) % rows] as number)],
      ['semantic top-10', (s, i) => s.search.semantic(pid, queryVector(data, i))],
      [
        'semantic top-10, no embeddings',
        (s, i) => s.search.semantic(pid, queryVector(data, i), { includeEmbedding: false }),
      ],
      ['keyword top-10', (s, i) => s.search.keyword(pid, queryText(data, i))],
      ['hybrid top-10 (weighted)', (s, i) => s.search.hybrid(pid, hybrid(i))],
      ['hybrid top-10 (rrf)', (s, i) => s.search.hybrid(pid, hybrid(i), { fusion: 'rrf' })],
      [
        'recordAccess (10 ids)',
        (s, i) => s.memories.recordAccess(pid, tenIds(i), { retrieved: true }),
      ],
      ['list (page of 20)', (s) => s.memories.list(pid, { limit: 20 })],
    ];
    for (const [operation, call] of operations) {
      // Warm-up: both builds' statements prepared, caches and JIT settled.
      for (let i = 0; i < 50; i++) {
        await call(old, i);
        await call(fresh, i);
      }
      const times = { before: [] as number[], after: [] as number[] };
      for (let i = 0; i < samples; i++) {
        const order = i % 2 === 0 ? (['before', 'after'] as const) : (['after', 'before'] as const);
        for (const side of order) {
          const t0 = now();
          await call(side === 'before' ? old : fresh, i);
          times[side].push(now() - t0);
        }
      }
      const b = summarise(times.before).p50;
      const a = summarise(times.after).p50;
      results.push({ backend, operation, beforeP50: b, afterP50: a, ratio: a / b });
      log(
        `  ${operation.padEnd(32)} before ${b.toFixed(4)} ms  after ${a.toFixed(4)} ms  ${(a / b).toFixed(3)}×`,
      );
    }
  } finally {
    await loader.close();
    await fresh.close();
    await old.close();
    if (backend === 'postgres') {
      const { default: pg } = await import('pg');
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      await admin.query(`drop schema if exists ${schema} cascade`);
      await admin.end();
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

const date = new Date();
const stamp = date.toISOString().slice(0, 16).replace('T', '-').replace(':', '-');
const machine = await describeMachine(backends.includes('postgres') ? url : null);
const lines = [
  `# Two builds, call by call: ${rows.toLocaleString('en-US')} memories, ${samples.toLocaleString('en-US')} samples per operation`,
  '',
  `${date.toISOString()} · ${machine.cpu} · ${machine.cores} cores · Node ${machine.node} · after: commit ${machine.versions['commit'] ?? '?'}; before: ${beforeDir}`,
  '',
  'Both builds open the same database in one process, loaded by a third store closed before they open; each sample calls both, in alternating order. p50 in milliseconds; after ÷ before: 1 = no change.',
  '',
  '| backend | operation | before p50 | after p50 | after ÷ before |',
  '|---|---|--:|--:|--:|',
  ...results.map(
    (r) =>
      `| ${r.backend} | ${r.operation} | ${r.beforeP50.toFixed(4)} | ${r.afterP50.toFixed(4)} | ${r.ratio.toFixed(3)} |`,
  ),
  '',
];
mkdirSync(outDir, { recursive: true });
const base = join(outDir, `${stamp}-builds-${rows}`);
writeFileSync(`${base}.md`, lines.join('\n'));
writeFileSync(
  `${base}.json`,
  JSON.stringify({ date, rows, samples, before: beforeDir, machine, results }, null, 2),
);
console.log(lines.join('\n'));
log(`wrote ${base}.md`);
