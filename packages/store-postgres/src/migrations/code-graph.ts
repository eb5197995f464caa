import { sql } from 'kysely';
import type { Migration, MigrationContext } from './migration.js';

/**
 * For the code graph. `exported` says whether an entity is visible outside
 * its module (null: the indexer did not say). `code_unresolved_references`
 * holds what an indexer saw but could not resolve (a call through an untyped
 * value, a missing module): kept as written and never matched by name,
 * unlike the pending edges, so nothing is guessed. It goes with its source
 * entity.
 */
async function up(ctx: MigrationContext): Promise<void> {
  const references = ctx.table('code_unresolved_references');
  await sql`alter table ${ctx.table('code_metadata')} add column exported boolean`.execute(ctx.db);
  await sql`create table ${references} (
    id bigint generated always as identity primary key,
    project_id bigint not null references ${ctx.table('projects')} (id) on delete cascade,
    from_entity_id bigint not null references ${ctx.table('code_metadata')} (id) on delete cascade,
    dependency_type text not null,
    target text not null,
    line integer,
    created_at timestamptz not null default now()
  )`.execute(ctx.db);
  await sql`create index code_unresolved_references_project_idx
    on ${references} (project_id, id)`.execute(ctx.db);
  await sql`create index code_unresolved_references_from_idx
    on ${references} (from_entity_id)`.execute(ctx.db);
}

/** Version 6: exported code entities and unresolved code references. */
export const codeGraph: Migration = Object.freeze({
  version: 6,
  name: 'code-graph',
  up,
});
