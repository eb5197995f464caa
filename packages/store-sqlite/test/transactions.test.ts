import { StoreClosedError, TransientError } from '@athena/core-types';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../src/index.js';
import { axis, rawConnection, removeTmpFiles, tmpFile } from './temp-db.js';

afterEach(removeTmpFiles);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function openStore(path = tmpFile()) {
  const store = new SqliteStore({ path, embeddingDimension: 8, busyTimeoutMs: 50 });
  await store.init();
  const project = await store.projects.create({ name: 'tx', path: '/tx' });
  return { store, project, path };
}

describe('transaction()', () => {
  it('keeps operations from outside waiting until it commits', async () => {
    const { store, project } = await openStore();
    const events: string[] = [];
    const tx = store.transaction(async (t) => {
      await t.memories.store(project.id, { content: 'inside', embedding: axis(0) });
      await sleep(30);
      events.push('commit');
    });
    const outside = store.memories.count(project.id).then((count) => {
      events.push('outside');
      return count;
    });
    await tx;
    expect(await outside).toBe(1);
    expect(events).toEqual(['commit', 'outside']);
    await store.close();
  });

  it('rolls back everything on a throw and rethrows the same error', async () => {
    const { store, project } = await openStore();
    const boom = new Error('boom');
    await expect(
      store.transaction(async (t) => {
        await t.memories.storeMany(project.id, [
          { content: 'a', embedding: axis(0) },
          { content: 'b', embedding: axis(1) },
        ]);
        await t.goals.create(project.id, { title: 'g' });
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(await store.memories.count(project.id)).toBe(0);
    expect(await store.goals.list(project.id)).toEqual([]);
    expect(await store.search.keyword(project.id, 'a b')).toEqual([]);
    await store.close();
  });

  it('nested transaction() is a savepoint: its rollback keeps the outer work', async () => {
    const { store, project } = await openStore();
    const kept = await store.transaction(async (t) => {
      const outer = await t.memories.store(project.id, { content: 'outer', embedding: axis(0) });
      await expect(
        t.transaction(async (inner) => {
          await inner.memories.store(project.id, { content: 'inner', embedding: axis(1) });
          throw new Error('inner failed');
        }),
      ).rejects.toThrow('inner failed');
      await store.transaction(async (inner) => {
        await inner.memories.store(project.id, { content: 'second inner', embedding: axis(2) });
      });
      return outer.id;
    });
    const listed = await store.memories.list(project.id, { order: 'asc' });
    expect(listed.items.map((m) => m.content)).toEqual(['outer', 'second inner']);
    expect(listed.items[0]?.id).toBe(kept);
    await store.close();
  });

  it('store calls made inside the callback join the transaction instead of deadlocking', async () => {
    const { store, project } = await openStore();
    await expect(
      store.transaction(async () => {
        await store.memories.store(project.id, { content: 'joined', embedding: axis(0) });
        expect(await store.memories.count(project.id)).toBe(1);
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    expect(await store.memories.count(project.id)).toBe(0);
    await store.close();
  });

  it('a transaction object cannot be used after the transaction ended', async () => {
    const { store, project } = await openStore();
    let leaked: Parameters<Parameters<typeof store.transaction>[0]>[0] | undefined;
    await store.transaction(async (t) => {
      leaked = t;
    });
    await expect(leaked?.memories.count(project.id)).rejects.toBeInstanceOf(StoreClosedError);
    await expect(leaked?.transaction(async () => 1)).rejects.toBeInstanceOf(StoreClosedError);
    await store.close();
  });

  it('close() waits for an open transaction to finish', async () => {
    const { store, project, path } = await openStore();
    const tx = store.transaction(async (t) => {
      await sleep(20);
      await t.memories.store(project.id, { content: 'committed before close', embedding: axis(0) });
    });
    await store.close();
    await tx;
    const raw = rawConnection(path);
    expect(raw.prepare('SELECT count(*) FROM memory_vectors').pluck().get()).toBe(1);
    raw.close();
  });

  it('maps SQLITE_BUSY from another writer to TransientError', async () => {
    const { store, project, path } = await openStore();
    const other = rawConnection(path);
    other.exec('BEGIN IMMEDIATE');
    try {
      const error = await store.memories
        .store(project.id, { content: 'blocked', embedding: axis(0) })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TransientError);
      expect((error as TransientError).cause).toMatchObject({ code: 'SQLITE_BUSY' });
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    await store.close();
  });
});
