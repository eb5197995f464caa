import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { SqliteStore } from '@athena/store-sqlite';
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { record } from '../src/report.js';
import { expectEveryAcknowledgedWriteOnce, tallyWrites } from '../src/write-load.js';
import type { Attempt } from '../src/write-load.js';

/**
 * SQLite faults across processes: four writer processes on one file with a
 * transaction held open against them, and writers killed with SIGKILL in the
 * middle of their batches. A write acknowledged is a write kept, once; a
 * batch is all or nothing; the file and its indexes (vec0, FTS5, the binary
 * vectors) stay whole and in step.
 */
const WRITER = fileURLToPath(new URL('../src/sqlite-writer.mjs', import.meta.url));
const DIMENSION = 8;

/** A writer process and what it reported over IPC. */
interface Writer {
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
  readonly exited: Promise<void>;
  /** Every write it started, in order, marked acknowledged once it said so. */
  readonly attempts: Map<string, { contents: string[]; acknowledged: boolean }>;
  readonly failures: { code: string; ms: number; error?: string }[];
}

type WriterMessage =
  | 'ready'
  | 'done'
  | { started: string[] }
  | { acknowledged: string[] }
  | { failed: string[]; code: string; ms: number; error?: string };

function startWriter(settings: Record<string, unknown>): Writer {
  const child = fork(WRITER, [JSON.stringify({ dimension: DIMENSION, ...settings })], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const attempts: Writer['attempts'] = new Map();
  const failures: Writer['failures'] = [];
  const ready = new Promise<void>((resolve, reject) => {
    child.on('message', (message: WriterMessage) => {
      if (message === 'ready') resolve();
      else if (message === 'done') return;
      else if ('started' in message)
        attempts.set(message.started.join('\n'), {
          contents: message.started,
          acknowledged: false,
        });
      else if ('acknowledged' in message) {
        const attempt = attempts.get(message.acknowledged.join('\n'));
        if (attempt !== undefined) attempt.acknowledged = true;
      } else
        failures.push({
          code: message.code,
          ms: message.ms,
          ...(message.error === undefined ? {} : { error: message.error }),
        });
    });
    child.once('exit', (code) => reject(new Error(`writer exited before it was ready (${code})`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, ready, exited, attempts, failures };
}

/** What the file holds, read with a connection of its own after every writer is gone. */
function inspectFile(path: string) {
  const db = new Database(path);
  try {
    sqliteVec.load(db);
    const integrity = db.pragma('integrity_check', { simple: true });
    let ftsIntegrity = 'ok';
    try {
      // FTS5 compares its index with the content table (memory_vectors).
      db.exec("INSERT INTO memory_fts (memory_fts) VALUES ('integrity-check')");
    } catch (error) {
      ftsIntegrity = (error as Error).message;
    }
    const ids = (sql: string) => db.prepare(sql).pluck().all() as number[];
    const memories = ids('SELECT id FROM memory_vectors ORDER BY id');
    const counts = new Map<string, number>();
    for (const { content, n } of db
      .prepare('SELECT content, count(*) AS n FROM memory_vectors GROUP BY content')
      .all() as { content: string; n: number }[])
      counts.set(content, n);
    return {
      integrity,
      ftsIntegrity,
      memories,
      vectors: ids('SELECT memory_id FROM vec_memories ORDER BY memory_id'),
      bits: ids('SELECT memory_id FROM memory_bits ORDER BY memory_id'),
      keywords: ids('SELECT id FROM memory_fts_docsize ORDER BY id'),
      counts,
    };
  } finally {
    db.close();
  }
}

function attemptsOf(writers: readonly Writer[]): Attempt[] {
  return writers.flatMap((writer) => [...writer.attempts.values()]);
}

function errorsByCode(writers: readonly Writer[]): Record<string, number> {
  const errors: Record<string, number> = {};
  for (const failure of writers.flatMap((writer) => writer.failures))
    errors[failure.code] = (errors[failure.code] ?? 0) + 1;
  return errors;
}

describe('faults: SQLite writer processes contending and killed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'athena-faults-sqlite-'));
  let path: string;
  let projectId: number;
  let file = 0;

  beforeEach(async () => {
    path = join(dir, `memory-${file++}.db`);
    const store = new SqliteStore({ path, embeddingDimension: DIMENSION });
    await store.init();
    projectId = (await store.projects.create({ name: 'faults', path: '/faults' })).id;
    await store.close();
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  /** The file is whole, its indexes hold exactly the memories, and the store opens healthy. */
  async function expectWholeFile(): Promise<ReturnType<typeof inspectFile>> {
    const inspected = inspectFile(path);
    expect(inspected.integrity).toBe('ok');
    expect(inspected.ftsIntegrity).toBe('ok');
    expect(inspected.vectors).toEqual(inspected.memories);
    expect(inspected.bits).toEqual(inspected.memories);
    expect(inspected.keywords).toEqual(inspected.memories);
    const store = new SqliteStore({ path });
    try {
      await store.init();
      expect((await store.health()).ok).toBe(true);
    } finally {
      await store.close();
    }
    return inspected;
  }

  it('4 writer processes for 5 s, one holding a transaction for 1 s: only transient errors after the busy timeout, no acknowledged write lost', async () => {
    const busyTimeoutMs = 250;
    const writers = [0, 1, 2, 3].map((writer) =>
      startWriter({
        path,
        projectId,
        writer,
        mode: 'load',
        busyTimeoutMs,
        ...(writer === 0 ? { holdAtMs: 2_000, holdMs: 1_000 } : {}),
      }),
    );
    await Promise.all(writers.map((writer) => writer.ready));
    for (const writer of writers) writer.child.send('go');
    await sleep(5_000);
    for (const writer of writers) writer.child.send('stop');
    await Promise.all(writers.map((writer) => writer.exited));

    const inspected = await expectWholeFile();
    const tally = tallyWrites(attemptsOf(writers), inspected.counts);
    const failures = writers.flatMap((writer) => writer.failures);
    const errors = errorsByCode(writers);
    const held = attemptsOf(writers).find(
      (attempt) => attempt.acknowledged && attempt.contents[0]?.endsWith('-held'),
    );
    record({
      section: 'faults',
      case: '4 writer processes, a transaction held 1 s',
      backend: 'sqlite',
      busyTimeoutMs,
      ...tally,
      errors,
      minFailureMs: Math.min(...failures.map((failure) => failure.ms)),
      maxFailureMs: Math.max(0, ...failures.map((failure) => failure.ms)),
      heldTransactionAcknowledged: held?.acknowledged ?? false,
    });

    expect(failures.filter((failure) => failure.code !== 'transient')).toEqual([]);
    // The held transaction blocked the other three for longer than their busy timeout.
    expect(errors['transient']).toBeGreaterThan(0);
    for (const failure of failures) expect(failure.ms).toBeGreaterThanOrEqual(busyTimeoutMs * 0.8);
    expect(held?.acknowledged).toBe(true);
    expectEveryAcknowledgedWriteOnce(tally);
    expect(tally.unacknowledgedApplied).toBe(0);
  });

  it('writers killed with SIGKILL mid-batch (storeMany of 200), twice: file whole, indexes in step, every batch all or nothing', async () => {
    const batchSize = 200;
    const writers: Writer[] = [];
    let killedMidBatch = 0;
    for (let round = 0; round < 2; round++) {
      const crew = [0, 1, 2, 3].map((writer) =>
        startWriter({
          path,
          projectId,
          writer,
          round,
          mode: 'batches',
          busyTimeoutMs: 5_000,
          batchSize,
        }),
      );
      writers.push(...crew);
      await Promise.all(crew.map((writer) => writer.ready));
      for (const writer of crew) writer.child.send('go');
      await Promise.all(
        crew.map(async (writer, index) => {
          await sleep(400 + 230 * index + 110 * round);
          writer.child.kill('SIGKILL');
          await writer.exited;
          const last = [...writer.attempts.values()].at(-1);
          if (last !== undefined && !last.acknowledged) killedMidBatch += 1;
        }),
      );
    }

    const inspected = await expectWholeFile();
    const tally = tallyWrites(attemptsOf(writers), inspected.counts);
    const errors = errorsByCode(writers);
    record({
      section: 'faults',
      case: 'writers killed (SIGKILL) mid-batch, 2 rounds of 4',
      backend: 'sqlite',
      batchSize,
      batchesStarted: attemptsOf(writers).length,
      killedMidBatch,
      ...tally,
      errors,
      memories: inspected.memories.length,
      integrity: inspected.integrity,
    });

    expect(errors).toEqual({});
    expectEveryAcknowledgedWriteOnce(tally);
    // Nothing but whole batches: every memory belongs to one batch that was started.
    expect(inspected.memories.length).toBe(tally.acknowledged + tally.unacknowledgedApplied);
  });
});
