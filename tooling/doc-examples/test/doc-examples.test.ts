import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  dropSchema,
  freshSchema,
  TEST_DATABASE_URL,
  unavailableReason,
} from '@athena/test-postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { extractCodeBlocks, repositoryCodeBlocks } from '../src/code-blocks.js';
import {
  location,
  programEnvironment,
  runProcess,
  typecheckPrograms,
  writeProgram,
  type WrittenProgram,
} from '../src/programs.js';

const { blocks, escaped } = repositoryCodeBlocks();

describe('extractCodeBlocks', () => {
  it('finds program fences with their line, in lists too, and the PostgreSQL marker', () => {
    const markdown = [
      '# Title', // 1
      '', // 2
      '```ts', // 3
      "console.log('a');", // 4
      '```', // 5
      '', // 6
      '- item', // 7
      '', // 8
      '  ```cjs', // 9
      "  require('b');", // 10
      '  ```', // 11
      '', // 12
      '<!-- example: postgres -->', // 13
      '', // 14
      '```mjs', // 15
      'await 1;', // 16
      '```', // 17
      '', // 18
      '````md', // 19
      '```ts', // 20
      'not a block', // 21
      '```', // 22
      '````', // 23
    ].join('\n');
    const { blocks: found, escaped: none } = extractCodeBlocks('x.md', markdown);
    expect(found).toEqual([
      { file: 'x.md', line: 3, language: 'ts', code: "console.log('a');", backend: 'sqlite' },
      { file: 'x.md', line: 9, language: 'cjs', code: "require('b');", backend: 'sqlite' },
      { file: 'x.md', line: 15, language: 'mjs', code: 'await 1;', backend: 'postgres' },
    ]);
    expect(none).toEqual([]);
  });

  it('reports script-like languages and untagged Athena imports as escaped', () => {
    const markdown = [
      '```tsx',
      'x',
      '```',
      '',
      '```javascript',
      'y',
      '```',
      '',
      '```',
      "import { createStore } from '@athena/factory';",
      '```',
      '',
      '<!-- example: postgres -->',
      '',
      '```sh',
      'pnpm test',
      '```',
    ].join('\n');
    const { blocks: found, escaped: reported } = extractCodeBlocks('y.md', markdown);
    expect(found).toEqual([]);
    expect(reported.map((block) => `${location(block)} ${block.reason}`)).toEqual([
      'y.md:1 fence language "tsx" is not one of ts, typescript, js, mjs, cjs',
      'y.md:5 fence language "javascript" is not one of ts, typescript, js, mjs, cjs',
      'y.md:9 a fence without a language imports an @athena package',
      'y.md:15 <!-- example: postgres --> before a "sh" block',
    ]);
  });
});

describe('the documentation', () => {
  it('has no TypeScript or JavaScript block that escapes the run', () => {
    expect(escaped.map((block) => `${location(block)}: ${block.reason}`)).toEqual([]);
  });

  it('has program blocks in the root README and the package READMEs', () => {
    const files = new Set(blocks.map((block) => block.file));
    expect(files).toContain('README.md');
    expect(files).toContain('packages/factory/README.md');
    expect(files).toContain('packages/search/README.md');
  });
});

describe('every program block of the documentation', () => {
  // Inside this package, so that Node resolves the workspace's @athena packages.
  const programs = mkdtempSync(join(import.meta.dirname, '..', '.examples-'));
  const databases = mkdtempSync(join(tmpdir(), 'athena-doc-examples-'));
  const schemas: string[] = [];
  const written: WrittenProgram[] = blocks.map((block) => writeProgram(programs, block));

  afterAll(async () => {
    rmSync(programs, { recursive: true, force: true });
    rmSync(databases, { recursive: true, force: true });
    for (const schema of schemas) await dropSchema(schema);
  });

  it('type-checks under strict settings (one tsc run for every TypeScript block)', async () => {
    const { errors } = await typecheckPrograms(programs, written);
    expect(errors.map((error) => `${error.location} ${error.message}`)).toEqual([]);
  });

  const postgresMissing = unavailableReason !== null && process.env['CI'] !== 'true';

  for (const program of written) {
    const { block } = program;
    const skip = block.backend === 'postgres' && postgresMissing;
    (skip ? it.skip : it.concurrent)(`${location(block)} runs twice on one database`, async () => {
      const home = join(databases, `${block.file.replace(/\W+/g, '-')}-${block.line}`);
      mkdirSync(home, { recursive: true });
      const settings: Record<string, string> = {
        HOME: home,
        ATHENA_SQLITE_PATH: join(home, 'memory.db'),
      };
      if (block.backend === 'postgres') {
        const schema = freshSchema('athena_doc');
        schemas.push(schema);
        Object.assign(settings, {
          ATHENA_DATABASE_URL: TEST_DATABASE_URL,
          ATHENA_POSTGRES_SCHEMA: schema,
          ATHENA_FALLBACK: 'none',
        });
      }
      for (const run of ['first', 'second']) {
        const result = await runProcess(process.execPath, [program.runnable], {
          cwd: home,
          env: programEnvironment(settings),
          timeoutMs: 60_000,
        });
        expect(
          result.exitCode,
          `${location(block)} (${block.backend}) failed on its ${run} run with exit code ${result.exitCode}:\n${result.stderr}${result.stdout}`,
        ).toBe(0);
      }
    });
  }
});
