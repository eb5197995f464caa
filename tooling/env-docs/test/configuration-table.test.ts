import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ATHENA_VARIABLES } from '@athena/core-types';
import type { VariableDefinition } from '@athena/core-types';
import { CREATE_STORE_OPTIONS } from '@athena/factory';
import type { OptionDefinition } from '@athena/factory';
import { describe, expect, it } from 'vitest';
import { renderConfigurationTable, syncConfigurationTables } from '../src/configuration-table.js';
import { markdownFiles, repositoryRoot } from '../src/markdown-files.js';

const VARIABLES = Object.values(ATHENA_VARIABLES) as readonly VariableDefinition[];
const variable = (name: keyof typeof ATHENA_VARIABLES) => ATHENA_VARIABLES[name];
const option = (path: string): OptionDefinition => {
  const found = CREATE_STORE_OPTIONS.find((o) => o.path === path);
  if (found === undefined) throw new Error(`no option ${path}`);
  return found;
};

/** The cells of a table row; an escaped `\|` stays inside its cell. */
const cellsOf = (line: string) =>
  line
    .split(/(?<!\\)\|/)
    .slice(1, -1)
    .map((cell) => cell.trim());

describe('renderConfigurationTable', () => {
  it('puts a variable and the option that wins over it in one row', () => {
    const table = renderConfigurationTable({
      variables: [variable('ATHENA_SQLITE_PATH'), variable('ATHENA_EMBEDDER')],
      options: [option('sqlite.path'), option('initialize')],
    }).split('\n');
    expect(table[0]).toMatch(
      /^\| variable +\| createStore option +\| read by +\| meaning +\| default +\|$/,
    );
    expect(table[1]).toMatch(/^\| -+ \| -+ \| -+ \| -+ \| -+ \|$/);
    const cells = table.slice(2).map(cellsOf);
    expect(cells).toEqual([
      [
        '`ATHENA_SQLITE_PATH` (alias `ATHENA_DB_PATH`)',
        '`sqlite.path`: `string`',
        '`createStore()`',
        variable('ATHENA_SQLITE_PATH').description,
        variable('ATHENA_SQLITE_PATH').defaultText,
      ],
      // An option without a variable follows the store's variables; other groups come after.
      [
        '',
        '`initialize`: `boolean`',
        '`createStore()`',
        option('initialize').description,
        option('initialize').defaultText,
      ],
      [
        '`ATHENA_EMBEDDER`',
        '',
        '`createEmbedderFromEnv()`',
        variable('ATHENA_EMBEDDER').description,
        variable('ATHENA_EMBEDDER').defaultText,
      ],
    ]);
    expect(new Set(table.map((line) => line.length)).size).toBe(1);
  });

  it('lists every registered variable and every option of the registries', () => {
    const table = renderConfigurationTable();
    for (const { name } of VARIABLES) expect(table).toContain(`| \`${name}\``);
    for (const { path } of CREATE_STORE_OPTIONS) expect(table).toContain(`\`${path}\`:`);
  });
});

describe('syncConfigurationTables', () => {
  it('replaces what is between the markers and nothing else, and is stable', () => {
    const before =
      'Intro.\n\n<!-- ATHENA_CONFIGURATION -->\n\n| stale |\n\n<!-- /ATHENA_CONFIGURATION -->\n\nAfter.\n';
    const after = syncConfigurationTables(before);
    expect(after).toBe(
      `Intro.\n\n<!-- ATHENA_CONFIGURATION -->\n\n${renderConfigurationTable()}\n\n<!-- /ATHENA_CONFIGURATION -->\n\nAfter.\n`,
    );
    expect(syncConfigurationTables(after)).toBe(after);
  });

  it('refuses a start marker without its end', () => {
    expect(() => syncConfigurationTables('<!-- ATHENA_CONFIGURATION -->\n| x |\n')).toThrow(
      /no <!-- \/ATHENA_CONFIGURATION -->/,
    );
  });
});

describe('the committed documentation', () => {
  const root = repositoryRoot();

  it('has docs/configuration.md with the configuration table up to date (run `pnpm docs:env`)', () => {
    const text = readFileSync(join(root, 'docs', 'configuration.md'), 'utf8');
    expect(text).toContain('<!-- ATHENA_CONFIGURATION -->');
    expect(syncConfigurationTables(text), 'run `pnpm docs:env` and commit the result').toBe(text);
  });

  it('has no stale configuration table anywhere else', () => {
    const stale = markdownFiles(root).filter((file) => {
      const text = readFileSync(join(root, file), 'utf8');
      return syncConfigurationTables(text) !== text;
    });
    expect(stale).toEqual([]);
  });
});
