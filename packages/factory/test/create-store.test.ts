import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BackendUnavailableError, ValidationError } from '@athena/core-types';
import {
  createStore,
  getAvailableBackends,
  getStore,
  isBackendAvailable,
  resetStore,
} from '../src/index.js';
import type { SelectedStore } from '../src/index.js';
import {
  adminQuery,
  describePostgres,
  dropSchema,
  freshSchema,
  TEST_DATABASE_URL,
} from '@athena/test-postgres';
import { captureWarnings, closedPort, tempDir } from './helpers.js';

const opened: SelectedStore[] = [];
const dirs: (() => void)[] = [];
function sqlitePath(): string {
  const { dir, cleanup } = tempDir();
  dirs.push(cleanup);
  return join(dir, 'nested', 'deeper', 'memory.db');
}
async function track(store: Promise<SelectedStore>): Promise<SelectedStore> {
  const s = await store;
  opened.push(s);
  return s;
}

afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
  await resetStore();
});
afterAll(() => dirs.forEach((cleanup) => cleanup()));

describe('createStore on SQLite', () => {
  it('creates the SQLite file and its directory from ATHENA_SQLITE_PATH', async () => {
    const path = sqlitePath();
    const store = await track(
      createStore({ env: { ATHENA_SQLITE_PATH: path, ATHENA_EMBEDDING_DIM: '8' } }),
    );
    expect(store.backend).toBe('sqlite');
    expect(store.embeddingDimension).toBe(8);
    expect(store.selection).toMatchObject({ backend: 'sqlite', sqlitePath: path });
    expect(existsSync(path)).toBe(true);
    const project = await store.projects.create({ name: 'p', path: '/p' });
    const memory = await store.memories.store(project.id, {
      content: 'works',
      embedding: [1, 0, 0, 0, 0, 0, 0, 0],
    });
    expect(memory.id).toBeGreaterThan(0);
  });

  it('reopens an existing file with its stored dimension when none is configured', async () => {
    const path = sqlitePath();
    const first = await createStore({
      env: { ATHENA_SQLITE_PATH: path, ATHENA_EMBEDDING_DIM: '12' },
    });
    await first.close();
    const second = await track(createStore({ env: { ATHENA_SQLITE_PATH: path } }));
    expect(second.embeddingDimension).toBe(12);
  });

  it('leaves a dimension the variable allows but SQLite cannot store to the store’s own error', async () => {
    const error = await createStore({
      env: { ATHENA_SQLITE_PATH: sqlitePath(), ATHENA_EMBEDDING_DIM: '9000' },
    }).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues[0]).toEqual({
      path: 'options.embeddingDimension',
      message: 'must be an integer in 1–8192',
    });
  });

  it('exposes the selection in health()', async () => {
    const store = await track(
      createStore({ sqlite: { path: sqlitePath() }, embeddingDimension: 4, env: {} }),
    );
    const health = await store.health();
    expect(health.ok).toBe(true);
    expect(health.details['selection']).toMatchObject({ backend: 'sqlite' });
  });
});

