import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../src/index.js';
import type { HealthReport, ReadReplicasHealth } from '@athena/core-types';
import type { PostgresStoreCommonOptions } from '../src/index.js';
import { DATABASE_URL, adminQuery, describePostgres, vector } from './helpers.js';

/**
 * Read replicas on real streaming replication: a second cluster on port
 * 5434, cloned from the test server by `pg_basebackup -R`
 * (tooling/scripts/replica-cluster.sh), dropped before and after. Each test
 * counts where reads ran on the servers themselves (`pg_stat_database` of a
 * database only this file uses), stops the replica, or delays its replay
 * (`recovery_min_apply_delay`), so a read that went to the wrong server or
 * saw a stale row fails the test.
 */
const SCRIPT = fileURLToPath(
  new URL('../../../tooling/scripts/replica-cluster.sh', import.meta.url),
);
const REPLICA_PORT = 5434;
const DIMENSION = 8;

async function replicaCluster(...args: string[]): Promise<void> {
  await promisify(execFile)('bash', [SCRIPT, ...args], { timeout: 120_000 });
}

/** `url` with its database replaced (and its port, for the replica). */
function urlOf(database: string, port?: number): string {
  const url = new URL(DATABASE_URL);
  url.pathname = `/${database}`;
  if (port !== undefined) url.port = String(port);
  return url.toString();
}

async function query<R extends pg.QueryResultRow>(url: string, text: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(text)).rows;
  } finally {
    await client.end();
  }
}

/** Committed transactions of `database` on the server at `url`, as its statistics count them. */
async function commits(url: string, database: string): Promise<number> {
  const rows = await query<{ n: string }>(
    url,
    `select xact_commit as n from pg_stat_database where datname = '${database}'`,
  );
  return Number(rows[0]?.n ?? 0);
}

function replicasOf(report: HealthReport): ReadReplicasHealth {
  if (report.readReplicas === undefined) throw new Error('health() reports no read replicas');
  return report.readReplicas;
}

