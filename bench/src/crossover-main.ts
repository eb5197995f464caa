/**
 * `pnpm bench:crossover`: where scanning a project's rows exactly stops
 * being as fast as asking the ANN index, the crossover behind the store's
 * `EXACT_SCAN_MAX_ROWS`. Projects of growing size beside one large one
 * (768-d clustered vectors); in each, through the API: the search as the
 * store plans it, `exact: true`, and the index with the ef_search the store
 * would give that project, with its recall@10 against the exact answer —
 * for the 32-bit and the half-precision index.
 */
import { parseArgs } from 'node:util';
import { readVariable } from '@athena/core-types';
import { PostgresStore } from '@athena/store-postgres';
import type { VectorIndexPrecision } from '@athena/store-postgres';
import pg from 'pg';
import { generateDataset, rowOf } from './dataset.js';
import { describeMachine } from './machine.js';
import { resultsDir, saveResults } from './result-files.js';
import type { MachineInfo } from './results.js';
import { now, recallAt, summarise } from './stats.js';

const USAGE = `pnpm bench:crossover [--queries N] [--out DIR]
  --queries  query vectors per search (default 50)
  --out      result directory (default bench/results)`;

/** Memories of the measured projects; one more project holds the rest of the table. */
const SIZES = [250, 500, 1_000, 2_000, 3_000, 4_000, 8_000] as const;
const REST = 20_000;
const DIMENSION = 768;
/** What the store gives a project holding a share s of the rows without a graph of its own. */
const storeEfSearch = (limit: number, share: number) =>
  Math.min(1_000, Math.ceil((2 * limit) / share));

const { values } = parseArgs({
  options: {
    queries: { type: 'string', default: '50' },
    out: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const queries = Number(values.queries);
if (!Number.isInteger(queries) || queries < 10) {
  console.error(USAGE);
  process.exit(2);
}
const outDir = resultsDir(values.out);
const url = readVariable(process.env, 'ATHENA_BENCH_DATABASE_URL');
const log = (message: string) => console.error(message);

interface Row {
  readonly precision: VectorIndexPrecision;
  readonly rows: number;
  /** p50 / p95 in ms. */
  readonly planned: readonly [number, number];
  readonly exact: readonly [number, number];
  readonly index: readonly [number, number];
  readonly efSearch: number;
  readonly indexRecall: number;
}

interface CrossoverReport {
  readonly date: string;
  readonly queries: number;
  readonly machine: MachineInfo;
  readonly rows: readonly Row[];
  readonly seconds: number;
}

async function timed(
  samples: readonly Float32Array[],
  search: (q: Float32Array) => Promise<unknown>,
) {
  for (const q of samples.slice(0, 5)) await search(q);
  const latencies: number[] = [];
  for (const q of samples) {
    const started = now();
    await search(q);
    latencies.push(now() - started);
  }
  const { p50, p95 } = summarise(latencies);
  return [p50, p95] as const;
}

function toMarkdown(report: CrossoverReport): string {
  const ms = ([p50, p95]: readonly [number, number]) => `${p50.toFixed(2)} / ${p95.toFixed(2)}`;
  const { machine } = report;
  return [
    '# Exact scan against the index, by project size',
    '',
    `${report.date} · ${machine.cpu} · ${machine.cores} cores · ${Object.entries(machine.versions)
      .map(([name, version]) => `${name} ${version}`)
      .join(', ')}`,
    '',
    `Semantic top-10 in a project of the given size beside one of ${REST.toLocaleString('en')} memories (768-d, clustered), ${report.queries} queries after 5 untimed, through the API, without embeddings in the results; ms p50 / p95. "planned": as the store runs it (exact up to EXACT_SCAN_MAX_ROWS by the planner's statistics); "index": the ANN index with the ef_search the store gives the project, and its recall@10 against the exact answer.`,
    '',
    '| index | project rows | planned | exact | index | ef_search | index recall@10 |',
    '|---|--:|--:|--:|--:|--:|--:|',
    ...report.rows.map(
      (row) =>
        `| ${row.precision} | ${row.rows.toLocaleString('en')} | ${ms(row.planned)} | ${ms(row.exact)} | ${ms(row.index)} | ${row.efSearch} | ${row.indexRecall.toFixed(3)} |`,
    ),
    '',
    `Run time ${(report.seconds / 60).toFixed(1)} min.`,
    '',
  ].join('\n');
}

const started = now();
const total = REST + SIZES.reduce((sum, size) => sum + size, 0);
const data = generateDataset({
  rows: total,
  dimension: DIMENSION,
  clusters: 1_000,
  vocabulary: 1_000,
  projects: 1,
  queries,
  seed: 7,
});
const schema = 'athena_bench_crossover';
const admin = new pg.Client({ connectionString: url });
await admin.connect();
await admin.query(`drop schema if exists ${schema} cascade`);
const results: Row[] = [];
try {
  const projects = new Map<number, number>();
  for (const precision of ['full', 'half'] as const) {
    log(`  ${precision} precision …`);
    const store = new PostgresStore({
      connectionString: url,
      schema,
      embeddingDimension: DIMENSION,
      vectorIndex: { type: 'hnsw', precision },
    });
    try {
      await store.init();
      if (projects.size === 0) {
        log(`  loading ${total.toLocaleString('en')} memories …`);
        let row = 0;
        await store.bulkLoad(
          async (tx) => {
            for (const size of [...SIZES, REST]) {
              const project = await tx.projects.create({ name: `p${size}`, path: `/p${size}` });
              projects.set(size, project.id);
              for (let done = 0; done < size; done += 1_000) {
                const batch = Array.from({ length: Math.min(1_000, size - done) }, () => {
                  const input = {
                    content: data.texts[row] ?? '',
                    embedding: rowOf(data.vectors, row, DIMENSION),
                  };
                  row += 1;
                  return input;
                });
                await tx.memories.storeMany(project.id, batch);
              }
            }
          },
          { memories: total },
        );
        await admin.query(`analyze ${schema}.memory_vectors`);
        await admin.query(`analyze ${schema}.memory_embeddings`);
      }
      const samples = Array.from({ length: queries }, (_, q) =>
        rowOf(data.queryVectors, q, DIMENSION),
      );
      for (const size of SIZES) {
        const project = projects.get(size) ?? 0;
        const efSearch = storeEfSearch(10, size / total);
        const search = (q: Float32Array, options: object) =>
          store.search.semantic(project, q, { limit: 10, includeEmbedding: false, ...options });
        const ids = async (q: Float32Array, options: object) =>
          (await search(q, options)).map((hit) => hit.memory.id);
        let recall = 0;
        for (const q of samples)
          recall += recallAt(await ids(q, { efSearch }), await ids(q, { exact: true }), 10);
        results.push({
          precision,
          rows: size,
          planned: await timed(samples, (q) => search(q, {})),
          exact: await timed(samples, (q) => search(q, { exact: true })),
          index: await timed(samples, (q) => search(q, { efSearch })),
          efSearch,
          indexRecall: recall / samples.length,
        });
      }
    } finally {
      await store.close();
    }
  }
  const report: CrossoverReport = {
    date: new Date().toISOString(),
    queries,
    machine: await describeMachine(url),
    rows: results,
    seconds: (now() - started) / 1000,
  };
  const name = `crossover-${report.date.slice(0, 16).replace(/[T:]/g, '-')}`;
  saveResults(outDir, name, report, toMarkdown(report));
} finally {
  await admin.query(`drop schema if exists ${schema} cascade`);
  await admin.end();
}