describePostgres('createStore on PostgreSQL', () => {
  const schemas: string[] = [];
  afterAll(async () => {
    for (const schema of schemas) await dropSchema(schema);
  });

  it('selects PostgreSQL from ATHENA_DATABASE_URL', async () => {
    const schema = freshSchema('athena_factory');
    schemas.push(schema);
    const store = await track(
      createStore({
        postgres: { schema },
        env: { ATHENA_DATABASE_URL: TEST_DATABASE_URL, ATHENA_EMBEDDING_DIM: '8' },
      }),
    );
    expect(store.backend).toBe('postgres');
    expect(store.selection).toEqual({ backend: 'postgres', reason: 'ATHENA_DATABASE_URL is set' });
    expect(store.embeddingDimension).toBe(8);
    const project = await store.projects.create({ name: 'pg', path: '/pg' });
    expect((await store.projects.get(project.id))?.name).toBe('pg');
  });

  it('selects PostgreSQL from discrete variables', async () => {
    const schema = freshSchema('athena_factory');
    schemas.push(schema);
    const url = new URL(TEST_DATABASE_URL);
    const store = await track(
      createStore({
        postgres: { schema },
        env: {
          ATHENA_POSTGRES_HOST: url.hostname,
          ATHENA_POSTGRES_PORT: url.port || '5432',
          ATHENA_POSTGRES_DB: url.pathname.slice(1),
          ATHENA_POSTGRES_USER: decodeURIComponent(url.username),
          ATHENA_POSTGRES_POOL_MIN: '0',
          ATHENA_POSTGRES_POOL_MAX: '3',
          ATHENA_EMBEDDING_DIM: '4',
        },
      }),
    );
    expect(store.selection.backend).toBe('postgres');
    expect(store.selection.reason).toBe('ATHENA_POSTGRES_HOST is set');
    const health = await store.health();
    expect(health.ok).toBe(true);
  });

  it('passes the pooler mode and the replicas to the store, which checks them with the pool size', async () => {
    const error = await createStore({
      env: {
        ATHENA_DATABASE_URL: TEST_DATABASE_URL,
        ATHENA_POSTGRES_POOLER: 'transaction',
        ATHENA_POSTGRES_POOL_MIN: '1',
        ATHENA_POSTGRES_POOL_MAX: '1',
        ATHENA_FALLBACK: 'none',
      },
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toContain(
      'poolMax must be at least 2 behind a transaction pooler',
    );
    const schema = freshSchema('athena_factory');
    schemas.push(schema);
    const store = await track(
      createStore({
        postgres: { schema },
        env: {
          ATHENA_DATABASE_URL: TEST_DATABASE_URL,
          ATHENA_POSTGRES_POOLER: 'transaction',
          ATHENA_POSTGRES_READ_URL: TEST_DATABASE_URL,
          ATHENA_EMBEDDING_DIM: '4',
        },
      }),
    );
    const health = await store.health();
    expect(health.readReplicas?.replicas.map((replica) => replica.state)).toEqual(['up']);
  });

  it('hands the store’s retry warnings to the logger with their meta, never as [object Object]', async () => {
    const schema = freshSchema('athena_factory');
    schemas.push(schema);
    const applicationName = `athena_factory_retry_${schema}`;
    const url = new URL(TEST_DATABASE_URL);
    url.searchParams.set('application_name', applicationName);
    const { logged, logger } = captureWarnings();
    const store = await track(
      createStore({
        logger,
        postgres: { schema },
        env: { ATHENA_DATABASE_URL: url.toString(), ATHENA_EMBEDDING_DIM: '8' },
      }),
    );
    let attempts = 0;
    await store.transaction(async (tx) => {
      attempts++;
      await tx.projects.create({ name: `before-${attempts}`, path: `/before-${attempts}` });
      if (attempts === 1) {
        // The transaction's own connection dies between two statements: retried from the start.
        await adminQuery(
          "select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1 and state like 'idle in transaction%'",
          [applicationName],
        );
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await tx.projects.create({ name: `after-${attempts}`, path: `/after-${attempts}` });
    });
    expect(attempts).toBe(2);
    const retries = logged.filter((entry) => entry.message.includes('retrying'));
    expect(retries).toEqual([
      {
        message: '[athena] retrying after a transient PostgreSQL failure',
        meta: expect.objectContaining({
          operation: 'transaction',
          attempt: 1,
          error: expect.stringMatching(/terminat|not queryable|connection/i),
        }),
      },
    ]);
  });

  it('refuses a dimension above pgvector’s index limit with the store’s error, without falling back', async () => {
    const { warnings, logger } = captureWarnings();
    const error = await createStore({
      logger,
      env: { ATHENA_DATABASE_URL: TEST_DATABASE_URL, ATHENA_EMBEDDING_DIM: '3000' },
    }).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues[0]?.path).toBe('embeddingDimension');
    expect(warnings).toEqual([]);
  });

  it('never shows a password in selection, health or logs', async () => {
    const schema = freshSchema('athena_factory');
    schemas.push(schema);
    const url = new URL(TEST_DATABASE_URL);
    url.password = 'hunter2-secret';
    const { warnings, logger } = captureWarnings();
    const store = await track(
      createStore({
        logger,
        postgres: { schema },
        env: { ATHENA_DATABASE_URL: url.toString(), ATHENA_EMBEDDING_DIM: '4' },
      }),
    );
    const text = JSON.stringify([store.selection, await store.health(), warnings]);
    expect(text).not.toContain('hunter2-secret');
  });
});

describe('fallback', () => {
  it('falls back to SQLite on a refused connection, loudly, naming the reason and the path', async () => {
    const port = await closedPort();
    const path = sqlitePath();
    const { warnings, logger } = captureWarnings();
    const store = await track(
      createStore({
        logger,
        env: {
          ATHENA_DATABASE_URL: `postgres://agent:hunter2-secret@127.0.0.1:${port}/athena`,
          ATHENA_SQLITE_PATH: path,
          ATHENA_EMBEDDING_DIM: '4',
        },
      }),
    );
    expect(store.backend).toBe('sqlite');
    expect(store.selection.fallback).toMatchObject({
      from: 'postgres',
      target: `postgres://agent:***@127.0.0.1:${port}/athena`,
    });
    expect(store.selection.fallback?.reason).toMatch(/backend_unavailable|ECONNREFUSED|refused/i);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(path);
    expect(warnings[0]).toContain('ATHENA_FALLBACK=none');
    expect(JSON.stringify([warnings, store.selection])).not.toContain('hunter2-secret');
  });

  it('throws BackendUnavailableError with ATHENA_FALLBACK=none, without the password', async () => {
    const port = await closedPort();
    const { warnings, logger } = captureWarnings();
    const attempt = createStore({
      logger,
      env: {
        ATHENA_POSTGRES_HOST: '127.0.0.1',
        ATHENA_POSTGRES_PORT: String(port),
        ATHENA_POSTGRES_PASSWORD: 'hunter2-secret',
        ATHENA_FALLBACK: 'none',
      },
    });
    const error = await attempt.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect((error as Error).message).toContain('ATHENA_FALLBACK=none');
    expect((error as Error).message).not.toContain('hunter2-secret');
    expect(warnings).toEqual([]);
  });

  describePostgres('on a database without pgvector', () => {
    const role = `athena_novec_${process.pid}`;
    const database = `athena_novec_${process.pid}`;
    beforeAll(async () => {
      await adminQuery(`CREATE ROLE ${role} LOGIN NOSUPERUSER`);
      await adminQuery(`CREATE DATABASE ${database} OWNER ${role}`);
    });
    afterAll(async () => {
      await adminQuery(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await adminQuery(`DROP ROLE IF EXISTS ${role}`);
    });

    it('falls back to SQLite and names pgvector as the reason', async () => {
      const url = new URL(TEST_DATABASE_URL);
      url.username = role;
      url.pathname = `/${database}`;
      const { warnings, logger } = captureWarnings();
      const store = await track(
        createStore({
          logger,
          env: {
            ATHENA_DATABASE_URL: url.toString(),
            ATHENA_SQLITE_PATH: sqlitePath(),
            ATHENA_EMBEDDING_DIM: '4',
          },
        }),
      );
      expect(store.backend).toBe('sqlite');
      expect(store.selection.fallback?.reason).toMatch(/extension_unavailable/);
      expect(store.selection.fallback?.reason).toMatch(/pgvector|vector/);
      expect(warnings[0]).toMatch(/falling back to SQLite/);
    });
  });
});

describe('process-wide store', () => {
  it('creates exactly one store under concurrent first calls', async () => {
    const options = { sqlite: { path: sqlitePath() }, embeddingDimension: 4, env: {} };
    const stores = await Promise.all(Array.from({ length: 8 }, () => getStore(options)));
    expect(new Set(stores).size).toBe(1);
    expect(await getStore()).toBe(stores[0]);
  });

  it('creates a new store after resetStore()', async () => {
    const first = await getStore({
      sqlite: { path: sqlitePath() },
      embeddingDimension: 4,
      env: {},
    });
    await resetStore();
    const second = await getStore({
      sqlite: { path: sqlitePath() },
      embeddingDimension: 4,
      env: {},
    });
    expect(second).not.toBe(first);
    await expect(first.projects.list()).rejects.toMatchObject({ code: 'store_closed' });
  });

  it('forgets a failed creation so the next call can succeed', async () => {
    await expect(getStore({ env: { ATHENA_DB_TYPE: 'oracle' } })).rejects.toMatchObject({
      code: 'validation',
    });
    const store = await getStore({
      sqlite: { path: sqlitePath() },
      embeddingDimension: 4,
      env: {},
    });
    expect(store.backend).toBe('sqlite');
  });
});

describe('availability', () => {
  it('reports every backend whose package loads here', async () => {
    expect(await getAvailableBackends()).toEqual(['sqlite', 'postgres', 'pglite']);
    expect(await isBackendAvailable('sqlite')).toBe(true);
    expect(await isBackendAvailable('postgres')).toBe(true);
  });
});

describe('createStore({ sqlite: { mmapSizeBytes } })', () => {
  it('passes the memory-map size to the SQLite store', async () => {
    const store = await track(
      createStore({ sqlite: { mmapSizeBytes: 0 }, env: { ATHENA_SQLITE_PATH: sqlitePath() } }),
    );
    expect((await store.health()).details['mmapSizeBytes']).toBe(0);
  });
});

describe('createStore({ sqlite: { readers } })', () => {
  it('gives the SQLite store reader threads, from the option or ATHENA_SQLITE_READERS', async () => {
    const fromOption = await track(
      createStore({ sqlite: { readers: 2 }, env: { ATHENA_SQLITE_PATH: sqlitePath() } }),
    );
    expect((await fromOption.health()).details['readers']).toBe(2);
    const fromVariable = await track(
      createStore({
        env: {
          ATHENA_SQLITE_PATH: sqlitePath(),
          ATHENA_SQLITE_READERS: '1',
          ATHENA_EMBEDDING_DIM: '4',
        },
      }),
    );
    expect((await fromVariable.health()).details['readers']).toBe(1);
    const project = await fromVariable.projects.create({ name: 'r', path: '/r' });
    await fromVariable.memories.store(project.id, {
      content: 'read on a thread',
      embedding: [1, 0, 0, 0],
    });
    expect((await fromVariable.search.keyword(project.id, 'thread')).length).toBe(1);
  });

  it('runs an in-memory database without them (one connection holds it)', async () => {
    const store = await track(
      createStore({ env: { ATHENA_SQLITE_PATH: ':memory:', ATHENA_SQLITE_READERS: '2' } }),
    );
    expect((await store.health()).details['readers']).toBe(0);
  });
});

describe('createStore({ initialize: false })', () => {
  it('returns the selected store unopened: migrationStatus() first, init() later', async () => {
    const path = sqlitePath();
    const store = await track(
      createStore({
        initialize: false,
        env: { ATHENA_SQLITE_PATH: path, ATHENA_EMBEDDING_DIM: '8' },
      }),
    );
    expect(store.selection).toMatchObject({ backend: 'sqlite', sqlitePath: path });
    expect(existsSync(path)).toBe(false);
    const before = await store.migrationStatus();
    expect(before).toMatchObject({ initialised: false, currentVersion: 0 });
    await store.init();
    expect((await store.migrationStatus()).pending).toEqual([]);
    expect(store.embeddingDimension).toBe(8);
  });
});
