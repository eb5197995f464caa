import { sql } from 'kysely';
import type { Migration, MigrationContext } from './migration.js';

/**
 * Code entities are keyed by their qualified name (`Reader.run`) instead of
 * their short name, so that same-named members of different classes in one
 * file are two entities; existing rows take their name as qualified name.
 * Edges whose target is not indexed yet wait in
 * `code_unresolved_dependencies`, found by the target's qualified name when
 * an entity of that name arrives. Events recorded as `tool_call` (the name
 * before the original Athena's vocabulary) become `tool_execution`.
 */
async function up(ctx: MigrationContext): Promise<void> {
  const entities = ctx.table('code_metadata');
  const pending = ctx.table('code_unresolved_dependencies');
  await sql`alter table ${entities} add column qualified_name text`.execute(ctx.db);
  await sql`update ${entities} set qualified_name = name`.execute(ctx.db);
  await sql`alter table ${entities} alter column qualified_name set not null`.execute(ctx.db);
  await sql`alter table ${entities}
    drop constraint code_metadata_project_id_file_path_name_entity_type_key`.execute(ctx.db);
  await sql`alter table ${entities} add constraint code_metadata_key
    unique (project_id, file_path, qualified_name, entity_type)`.execute(ctx.db);
  await sql`create index code_metadata_project_qualified_name_idx
    on ${entities} (project_id, qualified_name)`.execute(ctx.db);
  await sql`create index code_dependencies_project_idx
    on ${ctx.table('code_dependencies')} (project_id)`.execute(ctx.db);
  await sql`create table ${pending} (
    id bigint generated always as identity primary key,
    project_id bigint not null references ${ctx.table('projects')} (id) on delete cascade,
    from_entity_id bigint not null references ${entities} (id) on delete cascade,
    dependency_type text not null,
    target_qualified_name text not null,
    target_file_path text,
    target_entity_type text,
    created_at timestamptz not null default now()
  )`.execute(ctx.db);
  await sql`create index code_unresolved_dependencies_target_idx
    on ${pending} (project_id, target_qualified_name)`.execute(ctx.db);
  await sql`create index code_unresolved_dependencies_from_idx
    on ${pending} (from_entity_id)`.execute(ctx.db);
  await sql`update ${ctx.table('episodic_events')}
    set event_type = 'tool_execution' where event_type = 'tool_call'`.execute(ctx.db);
}

/** Version 5: qualified code names, pending code edges, the full event vocabulary. */
export const codeKeys: Migration = Object.freeze({
  version: 5,
  name: 'code-keys',
  up,
});
