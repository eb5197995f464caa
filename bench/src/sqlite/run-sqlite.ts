import { ingestOnTop } from '../phases/ingest-on-top.js';
import { measureTwins } from '../phases/measure-twins.js';
import { backendResult, newRunResults, runContext } from '../phases/run-context.js';
import type { BackendResult } from '../results.js';
import { now } from '../stats.js';
import type { BenchContext } from '../workload.js';
import { loadSqlite } from './load-sqlite.js';
import { closeSqliteFiles, openSqliteFiles } from './sqlite-files.js';
import { sqliteTuning } from './sqlite-tuning.js';
import { sqliteTwins } from './sqlite-twins.js';

/**
 * SqliteStore against better-sqlite3 prepared statements on the same files,
 * in the same process. Layout A: the whole tier in one project (unfiltered
 * search, point operations, ingest). Layout B: the tier spread over 10
 * projects (project-filtered search), loaded raw.
 */
export async function runSqlite(ctx: BenchContext): Promise<BackendResult> {
  const started = now();
  const { data, limits } = ctx;
  const { rows, dimension, projects } = data.spec;
  const files = openSqliteFiles(dimension, ctx.sqliteReaders);
  const results = newRunResults();
  try {
    const layouts = await loadSqlite(files, ctx, results);
    const run = runContext(ctx, layouts, results);
    const twins = sqliteTwins(run, layouts);
    await measureTwins(run, twins);
    await ingestOnTop(run, twins.ingest);
    // Tuning: what exact search costs, and a binary-quantised prototype.
    results.tuning.sqlite = sqliteTuning(layouts.rawA, data, run.pid, run.truthAll, limits.samples);
    return backendResult(
      'sqlite',
      {
        file: 'temporary directory, deleted afterwards',
        pragmas: 'WAL, synchronous=NORMAL, page_size=16384, cache_size=64 MiB, foreign_keys=ON',
        readers: String(ctx.sqliteReaders),
        layoutA: `${rows} memories in one project (unfiltered search, point operations, ingest)`,
        layoutB: `${rows} memories over ${projects} projects (project-filtered search), loaded raw`,
      },
      results,
      layouts.dbSizeBytes,
      started,
    );
  } finally {
    await closeSqliteFiles(files);
  }
}