async function until(condition: () => Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

describePostgres('PostgresStore with read replicas', () => {
  const database = `athena_replicas_${randomBytes(4).toString('hex')}`;
  const primaryUrl = urlOf(database);
  const replicaUrl = urlOf(database, REPLICA_PORT);
  const stores: PostgresStore[] = [];

  async function open(options: PostgresStoreCommonOptions = {}): Promise<PostgresStore> {
    const store = new PostgresStore({
      connectionString: primaryUrl,
      embeddingDimension: DIMENSION,
      readReplicas: { urls: [replicaUrl], checkIntervalMs: 100 },
      ...options,
    });
    stores.push(store);
    await store.init();
    return store;
  }

  beforeAll(async () => {
    await replicaCluster('up');
    await adminQuery(`create database ${database}`);
    await query(primaryUrl, 'create extension if not exists vector');
  }, 180_000);

  afterAll(async () => {
    for (const store of stores) await store.close();
    await replicaCluster('down');
    await adminQuery(`drop database if exists ${database} with (force)`);
  }, 120_000);

  it('sends reads outside transactions to the replica, counted on each server', async () => {
    const store = await open();
    const project = await store.projects.create({ name: 'routing', path: '/routing' });
    const stored = await store.memories.store(project.id, {
      content: 'reads go to the replica',
      embedding: vector(DIMENSION, 1),
    });
    const before = {
      primary: await commits(primaryUrl, database),
      replica: await commits(replicaUrl, database),
    };
    for (let i = 0; i < 100; i += 1) {
      expect((await store.memories.get(project.id, stored.id))?.content).toBe(
        'reads go to the replica',
      );
      const hits = await store.search.semantic(project.id, vector(DIMENSION, 1), { limit: 1 });
      expect(hits[0]?.memory.id).toBe(stored.id);
    }
    const report = replicasOf(await store.health());
    expect(report.replicas[0]).toMatchObject({
      replica: `127.0.0.1:${REPLICA_PORT}/${database}`,
      state: 'up',
    });
    expect(report.replicas[0]?.reads).toBeGreaterThanOrEqual(200);
    await store.close(); // its backends exit and flush their statistics
    await until(
      async () => (await commits(replicaUrl, database)) - before.replica >= 200,
      10_000,
      "the replica's statistics to count 200 reads",
    );
    // The primary saw the store's own work (init, the writes, its WAL position, planner
    // statistics: counted late, as backends report them), not the 200 reads.
    expect((await commits(primaryUrl, database)) - before.primary).toBeLessThan(100);
  });

  it('keeps transactions, and the reads inside them, on the primary', async () => {
    const store = await open({ readReplicas: { urls: [replicaUrl], maxLagMs: 60_000 } });
    await replicaCluster('delay', '5000');
    try {
      const project = await store.projects.create({ name: 'tx', path: '/tx' });
      const seen = await store.transaction(async (tx) => {
        const memory = await tx.memories.store(project.id, {
          content: 'inside a transaction',
          embedding: vector(DIMENSION, 2),
        });
        return tx.memories.get(project.id, memory.id);
      });
      expect(seen?.content).toBe('inside a transaction');
    } finally {
      await replicaCluster('delay', '0');
    }
  });

  describe('read-your-writes while the replica replays 300 ms late', () => {
    beforeAll(() => replicaCluster('delay', '300'));
    afterAll(() => replicaCluster('delay', '0'));

    it('a read after a write waits for the replica to replay it; a store that did not write sees it late', async () => {
      const writer = await open({
        readReplicas: { urls: [replicaUrl], readYourWritesTimeoutMs: 5_000 },
      });
      const bystander = await open();
      const project = await writer.projects.create({ name: 'ryw', path: '/ryw' });
      // Caught up with everything so far: its next reads go straight to the replica.
      await bystander.projects.get(project.id);
      // Another store writes all along: the replica is never idle.
      const load = await open({ readReplicas: undefined });
      let loading = true;
      const background = (async () => {
        let n = 0;
        while (loading) {
          await load.memories.store(project.id, {
            content: `load ${n}`,
            embedding: vector(DIMENSION, n),
          });
          n += 1;
        }
      })();
      try {
        let stale = 0;
        for (let i = 0; i < 8; i += 1) {
          const memory = await writer.memories.store(project.id, {
            content: `written ${i}`,
            embedding: vector(DIMENSION, 100 + i),
          });
          if ((await bystander.memories.get(project.id, memory.id)) === null) stale += 1;
          expect((await writer.memories.get(project.id, memory.id))?.content).toBe(`written ${i}`);
          const listed = await writer.memories.list(project.id, { limit: 1000 });
          expect(listed.items.map((item) => item.id)).toContain(memory.id);
        }
        // The delay is real: a store that did not write read the replica before it replayed.
        expect(stale).toBeGreaterThan(0);
        const report = replicasOf(await writer.health());
        expect(report.replicas[0]?.reads).toBeGreaterThanOrEqual(16);
      } finally {
        loading = false;
        await background;
      }
    });

    it('with readYourWritesTimeoutMs 0 a read after a write goes to the primary at once', async () => {
      const store = await open({
        readReplicas: { urls: [replicaUrl], readYourWritesTimeoutMs: 0 },
      });
      const project = await store.projects.create({ name: 'no wait', path: '/no-wait' });
      const before = replicasOf(await store.health()).primaryReads;
      for (let i = 0; i < 5; i += 1) {
        const memory = await store.memories.store(project.id, {
          content: `at once ${i}`,
          embedding: vector(DIMENSION, i),
        });
        expect((await store.memories.get(project.id, memory.id))?.content).toBe(`at once ${i}`);
      }
      expect(replicasOf(await store.health()).primaryReads - before).toBe(5);
    });
  });

  it('takes a lagging replica out of rotation and puts it back when it catches up', async () => {
    const warnings: string[] = [];
    const store = await open({
      readReplicas: {
        urls: [replicaUrl],
        maxLagMs: 300,
        checkIntervalMs: 50,
        readYourWritesTimeoutMs: 0,
      },
      logger: { warn: (message) => warnings.push(message) },
    });
    const project = await store.projects.create({ name: 'lag', path: '/lag' });
    await replicaCluster('delay', '10000');
    try {
      const other = await open({ readReplicas: undefined });
      await other.memories.store(project.id, {
        content: 'held back',
        embedding: vector(DIMENSION, 3),
      });
      await until(
        async () => replicasOf(await store.health()).replicas[0]?.state === 'lagging',
        5_000,
        'the replica to be reported lagging',
      );
      const report = replicasOf(await store.health());
      expect(report.replicas[0]?.lagMs).toBeGreaterThan(300);
      expect(report.replicas[0]?.lagBytes).toBeGreaterThan(0);
      const before = report.primaryReads;
      // Out of rotation: the reads go to the primary, which has the row.
      expect((await store.memories.list(project.id)).items.map((m) => m.content)).toEqual([
        'held back',
      ]);
      expect(replicasOf(await store.health()).primaryReads).toBe(before + 1);
    } finally {
      await replicaCluster('delay', '0');
    }
    await until(
      async () => replicasOf(await store.health()).replicas[0]?.state === 'up',
      10_000,
      'the replica to be back in rotation',
    );
    expect(warnings).toContain('PostgreSQL read replica out of rotation');
    expect(warnings).toContain('PostgreSQL read replica back in rotation');
  });

  it('a replica stopped mid-load surfaces no error; restarted, it is back in rotation', async () => {
    const store = await open({ readReplicas: { urls: [replicaUrl], checkIntervalMs: 100 } });
    const project = await store.projects.create({ name: 'failover', path: '/failover' });
    const memory = await store.memories.store(project.id, {
      content: 'survives the replica',
      embedding: vector(DIMENSION, 4),
    });
    let reading = true;
    let reads = 0;
    const failures: unknown[] = [];
    const load = Promise.all(
      Array.from({ length: 4 }, async () => {
        while (reading) {
          try {
            const [got, hits] = await Promise.all([
              store.memories.get(project.id, memory.id),
              store.search.semantic(project.id, vector(DIMENSION, 4), { limit: 1 }),
            ]);
            expect(got?.content).toBe('survives the replica');
            expect(hits[0]?.memory.id).toBe(memory.id);
            reads += 2;
          } catch (error) {
            failures.push(error);
          }
        }
      }),
    );
    try {
      await until(async () => reads >= 50, 10_000, 'reads before the stop');
      await replicaCluster('stop');
      const atStop = reads;
      await until(async () => reads >= atStop + 100, 10_000, 'reads after the stop');
      const down = replicasOf(await store.health());
      expect(down.replicas[0]?.state).toBe('down');
      expect(down.replicas[0]?.error).toBeTruthy();
      const primaryReads = down.primaryReads;
      await replicaCluster('start');
      await until(
        async () => replicasOf(await store.health()).replicas[0]?.state === 'up',
        10_000,
        'the restarted replica to be back in rotation',
      );
      const servedBefore = replicasOf(await store.health()).replicas[0]?.reads ?? 0;
      await until(
        async () => (replicasOf(await store.health()).replicas[0]?.reads ?? 0) > servedBefore + 20,
        10_000,
        'the restarted replica to serve reads',
      );
      expect(primaryReads).toBeGreaterThan(0);
    } finally {
      reading = false;
      await load;
    }
    expect(failures).toEqual([]);
  });
});
