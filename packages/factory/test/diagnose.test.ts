import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EmbedderError } from '@athena/core-types';
import { LATEST_SCHEMA_VERSION as SQLITE_SCHEMA_VERSION } from '@athena/store-sqlite';
import { createStore, diagnose } from '../src/index.js';
import type { DiagnosableEmbedder, Diagnosis } from '../src/index.js';
import {
  adminQuery,
  describePostgres,
  dropSchema,
  freshSchema,
  TEST_DATABASE_URL,
} from '@athena/test-postgres';
import { rawSqlite } from './raw-sqlite.js';
import { captureWarnings, closedPort, tempDir } from './helpers.js';

const cleanups: (() => void)[] = [];
afterAll(() => cleanups.forEach((cleanup) => cleanup()));

function sqlitePath(): string {
  const { dir, cleanup } = tempDir();
  cleanups.push(cleanup);
  return join(dir, 'memory.db');
}

/** An in-process embedder: every text becomes the first axis. */
function embedder(dimension = 8, modelId = 'test-model'): () => DiagnosableEmbedder {
  return () => ({
    modelId,
    dimension,
    embed: async () => {
      const vector = new Float32Array(dimension);
      vector[0] = 1;
      return vector;
    },
  });
}

const byName = (diagnosis: Diagnosis, name: string) =>
  diagnosis.checks.find((check) => check.name === name);

async function initialised(path: string, dimension = 8) {
  const store = await createStore({
    env: { ATHENA_SQLITE_PATH: path, ATHENA_EMBEDDING_DIM: String(dimension) },
  });
  return store;
}

describe('diagnose on SQLite', () => {
  it('passes every check of a healthy database and embedder', async () => {
    const path = sqlitePath();
    await (await initialised(path)).close();
    const diagnosis = await diagnose({ env: { ATHENA_SQLITE_PATH: path }, embedder: embedder() });
    expect(diagnosis.ok).toBe(true);
    expect(diagnosis.backend).toBe('sqlite');
    expect(diagnosis.checks.map((check) => check.name)).toEqual([
      'backend',
      'schema',
      'connection',
      'sqlite',
      'sqlite-vec',
      'indexes',
      'embedder',
      'embedding model',
    ]);
    expect(byName(diagnosis, 'backend')?.detail).toContain('no PostgreSQL or PGlite setting found');
    expect(byName(diagnosis, 'schema')?.detail).toBe(`version ${SQLITE_SCHEMA_VERSION} (latest)`);
    expect(
      diagnosis.checks.every((check) => check.status === 'ok' && check.fix === undefined),
    ).toBe(true);
  });

  it('reports a missing database without creating it', async () => {
    const path = sqlitePath();
    const diagnosis = await diagnose({ env: { ATHENA_SQLITE_PATH: path } });
    expect(diagnosis.ok).toBe(false);
    expect(byName(diagnosis, 'schema')).toMatchObject({
      status: 'fail',
      fix: expect.stringContaining('athena init'),
    });
    expect(existsSync(path)).toBe(false);
  });

  it('reports pending migrations and applies none', async () => {
    const path = sqlitePath();
    await (await initialised(path)).close();
    const db = rawSqlite(path);
    db.exec('DELETE FROM athena_migrations WHERE version = 2');
    db.close();
    const diagnosis = await diagnose({ env: { ATHENA_SQLITE_PATH: path } });
    expect(byName(diagnosis, 'schema')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('1 migration(s) pending (binary-quantised vectors)'),
      fix: expect.stringContaining('athena migrate'),
    });
    const db2 = rawSqlite(path);
    expect(db2.prepare('SELECT count(*) FROM athena_migrations').pluck().get()).toBe(
      SQLITE_SCHEMA_VERSION - 1,
    );
    db2.close();
  });

  it('fails the embedder when it cannot embed, or returns another dimension, or stored vectors are of another model', async () => {
    const path = sqlitePath();
    const store = await initialised(path);
    const project = await store.projects.create({ name: 'p', path: '/p' });
    await store.memories.store(project.id, {
      content: 'x',
      embedding: [1, 0, 0, 0, 0, 0, 0, 0],
      embeddingModel: 'other-model',
    });
    await store.close();
    const env = { ATHENA_SQLITE_PATH: path };
    const down = await diagnose({
      env,
      embedder: () => ({
        modelId: 'remote',
        dimension: 8,
        embed: async () => {
          throw new EmbedderError('network', 'connect ECONNREFUSED 127.0.0.1:9');
        },
      }),
    });
    expect(byName(down, 'embedder')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('ECONNREFUSED'),
      fix: expect.stringContaining('ATHENA_EMBEDDER=hash'),
    });
    const wide = await diagnose({ env, embedder: embedder(16) });
    expect(byName(wide, 'embedding dimension')).toMatchObject({
      status: 'fail',
      fix: expect.stringContaining('ATHENA_EMBEDDING_DIM=8'),
    });
    const other = await diagnose({ env, embedder: embedder(8) });
    expect(byName(other, 'embedding model')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('1 memories were embedded with other-model'),
    });
    const broken = await diagnose({
      env,
      embedder: () => {
        throw new Error('ATHENA_EMBEDDER must be "hash" or "openai"');
      },
    });
    expect(byName(broken, 'embedder')?.status).toBe('fail');
  });

  it('reports an invalid configuration as one failed check', async () => {
    const diagnosis = await diagnose({ env: { ATHENA_DB_TYPE: 'oracle' } });
    expect(diagnosis).toMatchObject({ ok: false, backend: null });
    expect(diagnosis.checks).toEqual([
      expect.objectContaining({
        name: 'configuration',
        status: 'fail',
        detail: expect.stringContaining('ATHENA_DB_TYPE'),
      }),
    ]);
  });
});

