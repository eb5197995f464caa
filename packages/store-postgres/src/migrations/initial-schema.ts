import { sql } from 'kysely';
import type { Migration, MigrationContext } from './migration.js';

const CONTENT_TYPES = sql.raw(`'text', 'code', 'markdown', 'json'`);
const MEMORY_TYPES = sql.raw(`'fact', 'pattern', 'decision', 'context', 'code', 'insight'`);
const STATES = sql.raw(
  `'unconsolidated', 'consolidating', 'consolidated', 'labile', 'reconsolidating', 'superseded'`,
);

async function up(ctx: MigrationContext): Promise<void> {
  const { db, table: t } = ctx;
  const vector = sql`${sql.id(ctx.vectorSchema)}.vector(${sql.lit(ctx.dimension)})`;
  const statements = [
    sql`create table ${t('projects')} (
      id bigint generated always as identity primary key,
      name text not null unique,
      path text not null unique,
      description text,
      created_at timestamptz not null default now(),
      last_accessed_at timestamptz not null default now()
    )`,
    sql`create table ${t('memory_vectors')} (
      id bigint generated always as identity primary key,
      project_id bigint not null references ${t('projects')} (id) on delete cascade,
      content text not null,
      content_type text not null default 'text' check (content_type in (${CONTENT_TYPES})),
      memory_type text not null default 'fact' check (memory_type in (${MEMORY_TYPES})),
      domain text,
      tags text[] not null default '{}',
      embedding ${vector} not null,
      embedding_model text,
      access_count integer not null default 0 check (access_count >= 0),
      last_accessed timestamptz,
      last_retrieved timestamptz,
      usefulness_score double precision not null default 0 check (usefulness_score between 0 and 1),
      confidence double precision not null default 1 check (confidence between 0 and 1),
      quality_score double precision generated always as (
        0.5 * usefulness_score + 0.3 * confidence + 0.2 * least(access_count / 100.0, 1.0)
      ) stored,
      consolidation_state text not null default 'unconsolidated' check (consolidation_state in (${STATES})),
      consolidated_at timestamptz,
      superseded_by bigint references ${t('memory_vectors')} (id) on delete set null,
      claimed_by text,
      claim_expires_at timestamptz,
      version integer not null default 1,
      session_id text,
      event_type text,
      code_language text,
      code_hash text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      tsv tsvector generated always as (to_tsvector(${sql.lit(ctx.textSearchConfig)}::regconfig, content)) stored
    )`,
    // Vectors are small enough to stay inline; PLAIN storage avoids TOAST lookups during scans.
    sql`alter table ${t('memory_vectors')} alter column embedding set storage plain`,
    sql`create index memory_vectors_project_id_idx on ${t('memory_vectors')} (project_id, id)`,
    sql`create index memory_vectors_project_created_idx on ${t('memory_vectors')} (project_id, created_at, id)`,
    sql`create index memory_vectors_project_state_idx on ${t('memory_vectors')} (project_id, consolidation_state)`,
    sql`create index memory_vectors_superseded_by_idx on ${t('memory_vectors')} (superseded_by) where superseded_by is not null`,
    sql`create index memory_vectors_tsv_idx on ${t('memory_vectors')} using gin (tsv)`,
    sql`create index memory_vectors_tags_idx on ${t('memory_vectors')} using gin (tags)`,
    sql`create table ${t('memory_relationships')} (
      id bigint generated always as identity primary key,
      project_id bigint not null references ${t('projects')} (id) on delete cascade,
      from_memory_id bigint not null references ${t('memory_vectors')} (id) on delete cascade,
      to_memory_id bigint not null references ${t('memory_vectors')} (id) on delete cascade,
      relationship_type text not null check (relationship_type in ('reinforces', 'contradicts', 'extends', 'depends_on', 'caused_by')),
      strength double precision not null default 0.5 check (strength between 0 and 1),
      created_at timestamptz not null default now(),
      check (from_memory_id <> to_memory_id),
      unique (from_memory_id, to_memory_id, relationship_type)
    )`,
    sql`create index memory_relationships_to_idx on ${t('memory_relationships')} (to_memory_id)`,
    sql`create table ${t('consolidation_log')} (
      id bigint generated always as identity primary key,
      project_id bigint not null references ${t('projects')} (id) on delete cascade,
      memory_id bigint not null references ${t('memory_vectors')} (id) on delete cascade,
      from_state text not null,
      to_state text not null,
      reason text,
      actor text,
      at timestamptz not null default now()
    )`,
    sql`create index consolidation_log_memory_idx on ${t('consolidation_log')} (memory_id, id)`,
    sql`create table ${t('episodic_events')} (
      id bigint generated always as identity primary key,
      project_id bigint not null references ${t('projects')} (id) on delete cascade,
      session_id text not null,
      timestamp timestamptz not null default now(),
      duration_ms integer,
      event_type text not null,
      content text not null,
      outcome text,
      context jsonb not null default '{}',
      files_changed integer not null default 0,
      lines_added integer not null default 0,
      lines_deleted integer not null default 0,
      learned text,
      surprise_score double precision,
      confidence double precision not null default 1,
      consolidation_status text not null default 'unconsolidated' check (consolidation_status in ('unconsolidated', 'consolidated')),
      consolidated_at timestamptz,
      created_at timestamptz not null default now()
    )`,
    sql`create index episodic_events_time_idx on ${t('episodic_events')} (project_id, timestamp, id)`,
    sql`create index episodic_events_session_idx on ${t('episodic_events')} (project_id, session_id, timestamp, id)`,
    sql`create table ${t('prospective_goals')} (
      id bigint generated always as identity primary key,
      project_id bigint not null references ${t('projects')} (id) on delete cascade,
      parent_goal_id bigint references ${t('prospective_goals')} (id) on delete cascade,
      title text not null,
      description text,
      status text not null default 'planned' check (status in ('planned', 'active', 'blocked', 'completed', 'abandoned')),
      priority smallint not null default 5 check (priority between 1 and 10),
      progress double precision not null default 0 check (progress between 0 and 1),
      deadline timestamptz,
      completed_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`,
    sql`create index prospective_goals_project_idx on ${t('prospective_goals')} (project_id, priority desc, id)`,
    sql`create index prospective_goals_parent_idx on ${t('prospective_goals')} (parent_goal_id)`,
    sql`create table ${t('prospective_tasks')} (
      id bigint generated always as identity primary key,
      project_id bigint not null references ${t('projects')} (id) on delete cascade,
      goal_id bigint references ${t('prospective_goals')} (id) on delete set null,
      parent_task_id bigint references ${t('prospective_tasks')} (id) on delete cascade,
      title text not null,
      description text,
      status text not null default 'pending' check (status in ('pending', 'in_progress', 'blocked', 'completed', 'cancelled')),
      priority smallint not null default 5 check (priority between 1 and 10),
      due_at timestamptz,
      completed_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`,
    sql`create index prospective_tasks_project_idx on ${t('prospective_tasks')} (project_id, priority desc, id)`,
    sql`create index prospective_tasks_goal_idx on ${t('prospective_tasks')} (goal_id)`,
    sql`create index prospective_tasks_parent_idx on ${t('prospective_tasks')} (parent_task_id)`,
    sql`create table ${t('code_metadata')} (
      id bigint generated always as identity primary key,
      project_id bigint not null references ${t('projects')} (id) on delete cascade,
      file_path text not null,
      name text not null,
      entity_type text not null,
      language text,
      signature text,
      docstring text,
      start_line integer,
      end_line integer,
      complexity double precision,
      code_hash text,
      memory_id bigint references ${t('memory_vectors')} (id) on delete set null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (project_id, file_path, name, entity_type)
    )`,
    sql`create table ${t('code_dependencies')} (
      id bigint generated always as identity primary key,
      project_id bigint not null references ${t('projects')} (id) on delete cascade,
      from_entity_id bigint not null references ${t('code_metadata')} (id) on delete cascade,
      to_entity_id bigint not null references ${t('code_metadata')} (id) on delete cascade,
      dependency_type text not null,
      created_at timestamptz not null default now(),
      check (from_entity_id <> to_entity_id),
      unique (from_entity_id, to_entity_id, dependency_type)
    )`,
    sql`create index code_dependencies_to_idx on ${t('code_dependencies')} (to_entity_id)`,
    sql`create table ${t('planning_decisions')} (
      id bigint generated always as identity primary key,
      project_id bigint not null references ${t('projects')} (id) on delete cascade,
      title text not null,
      rationale text,
      alternatives jsonb not null default '[]',
      status text not null default 'proposed' check (status in ('proposed', 'validated', 'rejected', 'superseded')),
      confidence double precision not null default 0.5 check (confidence between 0 and 1),
      validated_at timestamptz,
      validation_notes text,
      superseded_by bigint references ${t('planning_decisions')} (id) on delete set null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`,
    sql`create index planning_decisions_project_idx on ${t('planning_decisions')} (project_id, id)`,
    sql`create table ${t('planning_scenarios')} (
      id bigint generated always as identity primary key,
      project_id bigint not null references ${t('projects')} (id) on delete cascade,
      decision_id bigint not null references ${t('planning_decisions')} (id) on delete cascade,
      scenario_type text not null,
      description text not null,
      probability double precision not null default 0.5 check (probability between 0 and 1),
      impact text,
      created_at timestamptz not null default now()
    )`,
    sql`create index planning_scenarios_decision_idx on ${t('planning_scenarios')} (decision_id, id)`,
  ];
  for (const statement of statements) await statement.execute(db);
}

/**
 * Version 1: every Athena table. The vector ANN index is not part of a
 * migration: its kind is a runtime choice (see `vector-index.ts`).
 */
export const initialSchema: Migration = Object.freeze({ version: 1, name: 'initial-schema', up });
