import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkMarkdownLinks, findMarkdownFiles } from '../src/markdown-links.js';

let root: string;

function write(path: string, text: string): string {
  const file = join(root, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

function check(): string[] {
  return checkMarkdownLinks(root, findMarkdownFiles(root)).map(
    (problem) => `${problem.file}:${problem.line} ${problem.url}: ${problem.reason}`,
  );
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'athena-docs-check-'));
  write(
    'docs/guide.md',
    ['# Guide', '', '## Connection pooling', '', '## Café & bar', '', '## Café & bar', ''].join(
      '\n',
    ),
  );
  write('packages/store/src/index.ts', 'export {};\n');
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('checkMarkdownLinks', () => {
  it('accepts links to existing files, folders and headings, by GitHub slug rules', () => {
    write(
      'README.md',
      [
        '# Athena',
        '',
        '## Quick start',
        '',
        'See [the guide](docs/guide.md), [pooling](docs/guide.md#connection-pooling),',
        '[the second café](./docs/guide.md#café--bar-1), [up](#quick-start), [the source](packages/store/src),',
        '[from the root](/docs/guide.md) and [npm](https://www.npmjs.com/package/does-not-matter).',
        '',
        '[ref]: docs/guide.md#guide',
        '',
        '```sh',
        'echo [not a link](missing.md)',
        '```',
      ].join('\n'),
    );
    expect(check()).toEqual([]);
  });

  it('reports a relative link to a file that does not exist, with its line', () => {
    write('README.md', ['# Athena', '', 'Read [the tuning notes](docs/tuning.md).'].join('\n'));
    expect(check()).toEqual(['README.md:3 docs/tuning.md: docs/tuning.md does not exist']);
  });

  it('reports a missing anchor in another file and in the same file', () => {
    write(
      'docs/index.md',
      ['# Index', '', '[pool](guide.md#connection-pool) and [here](#indexes)', ''].join('\n'),
    );
    expect(check()).toEqual([
      'docs/index.md:3 guide.md#connection-pool: no heading #connection-pool in docs/guide.md',
      'docs/index.md:3 #indexes: no heading #indexes in docs/index.md',
    ]);
  });

  it('checks links to this repository on GitHub as repository paths', () => {
    write(
      'packages/store/README.md',
      [
        '# store',
        '',
        '[guide](https://github.com/athena-memory/athena/blob/main/docs/guide.md#guide)',
        '[gone](https://github.com/athena-memory/athena/blob/main/docs/gone.md)',
        '[other repository](https://github.com/someone/else/blob/main/docs/gone.md)',
      ].join('\n'),
    );
    expect(check()).toEqual([
      'packages/store/README.md:4 https://github.com/athena-memory/athena/blob/main/docs/gone.md: docs/gone.md does not exist',
    ]);
  });

  it('skips node_modules and generated folders', () => {
    write('node_modules/dep/README.md', '[broken](nowhere.md)\n');
    write('bench/results/run.md', '[broken](nowhere.md)\n');
    write('packages/store/etc/store.api.md', '[broken](nowhere.md)\n');
    expect(findMarkdownFiles(root).map((file) => file.slice(root.length + 1))).toEqual([
      'docs/guide.md',
    ]);
  });
});
