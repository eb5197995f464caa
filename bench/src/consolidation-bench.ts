/**
 * Consolidation throughput: 10,000 unconsolidated memories, a fifth of them
 * near duplicates of the others, consolidated by one worker and by two
 * concurrent workers, each a process of its own with its own store, on one
 * backend. Reports memories/s and the share of time per phase, summed
 * from the workers' run records.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Store } from '@athena/core-types';
import { PostgresStore } from '@athena/store-postgres';
import { SqliteStore } from '@athena/store-sqlite';
import pg from 'pg';
import { generateDataset, rowOf } from './dataset.js';
import { Random } from './random.js';
import { now } from './stats.js';
import type { OperationTime } from './timed-store.js';
import type { WorkerInput, WorkerOutput } from './consolidation-worker.js';
import { LOAD_BATCH } from './workload.js';

/** The synthetic backlog: texts and vectors, and which rows duplicate which. */
export interface ConsolidationBacklog {
  readonly rows: number;
  readonly dimension: number;
  readonly texts: readonly string[];
  /** rows × dimension, row-major, L2-normalised. */
  readonly vectors: Float32Array;
  /** Row → the row it duplicates (an earlier or later one), for the duplicates only. */
  readonly duplicateOf: ReadonlyMap<number, number>;
}

/** One measured consolidation of the whole backlog. */
export interface ConsolidationBenchRow {
  readonly backend: 'sqlite' | 'postgres';
  readonly workers: number;
  readonly memories: number;
  readonly seconds: number;
  readonly memoriesPerSecond: number;
  /** Summed over the workers' runs: claimed, clusters, created, superseded, linked. */
  readonly totals: Readonly<
    Record<'claimed' | 'clusters' | 'created' | 'superseded' | 'linked' | 'errors', number>
  >;
  /** Phase → share of the summed phase time, in [0, 1]. */
  readonly phaseShares: Readonly<Record<string, number>>;
  /** Phase → summed milliseconds over every worker's runs. */
  readonly phaseMs: Readonly<Record<string, number>>;
  /**
   * Store operations the workers called (through a timing wrapper of the
   * store), summed over the workers: where the phases' time goes.
   * `transaction` includes the calls made inside it.
   */
  readonly storeTimes: Readonly<Record<string, OperationTime>>;
  /** Passes per worker. */
  readonly runs: readonly number[];
  /** What the store holds afterwards, by consolidation state. */
  readonly states: Readonly<Record<string, number>>;
  /**
   * The failures the workers' run records hold (a failed batch is released
   * and ends its pass), and passes that threw instead of returning a record.
   */
  readonly errorMessages: readonly string[];
  /** Duplicates left live (neither superseded nor the survivor of their pair): should be 0. */
  readonly duplicatePairsNotMerged: number;
}

/**
 * `rows` memories: 80 % drawn from the bench data set (clustered vectors,
 * Zipf texts: topical neighbours around cosine 0.6, below any sensible
 * threshold), 20 % near duplicates of them (the same vector plus noise,
 * cosine ≈ 0.97, the same text with two words changed, or unchanged for
 * every other one), shuffled with a fixed seed.
 *
 * @example
 * ```ts
 * const backlog = consolidationBacklog(10_000);
 * ```
 */
