/**
 * The kysely view of Athena's tables. Column types are what the `pg` driver
 * returns without custom type parsers: `bigint` ids arrive as strings,
 * `timestamptz` as `Date`, `vector` as its text form; `rows.ts` turns them
 * into domain objects.
 */
import type { ColumnType, Generated, GeneratedAlways } from 'kysely';

/** A `bigint` identity column: read as a string (or number), never written. */
type Id = GeneratedAlways<string | number>;
/** A `bigint` foreign key: read as a string (or number), written as a number. */
type Ref = ColumnType<string | number, number, number>;
type NullableRef = ColumnType<string | number | null, number | null, number | null>;
/** A `timestamptz` with a default. */
type CreatedAt = ColumnType<Date, Date | undefined, Date>;

export interface ProjectsTable {
  id: Id;
  name: string;
  path: string;
  description: string | null;
  created_at: CreatedAt;
  last_accessed_at: CreatedAt;
}

export interface MemoryVectorsTable {
  id: Id;
  project_id: Ref;
  content: string;
  content_type: string;
  memory_type: string;
  domain: string | null;
  tags: string[];
  embedding_model: string | null;
  access_count: Generated<number>;
  last_accessed: Date | null;
  last_retrieved: Date | null;
  usefulness_score: number;
  confidence: number;
  quality_score: GeneratedAlways<number>;
  consolidation_state: Generated<string>;
  consolidated_at: Date | null;
  superseded_by: NullableRef;
  claimed_by: string | null;
  claim_expires_at: Date | null;
  version: Generated<number>;
  session_id: string | null;
  event_type: string | null;
  code_language: string | null;
  code_hash: string | null;
  created_at: CreatedAt;
  updated_at: CreatedAt;
  tsv: GeneratedAlways<string>;
}

/**
 * Every memory's vector (migration 9): a narrow table never touched by
 * access recording, so its pages stay dense (fillfactor 100, PLAIN storage).
 */
export interface MemoryEmbeddingsTable {
  memory_id: Ref;
  project_id: Ref;
  /** Written as `CAST($n AS vector)` from binary, read through `vector_send` as `bytea`. */
  embedding: string;
}

/** The narrow keyword table: a copy of `memory_vectors.tsv`, kept in sync by triggers. */
export interface MemoryTextIndexTable {
  memory_id: Ref;
  project_id: Ref;
  tsv: string;
}

/** The mirror of each memory's consolidation state (migration 8), kept by triggers. */
export interface MemoryStatesTable {
  memory_id: Ref;
  project_id: Ref;
  state: string;
  created_at: Date;
}

export interface MemoryRelationshipsTable {
  id: Id;
  project_id: Ref;
  from_memory_id: Ref;
  to_memory_id: Ref;
  relationship_type: string;
  strength: number;
  created_at: CreatedAt;
}

export interface ConsolidationLogTable {
  id: Id;
  project_id: Ref;
  memory_id: Ref;
  from_state: string;
  to_state: string;
  reason: string | null;
  actor: string | null;
  at: Date;
}

export interface EpisodicEventsTable {
  id: Id;
  project_id: Ref;
  session_id: string;
  timestamp: Date;
  duration_ms: number | null;
  event_type: string;
  content: string;
  outcome: string | null;
  /** jsonb: `{ cwd, files, task, phase, branch }`. */
  context: ColumnType<unknown, string, string>;
  files_changed: number;
  lines_added: number;
  lines_deleted: number;
  learned: string | null;
  surprise_score: number | null;
  confidence: number;
  consolidation_status: Generated<string>;
  consolidated_at: Date | null;
  consolidated_into: Generated<string | number | null>;
  created_at: CreatedAt;
}

