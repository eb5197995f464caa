/**
 * An experiment behind bench/README.md's consolidation figures: one worker
 * consolidates the same backlog on PostgreSQL twice, once with the schema as
 * shipped and once without the `(project_id, consolidation_state)` index, and
 * prints memories/s, how many row updates were HOT (heap-only: no index
 * entry rewritten) and the store operations that took longest.
 *
 *   pnpm --filter @athena/bench exec tsx src/consolidation-state-index.ts [rows, default 5000]
 */
import { createConsolidator } from '@athena/consolidation';
import { readVariable } from '@athena/core-types';
import { HashingEmbedder } from '@athena/search';
import { PostgresStore } from '@athena/store-postgres';
import pg from 'pg';
import { consolidationBacklog } from './consolidation-bench.js';
import { rowOf } from './dataset.js';
import { timedStore } from './timed-store.js';

const url = readVariable(process.env, 'ATHENA_BENCH_DATABASE_URL');
const rows = Number(process.argv[2] ?? 5000);
const backlog = consolidationBacklog(rows);

async function measure(dropStateIndex: boolean): Promise<void> {
  const schema = `athena_bench_${process.pid}_state${dropStateIndex ? 'less' : ''}`;
  const store = new PostgresStore({ connectionString: url, schema, embeddingDimension: 768 });
  const client = new pg.Client({ connectionString: url });
  await store.init();
  await client.connect();
  try {
    const project = await store.projects.create({ name: 'state-index', path: '/bench/state' });
    for (let start = 0; start < rows; start += 1000) {
      const batch = [];
      for (let row = start; row < Math.min(rows, start + 1000); row++)
        batch.push({
          content: backlog.texts[row] ?? '',
          embedding: rowOf(backlog.vectors, row, 768),
        });
      await store.memories.storeMany(project.id, batch);
    }
    if (dropStateIndex) await client.query(`DROP INDEX ${schema}.memory_vectors_project_state_idx`);
    const { store: timed, times } = timedStore(store);
    const consolidator = createConsolidator({
      store: timed,
      embedder: new HashingEmbedder({ dimension: 768 }),
      options: { episodes: false, workerId: 'state-index' },
    });
    const started = performance.now();
    await consolidator.run({ projectId: project.id });
    const seconds = (performance.now() - started) / 1000;
    const { rows: stats } = await client.query<{ n_tup_upd: string; n_tup_hot_upd: string }>(
      `SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables WHERE schemaname = $1 AND relname = 'memory_vectors'`,
      [schema],
    );
    console.log(
      `${dropStateIndex ? 'without the state index' : 'schema as shipped'}: ${(rows / seconds).toFixed(0)} memories/s, ` +
        `${stats[0]?.n_tup_hot_upd ?? '?'} of ${stats[0]?.n_tup_upd ?? '?'} row updates HOT`,
    );
    for (const [name, time] of [...times].sort((a, b) => b[1].ms - a[1].ms).slice(0, 6))
      console.log(
        `  ${name.padEnd(32)} ${Math.round(time.ms).toLocaleString('en-US').padStart(8)} ms (${time.calls})`,
      );
  } finally {
    await store.close();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  }
}

await measure(false);
await measure(true);
