import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EmbedOptions, Embedder, Store } from '@athena/core-types';
import { HashingEmbedder } from '@athena/search';
import { describe, expect, it } from 'vitest';
import { CodeGraph, PythonIndexer } from '../src/index.js';
import type { AnalyzeInput, AnalyzeResult, LanguageIndexer } from '../src/index.js';
import { BACKENDS } from './helpers/backends.js';

const DIMENSION = 32;
const FILES = 3;
const FUNCTIONS_PER_FILE = 400;

/** A Python package of three modules with 400 functions each: 1,204 entities with the package's own module. */
function bigPackage(): string {
  const root = mkdtempSync(join(tmpdir(), 'athena-code-graph-first-'));
  writeFileSync(join(root, '__init__.py'), '');
  for (let file = 0; file < FILES; file++) {
    const body = Array.from(
      { length: FUNCTIONS_PER_FILE },
      (_, i) =>
        `def f${file}_${i}(x):\n    """Step ${i} of module ${file}."""\n    return x + ${i}\n`,
    ).join('\n');
    writeFileSync(join(root, `m${file}.py`), body);
  }
  return root;
}

/** Embeds like HashingEmbedder after `before` (which may fail or wait) at each embedMany, and counts the texts. */
class HookedEmbedder implements Embedder {
  readonly #inner = new HashingEmbedder({ dimension: DIMENSION });
  readonly dimension = DIMENSION;
  readonly modelId = this.#inner.modelId;
  readonly #before: (call: number) => unknown;
  #calls = 0;
  texts = 0;
  constructor(before: (call: number) => unknown) {
    this.#before = before;
  }
  embed(text: string, options?: EmbedOptions): Promise<Float32Array> {
    return this.#inner.embed(text, options);
  }
  async embedMany(texts: readonly string[], options?: EmbedOptions): Promise<Float32Array[]> {
    await this.#before(++this.#calls);
    this.texts += texts.length;
    return this.#inner.embedMany(texts, options);
  }
}

/** Fails from the `failAt`-th call of embedMany on. */
const failingEmbedder = (failAt: number) =>
  new HookedEmbedder((call) => {
    if (call >= failAt) throw new Error('embedder down');
  });

/** A promise, and the function that resolves it. */
function signal(): { readonly promise: Promise<void>; readonly fire: () => void } {
  let fire = () => {};
  const promise = new Promise<void>((resolve) => {
    fire = resolve;
  });
  return { promise, fire };
}

/** `promise`'s outcome as `reached`, or `late` after 10 s. */
function within10s(promise: Promise<unknown>, reached: string, late: string): Promise<string> {
  return Promise.race([
    promise.then(() => reached),
    new Promise<string>((resolve) => setTimeout(() => resolve(late), 10_000)),
  ]);
}

/** Checks that every memory of the project's entities holds the vector of its own text. */
async function expectOwnVectors(store: Store, projectId: number): Promise<void> {
  const hashing = new HashingEmbedder({ dimension: DIMENSION });
  const entities = await store.code.findEntities(projectId, {});
  expect(entities).toHaveLength(FILES * (FUNCTIONS_PER_FILE + 1) + 1);
  for (const entity of entities) {
    const memory = await store.memories.get(projectId, entity.memoryId as number);
    expect(memory?.content).toContain(entity.name);
    expect(Array.from(memory?.embedding ?? [])).toEqual(
      Array.from(await hashing.embed(memory?.content ?? '', { inputType: 'document' })),
    );
  }
}

/** Python on the main thread, whose last file declares an entity that ends before it starts. */
class BrokenLastFile implements LanguageIndexer {
  readonly language = 'python';
  readonly extensions = ['.py'];
  readonly configFileNames = [];
  readonly #inner = new PythonIndexer({ thread: 'main' });
  async analyze(input: AnalyzeInput): Promise<AnalyzeResult> {
    const { onFile, ...rest } = input;
    const result = await this.#inner.analyze(rest);
    const last = [...result.files].sort((a, b) => a.filePath.localeCompare(b.filePath)).pop();
    const files = result.files.map((file) =>
      file !== last
        ? file
        : {
            ...file,
            entities: file.entities.map((entity, i) =>
              i === 1 ? { ...entity, startLine: 10, endLine: 5 } : entity,
            ),
          },
    );
    for (const file of files) onFile?.(file);
    return { ...result, files };
  }
}

