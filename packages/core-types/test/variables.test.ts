import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  ATHENA_VARIABLES,
  findVariable,
  parseVariable,
  readVariable,
  redactUrl,
  ValidationError,
} from '../src/index.js';
import type { AthenaVariableName, InputTypeValues, VariableDefinition } from '../src/index.js';

const ALL = Object.values(ATHENA_VARIABLES) as VariableDefinition[];

function rejection(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error('expected a ValidationError');
}

describe('ATHENA_VARIABLES', () => {
  it('is keyed by each variable’s name, and no name or alias appears twice', () => {
    for (const [key, variable] of Object.entries(ATHENA_VARIABLES)) expect(variable.name).toBe(key);
    const names = ALL.flatMap((v) => [v.name, ...v.aliases]);
    expect(new Set(names).size).toBe(names.length);
  });

  it('holds every variable the packages and apps read today, Python aliases included', () => {
    const names = ALL.flatMap((v) => [v.name, ...v.aliases]);
    expect(names).toEqual(
      expect.arrayContaining([
        'ATHENA_DB_TYPE',
        'ATHENA_DATABASE_URL',
        'DATABASE_URL',
        'ATHENA_POSTGRES_HOST',
        'ATHENA_POSTGRES_PORT',
        'ATHENA_POSTGRES_DB',
        'ATHENA_POSTGRES_DBNAME',
        'ATHENA_POSTGRES_USER',
        'ATHENA_POSTGRES_PASSWORD',
        'ATHENA_POSTGRES_POOL_MIN',
        'ATHENA_POSTGRES_MIN_SIZE',
        'ATHENA_POSTGRES_POOL_MAX',
        'ATHENA_POSTGRES_MAX_SIZE',
        'ATHENA_SQLITE_PATH',
        'ATHENA_DB_PATH',
        'ATHENA_EMBEDDING_DIM',
        'ATHENA_FALLBACK',
        'ATHENA_EMBEDDER',
        'ATHENA_EMBEDDINGS_URL',
        'ATHENA_EMBEDDINGS_MODEL',
        'ATHENA_EMBEDDINGS_API_KEY',
        'ATHENA_EMBEDDINGS_PREFIXES',
        'ATHENA_EMBEDDINGS_QUERY_PREFIX',
        'ATHENA_EMBEDDINGS_DOCUMENT_PREFIX',
        'ATHENA_EMBEDDINGS_INPUT_TYPE_FIELD',
        'ATHENA_EMBEDDINGS_INPUT_TYPE_VALUES',
        'ATHENA_BENCH_DATABASE_URL',
      ]),
    );
  });

  it('describes each variable, and every default it has passes its own parser', () => {
    for (const variable of ALL) {
      expect(variable.description.length, variable.name).toBeGreaterThan(0);
      expect(variable.accepts.length, variable.name).toBeGreaterThan(0);
      expect(variable.defaultText.length, variable.name).toBeGreaterThan(0);
      if (variable.default !== undefined && typeof variable.default !== 'object') {
        expect(variable.parse(String(variable.default)), variable.name).toEqual(variable.default);
      }
    }
  });

  it('is frozen, down to each definition', () => {
    expect(Object.isFrozen(ATHENA_VARIABLES)).toBe(true);
    expect(Object.isFrozen(ATHENA_VARIABLES.ATHENA_DB_TYPE)).toBe(true);
    expect(Object.isFrozen(ATHENA_VARIABLES.ATHENA_DATABASE_URL.aliases)).toBe(true);
  });

  it('has one rule for ATHENA_EMBEDDING_DIM: an integer in 1–16000, default 768', () => {
    const dim = ATHENA_VARIABLES.ATHENA_EMBEDDING_DIM;
    expect(dim.range).toEqual({ min: 1, max: 16_000 });
    expect(dim.default).toBe(768);
    for (const ok of ['1', '384', '768', '16000']) {
      expect(parseVariable('ATHENA_EMBEDDING_DIM', ok)).toBe(Number(ok));
    }
    for (const bad of ['0', '-3', '12.5', '1e3', 'abc', '16001', '99999999999999999999']) {
      expect(rejection(() => parseVariable('ATHENA_EMBEDDING_DIM', bad)).issues[0]?.path).toBe(
        'ATHENA_EMBEDDING_DIM',
      );
    }
  });
});

