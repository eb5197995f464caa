import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '@athena/store-sqlite';
import type BetterSqlite3 from 'better-sqlite3';

/**
 * What a SQLite run holds open: a temporary directory with the two layouts'
 * files (A: the tier in one project, B: over 10 projects), a store on each,
 * and the raw connections once opened. {@link closeSqliteFiles} closes them
 * all and deletes the directory.
 */
export interface SqliteFiles {
  readonly dir: string;
  readonly pathA: string;
  readonly pathB: string;
  readonly storeA: SqliteStore;
  readonly storeB: SqliteStore;
  rawA: BetterSqlite3.Database | null;
  rawB: BetterSqlite3.Database | null;
}

/** A fresh temporary directory with a store (`readers` reader threads) for each layout, not initialised yet. */
export function openSqliteFiles(dimension: number, readers: number): SqliteFiles {
  const dir = mkdtempSync(join(tmpdir(), 'athena-bench-'));
  const pathA = join(dir, 'one-project.db');
  const pathB = join(dir, 'ten-projects.db');
  return {
    dir,
    pathA,
    pathB,
    storeA: new SqliteStore({ path: pathA, embeddingDimension: dimension, readers }),
    storeB: new SqliteStore({ path: pathB, embeddingDimension: dimension, readers }),
    rawA: null,
    rawB: null,
  };
}

/** Closes the raw connections and the stores, and deletes the directory. */
export async function closeSqliteFiles(files: SqliteFiles): Promise<void> {
  files.rawA?.close();
  files.rawB?.close();
  await files.storeA.close();
  await files.storeB.close();
  rmSync(files.dir, { recursive: true, force: true });
}
