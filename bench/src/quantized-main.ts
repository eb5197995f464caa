/**
 * `pnpm bench:quantized`: how many binary-quantised candidates SQLite's
 * semantic search must re-score for a given recall. One project per data
 * set and size (768-d, the bench's clustered vectors: "spread", 1,000
 * clusters, and "tight", 100), loaded through the store; then, on the same
 * file, the store's candidate statement (`memory_bits` nearest by Hamming
 * distance, re-scored by exact cosine distance) with the candidate count
 * swept, and the exact vec0 KNN, each with its recall@10 against the exact
 * answer; first, the store's own `search.semantic`, which re-scores
 * `searchCandidateCount(10, rows)` candidates.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import { DEFAULT_MMAP_SIZE_BYTES, SqliteStore, searchCandidateCount } from '@athena/store-sqlite';
import { binaryQuantizeSql } from '../../packages/store-sqlite/src/binary-quantization.js';
import { generateDataset, rowOf } from './dataset.js';
import { groundTruth } from './ground-truth.js';
import { describeMachine } from './machine.js';
import { resultsDir, saveResults } from './result-files.js';
import type { MachineInfo } from './results.js';
import { now, recallAt, summarise } from './stats.js';

const USAGE = `pnpm bench:quantized [--queries N] [--out DIR]
  --queries  query vectors per measurement (default 100)
  --out      result directory (default bench/results)`;

const DIMENSION = 768;
const DATA_SETS = {
  spread: { clusters: 1_000, noise: 0.75 },
  tight: { clusters: 100, noise: 0.5 },
};
const SIZES = [10_000, 20_000, 50_000, 100_000] as const;
const CANDIDATES = [200, 400, 800, 1_600, 3_200] as const;

const { values } = parseArgs({
  options: {
    queries: { type: 'string', default: '100' },
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
const log = (message: string) => console.error(message);

interface Row {
  readonly dataSet: string;
  readonly rows: number;
  /** A candidate count, `exact` for the vec0 KNN, or the store's own search and its count. */
  readonly candidates: number | 'exact' | { readonly store: number };
  readonly p50: number;
  readonly p95: number;
  readonly recall: number;
}

interface QuantizedReport {
  readonly date: string;
  readonly queries: number;
  readonly machine: MachineInfo;
  readonly rows: readonly Row[];
  readonly seconds: number;
}

function candidatesText(candidates: Row['candidates']): string {
  if (candidates === 'exact') return 'exact KNN';
  if (typeof candidates === 'number') return candidates.toLocaleString('en');
  return `**store: ${candidates.store.toLocaleString('en')}**`;
}

function toMarkdown(report: QuantizedReport): string {
  const { machine } = report;
  return [
    '# SQLite: binary-quantised candidates against recall',
    '',
    `${report.date} · ${machine.cpu} · ${machine.cores} cores · ${Object.entries(machine.versions)
      .map(([name, version]) => `${name} ${version}`)
      .join(', ')}`,
    '',
    `Semantic top-10 in one project, ${report.queries} queries: the store's own \`search.semantic\` (it re-scores \`searchCandidateCount(10, rows)\` candidates), the store's candidate statement with the candidate count swept, and the exact vec0 KNN; ms p50 / p95, recall@10 against the exact answer.`,
    '',
    '| data set | rows | candidates | p50 | p95 | recall@10 |',
    '|---|--:|--:|--:|--:|--:|',
    ...report.rows.map(
      (row) =>
        `| ${row.dataSet} | ${row.rows.toLocaleString('en')} | ${candidatesText(row.candidates)} | ${row.p50.toFixed(2)} | ${row.p95.toFixed(2)} | ${row.recall.toFixed(3)} |`,
    ),
    '',
    `Run time ${(report.seconds / 60).toFixed(1)} min.`,
    '',
  ].join('\n');
}

