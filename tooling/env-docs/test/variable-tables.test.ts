import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ATHENA_VARIABLES } from '@athena/core-types';
import { describe, expect, it } from 'vitest';
import { markdownFiles, repositoryRoot } from '../src/markdown-files.js';
import {
  documentedVariables,
  renderVariableTable,
  syncVariableTables,
  variablesFor,
} from '../src/variable-tables.js';

describe('renderVariableTable', () => {
  it('lists a group in registry order, with aliases and defaults, padded like Prettier', () => {
    const table = renderVariableTable(['tooling']).split('\n');
    const variable = ATHENA_VARIABLES.ATHENA_BENCH_DATABASE_URL;
    expect(table).toHaveLength(3);
    expect(table[0]).toMatch(/^\| variable +\| aliases +\| meaning +\| default +\|$/);
    expect(table[1]).toMatch(/^\| -+ \| -+ \| -+ \| -+ \|$/);
    expect(table[2]).toBe(
      `| \`${variable.name}\` | \`ATHENA_TEST_DATABASE_URL\` | ${variable.description} | ${variable.defaultText} |`,
    );
    // Every line as wide as the others: the columns are aligned.
    expect(new Set(table.map((line) => line.length)).size).toBe(1);
  });

  it('leaves out the aliases column when no row has one, and takes single variables', () => {
    const table = renderVariableTable(['ATHENA_EMBEDDER', 'ATHENA_EMBEDDING_DIM']);
    expect(table.split('\n')[0]).toMatch(/^\| variable +\| meaning +\| default +\|$/);
    expect(variablesFor(['ATHENA_EMBEDDER', 'ATHENA_EMBEDDING_DIM']).map((v) => v.name)).toEqual([
      'ATHENA_EMBEDDER',
      'ATHENA_EMBEDDING_DIM',
    ]);
    expect(
      variablesFor(['embedder', 'ATHENA_EMBEDDER']).filter((v) => v.name === 'ATHENA_EMBEDDER'),
    ).toHaveLength(1);
  });

  it('refuses an unknown token', () => {
    expect(() => renderVariableTable(['ATHENA_NOPE'])).toThrow(/unknown token ATHENA_NOPE/);
  });
});

describe('syncVariableTables', () => {
  it('replaces what is between the markers and nothing else', () => {
    const before = [
      '# Title',
      '',
      '<!-- ATHENA_VARIABLES tooling -->',
      '',
      '| stale | table |',
      '',
      '<!-- /ATHENA_VARIABLES -->',
      '',
      'After.',
      '',
    ].join('\n');
    const after = syncVariableTables(before);
    expect(after).toBe(
      [
        '# Title',
        '',
        '<!-- ATHENA_VARIABLES tooling -->',
        '',
        renderVariableTable(['tooling']),
        '',
        '<!-- /ATHENA_VARIABLES -->',
        '',
        'After.',
        '',
      ].join('\n'),
    );
    expect(syncVariableTables(after)).toBe(after);
    expect(documentedVariables(after)).toEqual(['ATHENA_BENCH_DATABASE_URL']);
  });

  it('ignores a marker quoted in prose, which is not on a line of its own', () => {
    const prose = 'Tables sit between `<!-- ATHENA_VARIABLES … -->` markers.\n';
    expect(syncVariableTables(prose)).toBe(prose);
    expect(documentedVariables(prose)).toEqual([]);
  });

  it('refuses a start marker without its end', () => {
    expect(() => syncVariableTables('<!-- ATHENA_VARIABLES store -->\n| x |\n')).toThrow(
      /no <!-- \/ATHENA_VARIABLES -->/,
    );
  });
});

describe('the committed documentation', () => {
  const root = repositoryRoot();
  const files = markdownFiles(root).map((file) => ({
    file,
    text: readFileSync(join(root, file), 'utf8'),
  }));

  it('has every generated table up to date with the registry (run `pnpm docs:env`)', () => {
    const stale = files
      .filter(({ file, text }) => {
        try {
          return syncVariableTables(text) !== text;
        } catch (error) {
          throw new Error(`${file}: ${(error as Error).message}`, { cause: error });
        }
      })
      .map(({ file }) => file);
    expect(stale, 'run `pnpm docs:env` and commit the result').toEqual([]);
  });

  it('lists every registered variable in a generated table, and the factory README the store ones', () => {
    const documented = new Set(files.flatMap(({ text }) => documentedVariables(text)));
    const missing = Object.keys(ATHENA_VARIABLES).filter((name) => !documented.has(name));
    expect(missing).toEqual([]);
    const factory = files.find(({ file }) => file === join('packages', 'factory', 'README.md'));
    const store = Object.values(ATHENA_VARIABLES)
      .filter((variable) => variable.group === 'store')
      .map((variable) => variable.name);
    expect(documentedVariables(factory?.text ?? '')).toEqual(expect.arrayContaining(store));
  });
});
