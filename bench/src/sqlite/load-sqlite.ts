import { existsSync, statSync } from 'node:fs';
import type { SqliteStore } from '@athena/store-sqlite';
import type BetterSqlite3 from 'better-sqlite3';
import { loadThroughApi } from '../phases/load-through-api.js';
import type { LoadedLayouts, RunResults } from '../phases/run-context.js';
import { now } from '../stats.js';
import { LOAD_BATCH, progressBar } from '../workload.js';
import type { BenchContext } from '../workload.js';
import { blob, multiRowInserter, openRaw } from './raw-sql.js';
import type { RawRow } from './raw-sql.js';
import type { SqliteFiles } from './sqlite-files.js';

/** The loaded layouts of a SQLite run, with raw connections to both files. */
export interface SqliteLayouts extends LoadedLayouts<SqliteStore> {
  /** Size of file A (with its WAL). */
  readonly dbSizeBytes: number;
  readonly rawA: BetterSqlite3.Database;
  readonly rawB: BetterSqlite3.Database;
}

/**
 * Loads both layouts and adds the bulk-import row. A: the tier through
 * storeMany into one project. B: the store creates the schema and projects,
 * rows go in through raw multi-row INSERTs, one transaction per batch.
 */
export async function loadSqlite(
  files: SqliteFiles,
  bench: BenchContext,
  results: RunResults,
): Promise<SqliteLayouts> {
  const { data } = bench;
  const { rows, dimension, projects } = data.spec;
  const { storeA, storeB } = files;

  // ---- Load A through the API: storeMany in batches.
  await storeA.init();
  const pid = (await storeA.projects.create({ name: 'bench', path: '/bench' })).id;
  const apiLoad = await loadThroughApi(storeA, pid, data, 'sqlite: storeMany (API, 1 project)');

  // ---- Load B raw: the store creates the schema and projects; rows go in through multi-row INSERTs.
  await storeB.init();
  const projectIds: number[] = [];
  for (let p = 0; p < projects; p++) {
    projectIds.push((await storeB.projects.create({ name: `bench-${p}`, path: `/bench/${p}` })).id);
  }
  const rawB = openRaw(files.pathB);
  files.rawB = rawB;
  const insertB = multiRowInserter(rawB);
  const idsB: number[] = new Array(rows);
  const loadB = rawB.transaction((start: number, end: number) => {
    const batch: RawRow[] = [];
    for (let r = start; r < end; r++) {
      const vector = data.vectors.subarray(r * dimension, (r + 1) * dimension);
      batch.push([projectIds[data.projectOf(r)] as number, data.texts[r] ?? '', blob(vector)]);
    }
    insertB(batch).forEach((id, k) => (idsB[start + k] = id));
  });
  const bar = progressBar('sqlite: INSERT (raw, 10 projects)', rows);
  const t0 = now();
  for (let start = 0; start < rows; start += LOAD_BATCH) {
    const end = Math.min(rows, start + LOAD_BATCH);
    loadB.immediate(start, end);
    bar.update(end);
  }
  const rawLoadSeconds = (now() - t0) / 1000;
  bar.stop();
  results.ingest.push({
    operation: `bulk import ${rows.toLocaleString('en-US')} (empty file, batches of ${LOAD_BATCH})`,
    unit: 'memories/s',
    api: rows / apiLoad.seconds,
    raw: rows / rawLoadSeconds,
    ratio: apiLoad.seconds / rawLoadSeconds,
    note: 'API: storeMany into one project; raw: multi-row INSERTs of up to 512 rows (same columns, triggers fill vec0 + FTS5 + bits) in one transaction per batch, into 10 projects',
  });
  const dbSizeBytes = fileSize(files.pathA);
  const rawA = openRaw(files.pathA);
  files.rawA = rawA;
  return {
    storeA,
    pid,
    idsA: apiLoad.ids,
    storeB,
    projectIds,
    idsB,
    dbSizeBytes,
    rawA,
    rawB,
  };
}

function fileSize(path: string): number {
  let total = 0;
  for (const suffix of ['', '-wal', '-shm']) {
    if (existsSync(path + suffix)) total += statSync(path + suffix).size;
  }
  return total;
}
