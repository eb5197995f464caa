import { ValidationError } from '@athena/core-types';
import { describe, expect, it } from 'vitest';
import { POSTGRES_CAPABILITIES, PostgresStore, resolveOptions } from '../src/index.js';
import type { PostgresStoreOptions } from '../src/index.js';

function issuePath(options: unknown): string | undefined {
  try {
    resolveOptions(options as PostgresStoreOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).issues[0]?.path;
  }
  return undefined;
}

describe('options', () => {
  it('applies defaults and freezes the result', () => {
    const resolved = resolveOptions({ connectionString: 'postgres://u@h/db' });
    expect(resolved).toMatchObject({
      schema: 'public',
      poolMin: 2,
      poolMax: 10,
      textSearchConfig: 'english',
      vectorIndex: { type: 'hnsw', m: 16, efConstruction: 64, precision: 'full' },
      efSearch: 40,
      embeddingDimension: undefined,
      statementTimeoutMs: undefined,
      queryTimeoutMs: undefined,
    });
    expect(Object.isFrozen(resolved)).toBe(true);
    // The client waits a little longer than the server's own timeout, unless told.
    const url = 'postgres://u@h/db';
    expect(resolveOptions({ connectionString: url, statementTimeoutMs: 2_000 })).toMatchObject({
      queryTimeoutMs: 7_000,
    });
    expect(
      resolveOptions({ connectionString: url, statementTimeoutMs: 2_000, queryTimeoutMs: 900 }),
    ).toMatchObject({ queryTimeoutMs: 900 });
    expect(
      resolveOptions({
        connectionString: 'postgres://u@h/db',
        vectorIndex: { type: 'ivfflat', lists: 50 },
      }).vectorIndex,
    ).toEqual({
      type: 'ivfflat',
      lists: 50,
      minRows: 500,
      precision: 'full',
    });
    expect(
      resolveOptions({ connectionString: url, vectorIndex: { type: 'hnsw', precision: 'half' } })
        .vectorIndex,
    ).toEqual({ type: 'hnsw', m: 16, efConstruction: 64, precision: 'half' });
  });

  it('names the offending field', () => {
    expect(issuePath({})).toBe('connection');
    expect(issuePath({ connectionString: 'x', host: 'h' })).toBe('connection');
    expect(issuePath({ connectionString: 'mysql://x' })).toBe('connectionString');
    expect(issuePath({ host: 'h', database: 'd' })).toBe('user');
    expect(issuePath({ host: 'h', database: 'd', user: 'u', port: 70_000 })).toBe('port');
    expect(issuePath({ pool: {} })).toBe('pool');
    expect(issuePath({ driver: { name: 'x' } })).toBe('driver');
    expect(issuePath({ driver: { name: 'x', openPool: () => null }, pool: {} })).toBe('connection');
    expect(issuePath({ connectionString: 'postgres://h/d', schema: 'Bad-Name' })).toBe('schema');
    expect(issuePath({ connectionString: 'postgres://h/d', embeddingDimension: 2001 })).toBe(
      'embeddingDimension',
    );
    expect(issuePath({ connectionString: 'postgres://h/d', poolMin: 5, poolMax: 2 })).toBe(
      'poolMin',
    );
    expect(
      issuePath({ connectionString: 'postgres://h/d', textSearchConfig: "english'; drop" }),
    ).toBe('textSearchConfig');
    expect(
      issuePath({ connectionString: 'postgres://h/d', vectorIndex: { type: 'hnsw', m: 1 } }),
    ).toBe('vectorIndex.m');
    expect(issuePath({ connectionString: 'postgres://h/d', vectorIndex: { type: 'flat' } })).toBe(
      'vectorIndex.type',
    );
    expect(
      issuePath({
        connectionString: 'postgres://h/d',
        vectorIndex: { type: 'hnsw', precision: 'quarter' },
      }),
    ).toBe('vectorIndex.precision');
    expect(issuePath({ connectionString: 'postgres://h/d', efSearch: 0 })).toBe('efSearch');
    expect(issuePath({ connectionString: 'postgres://h/d', queryTimeoutMs: 0 })).toBe(
      'queryTimeoutMs',
    );
    expect(issuePath({ connectionString: 'postgres://h/d', preparedStatements: 'yes' })).toBe(
      'preparedStatements',
    );
    expect(issuePath({ connectionString: 'postgres://h/d', retry: { attempts: 0 } })).toBe(
      'retry.attempts',
    );
  });

  it('read replicas: URLs alone or with a policy, defaults applied, bad ones named', () => {
    const url = 'postgres://u@primary/db';
    expect(resolveOptions({ connectionString: url }).readReplicas).toBeNull();
    expect(
      resolveOptions({ connectionString: url, readReplicas: ['postgres://r1/db'] }).readReplicas,
    ).toEqual({
      urls: ['postgres://r1/db'],
      maxLagMs: 10_000,
      readYourWritesTimeoutMs: 200,
      checkIntervalMs: 2_000,
    });
    expect(
      resolveOptions({
        connectionString: url,
        readReplicas: {
          urls: ['postgres://r1/db', 'postgres://r2/db'],
          maxLagMs: 500,
          readYourWritesTimeoutMs: 0,
        },
      }).readReplicas,
    ).toMatchObject({
      urls: ['postgres://r1/db', 'postgres://r2/db'],
      maxLagMs: 500,
      readYourWritesTimeoutMs: 0,
    });
    expect(issuePath({ connectionString: url, readReplicas: [] })).toBe('readReplicas');
    expect(issuePath({ connectionString: url, readReplicas: 'postgres://r1/db' })).toBe(
      'readReplicas',
    );
    expect(
      issuePath({ connectionString: url, readReplicas: ['postgres://r1/db', 'mysql://r2/db'] }),
    ).toBe('readReplicas.urls[1]');
    expect(
      issuePath({ connectionString: url, readReplicas: ['postgres://u:pw@r1:99999/db'] }),
    ).toBe('readReplicas.urls[0]');
    expect(
      issuePath({
        connectionString: url,
        readReplicas: { urls: ['postgres://r1/db'], maxLagMs: 0 },
      }),
    ).toBe('readReplicas.maxLagMs');
    expect(
      issuePath({
        connectionString: url,
        readReplicas: { urls: ['postgres://r1/db'], checkIntervalMs: 1.5 },
      }),
    ).toBe('readReplicas.checkIntervalMs');
    // PGlite (a driver-opened engine) has no replicas to read from.
    expect(
      issuePath({
        driver: { name: 'x', openPool: () => null },
        readReplicas: ['postgres://r1/db'],
      }),
    ).toBe('readReplicas');
  });

  it('connectionPooler: transaction pooling turns off named statements and refuses what needs a session', () => {
    const url = 'postgres://u@pgbouncer:6432/db';
    expect(resolveOptions({ connectionString: url })).toMatchObject({
      connectionPooler: 'none',
      preparedStatements: true,
    });
    expect(
      resolveOptions({ connectionString: url, connectionPooler: 'transaction' }),
    ).toMatchObject({
      connectionPooler: 'transaction',
      preparedStatements: false,
    });
    // PgBouncer 1.21+ carries protocol-level prepared statements: the caller may turn them on.
    expect(
      resolveOptions({
        connectionString: url,
        connectionPooler: 'transaction',
        preparedStatements: true,
      }),
    ).toMatchObject({ preparedStatements: true });
    expect(
      resolveOptions({
        connectionString: url,
        connectionPooler: 'session',
        statementTimeoutMs: 5_000,
      }),
    ).toMatchObject({
      connectionPooler: 'session',
      preparedStatements: true,
      statementTimeoutMs: 5_000,
    });
    expect(issuePath({ connectionString: url, connectionPooler: 'statement' })).toBe(
      'connectionPooler',
    );
    expect(
      issuePath({
        connectionString: url,
        connectionPooler: 'transaction',
        statementTimeoutMs: 5_000,
      }),
    ).toBe('statementTimeoutMs');
    expect(
      issuePath({ connectionString: url, connectionPooler: 'transaction', poolMin: 0, poolMax: 1 }),
    ).toBe('poolMax');
    expect(
      issuePath({ driver: { name: 'x', openPool: () => null }, connectionPooler: 'session' }),
    ).toBe('connectionPooler');
  });

  it('a URL pg cannot read (port 99999 or 0) is a ValidationError at construction, without the password', () => {
    for (const port of ['99999', '0', '65536']) {
      const connectionString = `postgres://athena:s3cret-pw@127.0.0.1:${port}/athena`;
      let caught: unknown;
      try {
        new PostgresStore({ connectionString });
      } catch (error) {
        caught = error;
      }
      expect(caught, port).toBeInstanceOf(ValidationError);
      expect((caught as ValidationError).issues[0]?.path).toBe('connectionString');
      expect((caught as ValidationError).message).toContain('1–65535');
      expect((caught as ValidationError).message).not.toContain('s3cret-pw');
    }
    // Still accepted: the edges of the range, no port, an empty host (a Unix socket).
    for (const url of [
      'postgres://u@h:1/db',
      'postgres://u@h:65535/db',
      'postgres://u@h/db',
      'postgres://u:p@/db',
      'postgresql://u:p%40ss@h/db?sslmode=disable',
    ]) {
      expect(resolveOptions({ connectionString: url }).connection).toEqual({
        connectionString: url,
      });
    }
  });

  it('declares its capabilities and refuses use before init()', async () => {
    const store = new PostgresStore({ connectionString: 'postgres://u@127.0.0.1:1/db' });
    expect(store.backend).toBe('postgres');
    expect(store.capabilities).toBe(POSTGRES_CAPABILITIES);
    expect(POSTGRES_CAPABILITIES).toMatchObject({
      annIndexes: ['hnsw', 'ivfflat'],
      concurrentWriters: true,
      savepoints: true,
      iterativeFilteredScan: true,
      maxEmbeddingDimension: 2000,
    });
    expect(() => store.embeddingDimension).toThrow(
      expect.objectContaining({ code: 'store_closed' }),
    );
    await expect(store.projects.list()).rejects.toMatchObject({ code: 'store_closed' });
    expect(await store.health()).toMatchObject({ ok: false, backend: 'postgres' });
    await store.close();
  });
});
