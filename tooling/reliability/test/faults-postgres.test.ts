import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { PostgresStore } from '@athena/store-postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FAULT_CLUSTER_URL,
  clusterQuery,
  faultCluster,
  faultClusterUnavailable,
  freezeCluster,
  thawCluster,
} from '../src/fault-cluster.js';
import { record } from '../src/report.js';
import {
  embeddingFor,
  expectEveryAcknowledgedWriteOnce,
  startWriteLoad,
  tallyWrites,
} from '../src/write-load.js';

/**
 * PostgreSQL faults under write load, on a cluster of their own
 * (`tooling/scripts/fault-cluster.sh`, port 5433): backends terminated, a
 * fast restart, the whole server frozen. Whatever happens, every write the
 * store acknowledged is there exactly once, nothing is stored twice, no
 * operation is half applied, every failure is a typed Athena error that came
 * in bounded time, and the same store works again once the server does.
 */
const WRITERS = 8;
const DIMENSION = 8;
const QUERY_TIMEOUT_MS = 1_500;
const CONNECT_TIMEOUT_MS = 1_500;
const RETRY = { attempts: 3, baseDelayMs: 20, maxDelayMs: 200 };
/** Each attempt waits at most for a connection and one statement; then backoff, then slack. */
const FAILURE_BOUND_MS =
  RETRY.attempts * (CONNECT_TIMEOUT_MS + QUERY_TIMEOUT_MS + RETRY.maxDelayMs) + 2_000;
const ALLOWED_CODES = ['backend_unavailable', 'transient'];

const unavailable = faultClusterUnavailable();
const describeCluster =
  unavailable === null
    ? describe
    : process.env['CI'] === 'true'
      ? (name: string) =>
          describe(name, () => {
            it('needs the fault cluster (CI=true)', () => {
              throw new Error(unavailable);
            });
          })
      : (name: string, body: () => void) =>
          describe.skip(`${name} (skipped: ${unavailable})`, body);

const timed = async <T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> => {
  const started = performance.now();
  const value = await work();
  return { value, ms: Math.round(performance.now() - started) };
};

/**
 * Runs `fault` while 8 writers store memories through one store, then checks
 * the invariants and records the figures.
 */
async function underLoad(
  name: string,
  fault: (store: PostgresStore) => Promise<Record<string, number | boolean>>,
): Promise<void> {
  const schema = `athena_fault_${randomBytes(4).toString('hex')}`;
  let retries = 0;
  const store = new PostgresStore({
    connectionString: FAULT_CLUSTER_URL,
    schema,
    embeddingDimension: DIMENSION,
    queryTimeoutMs: QUERY_TIMEOUT_MS,
    connectionTimeoutMs: CONNECT_TIMEOUT_MS,
    poolMax: WRITERS + 2,
    retry: RETRY,
    logger: {
      warn: (message) => {
        if (message.startsWith('retrying')) retries += 1;
      },
    },
  });
  await store.init();
  try {
    const project = await store.projects.create({ name: schema, path: `/${schema}` });
    const load = startWriteLoad(store, project.id, {
      writers: WRITERS,
      prefix: '',
      dimension: DIMENSION,
    });
    await sleep(1_000);
    const figures = await fault(store);
    await sleep(1_500);
    const outcome = await load.stop();

    // The same store, never reopened, answers again.
    const recovery = await timed(async () => {
      for (const deadline = Date.now() + 20_000; Date.now() < deadline; await sleep(100)) {
        if ((await store.health()).ok) return true;
      }
      return false;
    });
    const after = await store.memories.store(project.id, {
      content: 'after the fault',
      embedding: embeddingFor(-1, DIMENSION),
    });
    const rows = await clusterQuery<{ content: string; n: number }>(
      `select content, count(*)::int as n from "${schema}".memory_vectors group by content`,
    );
    const tally = tallyWrites(outcome.attempts, new Map(rows.map((row) => [row.content, row.n])));
    record({
      section: 'faults',
      case: name,
      backend: 'postgres',
      writers: WRITERS,
      ...tally,
      errors: outcome.errors,
      maxFailureMs: outcome.maxFailureMs,
      retries,
      healthyAgainMs: recovery.ms,
      ...figures,
    });

    expect(outcome.untyped).toEqual([]);
    expect(Object.keys(outcome.errors).filter((code) => !ALLOWED_CODES.includes(code))).toEqual([]);
    expectEveryAcknowledgedWriteOnce(tally);
    expect(outcome.maxFailureMs).toBeLessThan(FAILURE_BOUND_MS);
    expect(recovery.value).toBe(true);
    expect(after.id).toBeGreaterThan(0);
  } finally {
    await store.close();
    await clusterQuery(`drop schema if exists "${schema}" cascade`);
  }
}

describeCluster('faults: PostgreSQL terminated, restarted and frozen under write load', () => {
  beforeAll(async () => {
    await faultCluster('down');
    await faultCluster('up');
  });
  afterAll(async () => {
    await faultCluster('down');
  });

  it('a storm of pg_terminate_backend on the writers: acknowledged writes kept once, typed errors, same store healthy', async () => {
    await underLoad('backends terminated (6 rounds)', async () => {
      let terminated = 0;
      for (let round = 0; round < 6; round++) {
        const rows = await clusterQuery<{ done: boolean }>(
          `select pg_terminate_backend(pid) as done from pg_stat_activity
            where backend_type = 'client backend' and pid <> pg_backend_pid()`,
        );
        terminated += rows.filter((row) => row.done).length;
        await sleep(300);
      }
      expect(terminated).toBeGreaterThan(0);
      return { terminated };
    });
  });

  it('a fast restart during the load: acknowledged writes kept once, typed errors, same store healthy', async () => {
    await underLoad('fast restart', async () => {
      const restart = await timed(() => faultCluster('restart'));
      return { restartMs: restart.ms };
    });
  });

  it('the server frozen (SIGSTOP) for 3 s: operations and health() fail in bounded time, then the store recovers', async () => {
    await underLoad('server frozen 3 s (SIGSTOP)', async (store) => {
      const frozenAt = performance.now();
      const processes = freezeCluster();
      try {
        const health = await timed(() => store.health());
        expect(health.value.ok).toBe(false);
        expect(health.ms).toBeLessThan(QUERY_TIMEOUT_MS + CONNECT_TIMEOUT_MS + 1_000);
        await sleep(Math.max(0, 3_000 - (performance.now() - frozenAt)));
        return { frozenProcesses: processes, healthWhileFrozenMs: health.ms };
      } finally {
        thawCluster();
      }
    });
  });
});
