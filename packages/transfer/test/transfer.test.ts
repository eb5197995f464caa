import { PassThrough, Readable } from 'node:stream';
import {
  ConflictError,
  DimensionMismatchError,
  EmbeddingModelMismatchError,
  NotFoundError,
  RECORD_TABLES,
  ValidationError,
} from '@athena/core-types';
import type { AthenaError, Store } from '@athena/core-types';
import { LATEST_SCHEMA_VERSION } from '@athena/store-sqlite';
import { describePostgres } from '@athena/test-postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copy, exportStore, importStore, VerificationError } from '../src/index.js';
import type { TransferProgress, TransferReport } from '../src/index.js';
import { generateProject, loadDemoCorpus, openStore, snapshot } from './helpers.js';
import type { Opened } from './helpers.js';

const opened: Opened[] = [];
async function open(backend: 'sqlite' | 'postgres', dimension?: number): Promise<Store> {
  const handle = await openStore(backend, dimension);
  opened.push(handle);
  return handle.store;
}
afterAll(async () => {
  for (const handle of opened.splice(0)) await handle.dispose();
});

/** Collects an export in memory. */
async function exported(store: Store, options = {}): Promise<string> {
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (chunk: Buffer) => chunks.push(chunk));
  await exportStore(store, sink, options);
  sink.end();
  return Buffer.concat(chunks).toString('utf8');
}

