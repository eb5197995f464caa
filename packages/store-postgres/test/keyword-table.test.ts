import { afterAll, beforeAll, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION, type PostgresStore } from '../src/index.js';
import {
  adminQuery,
  createTestStore,
  describePostgres,
  dropSchema,
  freshSchema,
  rollBackTo,
} from './helpers.js';

const embedding = (seed: number): number[] =>
  Array.from({ length: 8 }, (_, i) => Math.sin(seed * 7 + i) + 0.01);

/** The keyword table compared with `memory_vectors`: every row, its project and tsv. */
async function keywordTableDrift(schema: string): Promise<number> {
  const rows = await adminQuery<{ drift: string }>(
    `select count(*) as drift from "${schema}".memory_vectors m
     full join "${schema}".memory_text_index t on t.memory_id = m.id
     where m.id is null or t.memory_id is null
       or t.project_id <> m.project_id or t.tsv <> m.tsv`,
  );
  return Number(rows[0]?.drift);
}

describePostgres('keyword table (memory_text_index)', () => {
  const schema = freshSchema();
  let store: PostgresStore;

  beforeAll(async () => {
    store = createTestStore(schema);
    await store.init();
  });

  afterAll(async () => {
    await store.close();
    await dropSchema(schema);
  });

  it('stays in sync on insert, content update, delete and project delete', async () => {
    const project = await store.projects.create({ name: 'sync', path: '/sync' });
    const other = await store.projects.create({ name: 'other', path: '/other' });
    const one = await store.memories.store(project.id, {
      content: 'walrus migration routes',
      embedding: embedding(1),
    });
    const [two = 0, three = 0] = await store.memories.storeMany(project.id, [
      { content: 'penguin colonies in winter', embedding: embedding(2), domain: 'birds' },
      { content: 'walrus tusks and penguin feathers', embedding: embedding(3) },
    ]);
    await store.memories.storeMany(other.id, [
      { content: 'walrus in another project', embedding: embedding(4) },
    ]);
    expect(await keywordTableDrift(schema)).toBe(0);
    const ids = async (text: string) =>
      (await store.search.keyword(project.id, text)).map((hit) => hit.memory.id).sort();
    expect(await ids('walrus')).toEqual([one.id, three].sort());

    await store.memories.update(project.id, one.id, { content: 'narwhal migration routes' });
    expect(await keywordTableDrift(schema)).toBe(0);
    expect(await ids('walrus')).toEqual([three]);
    expect(await ids('narwhal')).toEqual([one.id]);

    await store.memories.recordAccess(project.id, [one.id]);
    expect(await ids('narwhal')).toEqual([one.id]);

    const filtered = await store.search.keyword(project.id, 'penguin', {
      filters: { domains: ['birds'] },
    });
    expect(filtered.map((hit) => hit.memory.id)).toEqual([two]);

    expect(await store.memories.delete(project.id, three)).toBe(true);
    expect(await keywordTableDrift(schema)).toBe(0);
    expect(await ids('walrus')).toEqual([]);

    expect(await store.projects.delete(project.id)).toBe(true);
    expect(await keywordTableDrift(schema)).toBe(0);
    const left = await adminQuery<{ project_id: string }>(
      `select distinct project_id from "${schema}".memory_text_index`,
    );
    expect(left.map((row) => Number(row.project_id))).toEqual([other.id]);
  });
});

describePostgres('migration 3 (keyword table) on an existing version-2 database', () => {
  const schema = freshSchema();
  afterAll(async () => {
    await dropSchema(schema);
  });

  it('backfills the keyword table and keeps keyword search intact', async () => {
    const old = createTestStore(schema);
    let projectId: number;
    const contents = ['glacier ice cores', 'ice cream recipes', 'volcanic glacier melt'];
    let before: { id: number; score: number }[];
    try {
      await old.init();
      const project = await old.projects.create({ name: 'v2', path: '/v2' });
      projectId = project.id;
      await old.memories.storeMany(
        projectId,
        contents.map((content, i) => ({ content, embedding: embedding(i) })),
      );
      // Back to version 2: what a database written before migration 3 looks like.
      await rollBackTo(schema, 2);
      const rows = await adminQuery<{ id: string; score: number }>(
        `select id, ts_rank(tsv, to_tsquery('english', 'glacier | ice'), 32) as score
         from "${schema}".memory_vectors where project_id = $1
         order by score desc, id`,
        [projectId],
      );
      before = rows.map((row) => ({ id: Number(row.id), score: row.score }));
    } finally {
      await old.close();
    }

    const store = createTestStore(schema);
    try {
      await store.init();
      expect((await store.health()).schemaVersion).toBe(LATEST_SCHEMA_VERSION);
      expect(await keywordTableDrift(schema)).toBe(0);
      const hits = await store.search.keyword(projectId, 'glacier ice');
      expect(hits.map((hit) => ({ id: hit.memory.id, score: hit.score }))).toEqual(
        before.map((row) => ({ id: row.id, score: expect.closeTo(row.score, 6) as number })),
      );
      const added = await store.memories.store(projectId, {
        content: 'glacier retreat',
        embedding: embedding(9),
      });
      expect((await store.search.keyword(projectId, 'retreat')).map((h) => h.memory.id)).toEqual([
        added.id,
      ]);
    } finally {
      await store.close();
    }
  });
});
