import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ATHENA_VARIABLES, ValidationError } from '@athena/core-types';
import { CREATE_STORE_OPTIONS, createStore, diagnose, resolveConfig } from '../src/index.js';
import type { CreateStoreOptions } from '../src/index.js';
import { tempDir } from './helpers.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);

/** Options as a JavaScript caller may write them, unchecked by TypeScript. */
const untyped = (options: Record<string, unknown>) => options as CreateStoreOptions;

async function rejection(options: Record<string, unknown>): Promise<ValidationError> {
  const error = await createStore(untyped({ env: {}, ...options })).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

describe('createStore options are checked strictly', () => {
  it('rejects { sqlitePath } naming `sqlite: { path }`, and creates nothing, not even the default file', async () => {
    const home = join(dir, 'home');
    const previousHome = process.env.HOME;
    process.env.HOME = home;
    try {
      const path = join(dir, 'never', 'memory.db');
      const error = await rejection({ sqlitePath: path });
      expect(error.message).toBe('unknown option `sqlitePath`; did you mean `sqlite: { path }`?');
      expect(error.issues).toEqual([{ path: 'options.sqlitePath', message: error.message }]);
      expect(existsSync(join(dir, 'never'))).toBe(false);
      expect(existsSync(home)).toBe(false);
    } finally {
      process.env.HOME = previousHome;
    }
  });

  it('rejects unknown keys inside sqlite, postgres and pglite, suggesting the key meant', async () => {
    expect((await rejection({ sqlite: { file: join(dir, 'x.db') } })).message).toBe(
      'unknown option `sqlite.file`; did you mean `sqlite: { path }`?',
    );
    expect((await rejection({ postgres: { url: 'postgres://127.0.0.1/x' } })).message).toBe(
      'unknown option `postgres.url`; did you mean `postgres: { connectionString }`?',
    );
    expect((await rejection({ postgres: { poolmax: 3 } })).message).toBe(
      'unknown option `postgres.poolmax`; did you mean `postgres: { poolMax }`?',
    );
    expect((await rejection({ pglite: { path: 'memory://' } })).message).toBe(
      'unknown option `pglite.path`; did you mean `sqlite: { path }`?',
    );
    expect((await rejection({ pglite: { dataDri: 'memory://' } })).message).toBe(
      'unknown option `pglite.dataDri`; did you mean `pglite: { dataDir }`?',
    );
  });

  it('suggests by variable name and by spelling at the top level, and lists every unknown key', async () => {
    expect((await rejection({ ATHENA_FALLBACK: 'none' })).message).toBe(
      'unknown option `ATHENA_FALLBACK`; did you mean `fallback`?',
    );
    expect((await rejection({ databaseUrl: 'postgres://127.0.0.1/x' })).message).toBe(
      'unknown option `databaseUrl`; did you mean `postgres: { connectionString }`?',
    );
    const both = await rejection({ fallbak: 'none', colour: 'red' });
    expect(both.message).toBe(
      'unknown option `fallbak`; did you mean `fallback`?; unknown option `colour`',
    );
    expect(both.issues.map((issue) => issue.path)).toEqual(['options.fallbak', 'options.colour']);
  });

  it('rejects a value of the wrong shape, naming the option', async () => {
    expect((await rejection({ sqlite: { path: 42 } })).message).toBe(
      'invalid options.sqlite.path: must be string',
    );
    expect((await rejection({ postgres: 'postgres://127.0.0.1/x' })).message).toBe(
      'invalid options.postgres: must be object',
    );
    expect((await rejection({ logger: console.warn })).message).toBe(
      'invalid options.logger: must be an object with a warn(message, meta) method',
    );
  });

  it('resolveConfig and diagnose apply the same check; diagnose still takes its embedder', async () => {
    expect(() => resolveConfig(untyped({ sqlitePath: 'x' }), {})).toThrow(ValidationError);
    const diagnosis = await diagnose(untyped({ env: {}, sqlitePath: 'x' }));
    expect(diagnosis.checks).toEqual([
      expect.objectContaining({
        name: 'configuration',
        status: 'fail',
        detail: 'validation: unknown option `sqlitePath`; did you mean `sqlite: { path }`?',
      }),
    ]);
    const path = join(dir, 'diagnosed.db');
    const fine = await diagnose({ env: {}, sqlite: { path }, embedder: undefined });
    expect(fine.backend).toBe('sqlite');
  });

  it('accepts every option of the registry', () => {
    const config = resolveConfig({
      type: 'sqlite',
      sqlite: { path: join(dir, 'all.db'), mmapSizeBytes: 0 },
      postgres: { schema: 'athena', poolMin: 1, poolMax: 2, connectionTimeoutMs: 100 },
      pglite: {},
      embeddingDimension: 8,
      fallback: 'none',
      env: {},
      logger: { warn: () => undefined },
      initialize: true,
    });
    expect(config.type).toBe('sqlite');
    expect(readdirSync(dir)).not.toContain('all.db');
  });
});

/** The README's table of options, rendered from the registry and laid out as Prettier lays out tables. */
function optionTable(): string {
  const header = ['option', 'type', 'default', 'variable', 'meaning'];
  const rows = CREATE_STORE_OPTIONS.map((option) => [
    `\`${option.path}\``,
    option.type,
    option.defaultText,
    option.variable === undefined ? '—' : `\`${option.variable}\``,
    option.description,
  ]);
  const widths = header.map((_, column) =>
    Math.max(3, ...[header, ...rows].map((row) => [...(row[column] ?? '')].length)),
  );
  const line = (row: readonly string[]) =>
    `| ${row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`;
  return [
    line(header),
    `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`,
    ...rows.map(line),
  ].join('\n');
}

describe('the README', () => {
  it('has one table of every createStore option, generated from CREATE_STORE_OPTIONS', () => {
    const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');
    const table =
      /<!-- CREATE_STORE_OPTIONS -->\n\n([\s\S]*?)\n\n<!-- \/CREATE_STORE_OPTIONS -->/.exec(readme);
    expect(table?.[1], 'paste the expected table between the CREATE_STORE_OPTIONS markers').toBe(
      optionTable(),
    );
  });

  it('gives each option with a variable that variable’s documented default', () => {
    for (const option of CREATE_STORE_OPTIONS) {
      if (option.variable !== undefined) {
        expect(option.defaultText).toBe(ATHENA_VARIABLES[option.variable].defaultText);
      }
    }
    expect(CREATE_STORE_OPTIONS.map((option) => option.path)).toContain(
      'postgres.connectionTimeoutMs',
    );
  });
});
