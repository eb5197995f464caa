import { sql } from 'kysely';
import type { Migration, MigrationContext } from './migration.js';

/**
 * For the consolidation worker. `consolidation_runs` keeps one record per
 * pass (phase durations as jsonb), listed newest first per project;
 * `consolidated_into` is the provenance of an episodic event: the memory it
 * became (emptied when that memory is deleted).
 */
async function up(ctx: MigrationContext): Promise<void> {
  const runs = ctx.table('consolidation_runs');
  await sql`create table ${runs} (
    id bigint generated always as identity primary key,
    project_id bigint not null references ${ctx.table('projects')} (id) on delete cascade,
    worker_id text not null,
    started_at timestamptz not null,
    finished_at timestamptz not null,
    claimed integer not null,
    clusters integer not null,
    created integer not null,
    superseded integer not null,
    linked integer not null,
    episodes integer not null,
    released integer not null,
    closed integer not null,
    fallbacks integer not null,
    errors integer not null,
    error text,
    phases jsonb not null default '{}'
  )`.execute(ctx.db);
  await sql`create index consolidation_runs_project_idx on ${runs} (project_id, id)`.execute(
    ctx.db,
  );
  const events = ctx.table('episodic_events');
  await sql`alter table ${events} add column consolidated_into bigint
    references ${ctx.table('memory_vectors')} (id) on delete set null`.execute(ctx.db);
  await sql`create index episodic_events_consolidated_into_idx on ${events} (consolidated_into)
    where consolidated_into is not null`.execute(ctx.db);
}

/** Version 7: consolidation run records and episode provenance. */
export const consolidationRuns: Migration = Object.freeze({
  version: 7,
  name: 'consolidation-runs',
  up,
});
