import { execFileSync } from 'node:child_process';
import { cpus, release, totalmem, type } from 'node:os';
import Database from 'better-sqlite3';
import pg from 'pg';
import * as sqliteVec from 'sqlite-vec';
import type { MachineInfo } from './results.js';

/**
 * CPU, memory and the versions of everything measured: Node, SQLite,
 * sqlite-vec, PostgreSQL and pgvector (when a PostgreSQL URL is given), and
 * any others the run names (the peers' packages).
 *
 * @example
 * ```ts
 * const machine = await describeMachine('postgres://athena@127.0.0.1:5432/athena_test');
 * ```
 */
export async function describeMachine(
  postgresUrl: string | null,
  extraVersions: Readonly<Record<string, string>> = {},
): Promise<MachineInfo> {
  const versions: Record<string, string> = { ...extraVersions };
  const db = new Database(':memory:');
  try {
    sqliteVec.load(db);
    versions.sqlite = String(db.prepare('select sqlite_version()').pluck().get());
    versions['sqlite-vec'] = String(db.prepare('select vec_version()').pluck().get());
  } finally {
    db.close();
  }
  if (postgresUrl !== null) {
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    try {
      const server = await client.query<{ v: string }>(
        "select current_setting('server_version') as v",
      );
      versions.postgresql = server.rows[0]?.v ?? 'unknown';
      const vector = await client.query<{ v: string }>(
        "select extversion as v from pg_extension where extname = 'vector'",
      );
      versions.pgvector = vector.rows[0]?.v ?? 'not installed';
      for (const setting of [
        'shared_buffers',
        'work_mem',
        'max_parallel_workers_per_gather',
        'jit',
      ]) {
        const row = await client.query<Record<string, string>>(`show ${setting}`);
        versions[`pg.${setting}`] = Object.values(row.rows[0] ?? {})[0] ?? '';
      }
    } finally {
      await client.end();
    }
  }
  try {
    const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8' }).trim();
    versions.commit = git('rev-parse', '--short', 'HEAD');
    // `:/packages`: the repository's packages, whatever directory the bench runs in
    // (pnpm runs it in bench/, where a plain `packages` matched nothing).
    const dirty = git('status', '--porcelain', '--', ':/packages').split('\n').filter(Boolean);
    versions.uncommittedPackageFiles = String(dirty.length);
  } catch {
    versions.commit = 'unknown';
  }
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memoryBytes: totalmem(),
    os: `${type()} ${release()}`,
    node: process.version,
    versions,
  };
}
