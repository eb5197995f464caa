import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repositoryCodeBlocks, repositoryRoot, type CodeBlock } from '../src/code-blocks.js';
import {
  createConsumerProject,
  PUBLISHED_PACKAGES,
  type ConsumerProject,
} from '../src/consumer-project.js';
import {
  location,
  programEnvironment,
  runProcess,
  writeCommonJsProgram,
  writeProgram,
} from '../src/programs.js';

/**
 * What a consumer gets from the registry: the packed packages installed with
 * npm into a fresh project outside the workspace, used from ESM, from
 * CommonJS and from TypeScript under both module resolutions a project uses.
 */

const started = performance.now();
let consumer: ConsumerProject;

beforeAll(async () => {
  consumer = await createConsumerProject(repositoryRoot(), {
    typescript: '~5.9.3',
    '@types/node': '^20.19.0',
  });
  console.warn(
    `consumer project: ${PUBLISHED_PACKAGES.length} packages packed in ${consumer.seconds.pack.toFixed(1)} s, installed with npm in ${consumer.seconds.install.toFixed(1)} s`,
  );
}, 600_000);

afterAll(() => {
  console.warn(
    `consumer test: ${((performance.now() - started) / 1000).toFixed(1)} s in all (${consumer?.dir})`,
  );
  if (consumer !== undefined) rmSync(consumer.dir, { recursive: true, force: true });
});

/** Runs `file` of the consumer project twice on one SQLite database; returns the second run's output. */
async function runTwice(file: string, label: string): Promise<string> {
  const home = join(consumer.dir, 'homes', label);
  mkdirSync(home, { recursive: true });
  const env = programEnvironment({ HOME: home, ATHENA_SQLITE_PATH: join(home, 'memory.db') });
  let output = '';
  for (const run of ['first', 'second']) {
    const result = await runProcess(process.execPath, [file], {
      cwd: home,
      env,
      timeoutMs: 60_000,
    });
    expect(
      result.exitCode,
      `${label} failed on its ${run} run in the consumer project:\n${result.stderr}${result.stdout}`,
    ).toBe(0);
    output = result.stdout;
  }
  return output;
}

/** One program, in ESM or CommonJS, that checks what a consumer relies on across packages. */
function checksProgram(format: 'esm' | 'cjs'): string {
  const imports =
    format === 'esm'
      ? [
          "import { ConflictError, isAthenaError } from '@athena/core-types';",
          "import { createStore } from '@athena/factory';",
          "import { AthenaMemory, HashingEmbedder } from '@athena/search';",
          "import { SqliteStore } from '@athena/store-sqlite';",
        ]
      : [
          "const { ConflictError, isAthenaError } = require('@athena/core-types');",
          "const { createStore } = require('@athena/factory');",
          "const { AthenaMemory, HashingEmbedder } = require('@athena/search');",
          "const { SqliteStore } = require('@athena/store-sqlite');",
        ];
  return [
    ...imports,
    '',
    'async function main() {',
    '  const store = await createStore();',
    '  const embedder = new HashingEmbedder({ dimension: store.embeddingDimension });',
    '  const memory = new AthenaMemory({ store, embedder });',
    "  const path = '/src/consumer';",
    '  const project =',
    '    (await store.projects.getByPath(path)) ??',
    "    (await store.projects.create({ name: 'consumer', path }));",
    "  await memory.remember(project.id, 'Consumers load the packages with require or import');",
    "  const hits = await memory.recall(project.id, 'how do consumers load packages', { limit: 3 });",
    '  let conflict;',
    '  try {',
    "    await store.projects.create({ name: 'consumer', path });",
    '  } catch (error) {',
    '    conflict = error;',
    '  }',
    '  const checks = {',
    '    backend: store.selection.backend,',
    '    storeIsSqliteStore: store instanceof SqliteStore,',
    "    recalled: hits.length > 0 && hits[0].memory.content.startsWith('Consumers load'),",
    '    conflictIsConflictError: conflict instanceof ConflictError,',
    "    conflictIsAthenaError: isAthenaError(conflict, 'conflict'),",
    '  };',
    '  await store.close();',
    '  console.log(JSON.stringify(checks));',
    '}',
    '',
    'main().catch((error) => {',
    '  console.error(error);',
    '  process.exitCode = 1;',
    '});',
    '',
  ].join('\n');
}

const EXPECTED_CHECKS = {
  backend: 'sqlite',
  storeIsSqliteStore: true,
  recalled: true,
  conflictIsConflictError: true,
  conflictIsAthenaError: true,
};