export interface ProspectiveGoalsTable {
  id: Id;
  project_id: Ref;
  parent_goal_id: NullableRef;
  title: string;
  description: string | null;
  status: string;
  priority: number;
  progress: number;
  deadline: Date | null;
  completed_at: Date | null;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface ProspectiveTasksTable {
  id: Id;
  project_id: Ref;
  goal_id: NullableRef;
  parent_task_id: NullableRef;
  title: string;
  description: string | null;
  status: string;
  priority: number;
  due_at: Date | null;
  completed_at: Date | null;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface CodeMetadataTable {
  id: Id;
  project_id: Ref;
  file_path: string;
  name: string;
  qualified_name: string;
  entity_type: string;
  language: string | null;
  signature: string | null;
  docstring: string | null;
  start_line: number | null;
  end_line: number | null;
  complexity: number | null;
  code_hash: string | null;
  exported: boolean | null;
  memory_id: NullableRef;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface CodeUnresolvedReferencesTable {
  id: Id;
  project_id: Ref;
  from_entity_id: Ref;
  dependency_type: string;
  target: string;
  line: number | null;
  created_at: CreatedAt;
}

export interface CodeDependenciesTable {
  id: Id;
  project_id: Ref;
  from_entity_id: Ref;
  to_entity_id: Ref;
  dependency_type: string;
  created_at: CreatedAt;
}

export interface CodeUnresolvedDependenciesTable {
  id: Id;
  project_id: Ref;
  from_entity_id: Ref;
  dependency_type: string;
  target_qualified_name: string;
  target_file_path: string | null;
  target_entity_type: string | null;
  created_at: CreatedAt;
}

export interface PlanningDecisionsTable {
  id: Id;
  project_id: Ref;
  title: string;
  rationale: string | null;
  /** jsonb array of strings. */
  alternatives: ColumnType<unknown, string, string>;
  status: Generated<string>;
  confidence: number;
  validated_at: Date | null;
  validation_notes: string | null;
  superseded_by: NullableRef;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface PlanningScenariosTable {
  id: Id;
  project_id: Ref;
  decision_id: Ref;
  scenario_type: string;
  description: string;
  probability: number;
  impact: string | null;
  created_at: CreatedAt;
}

/** One consolidation pass (`consolidation_runs`). */
export interface ConsolidationRunsTable {
  id: Id;
  project_id: Ref;
  worker_id: string;
  started_at: Date;
  finished_at: Date;
  claimed: number;
  clusters: number;
  created: number;
  superseded: number;
  linked: number;
  episodes: number;
  released: number;
  closed: number;
  fallbacks: number;
  errors: number;
  error: string | null;
  /** jsonb: phase name → milliseconds. */
  phases: ColumnType<unknown, string, string>;
}

/** Key/value facts about the database: the embedding dimension, the text-search configuration. */
export interface AthenaMetaTable {
  key: string;
  value: string;
}

/** Applied schema migrations. */
export interface AthenaMigrationsTable {
  version: number;
  name: string;
  applied_at: CreatedAt;
}

/** Every Athena table, as kysely sees it (unqualified: the store applies the schema). */
export interface Database {
  projects: ProjectsTable;
  memory_vectors: MemoryVectorsTable;
  memory_embeddings: MemoryEmbeddingsTable;
  memory_text_index: MemoryTextIndexTable;
  memory_states: MemoryStatesTable;
  memory_relationships: MemoryRelationshipsTable;
  consolidation_log: ConsolidationLogTable;
  episodic_events: EpisodicEventsTable;
  prospective_goals: ProspectiveGoalsTable;
  prospective_tasks: ProspectiveTasksTable;
  code_metadata: CodeMetadataTable;
  code_dependencies: CodeDependenciesTable;
  code_unresolved_dependencies: CodeUnresolvedDependenciesTable;
  code_unresolved_references: CodeUnresolvedReferencesTable;
  planning_decisions: PlanningDecisionsTable;
  planning_scenarios: PlanningScenariosTable;
  consolidation_runs: ConsolidationRunsTable;
  athena_meta: AthenaMetaTable;
  athena_migrations: AthenaMigrationsTable;
}

/** The name of an Athena table. */
export type TableName = keyof Database;
