import { BackendUnavailableError } from '@athena/core-types';
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { PG_DRIVER, PostgresStore } from '../src/index.js';
import type { PostgresDriver } from '../src/index.js';
import {
  DATABASE_URL,
  createTestStore,
  describePostgres,
  dropSchema,
  freshSchema,
  vector,
} from './helpers.js';

describePostgres('pooling', () => {
  const schemas: string[] = [];
  const schema = (): string => {
    const name = freshSchema();
    schemas.push(name);
    return name;
  };
  afterAll(async () => {
    for (const name of schemas) await dropSchema(name);
  });

  it('serves many concurrent operations through a small pool', async () => {
    const store = createTestStore(schema(), { poolMax: 3, poolMin: 1 });
    await store.init();
    try {
      const project = await store.projects.create({ name: 'load', path: '/load' });
      const writes = Array.from({ length: 60 }, (_, i) =>
        store.memories.store(project.id, {
          content: `memory number ${i}`,
          embedding: vector(8, i),
        }),
      );
      const reads = Array.from({ length: 40 }, (_, i) =>
        store.search.hybrid(project.id, { embedding: vector(8, i), text: 'memory' }, { limit: 5 }),
      );
      const [stored] = await Promise.all([Promise.all(writes), Promise.all(reads)]);
      expect(new Set(stored.map((m) => m.id)).size).toBe(60);
      expect(await store.memories.count(project.id)).toBe(60);
      const health = await store.health();
      const pool = health.details.pool as { total: number; waiting: number };
      expect(pool.total).toBeLessThanOrEqual(3);
      expect(pool.waiting).toBe(0);
    } finally {
      await store.close();
    }
  });

  it('leaves an injected pool open on close', async () => {
    const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
    try {
      const store = new PostgresStore({ pool, schema: schema(), embeddingDimension: 8 });
      await store.init();
      const project = await store.projects.create({ name: 'injected', path: '/injected' });
      await store.memories.store(project.id, { content: 'hello', embedding: vector(8, 1) });
      expect((await store.health()).details.pool).toMatchObject({ owned: false });
      await store.close();
      await store.close();
      const { rows } = await pool.query<{ one: number }>('select 1 as one');
      expect(rows[0]?.one).toBe(1);
      expect(pool.listenerCount('error')).toBe(0);
    } finally {
      await pool.end();
    }
  });

  it('opens its pool through a driver given as the connection, and releases it on close', async () => {
    const opened: string[] = [];
    const driver: PostgresDriver = {
      name: 'counting',
      openPool: (options, onError) => {
        const handle = PG_DRIVER.openPool(
          { ...options, connection: { connectionString: DATABASE_URL } },
          onError,
        );
        opened.push('open');
        return {
          ...handle,
          max: 7,
          release: async () => {
            opened.push('release');
            await handle.release();
          },
        };
      },
    };
    const store = new PostgresStore({ driver, schema: schema(), embeddingDimension: 8 });
    await store.init();
    const project = await store.projects.create({ name: 'driven', path: '/driven' });
    expect((await store.projects.get(project.id))?.name).toBe('driven');
    const health = await store.health();
    expect(health.pool).toMatchObject({ max: 7 });
    expect(health.details.pool).toMatchObject({ owned: true });
    await store.close();
    expect(opened).toEqual(['open', 'release']);
  });

  it('closes its own pool', async () => {
    const store = createTestStore(schema());
    await store.init();
    await store.close();
    await expect(store.projects.list()).rejects.toMatchObject({ code: 'store_closed' });
    await expect(store.init()).rejects.toMatchObject({ code: 'store_closed' });
  });

  it.each([
    ['its own pool', false],
    ['an injected pool', true],
  ])(
    'close() on %s lets operations in flight finish before it releases the connections',
    async (_, injected) => {
      const pool = injected ? new pg.Pool({ connectionString: DATABASE_URL, max: 2 }) : null;
      const store =
        pool === null
          ? createTestStore(schema(), { poolMax: 2, poolMin: 0 })
          : new PostgresStore({ pool, schema: schema(), embeddingDimension: 8 });
      try {
        await store.init();
        const project = await store.projects.create({ name: 'busy', path: '/busy' });
        // More operations than connections: most wait for one when close() is called.
        const writes = Array.from({ length: 12 }, (_, i) =>
          store.memories.store(project.id, { content: `in flight ${i}`, embedding: vector(8, i) }),
        );
        const reads = Array.from({ length: 6 }, () => store.projects.list());
        // health() reads through the pool itself, outside the operations' count.
        const checks = Array.from({ length: 4 }, () => store.health());
        await store.close();
        const settled = await Promise.allSettled([...writes, ...reads, ...checks]);
        expect(settled.map((s) => s.status)).toEqual(settled.map(() => 'fulfilled'));
        await expect(store.projects.list()).rejects.toMatchObject({ code: 'store_closed' });
        const check = createTestStore(store.schema);
        await check.init();
        expect(await check.memories.count(project.id)).toBe(12);
        await check.close();
      } finally {
        await pool?.end();
      }
    },
  );

  it('reports an unreachable server as BackendUnavailableError', async () => {
    const store = new PostgresStore({
      connectionString: 'postgres://athena@127.0.0.1:1/athena_test',
      schema: 'athena_unreachable',
      connectionTimeoutMs: 2_000,
      retry: { attempts: 2, baseDelayMs: 1 },
    });
    const error: unknown = await store.init().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect((error as Error).cause).toBeDefined();
    expect(JSON.stringify((error as BackendUnavailableError).details)).not.toContain('password');
    await store.close();
  });
});