/** A TypeScript consumer that imports from every library package. */
const TYPESCRIPT_CONSUMER = `import { ConflictError, isAthenaError, type Store } from '@athena/core-types';
import { toAthenaError } from '@athena/store-kit';
import { SqliteStore } from '@athena/store-sqlite';
import { PostgresStore } from '@athena/store-postgres';
import { PgliteStore } from '@athena/store-pglite';
import { createStore } from '@athena/factory';
import { AthenaMemory, HashingEmbedder } from '@athena/search';
import { createConsolidator } from '@athena/consolidation';
import { CodeGraph } from '@athena/code-graph';
import { copy } from '@athena/transfer';

export async function main(): Promise<number> {
  const store: Store = await createStore();
  const sqlite: SqliteStore = await createStore({ type: 'sqlite' });
  const postgres: PostgresStore = await createStore({ type: 'postgres' });
  const pglite: PgliteStore = await createStore({ type: 'pglite' });
  const embedder = new HashingEmbedder({ dimension: store.embeddingDimension });
  const memory = new AthenaMemory({ store, embedder });
  const project = await store.projects.create({ name: 'typed', path: '/src/typed' });
  const hits = await memory.recall(project.id, 'typed consumers', { limit: 3 });
  const consolidator = createConsolidator({ store, embedder });
  const graph = new CodeGraph({ store, embedder });
  const report = await copy(sqlite, postgres);
  try {
    await store.projects.create({ name: 'typed', path: '/src/typed' });
  } catch (error) {
    if (error instanceof ConflictError || isAthenaError(error, 'conflict')) return -1;
    throw toAthenaError(error, { kind: 'other', backend: 'consumer', detail: String(error) });
  }
  await Promise.all([store.close(), sqlite.close(), postgres.close(), pglite.close()]);
  return hits.length + report.counts.memories + (consolidator === undefined ? 0 : 1) + (graph === undefined ? 0 : 1);
}
`;

describe('the packed packages in a fresh npm project', () => {
  /** Runs every SQLite program of the READMEs and docs, written by `write`, twice each. */
  async function runEveryProgram(
    format: string,
    write: (dir: string, block: CodeBlock) => string,
  ): Promise<void> {
    const dir = join(consumer.dir, `examples-${format}`);
    mkdirSync(dir);
    const failures: string[] = [];
    const blocks = repositoryCodeBlocks().blocks.filter((block) => block.backend === 'sqlite');
    expect(blocks.length).toBeGreaterThan(10);
    const queue = blocks.map((block) => ({ block, runnable: write(dir, block) }));
    // Two programs at a time: two cores.
    const worker = async () => {
      for (let program = queue.shift(); program !== undefined; program = queue.shift()) {
        const where = location(program.block);
        const label = `${format}-${where.replace(/\W+/g, '-')}`;
        await runTwice(program.runnable, label).catch((error: Error) => {
          failures.push(`${where}: ${error.message}`);
        });
      }
    };
    await Promise.all([worker(), worker()]);
    expect(failures).toEqual([]);
  }

  it('run the programs of the READMEs and docs, as ESM, twice on one database', async () => {
    await runEveryProgram('esm', (dir, block) => writeProgram(dir, block).runnable);
  }, 300_000);

  it('run the same programs as CommonJS (require, no top-level await), twice on one database', async () => {
    await runEveryProgram('cjs', writeCommonJsProgram);
  }, 300_000);

  it('work from ESM: createStore, remember, hybrid recall, a ConflictError by instanceof and isAthenaError', async () => {
    const file = join(consumer.dir, 'checks.mjs');
    writeFileSync(file, checksProgram('esm'));
    expect(JSON.parse(await runTwice(file, 'checks-esm'))).toEqual(EXPECTED_CHECKS);
  });

  it('work from CommonJS: the same checks through require()', async () => {
    const file = join(consumer.dir, 'checks.cjs');
    writeFileSync(file, checksProgram('cjs'));
    expect(JSON.parse(await runTwice(file, 'checks-cjs'))).toEqual(EXPECTED_CHECKS);
  });

  it('install the athena and athena-mcp commands', async () => {
    for (const command of ['athena', 'athena-mcp']) {
      const result = await runProcess(
        join(consumer.dir, 'node_modules', '.bin', command),
        ['--version'],
        {
          cwd: consumer.dir,
          env: programEnvironment({}),
          timeoutMs: 30_000,
        },
      );
      expect(result.exitCode, `${command} --version: ${result.stderr}`).toBe(0);
      expect(result.stdout).toMatch(/^\d+\.\d+\.\d+/);
    }
  });

  for (const [label, module, moduleResolution] of [
    ['node16', 'node16', 'node16'],
    ['bundler', 'esnext', 'bundler'],
  ] as const) {
    // Concurrent with each other: one tsc per core.
    it.concurrent(
      `type-check a TypeScript consumer under moduleResolution ${label}, without skipLibCheck`,
      async () => {
        const dir = join(consumer.dir, `typescript-${label}`);
        mkdirSync(dir);
        // consumer.ts is CommonJS under node16 (the project has no "type"), consumer.mts ESM.
        writeFileSync(join(dir, 'consumer.ts'), TYPESCRIPT_CONSUMER);
        writeFileSync(join(dir, 'consumer.mts'), TYPESCRIPT_CONSUMER);
        writeFileSync(
          join(dir, 'tsconfig.json'),
          JSON.stringify({
            compilerOptions: {
              // A consumer's defaults otherwise: the DOM library and every @types package.
              target: 'ES2022',
              module,
              moduleResolution,
              strict: true,
              skipLibCheck: false,
              noEmit: true,
            },
            files: ['consumer.ts', 'consumer.mts'],
          }),
        );
        const tsc = join(consumer.dir, 'node_modules', 'typescript', 'bin', 'tsc');
        const result = await runProcess(process.execPath, [tsc, '-p', dir, '--pretty', 'false'], {
          cwd: dir,
          timeoutMs: 120_000,
        });
        const errors = `${result.stdout}${result.stderr}`
          .split('\n')
          .filter((line) => line.includes('error TS'))
          .map((line) => line.replace(`${consumer.dir}/`, ''));
        expect(errors).toEqual([]);
        expect(result.exitCode).toBe(0);
      },
      120_000,
    );
  }
});