export function consolidationBacklog(rows: number, seed = 42): ConsolidationBacklog {
  const dimension = 768;
  const originals = Math.round(rows * 0.8);
  const data = generateDataset({
    rows: originals,
    dimension,
    clusters: 1000,
    vocabulary: 5000,
    projects: 1,
    queries: 1,
    seed,
  });
  const random = new Random(seed ^ 0xc0de);
  const vectors = new Float32Array(rows * dimension);
  vectors.set(data.vectors);
  const texts = [...data.texts];
  const source: number[] = [];
  const noise = 0.25 / Math.sqrt(dimension);
  for (let row = originals; row < rows; row++) {
    const of = random.int(0, originals - 1);
    source[row] = of;
    const base = rowOf(data.vectors, of, dimension);
    let norm = 0;
    for (let i = 0; i < dimension; i++) {
      const value = (base[i] ?? 0) + noise * random.gaussian();
      vectors[row * dimension + i] = value;
      norm += value * value;
    }
    const scale = 1 / Math.sqrt(norm);
    for (let i = 0; i < dimension; i++)
      vectors[row * dimension + i] = (vectors[row * dimension + i] ?? 0) * scale;
    const words = (data.texts[of] ?? '').split(' ');
    if (row % 2 === 0) {
      for (let k = 0; k < 2; k++) words[random.int(0, words.length - 1)] = 'changed';
    }
    texts[row] = words.join(' ');
  }
  // Shuffle (Fisher–Yates) so duplicates and originals arrive interleaved, in either order.
  const order = Array.from({ length: rows }, (_, i) => i);
  for (let i = rows - 1; i > 0; i--) {
    const j = random.int(0, i);
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  const position = new Map(order.map((row, index) => [row, index]));
  const shuffledVectors = new Float32Array(rows * dimension);
  const shuffledTexts: string[] = new Array(rows);
  const duplicateOf = new Map<number, number>();
  order.forEach((row, index) => {
    shuffledVectors.set(
      vectors.subarray(row * dimension, (row + 1) * dimension),
      index * dimension,
    );
    shuffledTexts[index] = texts[row] ?? '';
    const of = source[row];
    if (of !== undefined) duplicateOf.set(index, position.get(of) ?? -1);
  });
  return { rows, dimension, texts: shuffledTexts, vectors: shuffledVectors, duplicateOf };
}

/** Opens stores on one fresh database of a backend, and deletes it at the end. */
interface BenchDatabase {
  /** The SQLite file, or the PostgreSQL schema. */
  readonly path: string;
  readonly schema: string;
  open(): Promise<Store>;
  drop(): Promise<void>;
}

function sqliteDatabase(dimension: number): BenchDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'athena-bench-consolidation-'));
  return {
    path: join(dir, 'consolidation.db'),
    schema: '',
    async open() {
      const store = new SqliteStore({
        path: join(dir, 'consolidation.db'),
        embeddingDimension: dimension,
      });
      await store.init();
      return store;
    },
    async drop() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let schemas = 0;

function postgresDatabase(url: string, dimension: number): BenchDatabase {
  schemas += 1;
  const schema = `athena_bench_${process.pid}_c${schemas}`;
  return {
    path: '',
    schema,
    async open() {
      const store = new PostgresStore({
        connectionString: url,
        schema,
        embeddingDimension: dimension,
      });
      await store.init();
      return store;
    },
    async drop() {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}

/** A started worker process: `go()` lets it start consolidating; `done` is its output. */
interface WorkerProcess {
  go(): void;
  readonly done: Promise<WorkerOutput>;
}

/** Starts a worker process and resolves once it has opened its store and waits for `go`. */
function startWorker(input: WorkerInput): Promise<WorkerProcess> {
  const script = fileURLToPath(new URL('./consolidation-worker.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(input)], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return new Promise((resolveReady, rejectReady) => {
    let output: WorkerOutput | null = null;
    lines.on('line', (line) => {
      if (line === 'ready') {
        resolveReady({
          go: () => child.stdin.end('go\n'),
          done: exited.then((code) => {
            if (code !== 0 || output === null)
              throw new Error(`worker ${input.workerId} exited with ${String(code)}`);
            return output;
          }),
        });
      } else if (line.startsWith('{')) output = JSON.parse(line) as WorkerOutput;
    });
    void exited.then((code) =>
      rejectReady(
        new Error(`worker ${input.workerId} exited with ${String(code)} before it was ready`),
      ),
    );
  });
}

const TOTAL_KEYS = ['claimed', 'clusters', 'created', 'superseded', 'linked', 'errors'] as const;

/**
 * Loads the backlog into a fresh database and consolidates it with
 * `workers` concurrent worker processes, each with its own store; the timer
 * starts once every worker has opened its store and covers the
 * consolidation only.
 *
 * @example
 * ```ts
 * const row = await benchConsolidation('postgres', backlog, 2, { url, log: console.error });
 * ```
 */
export async function benchConsolidation(
  backend: 'sqlite' | 'postgres',
  backlog: ConsolidationBacklog,
  workers: number,
  options: { readonly url: string; readonly log: (message: string) => void },
): Promise<ConsolidationBenchRow> {
  const db =
    backend === 'sqlite'
      ? sqliteDatabase(backlog.dimension)
      : postgresDatabase(options.url, backlog.dimension);
  const stores: Store[] = [];
  try {
    const loader = await db.open();
    stores.push(loader);
    const project = await loader.projects.create({
      name: 'consolidation-bench',
      path: '/bench/consolidation',
    });
    const ids: number[] = [];
    for (let start = 0; start < backlog.rows; start += LOAD_BATCH) {
      const batch = [];
      for (let row = start; row < Math.min(backlog.rows, start + LOAD_BATCH); row++) {
        batch.push({
          content: backlog.texts[row] ?? '',
          embedding: rowOf(backlog.vectors, row, backlog.dimension),
        });
      }
      ids.push(...(await loader.memories.storeMany(project.id, batch)));
    }
    // Each worker is its own process with its own store, as deployed: on SQLite two connections
    // in one process would wait for the write lock synchronously (blocking the event loop the
    // other needs to commit), and in one process two workers would share one JavaScript thread.
    const location =
      backend === 'sqlite'
        ? { backend, path: db.path }
        : { backend, url: options.url, schema: db.schema };
    const processes = await Promise.all(
      Array.from({ length: workers }, (_, w) =>
        startWorker({
          location,
          dimension: backlog.dimension,
          projectId: project.id,
          workerId: `bench-${backend}-${w}`,
        }),
      ),
    );
    options.log(`  ${backend}: consolidating ${backlog.rows} memories with ${workers} worker(s) …`);
    const started = now();
    for (const worker of processes) worker.go();
    const outputs = await Promise.all(processes.map((worker) => worker.done));
    const seconds = (now() - started) / 1000;

    const records = outputs.map((output) => output.runs);
    const all = records.flat();
    const totals = Object.fromEntries(
      TOTAL_KEYS.map((key) => [key, all.reduce((sum, run) => sum + run[key], 0)]),
    ) as ConsolidationBenchRow['totals'];
    const phaseMs: Record<string, number> = {};
    for (const run of all) {
      for (const [phase, ms] of Object.entries(run.phases))
        phaseMs[phase] = (phaseMs[phase] ?? 0) + ms;
    }
    const phaseTotal = Object.values(phaseMs).reduce((sum, ms) => sum + ms, 0);
    const phaseShares = Object.fromEntries(
      Object.entries(phaseMs).map(([phase, ms]) => [phase, phaseTotal === 0 ? 0 : ms / phaseTotal]),
    );

    const storeTimes: Record<string, OperationTime> = {};
    for (const output of outputs) {
      for (const [name, time] of Object.entries(output.storeTimes)) {
        const sum = storeTimes[name] ?? { calls: 0, ms: 0 };
        storeTimes[name] = { calls: sum.calls + time.calls, ms: sum.ms + time.ms };
      }
    }
    const stats = await loader.stats();
    const states = { ...stats.memoriesByState } as Record<string, number>;
    // A duplicate pair is merged when one of the two is superseded.
    let duplicatePairsNotMerged = 0;
    const pairs = [...backlog.duplicateOf].map(
      ([row, of]) => [ids[row] ?? -1, ids[of] ?? -1] as const,
    );
    for (let start = 0; start < pairs.length; start += 500) {
      const slice = pairs.slice(start, start + 500);
      const memories = await loader.memories.getMany(project.id, slice.flat());
      const superseded = new Set(memories.filter((m) => m.supersededBy !== null).map((m) => m.id));
      duplicatePairsNotMerged += slice.filter(
        ([a, b]) => !superseded.has(a) && !superseded.has(b),
      ).length;
    }
    return {
      backend,
      workers,
      memories: backlog.rows,
      seconds,
      memoriesPerSecond: backlog.rows / seconds,
      totals,
      phaseShares,
      phaseMs,
      storeTimes,
      runs: records.map((runs) => runs.length),
      states,
      duplicatePairsNotMerged,
      errorMessages: [
        ...all.flatMap((run) => (run.error === null ? [] : [run.error])),
        ...outputs.flatMap((output) => output.failures.map((failure) => `run() threw: ${failure}`)),
      ],
    };
  } finally {
    for (const store of stores) await store.close();
    await db.drop();
  }
}