describe('findVariable / readVariable', () => {
  it('parses by type: integers, enumerations with synonyms, texts, pairs', () => {
    expect(readVariable({ ATHENA_POSTGRES_PORT: ' 6543 ' }, 'ATHENA_POSTGRES_PORT')).toBe(6543);
    expect(readVariable({ ATHENA_DB_TYPE: 'PostgreSQL' }, 'ATHENA_DB_TYPE')).toBe('postgres');
    expect(readVariable({ ATHENA_DB_TYPE: 'pg' }, 'ATHENA_DB_TYPE')).toBe('postgres');
    expect(readVariable({ ATHENA_DB_TYPE: 'sqlite3' }, 'ATHENA_DB_TYPE')).toBe('sqlite');
    expect(readVariable({ ATHENA_EMBEDDER: 'OpenAI' }, 'ATHENA_EMBEDDER')).toBe('openai');
    expect(readVariable({ ATHENA_POSTGRES_HOST: ' db ' }, 'ATHENA_POSTGRES_HOST')).toBe('db');
    expect(
      readVariable(
        { ATHENA_EMBEDDINGS_INPUT_TYPE_VALUES: 'retrieval.query, retrieval.passage' },
        'ATHENA_EMBEDDINGS_INPUT_TYPE_VALUES',
      ),
    ).toEqual({ query: 'retrieval.query', document: 'retrieval.passage' });
  });

  it('returns the default when unset or empty, undefined when there is none', () => {
    expect(readVariable({}, 'ATHENA_EMBEDDING_DIM')).toBe(768);
    expect(readVariable({ ATHENA_EMBEDDING_DIM: '  ' }, 'ATHENA_EMBEDDING_DIM')).toBe(768);
    expect(readVariable({}, 'ATHENA_EMBEDDER')).toBe('hash');
    expect(readVariable({}, 'ATHENA_EMBEDDINGS_URL')).toBeUndefined();
    expect(readVariable({}, 'ATHENA_EMBEDDINGS_INPUT_TYPE_VALUES')).toEqual({
      query: 'query',
      document: 'document',
    });
    expect(findVariable({ ATHENA_EMBEDDING_DIM: '' }, 'ATHENA_EMBEDDING_DIM')).toBeUndefined();
  });

  it('prefers the name over an alias, and reports which one supplied the value', () => {
    expect(findVariable({ ATHENA_POSTGRES_MIN_SIZE: '3' }, 'ATHENA_POSTGRES_POOL_MIN')).toEqual({
      name: 'ATHENA_POSTGRES_POOL_MIN',
      source: 'ATHENA_POSTGRES_MIN_SIZE',
      value: 3,
    });
    expect(
      findVariable(
        { ATHENA_POSTGRES_POOL_MIN: '1', ATHENA_POSTGRES_MIN_SIZE: '3' },
        'ATHENA_POSTGRES_POOL_MIN',
      )?.source,
    ).toBe('ATHENA_POSTGRES_POOL_MIN');
    expect(
      findVariable(
        { ATHENA_DATABASE_URL: '', DATABASE_URL: 'postgres://h/db' },
        'ATHENA_DATABASE_URL',
      )?.source,
    ).toBe('DATABASE_URL');
  });

  it('keeps the whitespace of prefixes, which end in a space', () => {
    expect(
      readVariable(
        { ATHENA_EMBEDDINGS_QUERY_PREFIX: 'search_query: ' },
        'ATHENA_EMBEDDINGS_QUERY_PREFIX',
      ),
    ).toBe('search_query: ');
  });

  it('names the variable, the alias and the value in an error', () => {
    const error = rejection(() => findVariable({ ATHENA_DB_TYPE: 'mysql' }, 'ATHENA_DB_TYPE'));
    expect(error.message).toBe(
      'invalid ATHENA_DB_TYPE: must be one of sqlite, postgres, pglite, got "mysql"',
    );
    expect(error.issues).toEqual([
      { path: 'ATHENA_DB_TYPE', message: 'must be one of sqlite, postgres, pglite' },
    ]);
    const alias = rejection(() =>
      readVariable({ ATHENA_POSTGRES_MAX_SIZE: 'ten' }, 'ATHENA_POSTGRES_POOL_MAX'),
    );
    expect(alias.message).toBe(
      'invalid ATHENA_POSTGRES_MAX_SIZE (alias of ATHENA_POSTGRES_POOL_MAX): must be an integer in 1–1000, got "ten"',
    );
    expect(alias.issues[0]?.path).toBe('ATHENA_POSTGRES_MAX_SIZE');
    expect(alias.details).toEqual({
      variable: 'ATHENA_POSTGRES_POOL_MAX',
      source: 'ATHENA_POSTGRES_MAX_SIZE',
    });
  });

  it('never shows a secret: URLs lose their password, keys and passwords are ***', () => {
    const url = rejection(() =>
      readVariable({ ATHENA_DATABASE_URL: 'mysql://u:topsecret@h/db' }, 'ATHENA_DATABASE_URL'),
    );
    expect(url.message).toContain('"mysql://u:***@h/db"');
    expect(url.message).not.toContain('topsecret');
    const key = rejection(() =>
      readVariable({ ATHENA_EMBEDDINGS_URL: 'http://user:sk-123@h' }, 'ATHENA_EMBEDDINGS_URL'),
    );
    expect(key.message).not.toContain('sk-123');
    expect(ATHENA_VARIABLES.ATHENA_POSTGRES_PASSWORD.show('hunter2')).toBe('***');
    expect(ATHENA_VARIABLES.ATHENA_EMBEDDINGS_API_KEY.secret).toBe(true);
  });

  it('refuses a URL whose password holds unencoded reserved characters, without showing any of it', () => {
    const raw = 'postgres://user:Sup3r$ecret:P@ss/w0rd@host/db';
    const error = rejection(() =>
      readVariable({ ATHENA_DATABASE_URL: raw }, 'ATHENA_DATABASE_URL'),
    );
    expect(error.message).toContain('"postgres://***@host/db"');
    expect(error.message).toContain('percent-encoded');
    for (const part of ['Sup3r', 'ecret', 'P@ss', 'w0rd', 'user:']) {
      expect(error.message).not.toContain(part);
      expect(JSON.stringify(error.details)).not.toContain(part);
    }
    const encoded = `postgres://user:${encodeURIComponent('Sup3r$ecret:P@ss/w0rd')}@host/db`;
    expect(readVariable({ ATHENA_DATABASE_URL: encoded }, 'ATHENA_DATABASE_URL')).toBe(encoded);
  });

  it.each([
    ['ATHENA_DATABASE_URL', 'postgres://localhost/athena', true],
    ['ATHENA_DATABASE_URL', 'postgresql:///athena?host=/var/run/postgresql', true],
    ['ATHENA_DATABASE_URL', 'postgres:///athena', false],
    ['ATHENA_DATABASE_URL', 'not a url', false],
    ['ATHENA_EMBEDDINGS_URL', 'http://127.0.0.1:8080', true],
    ['ATHENA_EMBEDDINGS_URL', 'localhost:8080', false],
    ['ATHENA_EMBEDDINGS_URL', 'ftp://example.com', false],
    ['ATHENA_EMBEDDINGS_INPUT_TYPE_FIELD', 'input_type', true],
    ['ATHENA_EMBEDDINGS_INPUT_TYPE_FIELD', 'input', false],
    ['ATHENA_EMBEDDINGS_INPUT_TYPE_FIELD', 'input-type', false],
    ['ATHENA_EMBEDDINGS_INPUT_TYPE_VALUES', 'query', false],
    ['ATHENA_EMBEDDINGS_INPUT_TYPE_VALUES', 'a,b,c', false],
    ['ATHENA_EMBEDDINGS_INPUT_TYPE_VALUES', 'a,', false],
    ['ATHENA_POSTGRES_HOST', 'bad\u0000host', false],
  ] as const)('%s=%j is accepted: %s', (name, raw, accepted) => {
    const parse = () => parseVariable(name as AthenaVariableName, raw);
    if (accepted) expect(parse()).toBeDefined();
    else expect(rejection(parse).issues[0]?.path).toBe(name);
  });

  it('accepts prefixes of up to 1000 characters', () => {
    const long = 'x'.repeat(1000);
    expect(parseVariable('ATHENA_EMBEDDINGS_DOCUMENT_PREFIX', long)).toBe(long);
    expect(
      rejection(() => parseVariable('ATHENA_EMBEDDINGS_QUERY_PREFIX', `${long}x`)).issues[0]?.path,
    ).toBe('ATHENA_EMBEDDINGS_QUERY_PREFIX');
  });

  it('checks an option given in code by the variable’s rule, naming the option', () => {
    const error = rejection(() =>
      parseVariable('ATHENA_POSTGRES_PORT', '0', 'options.postgres.port'),
    );
    expect(error.message).toBe(
      'invalid options.postgres.port: must be an integer in 1–65535, got "0"',
    );
  });

  it('refuses a name that is not registered', () => {
    const error = rejection(() => findVariable({}, 'ATHENA_NOPE' as AthenaVariableName));
    expect(error.message).toContain('ATHENA_NOPE');
  });

  it('types each value by its variable', () => {
    expectTypeOf(readVariable({}, 'ATHENA_EMBEDDING_DIM')).toEqualTypeOf<number>();
    expectTypeOf(readVariable({}, 'ATHENA_DB_TYPE')).toEqualTypeOf<
      'sqlite' | 'postgres' | 'pglite' | undefined
    >();
    expectTypeOf(readVariable({}, 'ATHENA_EMBEDDER')).toEqualTypeOf<'hash' | 'openai'>();
    expectTypeOf(readVariable({}, 'ATHENA_EMBEDDINGS_URL')).toEqualTypeOf<string | undefined>();
    expectTypeOf(
      readVariable({}, 'ATHENA_EMBEDDINGS_INPUT_TYPE_VALUES'),
    ).toEqualTypeOf<InputTypeValues>();
  });
});

describe('redactUrl', () => {
  it('hides the password and secret-looking parameters, and the whole of an unparseable URL', () => {
    expect(redactUrl('postgres://app:s3cret@db:5432/athena')).toBe(
      'postgres://app:***@db:5432/athena',
    );
    expect(redactUrl('https://h/v1?api_key=abc&x=1')).toBe('https://h/v1?api_key=***&x=1');
    expect(redactUrl('::not a url s3cret')).toBe('<unparseable URL>');
  });

  it('hides everything up to the last @ when a password with reserved characters was not encoded', () => {
    // The parser takes "ss" for the host and "/w0rd@host/db" for the path.
    const raw = 'postgres://user:Sup3r$ecret:P@ss/w0rd@host/db';
    expect(redactUrl(raw)).toBe('postgres://***@host/db');
    expect(redactUrl('postgres://u:p@h/db?application_name=a@b')).toBe('postgres://***@b');
  });
});
