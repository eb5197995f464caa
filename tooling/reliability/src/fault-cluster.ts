import { execFile, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';

const SCRIPT = fileURLToPath(new URL('../../scripts/fault-cluster.sh', import.meta.url));
const run = promisify(execFile);

/** The port of the fault cluster (`tooling/scripts/fault-cluster.sh`). */
export const FAULT_CLUSTER_PORT = Number(process.env['ATHENA_FAULT_PG_PORT'] ?? 5433);

/** The fault cluster's maintenance database, as its superuser. */
export const FAULT_CLUSTER_URL = `postgres://postgres@127.0.0.1:${FAULT_CLUSTER_PORT}/postgres`;

/**
 * Why the fault cluster cannot be made here (no Debian `pg_createcluster`,
 * not root), or null when it can.
 *
 * @example
 * ```ts
 * const reason = faultClusterUnavailable(); // null as root with postgresql-common
 * ```
 */
export function faultClusterUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'the fault cluster needs root (pg_createcluster)';
  try {
    execFileSync('sh', ['-c', 'command -v pg_createcluster'], { stdio: 'ignore' });
    return null;
  } catch {
    return "pg_createcluster is not available (Debian's postgresql-common)";
  }
}

/**
 * Runs `fault-cluster.sh <command>` without blocking the event loop, so the
 * load a test puts on the cluster goes on while it restarts.
 *
 * @example
 * ```ts
 * await faultCluster('up');
 * ```
 */
export async function faultCluster(command: 'up' | 'down' | 'restart'): Promise<void> {
  await run('bash', [SCRIPT, command], { timeout: 60_000 });
}

/** Every process of the cluster, the postmaster first. */
function clusterPids(): number[] {
  return execFileSync('bash', [SCRIPT, 'pids'], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line !== '')
    .map(Number);
}

/**
 * Freezes the whole server as a hung machine would: SIGSTOP to the
 * postmaster first (it forks no more), then to each of its children.
 * {@link thawCluster} undoes it; `fault-cluster.sh down` does too.
 *
 * @example
 * ```ts
 * freezeCluster();
 * try { await sleep(3_000); } finally { thawCluster(); }
 * ```
 */
export function freezeCluster(): number {
  const pids = clusterPids();
  for (const pid of pids) process.kill(pid, 'SIGSTOP');
  // A child forked between listing and stopping the postmaster.
  const late = clusterPids().filter((pid) => !pids.includes(pid));
  for (const pid of late) process.kill(pid, 'SIGSTOP');
  return pids.length + late.length;
}

/**
 * Sends SIGCONT to every process of the cluster.
 *
 * @example
 * ```ts
 * thawCluster();
 * ```
 */
export function thawCluster(): void {
  for (const pid of clusterPids()) process.kill(pid, 'SIGCONT');
}

/**
 * Runs one statement on the fault cluster on a short-lived connection of its own.
 *
 * @example
 * ```ts
 * const rows = await clusterQuery<{ n: number }>('select count(*)::int as n from pg_stat_activity');
 * ```
 */
export async function clusterQuery<R extends pg.QueryResultRow = pg.QueryResultRow>(
  text: string,
  values: unknown[] = [],
): Promise<R[]> {
  const client = new pg.Client({
    connectionString: FAULT_CLUSTER_URL,
    connectionTimeoutMillis: 10_000,
  });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}
