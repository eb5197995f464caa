import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValidationError } from '@athena/core-types';
import { HashingEmbedder } from '@athena/search';
import { describe, expect, it } from 'vitest';
import { AnalysisWorkers, workerExecArgv } from '../src/analysis-thread.js';
import {
  AnalysisWorkerError,
  CodeGraph,
  PythonIndexer,
  TypeScriptIndexer,
  scanSourceFiles,
} from '../src/index.js';
import { BACKENDS } from './helpers/backends.js';
import { copyFixture, edgeSummary, entitySummary } from './helpers/fixtures.js';

const DIMENSION = 32;

describe('where the built-in indexers analyse', () => {
  const [backend] = BACKENDS;
  if (backend === undefined) throw new Error('no backend to test on');

  it(`gives the same graph on a worker thread and on the main thread (${backend.name})`, async () => {
    const { store, dispose } = await backend.open(DIMENSION);
    const fixtures = [copyFixture('ts-project'), copyFixture('py-project')];
    try {
      const embedder = new HashingEmbedder({ dimension: DIMENSION });
      const graphs = {
        worker: new CodeGraph({ store, embedder }),
        main: new CodeGraph({
          store,
          embedder,
          languages: [
            new TypeScriptIndexer({ thread: 'main' }),
            new PythonIndexer({ thread: 'main' }),
          ],
        }),
      };
      for (const fixture of fixtures) {
        const graphsOf: Record<string, { entities: string[]; edges: string[]; problems: unknown }> =
          {};
        for (const [thread, graph] of Object.entries(graphs)) {
          const project = await store.projects.create({
            name: `${thread} ${fixture.root}`,
            path: `${fixture.root}#${thread}`,
          });
          const report = await graph.index(project.id, fixture.root, { progress: false });
          graphsOf[thread] = {
            entities: await entitySummary(store, project.id),
            edges: await edgeSummary(store, project.id),
            problems: report.problems,
          };
        }
        expect(graphsOf.worker?.entities.length).toBeGreaterThan(20);
        expect(graphsOf.worker?.edges.length).toBeGreaterThan(10);
        expect(graphsOf.worker).toEqual(graphsOf.main);
      }
    } finally {
      await dispose();
      for (const fixture of fixtures) fixture.dispose();
    }
  });

  it('fails the run with an AnalysisWorkerError when the worker runs out of its heap', async () => {
    // About 12 MB of TypeScript: its syntax trees alone need well over 128 MiB.
    const root = mkdtempSync(join(tmpdir(), 'athena-code-graph-heap-'));
    try {
      const line = (i: number) =>
        `export const v${i} = { a: [${i}, ${i + 1}, ${i + 2}], b: 'x${i}' };\n`;
      for (let file = 0; file < 24; file++) {
        writeFileSync(
          join(root, `f${file}.ts`),
          Array.from({ length: 8_000 }, (_, i) => line(file * 8_000 + i)).join(''),
        );
      }
      const scan = scanSourceFiles(root, { extensions: new Set(['.ts']) });
      expect(scan.files).toHaveLength(24);
      const analysis = new TypeScriptIndexer({ maxHeapMb: 128 }).analyze({
        root,
        files: scan.files,
        changed: new Set(scan.files.map((f) => f.path)),
        configFiles: [],
      });
      await expect(analysis).rejects.toThrow(AnalysisWorkerError);
      await expect(analysis).rejects.toMatchObject({
        reason: 'out_of_memory',
        message:
          "the typescript analysis ran out of its 128 MiB heap: raise the indexer's maxHeapMb option (ATHENA_CODE_ANALYSIS_HEAP_MB for athena and athena-mcp)",
      });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('stops the worker when the caller aborts, rejecting with the abort reason', async () => {
    const fixture = copyFixture('ts-project');
    try {
      const scan = scanSourceFiles(fixture.root, { extensions: new Set(['.ts', '.js']) });
      const controller = new AbortController();
      const analysis = new TypeScriptIndexer().analyze({
        root: fixture.root,
        files: scan.files,
        changed: new Set(scan.files.map((f) => f.path)),
        configFiles: scan.configFiles,
        signal: controller.signal,
      });
      controller.abort(new Error('the writer failed'));
      await expect(analysis).rejects.toThrow('the writer failed');
    } finally {
      fixture.dispose();
    }
  });

  it('runs the next analysis on the worker that is idle, and ends a worker whose task was aborted', async () => {
    const fixture = copyFixture('ts-project');
    const workers = new AnalysisWorkers('typescript', 512);
    try {
      const scan = scanSourceFiles(fixture.root, { extensions: new Set(['.ts', '.js']) });
      const input = {
        root: fixture.root,
        files: scan.files,
        changed: new Set(scan.files.map((f) => f.path)),
        configFiles: scan.configFiles,
      };
      expect(workers.idleThreadId).toBeNull();
      const first = await workers.analyze(input);
      const idle = workers.idleThreadId;
      expect(idle).toEqual(expect.any(Number));
      const second = await workers.analyze(input);
      expect(workers.idleThreadId).toBe(idle);
      expect(second.files.map((f) => f.filePath).sort()).toEqual(
        first.files.map((f) => f.filePath).sort(),
      );
      // Two at once: one on the idle worker, one on a new one; one of them is kept.
      const both = await Promise.all([workers.analyze(input), workers.analyze(input)]);
      expect(both.map((r) => r.files.length)).toEqual([first.files.length, first.files.length]);
      expect(workers.idleThreadId).toEqual(expect.any(Number));

      const controller = new AbortController();
      const aborted = workers.analyze({ ...input, signal: controller.signal });
      controller.abort(new Error('stop'));
      await expect(aborted).rejects.toThrow('stop');
      expect(workers.idleThreadId).toBeNull();
    } finally {
      fixture.dispose();
    }
  });

  it('rejects bad thread options with a ValidationError', () => {
    const bad = [
      { thread: 'elsewhere' as 'main' },
      { maxHeapMb: 0 },
      { maxHeapMb: 127 },
      { maxHeapMb: 512.5 },
      { maxHeapMb: 65_537 },
    ];
    for (const options of bad) {
      expect(() => new TypeScriptIndexer(options)).toThrow(ValidationError);
      expect(() => new PythonIndexer(options)).toThrow(ValidationError);
    }
    expect(() => new PythonIndexer({ maxHeapMb: 0 })).toThrow(
      'invalid options.maxHeapMb: must be an integer in 128–65536',
    );
  });

  it('hands the worker the caller’s Node options but not those that give the main script', () => {
    expect(
      workerExecArgv([
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        'console.log(1)',
        '--conditions=development',
        '--print',
        '1 + 1',
        '--input-type',
        'commonjs',
        '--enable-source-maps',
      ]),
    ).toEqual(['--import', 'tsx', '--conditions=development', '--enable-source-maps']);
  });
});

describe('CodeGraph’s analysis option', () => {
  const [backend] = BACKENDS;
  if (backend === undefined) throw new Error('no backend to test on');

  it('reaches the default indexers, and is refused beside languages of the caller’s', async () => {
    const { store, dispose } = await backend.open(DIMENSION);
    try {
      const embedder = new HashingEmbedder({ dimension: DIMENSION });
      expect(() => new CodeGraph({ store, embedder, analysis: { maxHeapMb: 64 } })).toThrow(
        'invalid options.maxHeapMb: must be an integer in 128–65536',
      );
      expect(
        () =>
          new CodeGraph({
            store,
            embedder,
            languages: [new PythonIndexer()],
            analysis: { thread: 'main' },
          }),
      ).toThrow(ValidationError);
      expect(() => new CodeGraph({ store, embedder, analysis: { thread: 'main' } })).not.toThrow();
    } finally {
      await dispose();
    }
  });
});