async function rejects<E extends AthenaError>(
  action: Promise<unknown>,
  type: abstract new (...args: never[]) => E,
): Promise<E> {
  const error = await action.then(
    () => expect.fail('expected a rejection'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(type);
  return error as E;
}

const ids = (report: TransferReport) => report.projects.map((project) => project.targetId);

let source: Store;
let sourceIds: number[];
let expected: Awaited<ReturnType<typeof snapshot>>;
let file: string;

beforeAll(async () => {
  source = await open('sqlite');
  sourceIds = [
    await loadDemoCorpus(source),
    await generateProject(source, { name: 'alpha', memories: 400, seed: 1 }),
    await generateProject(source, { name: 'beta', memories: 150, seed: 2 }),
  ];
  expected = await snapshot(source, sourceIds);
  file = await exported(source);
}, 120_000);

describe('the data set', () => {
  it('has every kind of row, state and reference', () => {
    for (const table of RECORD_TABLES) expect(expected[table].length, table).toBeGreaterThan(0);
    const memories = expected.memories as { consolidationState: string; supersededBy: unknown }[];
    const states = new Set(memories.map((m) => m.consolidationState));
    expect([...states].sort()).toEqual([
      'consolidated',
      'consolidating',
      'labile',
      'superseded',
      'unconsolidated',
    ]);
    expect(memories.filter((m) => m.supersededBy !== null).length).toBeGreaterThan(10);
    expect(expected.memories.length).toBe(241 + 400 + 150);
  });
});

describe('copy between SQLite stores', () => {
  it('copies every field of every table, verified, with a report', async () => {
    const target = await open('sqlite');
    const progress: TransferProgress[] = [];
    const report = await copy(source, target, {
      batchSize: 97,
      onProgress: (p) => progress.push(p),
    });
    expect(report.counts.memories).toBe(791);
    expect(report.projects.map((p) => p.name)).toEqual(['ledgerly-demo', 'alpha', 'beta']);
    expect(await snapshot(target, ids(report))).toEqual(expected);
    expect(progress.some((p) => p.phase === 'write' && p.table === 'memories')).toBe(true);
    expect(progress.at(-1)).toMatchObject({ phase: 'verify', done: 791, total: 791 });
    const hits = await target.search.keyword(ids(report)[0] as number, 'idempotency key');
    expect(hits.length).toBeGreaterThan(0);
  });

  it('copies only the projects asked for, into a target that holds others', async () => {
    const target = await open('sqlite');
    const other = await generateProject(target, { name: 'resident', memories: 20, seed: 9 });
    const before = await snapshot(target, [other]);
    const report = await copy(source, target, { projectIds: [sourceIds[2] as number] });
    expect(report.projects.map((p) => p.name)).toEqual(['beta']);
    const beta = await snapshot(source, [sourceIds[2] as number]);
    expect(await snapshot(target, ids(report))).toEqual(beta);
    expect(await snapshot(target, [other])).toEqual(before);
  });

  it('refuses another dimension, another model, an existing project — writing nothing', async () => {
    await rejects(copy(source, await open('sqlite', 32)), DimensionMismatchError);
    const modelled = await open('sqlite');
    const project = await modelled.projects.create({ name: 'x', path: '/x' });
    await modelled.memories.store(project.id, {
      content: 'other model',
      embedding: new Float32Array(64).fill(1),
      embeddingModel: 'another-model',
    });
    const mismatch = await rejects(copy(source, modelled), EmbeddingModelMismatchError);
    expect(mismatch.message).toContain('another-model');
    const taken = await open('sqlite');
    await taken.projects.create({ name: 'alpha', path: '/elsewhere' });
    const conflict = await rejects(copy(source, taken), ConflictError);
    expect(conflict.message).toContain('alpha');
    expect((await taken.stats()).counts.memories).toBe(0);
    await rejects(copy(source, taken, { projectIds: [999_999] }), NotFoundError);
    await rejects(copy(source, taken, { batchSize: 0 }), ValidationError);
  });

  it('rolls back when the source changes during the copy', async () => {
    const changing = await open('sqlite');
    const project = await generateProject(changing, { name: 'moving', memories: 30, seed: 3 });
    const target = await open('sqlite');
    let added = false;
    const error = await rejects(
      copy(changing, target, {
        batchSize: 10,
        onProgress: (p) => {
          if (p.table === 'memories' && !added) {
            added = true;
            void changing.memories.store(project, {
              content: 'written during the copy',
              embedding: new Float32Array(64).fill(0.5),
            });
          }
        },
      }),
      VerificationError,
    );
    expect(error.message).toContain('the source changed during the copy');
    expect((await target.stats()).counts).toMatchObject({ projects: 0, memories: 0 });
  });
});

describe('export and import', () => {
  it('writes a header, one line per record and an end line with the checksum', () => {
    const lines = file.trimEnd().split('\n');
    const header = JSON.parse(lines[0] as string) as Record<string, unknown>;
    expect(header).toMatchObject({
      type: 'athena-export',
      version: 1,
      source: { backend: 'sqlite', schemaVersion: LATEST_SCHEMA_VERSION },
      embedding: { dimension: 64 },
    });
    expect((header['counts'] as Record<string, number>)['memories']).toBe(791);
    const end = JSON.parse(lines.at(-1) as string) as Record<string, unknown>;
    expect(end).toMatchObject({
      type: 'end',
      checksum: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
    });
    const total = Object.values(end['counts'] as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(lines).toHaveLength(total + 2);
    const memory = lines.find((line) => line.startsWith('{"table":"memories"'));
    expect(JSON.parse(memory as string).record.embedding).toMatch(/^[A-Za-z0-9+/]+=*$/);
  });

  it('imports an export losslessly, with the checksum of the copy', async () => {
    const target = await open('sqlite');
    const report = await importStore(target, Readable.from([file]), { batchSize: 128 });
    expect(await snapshot(target, ids(report))).toEqual(expected);
    const copied = await copy(source, await open('sqlite'));
    expect(report.checksum).toBe(copied.checksum);
    expect(file.trimEnd().split('\n').at(-1)).toContain(report.checksum);
  });

  it('refuses a damaged file, naming the line, and writes nothing', async () => {
    const lines = file.trimEnd().split('\n');
    const target = await open('sqlite');
    const cut = lines.slice(0, -1).join('\n');
    const short = await rejects(importStore(target, Readable.from([cut])), ValidationError);
    expect(short.message).toContain('cut short');
    const index = lines.findIndex((line) => line.includes('"table":"goals"'));
    const bad = [...lines];
    bad[index] = (bad[index] as string).replace(/"status":"\w+"/, '"status":"someday"');
    const invalid = await rejects(
      importStore(target, Readable.from([bad.join('\n')])),
      ValidationError,
    );
    expect(invalid.message).toMatch(new RegExp(`^line ${index + 1}: `));
    expect(invalid.issues[0]?.path).toBe(`line ${index + 1}.status`);
    const memoryIndex = lines.findIndex((line) => line.includes('"table":"memories"'));
    const altered = [...lines];
    altered[memoryIndex] = (altered[memoryIndex] as string).replace('"content":"', '"content":"X');
    const tampered = await rejects(
      importStore(target, Readable.from([altered.join('\n')])),
      VerificationError,
    );
    expect(tampered.mismatches.map((m) => m.what)).toEqual(['checksum']);
    const reordered = [lines[0], lines[memoryIndex], lines[1], ...lines.slice(2)].join('\n');
    const order = await rejects(importStore(target, Readable.from([reordered])), ValidationError);
    expect(order.message).toMatch(/names no project that came before it|must come before/);
    await rejects(importStore(target, Readable.from(['{"hello":1}\n'])), ValidationError);
    await rejects(importStore(target, Readable.from([''])), ValidationError);
    expect((await target.stats()).counts).toMatchObject({ projects: 0, memories: 0 });
    await importStore(target, Readable.from([file]));
    await rejects(importStore(target, Readable.from([file])), ConflictError);
  });
});

describePostgres('round trips through PostgreSQL', () => {
  it('SQLite → PostgreSQL → SQLite is lossless, with equal checksums', async () => {
    const postgres = await open('postgres');
    const there = await copy(source, postgres, { batchSize: 200 });
    expect(await snapshot(postgres, ids(there))).toEqual(expected);
    const back = await open('sqlite');
    const again = await copy(postgres, back);
    expect(await snapshot(back, ids(again))).toEqual(expected);
    expect(again.checksum).toBe(there.checksum);
    expect(again.counts).toEqual(there.counts);
    const stats = await postgres.stats();
    expect(stats.indexes.filter((index) => !index.present || !index.valid)).toEqual([]);
    const [hit] = await postgres.search.keyword(ids(there)[0] as number, 'pgbouncer');
    expect(hit).toBeDefined();
  });

  it('export → import into PostgreSQL, and PostgreSQL → export → SQLite, are lossless', async () => {
    const postgres = await open('postgres');
    const report = await importStore(postgres, Readable.from([file]));
    expect(await snapshot(postgres, ids(report))).toEqual(expected);
    const text = await exported(postgres);
    expect(JSON.parse(text.split('\n')[0] as string).source.backend).toBe('postgres');
    const back = await open('sqlite');
    const imported = await importStore(back, Readable.from([text]));
    expect(await snapshot(back, ids(imported))).toEqual(expected);
    expect(imported.checksum).toBe(report.checksum);
  });

  it('a refused import leaves PostgreSQL as it was, its index included', async () => {
    const postgres = await open('postgres');
    const resident = await generateProject(postgres, { name: 'resident', memories: 40, seed: 4 });
    // Vectors of both the source's models, so the file's embeddings are accepted.
    await postgres.memories.store(resident, {
      content: 'hashed',
      embedding: new Float32Array(64).fill(0.25),
      embeddingModel: 'athena-hash-v2-64',
    });
    const before = await snapshot(postgres, [resident]);
    const lines = file.trimEnd().split('\n');
    const cut = lines.slice(0, -1).join('\n');
    // 791 memories onto 41: the load drops the HNSW index, then rolls back.
    const short = await rejects(importStore(postgres, Readable.from([cut])), ValidationError);
    expect(short.message).toContain('cut short');
    await postgres.projects.create({ name: 'alpha', path: '/taken' });
    await rejects(copy(source, postgres), ConflictError);
    expect(await snapshot(postgres, [resident])).toEqual(before);
    const stats = await postgres.stats();
    expect(stats.counts.memories).toBe(41);
    expect(stats.indexes.filter((index) => !index.present || !index.valid)).toEqual([]);
  });
});
