import { DimensionMismatchError, isAthenaError } from '@athena/core-types';
import { afterAll, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION } from '../src/index.js';
import {
  adminQuery,
  createTestStore,
  describePostgres,
  dropSchema,
  freshSchema,
} from './helpers.js';

describePostgres('migrations', () => {
  const schema = freshSchema();
  afterAll(async () => {
    await dropSchema(schema);
  });

  it('two concurrent init() on a fresh schema both succeed and migrate once', async () => {
    const a = createTestStore(schema, { embeddingDimension: 12 });
    const b = createTestStore(schema, { embeddingDimension: 12 });
    try {
      await Promise.all([a.init(), b.init()]);
      const applied = await adminQuery<{ version: number }>(
        `select version from "${schema}".athena_migrations`,
      );
      expect(applied.map((row) => row.version)).toEqual(
        Array.from({ length: LATEST_SCHEMA_VERSION }, (_, i) => i + 1),
      );
      const meta = await adminQuery<{ key: string; value: string }>(
        `select key, value from "${schema}".athena_meta order by key`,
      );
      expect(meta).toEqual([
        { key: 'embedding_dimension', value: '12' },
        { key: 'text_search_config', value: 'english' },
      ]);
      expect(a.embeddingDimension).toBe(12);
      expect(b.embeddingDimension).toBe(12);
      await a.init();
      expect((await a.health()).schemaVersion).toBe(LATEST_SCHEMA_VERSION);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('creates the documented schema objects', async () => {
    const columns = await adminQuery<{
      column_name: string;
      data_type: string;
      udt_name: string;
      is_generated: string;
    }>(
      `select column_name, data_type, udt_name, is_generated from information_schema.columns
       where table_schema = $1 and table_name = 'memory_vectors'`,
      [schema],
    );
    const byName = new Map(columns.map((c) => [c.column_name, c]));
    // The vectors live in a table of their own (migration 9).
    expect(byName.has('embedding')).toBe(false);
    expect(byName.get('tags')?.udt_name).toBe('_text');
    expect(byName.get('created_at')?.data_type).toBe('timestamp with time zone');
    expect(byName.get('quality_score')?.is_generated).toBe('ALWAYS');
    expect(byName.get('tsv')?.is_generated).toBe('ALWAYS');
    const storage = await adminQuery<{ attstorage: string; typmod: number }>(
      `select a.attstorage, a.atttypmod as typmod from pg_attribute a
       join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = $1 and c.relname = 'memory_embeddings' and a.attname = 'embedding'`,
      [schema],
    );
    expect(storage[0]).toEqual({ attstorage: 'p', typmod: 12 });
    // Room on each page of the memories for a second row version: access-statistics updates
    // stay HOT; the vectors, never updated by them, fill their pages.
    const options = await adminQuery<{ relname: string; reloptions: string[] | null }>(
      `select c.relname, c.reloptions from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = $1 and c.relname in ('memory_vectors', 'memory_embeddings')
       order by c.relname`,
      [schema],
    );
    expect(options).toEqual([
      { relname: 'memory_embeddings', reloptions: ['fillfactor=100'] },
      { relname: 'memory_vectors', reloptions: ['fillfactor=50'] },
    ]);
    const tables = await adminQuery<{ table_name: string }>(
      `select table_name from information_schema.tables where table_schema = $1 order by table_name`,
      [schema],
    );
    expect(tables.map((t) => t.table_name)).toEqual([
      'athena_meta',
      'athena_migrations',
      'code_dependencies',
      'code_metadata',
      'code_unresolved_dependencies',
      'code_unresolved_references',
      'consolidation_log',
      'consolidation_runs',
      'episodic_events',
      'memory_embeddings',
      'memory_relationships',
      'memory_states',
      'memory_text_index',
      'memory_vectors',
      'planning_decisions',
      'planning_scenarios',
      'projects',
      'prospective_goals',
      'prospective_tasks',
    ]);
    // Matched in JS: a condition on indexdef may read (concurrently dropped) indexes of other schemas.
    const gin = (
      await adminQuery<{ indexname: string; indexdef: string }>(
        `select indexname, indexdef from pg_indexes where schemaname = $1 order by indexname`,
        [schema],
      )
    ).filter((row) => /using gin/i.test(row.indexdef));
    expect(gin.map((i) => i.indexname)).toEqual([
      'memory_text_index_project_tsv_idx',
      'memory_vectors_tags_idx',
    ]);
  });

  it('an existing database keeps its dimension; another one is a DimensionMismatchError', async () => {
    const adopt = createTestStore(schema, { embeddingDimension: undefined });
    const wrong = createTestStore(schema, { embeddingDimension: 16 });
    try {
      await adopt.init();
      expect(adopt.embeddingDimension).toBe(12);
      const error: unknown = await wrong.init().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DimensionMismatchError);
      expect(error).toMatchObject({ expected: 12, actual: 16 });
    } finally {
      await adopt.close();
      await wrong.close();
    }
  });

  it('refuses a schema a newer release migrated, saying to upgrade, and changes nothing', async () => {
    const newer = freshSchema();
    const first = createTestStore(newer, { embeddingDimension: 12 });
    try {
      await first.init();
      await first.close();
      await adminQuery(
        `insert into "${newer}".athena_migrations (version, name) values (${LATEST_SCHEMA_VERSION + 1}, 'from_the_future')`,
      );
      const store = createTestStore(newer, { embeddingDimension: 12 });
      const error: unknown = await store.init().catch((e: unknown) => e);
      await store.close();
      expect(isAthenaError(error, 'migration')).toBe(true);
      expect((error as Error).message).toContain(
        `is at version ${LATEST_SCHEMA_VERSION + 1}, newer than this release of @athena/store-postgres (${LATEST_SCHEMA_VERSION}): upgrade @athena/store-postgres`,
      );
      const applied = await adminQuery<{ version: number }>(
        `select max(version)::int as version from "${newer}".athena_migrations`,
      );
      expect(applied).toEqual([{ version: LATEST_SCHEMA_VERSION + 1 }]);
    } finally {
      await dropSchema(newer);
    }
  });

  it('rejects an unknown text-search configuration naming the field', async () => {
    const other = freshSchema();
    const store = createTestStore(other, { textSearchConfig: 'klingon' });
    try {
      await expect(store.init()).rejects.toMatchObject({
        code: 'validation',
        issues: [{ path: 'textSearchConfig' }],
      });
    } finally {
      await store.close();
      await dropSchema(other);
    }
  });
});
