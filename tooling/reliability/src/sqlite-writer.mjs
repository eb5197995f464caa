// One writer process of the SQLite fault tests (test/faults-sqlite.test.ts),
// started with child_process.fork. It opens the store, says `ready`, waits
// for `go`, writes until told to stop (or until it is killed), and reports
// over IPC every write it started and every one that resolved: a write is
// acknowledged only once its promise resolved. Plain JavaScript on the
// built @athena/store-sqlite, so it runs in a process of its own under node.
//
// argv[2]: JSON settings {path, projectId, writer, mode: 'load'|'batches',
//   busyTimeoutMs, dimension, batchSize?, holdAtMs?, holdMs?}
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';
import { isAthenaError } from '@athena/core-types';
import { SqliteStore } from '@athena/store-sqlite';

const settings = JSON.parse(process.argv[2] ?? '{}');
const store = new SqliteStore({
  path: settings.path,
  embeddingDimension: settings.dimension,
  busyTimeoutMs: settings.busyTimeoutMs,
});
let stopped = false;

const send = (message) => new Promise((resolve) => process.send(message, resolve));
const embedding = (seed) =>
  Array.from({ length: settings.dimension }, (_, index) => Math.sin(seed * 7.31 + index) + 1.01);
const input = (content, seed) => ({ content, embedding: embedding(seed) });

/**
 * Runs one write, reporting its start, then its acknowledgement or its error
 * code and duration; true when it was acknowledged.
 */
async function attempt(contents, write) {
  await send({ started: contents });
  const started = performance.now();
  try {
    await write();
    await send({ acknowledged: contents });
    return true;
  } catch (error) {
    const code = isAthenaError(error) ? error.code : 'untyped';
    await send({
      failed: contents,
      code,
      ms: Math.round(performance.now() - started),
      ...(code === 'untyped' ? { error: String(error) } : {}),
    });
    return false;
  }
}

/**
 * Single memories and batches of 3, with one transaction held open `holdMs`
 * from `holdAtMs` on (tried again until it got the lock).
 */
async function load(startedAt) {
  let held = settings.holdAtMs === undefined;
  for (let n = 0; !stopped; n++) {
    const prefix = `s${settings.writer}-${n}`;
    if (!held && performance.now() - startedAt >= settings.holdAtMs) {
      held = await attempt([`${prefix}-held`], () =>
        store.transaction(async (tx) => {
          await tx.memories.store(settings.projectId, input(`${prefix}-held`, n));
          await sleep(settings.holdMs);
        }),
      );
      continue;
    }
    const contents = n % 4 === 3 ? [0, 1, 2].map((k) => `${prefix}-${k}`) : [prefix];
    await attempt(contents, () =>
      store.memories.storeMany(
        settings.projectId,
        contents.map((content, k) => input(content, n * 3 + k)),
      ),
    );
    await sleep(2);
  }
}

/** `storeMany` batches of `batchSize`, back to back, until the process is killed. */
async function batches() {
  for (let batch = 0; !stopped; batch++) {
    const contents = Array.from(
      { length: settings.batchSize },
      (_, i) => `k${settings.writer}-${settings.round}-${batch}-${i}`,
    );
    await attempt(contents, () =>
      store.memories.storeMany(
        settings.projectId,
        contents.map((content, i) => input(content, batch * settings.batchSize + i)),
      ),
    );
  }
}

process.on('message', (message) => {
  if (message === 'stop') stopped = true;
});
await store.init();
await send('ready');
await new Promise((resolve) => process.once('message', resolve));
await (settings.mode === 'batches' ? batches() : load(performance.now()));
await store.close();
await send('done');
process.disconnect();
