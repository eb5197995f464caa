import { createServer } from 'node:net';
import { inspect } from 'node:util';
import { createStore } from '@athena/factory';
import { PostgresStore } from '@athena/store-postgres';
import { TEST_DATABASE_URL, dropSchema, freshSchema } from '@athena/test-postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { record } from '../src/report.js';

/**
 * A password with the characters that break naive URL handling; each form a
 * caller may hand it in is tried, and everything Athena shows about the
 * store or its failures is searched for any part of it.
 */
const PASSWORD = 'Sup3r$ecret:P@ss/w0rd';
const FRAGMENTS = ['Sup3r', '$ecret', 'P@ss', 'w0rd', '%24ecret', 'P%40ss'];

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Everything an error shows: message, details, the cause chain and `util.inspect`. */
function shown(value: unknown): string {
  const parts: string[] = [inspect(value, { depth: 12 })];
  for (let error = value, depth = 0; error instanceof Error && depth < 10; depth++) {
    parts.push(error.message, error.stack ?? '', JSON.stringify(error));
    error = (error as { cause?: unknown }).cause;
  }
  return parts.join('\n');
}

function leaked(text: string): string[] {
  return FRAGMENTS.filter((fragment) => text.includes(fragment));
}

describe('secrets: no part of a password is ever shown', () => {
  const schemas: string[] = [];
  afterAll(async () => {
    for (const schema of schemas) await dropSchema(schema);
  });

  const live = new URL(TEST_DATABASE_URL);
  live.password = PASSWORD;
  const cases: { name: string; run: () => Promise<string> }[] = [
    {
      name: 'encoded URL in options, live server: health, stats, inspect',
      run: async () => {
        const schema = freshSchema('athena_secret');
        schemas.push(schema);
        const lines: unknown[] = [];
        const store = new PostgresStore({
          connectionString: live.toString(),
          schema,
          embeddingDimension: 4,
          logger: { warn: (...args: unknown[]) => lines.push(args) },
        });
        await store.init();
        try {
          return [
            JSON.stringify(await store.health()),
            JSON.stringify(await store.stats()),
            inspect(store, { depth: 8 }),
            shown(await store.projects.get(0).catch((error: unknown) => error)),
            JSON.stringify(lines),
          ].join('\n');
        } finally {
          await store.close();
        }
      },
    },
    {
      name: 'encoded URL in options, refused: init error, health',
      run: async () => {
        const url = `postgres://agent:${encodeURIComponent(PASSWORD)}@127.0.0.1:${await closedPort()}/athena`;
        const store = new PostgresStore({ connectionString: url, embeddingDimension: 4 });
        const error = await store.init().catch((caught: unknown) => caught);
        return [shown(error), JSON.stringify(await store.health()), inspect(store)].join('\n');
      },
    },
    {
      name: 'host, user and password in options, refused',
      run: async () => {
        const store = new PostgresStore({
          host: '127.0.0.1',
          port: await closedPort(),
          database: 'athena',
          user: 'agent',
          password: PASSWORD,
          embeddingDimension: 4,
        });
        return shown(await store.init().catch((caught: unknown) => caught));
      },
    },
    {
      name: 'unencoded URL in the environment (factory): refused before any connection',
      run: async () => {
        const lines: unknown[] = [];
        const error = await createStore({
          logger: { warn: (...args: unknown[]) => lines.push(args) },
          env: {
            ATHENA_DATABASE_URL: `postgres://agent:${PASSWORD}@127.0.0.1:5432/athena`,
            ATHENA_FALLBACK: 'none',
          },
        }).catch((caught: unknown) => caught);
        return [shown(error), JSON.stringify(lines)].join('\n');
      },
    },
    {
      name: 'password variable in the environment (factory), refused, no fallback',
      run: async () => {
        const lines: unknown[] = [];
        const error = await createStore({
          logger: { warn: (...args: unknown[]) => lines.push(args) },
          env: {
            ATHENA_POSTGRES_HOST: '127.0.0.1',
            ATHENA_POSTGRES_PORT: String(await closedPort()),
            ATHENA_POSTGRES_PASSWORD: PASSWORD,
            ATHENA_FALLBACK: 'none',
          },
        }).catch((caught: unknown) => caught);
        return [shown(error), JSON.stringify(lines)].join('\n');
      },
    },
    {
      name: 'encoded URL in the environment (factory), refused, falls back to SQLite',
      run: async () => {
        const lines: unknown[] = [];
        const store = await createStore({
          logger: { warn: (...args: unknown[]) => lines.push(args) },
          env: {
            ATHENA_DATABASE_URL: `postgres://agent:${encodeURIComponent(PASSWORD)}@127.0.0.1:${await closedPort()}/athena`,
            ATHENA_SQLITE_PATH: ':memory:',
            ATHENA_EMBEDDING_DIM: '4',
          },
        });
        try {
          return [
            JSON.stringify(store.selection),
            JSON.stringify(await store.health()),
            inspect(store, { depth: 8 }),
            JSON.stringify(lines),
          ].join('\n');
        } finally {
          await store.close();
        }
      },
    },
  ];

  it('the search finds every fragment where the password is shown, raw or encoded', () => {
    expect(leaked(`${PASSWORD} ${encodeURIComponent(PASSWORD)}`)).toEqual(FRAGMENTS);
  });

  for (const { name, run } of cases) {
    it(name, async () => {
      const text = await run();
      const found = leaked(text);
      record({ section: 'secrets', case: name, characters: text.length, leaked: found.length });
      expect(found).toEqual([]);
    });
  }
});
