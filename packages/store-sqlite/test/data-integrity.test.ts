import { DimensionMismatchError, NotFoundError, ValidationError } from '@athena/core-types';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../src/index.js';
import { axis, rawConnection, removeTmpFiles, tmpFile } from './temp-db.js';

afterEach(removeTmpFiles);

async function openStore() {
  const path = tmpFile();
  const store = new SqliteStore({ path, embeddingDimension: 8 });
  await store.init();
  const project = await store.projects.create({ name: 'integrity', path: '/integrity' });
  return { store, project, path };
}

function counts(path: string): Record<string, number> {
  const raw = rawConnection(path);
  try {
    const count = (sql: string) => raw.prepare(sql).pluck().get() as number;
    return {
      memories: count('SELECT count(*) FROM memory_vectors'),
      vectors: count('SELECT count(*) FROM vec_memories'),
      fts: count("SELECT count(*) FROM memory_fts WHERE memory_fts MATCH 'alpha OR beta OR gamma'"),
      relationships: count('SELECT count(*) FROM memory_relationships'),
      log: count('SELECT count(*) FROM consolidation_log'),
      episodes: count('SELECT count(*) FROM episodic_events'),
      code: count('SELECT count(*) FROM code_metadata'),
      dependencies: count('SELECT count(*) FROM code_dependencies'),
    };
  } finally {
    raw.close();
  }
}

describe('data integrity', () => {
  it('storeMany() validates every row first: a bad row writes nothing', async () => {
    const { store, project, path } = await openStore();
    await expect(
      store.memories.storeMany(project.id, [
        { content: 'alpha', embedding: axis(0) },
        { content: 'beta', embedding: [1, 2, 3] },
      ]),
    ).rejects.toBeInstanceOf(DimensionMismatchError);
    await expect(
      store.memories.storeMany(project.id, [
        { content: 'alpha', embedding: axis(0) },
        { content: 'beta', embedding: axis(1).map(() => Number.NaN) },
      ]),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(
      store.memories.storeMany(project.id + 1, [{ content: 'alpha', embedding: axis(0) }]),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(counts(path)).toMatchObject({ memories: 0, vectors: 0, fts: 0 });
    await store.close();
  });

  it('storeMany() rolls back rows already inserted when a later row fails in SQL', async () => {
    const { store, project, path } = await openStore();
    await store.close();
    // A test-only trigger makes the third row fail inside SQLite, after two rows went in.
    const raw = rawConnection(path);
    raw.exec(`CREATE TRIGGER poison BEFORE INSERT ON memory_vectors WHEN new.content = 'gamma'
              BEGIN SELECT RAISE(ABORT, 'poisoned row'); END`);
    raw.close();
    const reopened = new SqliteStore({ path });
    await reopened.init();
    const error = await reopened.memories
      .storeMany(project.id, [
        { content: 'alpha', embedding: axis(0) },
        { content: 'beta', embedding: axis(1) },
        { content: 'gamma', embedding: axis(2) },
      ])
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'storage' });
    expect(counts(path)).toMatchObject({ memories: 0, vectors: 0, fts: 0 });
    await reopened.close();
  });

  it('keeps vec0 and FTS5 in step with memory_vectors on insert, update and delete', async () => {
    const { store, project, path } = await openStore();
    const ids = await store.memories.storeMany(project.id, [
      { content: 'alpha', embedding: axis(0) },
      { content: 'beta', embedding: axis(1) },
    ]);
    expect(counts(path)).toMatchObject({ memories: 2, vectors: 2, fts: 2 });
    const [first, second] = ids as [number, number];
    await store.memories.update(project.id, first, { content: 'gamma', embedding: axis(2) });
    expect((await store.search.keyword(project.id, 'alpha')).length).toBe(0);
    expect((await store.search.keyword(project.id, 'gamma')).map((h) => h.memory.id)).toEqual([
      first,
    ]);
    expect((await store.search.semantic(project.id, axis(2), { limit: 1 }))[0]?.memory.id).toBe(
      first,
    );
    await store.memories.delete(project.id, second);
    expect(counts(path)).toMatchObject({ memories: 1, vectors: 1, fts: 1 });
    await store.close();
  });

  it('deleting a project removes everything in it, vectors and full text included', async () => {
    const { store, project, path } = await openStore();
    const other = await store.projects.create({ name: 'other', path: '/other' });
    const [a, b] = (await store.memories.storeMany(project.id, [
      { content: 'alpha', embedding: axis(0) },
      { content: 'beta', embedding: axis(1) },
    ])) as [number, number];
    await store.memories.store(other.id, { content: 'gamma', embedding: axis(2) });
    await store.relationships.link(project.id, {
      fromMemoryId: a,
      toMemoryId: b,
      relationshipType: 'extends',
    });
    await store.consolidation.transition(project.id, a, 'consolidating');
    await store.episodes.record(project.id, {
      sessionId: 's',
      eventType: 'action',
      content: 'did',
    });
    const x = await store.code.upsertEntity(project.id, {
      filePath: 'a.ts',
      name: 'x',
      entityType: 'function',
    });
    const y = await store.code.upsertEntity(project.id, {
      filePath: 'a.ts',
      name: 'y',
      entityType: 'function',
    });
    await store.code.addDependency(project.id, {
      fromEntityId: x.id,
      toEntityId: y.id,
      dependencyType: 'calls',
    });

    expect(await store.projects.delete(project.id)).toBe(true);
    expect(counts(path)).toEqual({
      memories: 1,
      vectors: 1,
      fts: 1,
      relationships: 0,
      log: 0,
      episodes: 0,
      code: 0,
      dependencies: 0,
    });
    expect((await store.search.semantic(other.id, axis(2))).length).toBe(1);
    await store.close();
  });

  it('stores timestamps as epoch milliseconds and tags as JSON', async () => {
    const { store, project, path } = await openStore();
    const createdAt = new Date('2024-01-02T03:04:05.678Z');
    const memory = await store.memories.store(project.id, {
      content: 'alpha',
      embedding: axis(0),
      tags: ['x', 'y'],
      createdAt,
    });
    const raw = rawConnection(path);
    const row = raw
      .prepare(
        'SELECT created_at, tags, typeof(created_at) AS kind, quality_score FROM memory_vectors WHERE id = ?',
      )
      .get(memory.id);
    raw.close();
    expect(row).toEqual({
      created_at: createdAt.getTime(),
      tags: '["x","y"]',
      kind: 'integer',
      quality_score: 0.3,
    });
    await store.close();
  });
});
