import type BetterSqlite3 from 'better-sqlite3';
import { meanRecall, now, summarise } from '../stats.js';
import { queryVector } from '../workload.js';
import type { BenchContext } from '../workload.js';
import { blob } from './raw-sql.js';

/**
 * Exact float search two ways (vec0 KNN, vec_distance_cosine over the base
 * table) and the prototype a quantised index would need: binary-quantised
 * vec0 candidates (hamming distance), re-scored exactly with the float vectors.
 */
export function sqliteTuning(
  db: BetterSqlite3.Database,
  data: BenchContext['data'],
  pid: number,
  truth: (i: number) => readonly number[],
  samples: number,
): Record<string, unknown> {
  const n = Math.min(samples, 50);
  const q = (i: number) => blob(queryVector(data, i));
  const time = (fn: (i: number) => unknown) => {
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = now();
      fn(i);
      times.push(now() - t);
    }
    return summarise(times);
  };
  const out: Record<string, unknown> = {};
  const knn = db.prepare(
    'SELECT memory_id FROM vec_memories WHERE embedding MATCH ? AND k = 10 AND project_id = ?',
  );
  out.vec0KnnIdsOnly = time((i) => knn.all(q(i), pid));
  const scan = db.prepare(
    'SELECT id FROM memory_vectors WHERE project_id = ? ORDER BY vec_distance_cosine(embedding, ?) LIMIT 10',
  );
  out.baseTableScanIdsOnly = time((i) => scan.all(pid, q(i)));
  const t0 = now();
  db.exec(
    `CREATE VIRTUAL TABLE bench_vec_bit USING vec0(memory_id INTEGER PRIMARY KEY, embedding bit[${data.spec.dimension}])`,
  );
  db.exec(
    'INSERT INTO bench_vec_bit (memory_id, embedding) SELECT id, vec_quantize_binary(embedding) FROM memory_vectors',
  );
  out.binaryIndexBuildSeconds = (now() - t0) / 1000;
  const sweep: Record<string, unknown>[] = [];
  for (const candidates of [40, 100, 200, 400]) {
    const stmt = db.prepare(`WITH c AS MATERIALIZED (
        SELECT memory_id FROM bench_vec_bit WHERE embedding MATCH vec_quantize_binary(@q) AND k = ${candidates})
      SELECT m.id FROM c JOIN memory_vectors m ON m.id = c.memory_id
      ORDER BY vec_distance_cosine(m.embedding, @q) LIMIT 10`);
    const found: number[][] = [];
    const summary = time((i) =>
      found.push((stmt.all({ q: q(i) }) as { id: number }[]).map((r) => r.id)),
    );
    sweep.push({
      candidates,
      p50: summary.p50,
      p95: summary.p95,
      recall: meanRecall(found, truth),
    });
  }
  out.binaryRescoreSweep = sweep;
  db.exec('DROP TABLE bench_vec_bit');
  return out;
}