const started = now();
const dir = mkdtempSync(join(tmpdir(), 'athena-bench-quantized-'));
const results: Row[] = [];
try {
  for (const [dataSet, shape] of Object.entries(DATA_SETS)) {
    for (const rows of SIZES) {
      log(`  ${dataSet}, ${rows.toLocaleString('en')} memories …`);
      const data = generateDataset({
        rows,
        dimension: DIMENSION,
        vocabulary: 1_000,
        projects: 1,
        queries,
        seed: 42,
        ...shape,
      });
      const truth = groundTruth(data, 10);
      const path = join(dir, `${dataSet}-${rows}.db`);
      const expected = (q: number) => (truth.unfiltered[q] ?? []).map((row) => ids[row] ?? -1);
      const ids: number[] = [];
      const measure = async (
        candidates: Row['candidates'],
        search: (vector: Float32Array) => number[] | Promise<number[]>,
      ) => {
        const latencies: number[] = [];
        let recall = 0;
        for (let q = 0; q < queries; q++) {
          const vector = rowOf(data.queryVectors, q, DIMENSION);
          const began = now();
          const found = await search(vector);
          latencies.push(now() - began);
          recall += recallAt(found, expected(q), 10);
        }
        const { p50, p95 } = summarise(latencies);
        results.push({ dataSet, rows, candidates, p50, p95, recall: recall / queries });
      };
      const store = new SqliteStore({ path, embeddingDimension: DIMENSION });
      let projectId: number;
      try {
        await store.init();
        projectId = (await store.projects.create({ name: 'p', path: '/p' })).id;
        for (let row = 0; row < rows; row += 1_000) {
          const batch = Array.from({ length: Math.min(1_000, rows - row) }, (_, i) => ({
            content: `memory ${row + i}`,
            embedding: rowOf(data.vectors, row + i, DIMENSION),
          }));
          ids.push(...(await store.memories.storeMany(projectId, batch)));
        }
        await measure({ store: searchCandidateCount(10, rows) }, async (vector) =>
          (
            await store.search.semantic(projectId, vector, { limit: 10, includeEmbedding: false })
          ).map((hit) => hit.memory.id),
        );
      } finally {
        await store.close();
      }
      const db = new Database(path, { readonly: true });
      try {
        // The store's read settings: pages through the memory map, a 64 MiB cache.
        db.pragma(`mmap_size = ${DEFAULT_MMAP_SIZE_BYTES}`);
        db.pragma('cache_size = -65536');
        sqliteVec.load(db);
        const bits = binaryQuantizeSql('@embedding', DIMENSION);
        const quantized = db
          .prepare(
            `
          SELECT m.id AS id FROM (
            SELECT memory_id FROM memory_bits WHERE project_id = @projectId
            ORDER BY vec_distance_hamming(vec_bit(bits), ${bits}) LIMIT @candidates) AS q
          JOIN memory_vectors m ON m.id = q.memory_id
          ORDER BY vec_distance_cosine(m.embedding, @embedding), m.id LIMIT 10`,
          )
          .pluck();
        const knn = db
          .prepare(
            `SELECT memory_id AS id FROM vec_memories
             WHERE embedding MATCH @embedding AND k = 10 AND project_id = @projectId`,
          )
          .pluck();
        const blob = (vector: Float32Array) =>
          Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
        for (const candidates of CANDIDATES) {
          await measure(
            candidates,
            (vector) =>
              quantized.all({ embedding: blob(vector), projectId, candidates }) as number[],
          );
        }
        await measure('exact', (vector) =>
          (knn.all({ embedding: blob(vector), projectId }) as unknown[]).map(Number),
        );
      } finally {
        db.close();
        rmSync(path, { force: true });
      }
    }
  }
  const report: QuantizedReport = {
    date: new Date().toISOString(),
    queries,
    machine: await describeMachine(null),
    rows: results,
    seconds: (now() - started) / 1000,
  };
  const name = `quantized-${report.date.slice(0, 16).replace(/[T:]/g, '-')}`;
  saveResults(outDir, name, report, toMarkdown(report));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