describe('diagnose on PostgreSQL without a server', () => {
  it('fails the connection and says where other commands fall back to', async () => {
    const port = await closedPort();
    const path = sqlitePath();
    const { logger } = captureWarnings();
    const diagnosis = await diagnose({
      env: {
        ATHENA_DATABASE_URL: `postgres://nobody:secret@127.0.0.1:${port}/x`,
        ATHENA_SQLITE_PATH: path,
      },
      logger,
    });
    expect(diagnosis.backend).toBe('postgres');
    expect(byName(diagnosis, 'connection')).toMatchObject({
      status: 'fail',
      fix: expect.stringContaining(`fall back to SQLite at ${path}`),
    });
    expect(JSON.stringify(diagnosis)).not.toContain('secret');
  });
});

describePostgres('diagnose on PostgreSQL with a role that does not exist', () => {
  it('fails the connection without promising a fallback createStore() would not make', async () => {
    const url = new URL(TEST_DATABASE_URL);
    url.username = 'athena_no_such_role';
    const path = sqlitePath();
    const env = { ATHENA_DATABASE_URL: url.toString(), ATHENA_SQLITE_PATH: path };
    const diagnosis = await diagnose({ env });
    const connection = byName(diagnosis, 'connection');
    expect(connection).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('athena_no_such_role'),
    });
    expect(connection?.fix).not.toContain('fall back');
    await expect(createStore({ env })).rejects.toMatchObject({ code: 'storage' });
    expect(existsSync(path)).toBe(false);
  });
});

describePostgres('diagnose on PostgreSQL', () => {
  const schema = freshSchema('athena_diag');
  afterAll(() => dropSchema(schema));

  it('uses ATHENA_POSTGRES_SCHEMA and passes every check', async () => {
    const env = {
      ATHENA_DATABASE_URL: TEST_DATABASE_URL,
      ATHENA_POSTGRES_SCHEMA: schema,
      ATHENA_EMBEDDING_DIM: '8',
    };
    const store = await createStore({ env });
    await store.close();
    const tables = await adminQuery(
      `select 1 from information_schema.tables where table_schema = $1 and table_name = 'memory_vectors'`,
      [schema],
    );
    expect(tables).toHaveLength(1);
    const diagnosis = await diagnose({ env, embedder: embedder() });
    expect(diagnosis.checks.filter((check) => check.status !== 'ok')).toEqual([]);
    expect(diagnosis.checks.map((check) => check.name)).toEqual([
      'backend',
      'schema',
      'connection',
      'postgresql',
      'pgvector',
      'btree_gin',
      'pool',
      'indexes',
      'embedder',
      'embedding model',
    ]);
  });

  it('reports each read replica: one that answers passes, one that does not fails with the fix', async () => {
    const port = await closedPort();
    const primary = new URL(TEST_DATABASE_URL);
    const gone = new URL(TEST_DATABASE_URL);
    gone.port = String(port);
    const env = {
      ATHENA_DATABASE_URL: TEST_DATABASE_URL,
      ATHENA_POSTGRES_SCHEMA: schema,
      ATHENA_EMBEDDING_DIM: '8',
      // The primary itself stands in for a replica that is always caught up.
      ATHENA_POSTGRES_READ_URL: `${TEST_DATABASE_URL},${gone.toString()}`,
    };
    const diagnosis = await diagnose({ env });
    const database = primary.pathname;
    expect(
      byName(diagnosis, `read replica ${primary.hostname}:${primary.port || 5432}${database}`),
    ).toMatchObject({
      status: 'ok',
      detail: expect.stringMatching(/^up, lag 0 ms, \d+ reads served$/),
    });
    expect(byName(diagnosis, `read replica ${gone.hostname}:${port}${database}`)).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('down (') as string,
      fix: 'start the replica, or remove it from ATHENA_POSTGRES_READ_URL',
    });
    expect(diagnosis.ok).toBe(false);
  });
});
