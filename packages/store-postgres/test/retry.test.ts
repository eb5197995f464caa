import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { PostgresStore } from '../src/index.js';
import { isRetryableWrite, isTransient } from '../src/map-error.js';
import { withRetry } from '../src/retry.js';
import {
  DATABASE_URL,
  adminQuery,
  describePostgres,
  dropSchema,
  freshSchema,
  vector,
} from './helpers.js';

describePostgres('retry', () => {
  const schema = freshSchema();
  afterAll(async () => {
    await dropSchema(schema);
  });

  it('the next read succeeds after pg_terminate_backend killed the pooled connections', async () => {
    const applicationName = `athena_retry_${randomBytes(4).toString('hex')}`;
    const pool = new pg.Pool({
      connectionString: DATABASE_URL,
      max: 2,
      application_name: applicationName,
    });
    const warnings: string[] = [];
    const store = new PostgresStore({
      pool,
      schema,
      embeddingDimension: 8,
      retry: { attempts: 5, baseDelayMs: 20 },
      logger: { warn: (message) => warnings.push(message) },
    });
    try {
      await store.init();
      const project = await store.projects.create({ name: 'retry', path: '/retry' });
      await store.memories.store(project.id, { content: 'survives', embedding: vector(8, 1) });
      // Two connections checked out at once, so the pool keeps two idle ones to kill.
      await Promise.all([store.projects.list(), store.memories.count(project.id)]);
      const killed = await adminQuery<{ ok: boolean }>(
        'select pg_terminate_backend(pid) as ok from pg_stat_activity where application_name = $1',
        [applicationName],
      );
      expect(killed.length).toBeGreaterThan(0);
      const memories = await store.memories.list(project.id);
      expect(memories.items.map((m) => m.content)).toEqual(['survives']);
      const hits = await store.search.semantic(project.id, vector(8, 1));
      expect(hits).toHaveLength(1);
      // Either the pool noticed the dead connections (error event, logged) or a read was retried.
      expect(warnings.length).toBeGreaterThan(0);
    } finally {
      await store.close();
      await pool.end();
    }
  });

  it('a read whose backend is killed mid-statement is retried on a fresh connection, and the retry logged with its facts', async () => {
    const applicationName = `athena_retry_${randomBytes(4).toString('hex')}`;
    const pool = new pg.Pool({
      connectionString: DATABASE_URL,
      max: 2,
      application_name: applicationName,
    });
    const logged: { message: string; meta: Record<string, unknown> | undefined }[] = [];
    const store = new PostgresStore({
      pool,
      schema,
      retry: { attempts: 4, baseDelayMs: 10 },
      logger: { warn: (message, meta) => logged.push({ message, meta }) },
    });
    const locker = new pg.Client({ connectionString: DATABASE_URL });
    await locker.connect();
    try {
      await store.init();
      const project = await store.projects.create({
        name: 'mid-statement',
        path: '/mid-statement',
      });
      await store.memories.store(project.id, { content: 'still here', embedding: vector(8, 2) });
      // Hold a lock so the store's read waits on the server, then kill the waiting backend.
      await locker.query('begin');
      await locker.query(`lock table "${schema}".memory_vectors in access exclusive mode`);
      const read = store.memories.count(project.id);
      let victims: { pid: number }[] = [];
      for (let i = 0; i < 100 && victims.length === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        victims = await adminQuery<{ pid: number }>(
          "select pid from pg_stat_activity where application_name = $1 and wait_event_type = 'Lock'",
          [applicationName],
        );
      }
      expect(victims).toHaveLength(1);
      await adminQuery('select pg_terminate_backend($1)', [victims[0]?.pid]);
      await locker.query('rollback');
      expect(await read).toBe(1);
      expect(logged).toContainEqual({
        message: 'retrying after a transient PostgreSQL failure',
        meta: {
          operation: 'count memories',
          attempt: 1,
          code: '57P01',
          error: expect.stringContaining('terminating connection due to administrator command'),
        },
      });
    } finally {
      await locker.end();
      await store.close();
      await pool.end();
    }
  });

  it('a transaction whose connection dies before COMMIT is retried from the start, without crashing, and the retry logged readably', async () => {
    const applicationName = `athena_retry_${randomBytes(4).toString('hex')}`;
    const pool = new pg.Pool({
      connectionString: DATABASE_URL,
      max: 2,
      application_name: applicationName,
    });
    const logged: { message: string; meta: Record<string, unknown> | undefined }[] = [];
    const store = new PostgresStore({
      pool,
      schema,
      retry: { attempts: 3, baseDelayMs: 10 },
      logger: { warn: (message, meta) => logged.push({ message, meta }) },
    });
    try {
      await store.init();
      let attempts = 0;
      const projectId = await store.transaction(async (tx) => {
        attempts++;
        const project = await tx.projects.create({
          name: `tx-retry-${attempts}`,
          path: `/tx-retry-${attempts}`,
        });
        if (attempts === 1) {
          await adminQuery(
            "select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1 and state like 'idle in transaction%'",
            [applicationName],
          );
          // Give the dying connection time to emit its 'error' event while checked out.
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        await tx.memories.store(project.id, { content: 'after the kill', embedding: vector(8, 1) });
        return project.id;
      });
      expect(attempts).toBe(2);
      expect((await store.projects.get(projectId))?.name).toBe('tx-retry-2');
      expect(await store.projects.getByName('tx-retry-1')).toBeNull();
      expect(logged.map((entry) => entry.message)).toContain('PostgreSQL pool connection error');
      const retries = logged.filter(
        (entry) => entry.message === 'retrying after a transient PostgreSQL failure',
      );
      expect(retries).toHaveLength(1);
      expect(retries[0]?.meta).toMatchObject({ operation: 'transaction', attempt: 1 });
      // What the callback's statement failed with, as text: never `[object Object]`.
      expect(retries[0]?.meta?.['error']).toMatch(/terminat|not queryable|connection/i);
    } finally {
      await store.close();
      await pool.end();
    }
  });

  it('retries a transient failure with backoff and gives up on permanent ones', async () => {
    let calls = 0;
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    const result = await withRetry(
      async () => {
        calls++;
        if (calls < 3) throw reset;
        return 'ok';
      },
      { attempts: 5, baseDelayMs: 1, maxDelayMs: 5 },
      'read',
    );
    expect(result).toBe('ok');
    expect(calls).toBe(3);

    calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw reset;
        },
        { attempts: 5, baseDelayMs: 1, maxDelayMs: 5 },
        'write',
      ),
    ).rejects.toBe(reset);
    expect(calls).toBe(1);
  });

  it('classifies real driver errors', async () => {
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    try {
      const unique = await client.query('select 1/0').catch((e: unknown) => e);
      expect(isTransient(unique)).toBe(false);
    } finally {
      await client.end();
    }
    const refused = await new pg.Client({ connectionString: 'postgres://athena@127.0.0.1:1/x' })
      .connect()
      .catch((e: unknown) => e);
    expect(isRetryableWrite(refused)).toBe(true);
    const serialization = Object.assign(new Error('could not serialize access'), { code: '40001' });
    expect(isRetryableWrite(serialization)).toBe(true);
  });
});
