import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import { BackendUnavailableError, ATHENA_VARIABLES } from '@athena/core-types';
import type { Store } from '@athena/core-types';
import { SqliteStore } from '@athena/store-sqlite';
import { PostgresStore } from '@athena/store-postgres';
import { PgliteStore } from '@athena/store-pglite';
import {
  describePostgres,
  dropSchema,
  freshSchema,
  TEST_DATABASE_URL,
} from '@athena/test-postgres';
import { createStore, getAvailableBackends } from '../src/index.js';
import type { SelectedStore } from '../src/index.js';
import { BACKENDS } from '../src/registry.js';
import { captureWarnings, closedPort } from './helpers.js';

const opened: Store[] = [];
const schemas: string[] = [];
const dir = mkdtempSync(join(tmpdir(), 'athena-open-factory-'));
afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()));
});
afterAll(async () => {
  for (const schema of schemas.splice(0)) await dropSchema(schema);
  rmSync(dir, { recursive: true, force: true });
});

async function keep<S extends Store>(store: Promise<S>): Promise<S> {
  const s = await store;
  opened.push(s);
  return s;
}

describe('the registry', () => {
  it('holds exactly the backends ATHENA_DB_TYPE accepts, the default first', async () => {
    expect(BACKENDS.map((backend) => backend.name)).toEqual(ATHENA_VARIABLES.ATHENA_DB_TYPE.values);
    expect(await getAvailableBackends()).toEqual(['sqlite', 'postgres', 'pglite']);
  });
});

describe('an explicit type is never replaced by a fallback', () => {
  it('options.type postgres on a closed port throws, warns nothing and opens no SQLite file', async () => {
    const port = await closedPort();
    const path = join(dir, 'never.db');
    const { warnings, logger } = captureWarnings();
    const error = await createStore({
      type: 'postgres',
      postgres: { connectionString: `postgres://agent:hunter2@127.0.0.1:${port}/athena` },
      sqlite: { path },
      logger,
      env: {},
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect((error as Error).message).toContain('options.type is postgres, so there is no fallback');
    expect((error as Error).message).toContain(`127.0.0.1:${port}`);
    expect((error as Error).message).not.toContain('hunter2');
    expect(warnings).toEqual([]);
    expect(existsSync(path)).toBe(false);
  });

  it('ATHENA_DB_TYPE=postgres is as explicit as options.type', async () => {
    const port = await closedPort();
    const { warnings, logger } = captureWarnings();
    const error = await createStore({
      logger,
      env: {
        ATHENA_DB_TYPE: 'pg',
        ATHENA_DATABASE_URL: `postgres://127.0.0.1:${port}/athena`,
        ATHENA_SQLITE_PATH: join(dir, 'never-either.db'),
      },
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect((error as Error).message).toContain('ATHENA_DB_TYPE=postgres, so there is no fallback');
    expect(warnings).toEqual([]);
  });

  it('a backend detected from its settings still falls back, loudly', async () => {
    const port = await closedPort();
    const { warnings, logger } = captureWarnings();
    const store = await keep(
      createStore({
        logger,
        env: {
          ATHENA_DATABASE_URL: `postgres://127.0.0.1:${port}/athena`,
          ATHENA_SQLITE_PATH: join(dir, 'fallback.db'),
          ATHENA_EMBEDDING_DIM: '4',
        },
      }),
    );
    expect(store.selection.backend).toBe('sqlite');
    expect(store.selection.fallback?.from).toBe('postgres');
    expect(warnings).toHaveLength(1);
  });
});

describe("the returned store is the backend's own", () => {
  it('SQLite: an instance of SqliteStore, typed as one, with its own members', async () => {
    const store = await keep(
      createStore({ type: 'sqlite', sqlite: { path: join(dir, 'own.db') }, embeddingDimension: 4 }),
    );
    expectTypeOf(store).toEqualTypeOf<SelectedStore<SqliteStore>>();
    expect(store).toBeInstanceOf(SqliteStore);
    expect(store.options.path).toBe(join(dir, 'own.db'));
    expect(store.selection).toMatchObject({ backend: 'sqlite', reason: 'options.type is sqlite' });
    const project = await store.projects.create({ name: 'own', path: '/own' });
    const tx = await store.transaction(async (t) => t.projects.get(project.id));
    expect(tx?.name).toBe('own');
    expect((await store.health()).details).toMatchObject({ selection: { backend: 'sqlite' } });
  });

  it('without a type the store is typed by the contract only', async () => {
    const store = await keep(
      createStore({ sqlite: { path: join(dir, 'detected.db') }, embeddingDimension: 4, env: {} }),
    );
    expectTypeOf(store).toEqualTypeOf<SelectedStore<Store>>();
    // @ts-expect-error -- a backend-specific member needs an explicit type
    expect(store.options).toBeDefined();
  });

  describePostgres('PostgreSQL', () => {
    it('an instance of PostgresStore whose own methods work through the factory', async () => {
      const schema = freshSchema('athena_open_factory');
      schemas.push(schema);
      const store = await keep(
        createStore({
          type: 'postgres',
          postgres: { connectionString: TEST_DATABASE_URL, schema },
          embeddingDimension: 4,
          env: {},
        }),
      );
      expectTypeOf(store).toEqualTypeOf<SelectedStore<PostgresStore>>();
      expectTypeOf(store.explainSearch).returns.resolves.toEqualTypeOf<string[]>();
      expect(store).toBeInstanceOf(PostgresStore);
      expect(store.schema).toBe(schema);
      const project = await store.projects.create({ name: 'pg', path: '/pg' });
      await store.memories.store(project.id, {
        content: 'hello world',
        embedding: [1, 0, 0, 0],
      });
      const plan = await store.explainSearch({
        kind: 'keyword',
        projectId: project.id,
        text: 'hello',
      });
      expect(plan.join('\n')).toMatch(/memory_vectors|Scan/);
      await expect(store.buildProjectGraphs()).resolves.toBeDefined();
    });
  });

  it('PGlite: selected by its directory setting, persistent there, typed as PgliteStore', async () => {
    const dataDir = join(dir, 'pglite', 'nested');
    const first = await keep(
      createStore({ env: { ATHENA_PGLITE_PATH: dataDir, ATHENA_EMBEDDING_DIM: '4' } }),
    );
    expectTypeOf(first).toEqualTypeOf<SelectedStore<Store>>();
    expect(first).toBeInstanceOf(PgliteStore);
    expect(first.selection).toEqual({
      backend: 'pglite',
      reason: 'ATHENA_PGLITE_PATH is set',
    });
    const project = await first.projects.create({ name: 'lite', path: '/lite' });
    await first.memories.store(project.id, { content: 'kept on disk', embedding: [0, 1, 0, 0] });
    await first.close();
    expect(existsSync(dataDir)).toBe(true);

    const again = await keep(createStore({ type: 'pglite', pglite: { dataDir }, env: {} }));
    expectTypeOf(again).toEqualTypeOf<SelectedStore<PgliteStore>>();
    expect(again.backend).toBe('pglite');
    const hits = await again.search.keyword(project.id, 'disk');
    expect(hits.map((hit) => hit.memory.content)).toEqual(['kept on disk']);
    expect((await again.health()).details).toMatchObject({ selection: { backend: 'pglite' } });
  });

  it('PGlite in memory with memory://', async () => {
    const store = await keep(
      createStore({ type: 'pglite', pglite: { dataDir: 'memory://' }, embeddingDimension: 4 }),
    );
    expect(store.selection.reason).toBe('options.type is pglite');
    expect((await store.stats()).backend).toBe('pglite');
  });
});
