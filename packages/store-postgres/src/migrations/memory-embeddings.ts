import { sql } from 'kysely';
import type { Migration, MigrationContext } from './migration.js';

/**
 * Moves every memory's vector out of its `memory_vectors` row into a narrow
 * table of its own, `memory_embeddings(memory_id, project_id, embedding)`,
 * which is never updated in place by access recording or score changes:
 * fillfactor 100 and PLAIN storage, two 768-d vectors per 8 KiB page and no
 * TOAST. The memory row keeps fillfactor 50 for HOT updates, now at a few
 * hundred bytes instead of ~3.9 KB. Measured on the same 100K rows
 * (`pnpm bench:split-layout`): the schema 1,144 → 863 MiB, an exact scan of
 * one project 39 → 21 ms, access recording 0.8× the time, ANN searches level.
 *
 * The ANN indexes on the old column (the shared one and any project graphs)
 * are dropped with it: the store's `init()` builds the configured index on
 * the new table, and `buildProjectGraphs()` the project graphs. The space
 * of the dropped column comes back when the table is rewritten
 * (`VACUUM FULL memory_vectors`), which a migration cannot run in its
 * transaction.
 */
async function up(ctx: MigrationContext): Promise<void> {
  const memories = ctx.table('memory_vectors');
  const embeddings = ctx.table('memory_embeddings');
  const vector = sql`${sql.id(ctx.vectorSchema)}.vector(${sql.lit(ctx.dimension)})`;
  const { rows: annIndexes } = await sql<{ name: string }>`
    select i.relname as name
    from pg_index x
    join pg_class i on i.oid = x.indexrelid
    join pg_class t on t.oid = x.indrelid
    join pg_namespace n on n.oid = t.relnamespace
    join pg_am am on am.oid = i.relam
    where n.nspname = ${ctx.schema} and t.relname = 'memory_vectors'
      and am.amname in ('hnsw', 'ivfflat')`.execute(ctx.db);
  const statements = [
    sql`create table ${embeddings} (
      memory_id bigint primary key references ${memories} (id) on delete cascade,
      project_id bigint not null,
      embedding ${vector} not null
    ) with (fillfactor = 100)`,
    // A 768-d vector (3 KB) would otherwise go to TOAST: every distance a TOAST fetch.
    sql`alter table ${embeddings} alter column embedding set storage plain`,
    sql`insert into ${embeddings} (memory_id, project_id, embedding)
      select id, project_id, embedding from ${memories} order by id`,
    sql`create index memory_embeddings_project_idx on ${embeddings} (project_id, memory_id)`,
    ...annIndexes.map(({ name }) => sql`drop index ${sql.id(ctx.schema, name)}`),
    sql`alter table ${memories} drop column embedding`,
    sql`analyze ${embeddings}`,
  ];
  for (const statement of statements) await statement.execute(ctx.db);
}

/** Version 9: the vectors in `memory_embeddings`, out of the memory rows. */
export const memoryEmbeddings: Migration = Object.freeze({
  version: 9,
  name: 'memory-embeddings',
  up,
});