/** Python on the main thread, whose analysis waits for `gate` after it has found every file. */
class GatedPython implements LanguageIndexer {
  readonly language = 'python';
  readonly extensions = ['.py'];
  readonly configFileNames = [];
  readonly #inner = new PythonIndexer({ thread: 'main' });
  readonly #gate: Promise<void>;
  readonly #found: () => void;
  constructor(gate: Promise<void>, found: () => void) {
    this.#gate = gate;
    this.#found = found;
  }
  async analyze(input: AnalyzeInput): Promise<AnalyzeResult> {
    const result = await this.#inner.analyze(input);
    this.#found();
    await this.#gate;
    return result;
  }
}

describe('a project’s first index', () => {
  for (const backend of BACKENDS) {
    it(`of 1,000 entities or more is all or nothing on ${backend.name}: a failure half-way leaves nothing`, async () => {
      const root = bigPackage();
      const { store, dispose } = await backend.open(DIMENSION);
      try {
        const project = await store.projects.create({ name: 'first', path: root });
        // One file per batch: the batches before the broken last file are written, then undone.
        const written: number[] = [];
        const broken = new CodeGraph({
          store,
          embedder: new HashingEmbedder({ dimension: DIMENSION }),
          languages: [new BrokenLastFile()],
        });
        await expect(
          broken.index(project.id, root, {
            batchSize: 1,
            progress: (p) => {
              if (p.phase === 'write') written.push(p.filesDone);
            },
          }),
        ).rejects.toThrow(/endLine/);
        expect(Math.max(...written)).toBe(FILES);
        expect(await store.code.findEntities(project.id, {})).toEqual([]);
        expect((await store.stats({ projectId: project.id })).counts.memories).toBe(0);
        // An embedder that fails on the first index fails it before anything is written.
        const failing = new CodeGraph({ store, embedder: failingEmbedder(2) });
        await expect(
          failing.index(project.id, root, { progress: false, batchSize: 1 }),
        ).rejects.toThrow('embedder down');
        expect(await store.code.findEntities(project.id, {})).toEqual([]);

        const graph = new CodeGraph({
          store,
          embedder: new HashingEmbedder({ dimension: DIMENSION }),
        });
        const report = await graph.index(project.id, root, { progress: false, batchSize: 1 });
        expect(report.entities.created).toBe(FILES * (FUNCTIONS_PER_FILE + 1) + 1);
        expect(report.memories.created).toBe(report.entities.created);
        // The ANN index the bulk load may have suspended is back and valid.
        const vectorIndexes = (await store.stats()).indexes.filter((i) =>
          ['hnsw', 'ivfflat', 'vec0'].includes(i.kind),
        );
        expect(vectorIndexes.length).toBeGreaterThan(0);
        expect(vectorIndexes.every((i) => i.present && i.valid)).toBe(true);
        const hits = await graph.search(project.id, 'step 7 of module 2', { limit: 3 });
        expect(hits).toHaveLength(3);
        expect((await graph.find(project.id, 'm2.f2_7')).map((e) => e.startLine)).toEqual([29]);

        // Later runs go in batches: a failure keeps the batches written before it.
        writeFileSync(join(root, 'm0.py'), 'def changed(x):\n    return x\n');
        writeFileSync(join(root, 'm1.py'), 'def changed_too(x):\n    return x\n');
        await expect(
          new CodeGraph({ store, embedder: failingEmbedder(2) }).index(project.id, root, {
            progress: false,
            batchSize: 1,
          }),
        ).rejects.toThrow('embedder down');
        const names = (await store.code.findEntities(project.id, {})).map((e) => e.name);
        expect(names.filter((n) => n.startsWith('changed'))).toHaveLength(1);
      } finally {
        await dispose();
        rmSync(root, { recursive: true, force: true });
      }
    });
  }

  for (const backend of BACKENDS) {
    it(`embeds the files the analyses have finished while they run (${backend.name})`, async () => {
      const root = bigPackage();
      const { store, dispose } = await backend.open(DIMENSION);
      try {
        const project = await store.projects.create({ name: 'embedding', path: root });
        const gate = signal();
        const embedded = signal();
        const embedder = new HookedEmbedder(embedded.fire);
        const graph = new CodeGraph({
          store,
          embedder,
          languages: [new GatedPython(gate.promise, () => {})],
        });
        const run = graph.index(project.id, root, { progress: false, batchSize: 1 });
        // The analysis stays open until the first file has been embedded (or 10 s have passed).
        const seen = await within10s(
          embedded.promise,
          'embedded while analysing',
          'nothing embedded after 10 s',
        );
        gate.fire();
        const report = await run;
        expect(seen).toBe('embedded while analysing');
        expect(report.memories.created).toBe(FILES * (FUNCTIONS_PER_FILE + 1) + 1);
        expect(embedder.texts).toBe(report.memories.created);
        await expectOwnVectors(store, project.id);

        // With room for fewer entities than the project has, the rest are embedded in the bulk load.
        const second = await store.projects.create({ name: 'embedding ahead', path: `${root}-2` });
        const counting = new HookedEmbedder(() => {});
        await new CodeGraph({
          store,
          embedder: counting,
          languages: [new PythonIndexer({ thread: 'main' })],
        }).index(second.id, root, { progress: false, batchSize: 1, embedAhead: 500 });
        expect(counting.texts).toBe(FILES * (FUNCTIONS_PER_FILE + 1) + 1);
        await expectOwnVectors(store, second.id);
      } finally {
        await dispose();
        rmSync(root, { recursive: true, force: true });
      }
    });
  }

  it('reports the embedding left once the analyses are done as its own phase, before the writes', async () => {
    const root = bigPackage();
    const backend = BACKENDS[0] as (typeof BACKENDS)[number];
    const { store, dispose } = await backend.open(DIMENSION);
    try {
      const project = await store.projects.create({ name: 'phases', path: root });
      const release = signal();
      const graph = new CodeGraph({
        store,
        embedder: new HookedEmbedder((call) => (call === 1 ? release.promise : undefined)),
        // The first embedding waits until the analysis has returned and the run has seen it end.
        languages: [new GatedPython(Promise.resolve(), () => setTimeout(release.fire, 0))],
      });
      const seen: string[] = [];
      await graph.index(project.id, root, {
        batchSize: 1,
        progress: (p) => seen.push(`${p.phase} ${p.filesDone}/${p.filesTotal}`),
      });
      const phases = seen.map((s) => s.split(' ')[0]);
      expect(phases.indexOf('embed')).toBeGreaterThan(phases.lastIndexOf('analyze'));
      expect(phases.lastIndexOf('embed')).toBeLessThan(phases.indexOf('write'));
      expect(seen.filter((s) => s.startsWith('embed')).pop()).toBe(
        `embed ${FILES + 1}/${FILES + 1}`,
      );
      expect(seen.at(-1)).toBe(`done ${FILES + 1}/${FILES + 1}`);
    } finally {
      await dispose();
      rmSync(root, { recursive: true, force: true });
    }
  });

  for (const backend of BACKENDS) {
    it(`opens its bulk load only when the analyses are done: the store serves others meanwhile (${backend.name})`, async () => {
      const root = bigPackage();
      const { store, dispose } = await backend.open(DIMENSION);
      try {
        const project = await store.projects.create({ name: 'gated', path: root });
        const gate = signal();
        const found = signal();
        const graph = new CodeGraph({
          store,
          embedder: new HashingEmbedder({ dimension: DIMENSION }),
          languages: [new GatedPython(gate.promise, found.fire)],
        });
        const run = graph.index(project.id, root, { progress: false });
        await found.promise;
        // Every file (1,204 entities) is waiting to be written and the analysis is not done:
        // a write of another caller goes through instead of waiting for the whole index.
        const other = await within10s(
          store.projects.create({ name: 'other', path: `${root}-other` }),
          'served',
          'still waiting after 10 s',
        );
        gate.fire();
        const report = await run;
        expect(other).toBe('served');
        expect(report.entities.created).toBe(FILES * (FUNCTIONS_PER_FILE + 1) + 1);
      } finally {
        await dispose();
        rmSync(root, { recursive: true, force: true });
      }
    });
  }
});
