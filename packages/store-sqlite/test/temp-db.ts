import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';

const dirs: string[] = [];

/** A path for a new database file in a fresh temporary directory. */
export function tmpFile(name = 'memory.db'): string {
  const dir = mkdtempSync(join(tmpdir(), 'athena-sqlite-'));
  dirs.push(dir);
  return join(dir, name);
}

/** Deletes every directory made by {@link tmpFile}. */
export function removeTmpFiles(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A second, raw connection to inspect what the store wrote. */
export function rawConnection(path: string): Database.Database {
  const db = new Database(path);
  sqliteVec.load(db);
  return db;
}

/** A unit vector along `axis`. */
export function axis(index: number, dimension = 8): number[] {
  return Array.from({ length: dimension }, (_, i) => (i === index ? 1 : 0));
}
