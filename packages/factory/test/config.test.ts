import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ATHENA_VARIABLES, ValidationError } from '@athena/core-types';
import { createStore, defaultSqlitePath, ENV_VARIABLES, resolveConfig } from '../src/index.js';
import type { ResolvedConfig, ResolvedPostgres } from '../src/index.js';

/** The PostgreSQL settings of a configuration that selects PostgreSQL. */
const pg = (config: ResolvedConfig) => config.settings as ResolvedPostgres;

function expectInvalid(fn: () => unknown, ...fragments: string[]): void {
  let error: unknown;
  try {
    fn();
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(ValidationError);
  for (const fragment of fragments) expect((error as Error).message).toContain(fragment);
}

describe('backend detection', () => {
  it('defaults to SQLite at ~/.athena/memory.db with nothing configured', () => {
    const config = resolveConfig({}, {});
    expect(config).toMatchObject({
      type: 'sqlite',
      sqlite: { path: defaultSqlitePath() },
      fallback: 'sqlite',
    });
    expect(config.reason).toMatch(/no PostgreSQL or PGlite setting/);
    expect(config.embeddingDimension).toBeUndefined();
  });

  it.each([
    ['ATHENA_DATABASE_URL', 'postgres://localhost/athena'],
    ['DATABASE_URL', 'postgresql://localhost/athena'],
    ['ATHENA_POSTGRES_HOST', 'db.internal'],
    ['ATHENA_POSTGRES_PORT', '6543'],
    ['ATHENA_POSTGRES_DB', 'mem'],
    ['ATHENA_POSTGRES_DBNAME', 'mem'],
    ['ATHENA_POSTGRES_USER', 'agent'],
    ['ATHENA_POSTGRES_PASSWORD', 'pw'],
  ])('selects PostgreSQL when %s is set, and says so', (name, value) => {
    const config = resolveConfig({}, { [name]: value });
    expect(config.type).toBe('postgres');
    expect(config.reason).toBe(`${name} is set`);
  });

  it('honours ATHENA_DB_TYPE over auto-detection', () => {
    const config = resolveConfig(
      {},
      { ATHENA_DB_TYPE: 'sqlite', ATHENA_DATABASE_URL: 'postgres://h/db' },
    );
    expect(config).toMatchObject({ type: 'sqlite', reason: 'ATHENA_DB_TYPE=sqlite' });
    expect(resolveConfig({}, { ATHENA_DB_TYPE: 'PostgreSQL' }).type).toBe('postgres');
  });

  it('lets an explicit option win over the environment', () => {
    const config = resolveConfig({ type: 'sqlite' }, { ATHENA_DB_TYPE: 'postgres' });
    expect(config).toMatchObject({ type: 'sqlite', reason: 'options.type is sqlite' });
    expect(resolveConfig({ postgres: { host: 'h' } }, {}).reason).toBe(
      'options.postgres.host is given',
    );
    expect(resolveConfig({ postgres: { schema: 's', poolMax: 3 } }, {}).type).toBe('sqlite');
  });

  it('rejects an unknown type, naming the variable and the value', () => {
    expectInvalid(
      () => resolveConfig({}, { ATHENA_DB_TYPE: 'mysql' }),
      'ATHENA_DB_TYPE',
      '"mysql"',
    );
  });
});

describe('PostgreSQL settings', () => {
  it('uses discrete defaults', () => {
    const config = resolveConfig({ type: 'postgres' }, {});
    expect(pg(config)).toMatchObject({
      connection: { host: 'localhost', port: 5432, database: 'athena', user: 'postgres' },
      poolMin: 2,
      poolMax: 10,
      connectionTimeoutMs: 5000,
      display: 'postgres://postgres@localhost:5432/athena',
    });
  });

  it('reads every discrete variable and redacts the password in the display form', () => {
    const config = resolveConfig(
      {},
      {
        ATHENA_POSTGRES_HOST: 'db',
        ATHENA_POSTGRES_PORT: '6543',
        ATHENA_POSTGRES_DB: 'mem',
        ATHENA_POSTGRES_USER: 'agent',
        ATHENA_POSTGRES_PASSWORD: 'hunter2',
        ATHENA_POSTGRES_POOL_MIN: '1',
        ATHENA_POSTGRES_POOL_MAX: '4',
      },
    );
    expect(pg(config)).toMatchObject({
      connection: { host: 'db', port: 6543, database: 'mem', user: 'agent', password: 'hunter2' },
      poolMin: 1,
      poolMax: 4,
    });
    expect(pg(config).display).toBe('postgres://agent:***@db:6543/mem');
  });

  it('reads read replicas from ATHENA_POSTGRES_READ_URL, comma-separated, without selecting PostgreSQL', () => {
    const urls = 'postgres://reader:s3cret@replica-1/athena, postgres://replica-2:5433/athena';
    const config = resolveConfig(
      {},
      { ATHENA_DATABASE_URL: 'postgres://primary/athena', ATHENA_POSTGRES_READ_URL: urls },
    );
    expect(pg(config).readReplicas).toEqual([
      'postgres://reader:s3cret@replica-1/athena',
      'postgres://replica-2:5433/athena',
    ]);
    expect(resolveConfig({}, { ATHENA_POSTGRES_READ_URL: urls }).type).toBe('sqlite');
    expect(pg(resolveConfig({ type: 'postgres' }, {})).readReplicas).toEqual([]);
    // Given in code, the option wins over the variable.
    const fromCode = resolveConfig(
      { type: 'postgres', postgres: { readReplicas: ['postgres://code-replica/athena'] } },
      { ATHENA_POSTGRES_READ_URL: urls },
    );
    expect(pg(fromCode).readReplicas).toEqual(['postgres://code-replica/athena']);
  });

  it('reads the pooling mode of a connection pooler from ATHENA_POSTGRES_POOLER or the option', () => {
    const env = { ATHENA_DATABASE_URL: 'postgres://pgbouncer:6432/athena' };
    expect(pg(resolveConfig({}, env)).connectionPooler).toBeUndefined();
    expect(
      pg(resolveConfig({}, { ...env, ATHENA_POSTGRES_POOLER: 'Transaction' })).connectionPooler,
    ).toBe('transaction');
    expect(
      pg(
        resolveConfig(
          { postgres: { connectionPooler: 'session' } },
          { ...env, ATHENA_POSTGRES_POOLER: 'transaction' },
        ),
      ).connectionPooler,
    ).toBe('session');
    expectInvalid(
      () => resolveConfig({}, { ...env, ATHENA_POSTGRES_POOLER: 'statement' }),
      'ATHENA_POSTGRES_POOLER',
      'one of session, transaction',
      '"statement"',
    );
  });

  it('rejects a replica URL that is not a postgres:// URL, its password hidden', () => {
    expectInvalid(
      () =>
        resolveConfig(
          { type: 'postgres' },
          { ATHENA_POSTGRES_READ_URL: 'postgres://u:pw@replica-1/athena,mysql://replica-2/athena' },
        ),
      'ATHENA_POSTGRES_READ_URL',
      '"postgres://u:***@replica-1/athena,mysql://replica-2/athena"',
    );
  });

  it('accepts the Python names as aliases', () => {
    const config = resolveConfig(
      {},
      {
        ATHENA_POSTGRES_DBNAME: 'legacy',
        ATHENA_POSTGRES_MIN_SIZE: '3',
        ATHENA_POSTGRES_MAX_SIZE: '7',
        ATHENA_DB_PATH: '/tmp/a.db',
      },
    );
    expect(pg(config)).toMatchObject({
      connection: { database: 'legacy' },
      poolMin: 3,
      poolMax: 7,
    });
    expect(config.sqlite.path).toBe('/tmp/a.db');
  });

  it('prefers ATHENA_DATABASE_URL over DATABASE_URL and over discrete variables', () => {
    const config = resolveConfig(
      {},
      {
        ATHENA_DATABASE_URL: 'postgres://a@one/x',
        DATABASE_URL: 'postgres://b@two/y',
        ATHENA_POSTGRES_HOST: 'three',
      },
    );
    expect(pg(config).connection).toEqual({ connectionString: 'postgres://a@one/x' });
  });

  it('lets explicit discrete options win over an environment URL', () => {
    const config = resolveConfig(
      { postgres: { host: 'explicit', database: 'd' } },
      { ATHENA_DATABASE_URL: 'postgres://env/x' },
    );
    expect(pg(config).connection).toMatchObject({ host: 'explicit', database: 'd' });
  });

  it('redacts the password of a URL in its display form', () => {
    const config = resolveConfig({}, { ATHENA_DATABASE_URL: 'postgres://u:s3cr3t@h:5433/db' });
    expect(pg(config).display).toBe('postgres://u:***@h:5433/db');
  });

  it.each([
    ['ATHENA_POSTGRES_PORT', 'abc'],
    ['ATHENA_POSTGRES_PORT', '70000'],
    ['ATHENA_POSTGRES_PORT', '54.3'],
    ['ATHENA_POSTGRES_POOL_MIN', '-1'],
    ['ATHENA_POSTGRES_POOL_MAX', 'ten'],
    ['ATHENA_POSTGRES_POOL_MAX', '0'],
  ])('rejects %s=%s, naming both', (name, value) => {
    expectInvalid(() => resolveConfig({ type: 'postgres' }, { [name]: value }), name, `"${value}"`);
  });

  it('rejects a pool minimum above the maximum', () => {
    expectInvalid(
      () =>
        resolveConfig(
          {},
          {
            ATHENA_POSTGRES_HOST: 'h',
            ATHENA_POSTGRES_POOL_MIN: '5',
            ATHENA_POSTGRES_POOL_MAX: '2',
          },
        ),
      'ATHENA_POSTGRES_POOL_MIN',
    );
  });

  it('rejects a malformed URL without echoing its password', () => {
    let message = '';
    try {
      resolveConfig({}, { ATHENA_DATABASE_URL: 'mysql://u:topsecret@h/db' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('ATHENA_DATABASE_URL');
    expect(message).not.toContain('topsecret');
    expectInvalid(() => resolveConfig({}, { DATABASE_URL: 'not a url' }), 'DATABASE_URL');
  });

  it('refuses a URL with an unencoded password, from the environment or in code, showing none of it', async () => {
    const raw = 'postgres://user:Sup3r$ecret:P@ss/w0rd@host/db';
    const messages: string[] = [];
    for (const attempt of [
      () => resolveConfig({}, { ATHENA_DATABASE_URL: raw }),
      () => resolveConfig({ type: 'postgres', postgres: { connectionString: raw } }, {}),
    ]) {
      try {
        attempt();
      } catch (error) {
        expect(error).toBeInstanceOf(ValidationError);
        messages.push(inspect(error, { depth: 10, customInspect: false }));
      }
    }
    // createStore refuses it before any connection (or DNS lookup of "ss") is made.
    await expect(
      createStore({ type: 'postgres', postgres: { connectionString: raw }, fallback: 'none' }),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(messages).toHaveLength(2);
    for (const message of messages) {
      expect(message).toContain('postgres://***@host/db');
      for (const part of ['Sup3r', 'ecret', 'P@ss', 'w0rd']) expect(message).not.toContain(part);
    }
  });

  it('validates explicit options, naming the option', () => {
    expectInvalid(() => resolveConfig({ postgres: { port: 0 } }, {}), 'options.postgres.port');
  });
});

describe('common settings', () => {
  it('reads ATHENA_SQLITE_PATH, ATHENA_EMBEDDING_DIM and ATHENA_FALLBACK', () => {
    const config = resolveConfig(
      {},
      { ATHENA_SQLITE_PATH: '/data/m.db', ATHENA_EMBEDDING_DIM: '384', ATHENA_FALLBACK: 'none' },
    );
    expect(config).toMatchObject({
      sqlite: { path: '/data/m.db' },
      embeddingDimension: 384,
      fallback: 'none',
    });
  });

  it('lets options win over each of them', () => {
    const config = resolveConfig(
      { sqlite: { path: '/opt/x.db' }, embeddingDimension: 16, fallback: 'sqlite' },
      { ATHENA_SQLITE_PATH: '/data/m.db', ATHENA_EMBEDDING_DIM: '384', ATHENA_FALLBACK: 'none' },
    );
    expect(config).toMatchObject({
      sqlite: { path: '/opt/x.db' },
      embeddingDimension: 16,
      fallback: 'sqlite',
    });
  });

  it('reads ATHENA_SQLITE_READERS (default 0), the option winning over it', () => {
    expect(resolveConfig({}, {})).toMatchObject({ sqlite: { readers: 0 } });
    expect(resolveConfig({}, { ATHENA_SQLITE_READERS: '2' })).toMatchObject({
      sqlite: { readers: 2 },
    });
    expect(resolveConfig({ sqlite: { readers: 1 } }, { ATHENA_SQLITE_READERS: '4' })).toMatchObject(
      { sqlite: { readers: 1 } },
    );
  });

  it.each([['two'], ['-1'], ['65'], ['1.5']])('rejects ATHENA_SQLITE_READERS=%s', (value) => {
    expectInvalid(
      () => resolveConfig({}, { ATHENA_SQLITE_READERS: value }),
      'ATHENA_SQLITE_READERS',
      `"${value}"`,
    );
  });

  it('rejects options.sqlite.readers out of range, naming the option', () => {
    expectInvalid(() => resolveConfig({ sqlite: { readers: 100 } }, {}), 'options.sqlite.readers');
  });

  it('rejects a bad dimension and a bad fallback mode', () => {
    expectInvalid(
      () => resolveConfig({}, { ATHENA_EMBEDDING_DIM: 'big' }),
      'ATHENA_EMBEDDING_DIM',
      '"big"',
    );
    expectInvalid(
      () => resolveConfig({}, { ATHENA_FALLBACK: 'mysql' }),
      'ATHENA_FALLBACK',
      '"mysql"',
    );
  });

  it('reads ATHENA_POSTGRES_SCHEMA, which alone does not select PostgreSQL; the option wins', () => {
    expect(resolveConfig({}, { ATHENA_POSTGRES_SCHEMA: 'team' }).type).toBe('sqlite');
    const env = { ATHENA_DATABASE_URL: 'postgres://db/athena', ATHENA_POSTGRES_SCHEMA: 'team' };
    expect(pg(resolveConfig({}, env)).schema).toBe('team');
    expect(pg(resolveConfig({ postgres: { schema: 'mine' } }, env)).schema).toBe('mine');
    expect(
      pg(resolveConfig({}, { ATHENA_DATABASE_URL: 'postgres://db/athena' })),
    ).not.toHaveProperty('schema');
  });

  it('ignores empty variables', () => {
    expect(resolveConfig({}, { ATHENA_DATABASE_URL: '', ATHENA_DB_TYPE: '  ' }).type).toBe(
      'sqlite',
    );
  });

  it('checks ATHENA_EMBEDDING_DIM and options.embeddingDimension by the one rule of the registry', () => {
    expect(resolveConfig({}, { ATHENA_EMBEDDING_DIM: '16000' }).embeddingDimension).toBe(16_000);
    expect(resolveConfig({ embeddingDimension: 1 }, {}).embeddingDimension).toBe(1);
    expectInvalid(
      () => resolveConfig({}, { ATHENA_EMBEDDING_DIM: '16001' }),
      'ATHENA_EMBEDDING_DIM',
      'an integer in 1–16000',
    );
    expectInvalid(
      () => resolveConfig({ embeddingDimension: 16_001 }, {}),
      'options.embeddingDimension',
      'an integer in 1–16000',
    );
    expectInvalid(
      () => resolveConfig({ embeddingDimension: 1.5 }, {}),
      'options.embeddingDimension',
    );
  });

  it('names the alias that supplied a bad value', () => {
    expectInvalid(
      () => resolveConfig({ type: 'postgres' }, { ATHENA_POSTGRES_MIN_SIZE: 'two' }),
      'ATHENA_POSTGRES_MIN_SIZE (alias of ATHENA_POSTGRES_POOL_MIN)',
      '"two"',
    );
  });

  it('checks options by the rule of their variable', () => {
    expectInvalid(
      () => resolveConfig({ type: 'mysql' as 'sqlite' }, {}),
      'options.type',
      '"mysql"',
    );
    expectInvalid(
      () => resolveConfig({ fallback: 'never' as 'none' }, {}),
      'options.fallback',
      '"never"',
    );
    expectInvalid(
      () => resolveConfig({ postgres: { connectionString: 'mysql://u:pw@h/db' } }, {}),
      'options.postgres.connectionString',
    );
    expect(resolveConfig({ type: 'PostgreSQL' as 'postgres' }, {}).type).toBe('postgres');
  });

  it('keeps ENV_VARIABLES as a view of the registry’s store variables', () => {
    const store = Object.values(ATHENA_VARIABLES).filter((v) => v.group === 'store');
    expect(ENV_VARIABLES.map((v) => v.name)).toEqual(store.map((v) => v.name));
    expect(ENV_VARIABLES.find((v) => v.name === 'ATHENA_SQLITE_PATH')).toEqual({
      name: 'ATHENA_SQLITE_PATH',
      aliases: ['ATHENA_DB_PATH'],
      description: 'SQLite file; its directory is created',
      default: '`~/.athena/memory.db`',
    });
  });
});
