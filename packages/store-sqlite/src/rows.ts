import {
  AS_IS,
  EPISODE_BUT_CONTEXT,
  EPISODE_CONTEXT_COLUMNS,
  IDENTITY,
  MEMORY,
  columnsOf,
  describe,
  domainReaders,
} from '@athena/store-kit';
import type { Codecs, ReaderOf } from '@athena/store-kit';
import type { EpisodicEvent } from '@athena/core-types';

// Row shapes as better-sqlite3 returns them: snake_case columns, INTEGER
// epoch milliseconds, JSON arrays as TEXT, vectors as BLOB.

export interface ProjectRow {
  id: number;
  name: string;
  path: string;
  description: string | null;
  created_at: number;
  last_accessed_at: number;
}

export interface MemoryRow {
  id: number;
  project_id: number;
  content: string;
  content_type: string;
  memory_type: string;
  domain: string | null;
  tags: string;
  embedding: Buffer;
  embedding_model: string | null;
  access_count: number;
  last_accessed: number | null;
  last_retrieved: number | null;
  usefulness_score: number;
  confidence: number;
  quality_score: number;
  consolidation_state: string;
  consolidated_at: number | null;
  superseded_by: number | null;
  claimed_by: string | null;
  claim_expires_at: number | null;
  version: number;
  session_id: string | null;
  event_type: string | null;
  code_language: string | null;
  code_hash: string | null;
  created_at: number;
  updated_at: number;
}

export interface RelationshipRow {
  id: number;
  project_id: number;
  from_memory_id: number;
  to_memory_id: number;
  relationship_type: string;
  strength: number;
  created_at: number;
}

export interface TransitionRow {
  id: number;
  project_id: number;
  memory_id: number;
  from_state: string;
  to_state: string;
  reason: string | null;
  actor: string | null;
  at: number;
}

export interface EpisodeRow {
  id: number;
  project_id: number;
  session_id: string;
  timestamp: number;
  duration_ms: number | null;
  event_type: string;
  content: string;
  outcome: string | null;
  context_cwd: string | null;
  context_files: string;
  context_task: string | null;
  context_phase: string | null;
  context_branch: string | null;
  files_changed: number;
  lines_added: number;
  lines_deleted: number;
  learned: string | null;
  surprise_score: number | null;
  confidence: number;
  consolidation_status: string;
  consolidated_at: number | null;
  consolidated_into: number | null;
  created_at: number;
}

export interface GoalRow {
  id: number;
  project_id: number;
  parent_goal_id: number | null;
  title: string;
  description: string | null;
  status: string;
  priority: number;
  progress: number;
  deadline: number | null;
  completed_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface TaskRow {
  id: number;
  project_id: number;
  goal_id: number | null;
  parent_task_id: number | null;
  title: string;
  description: string | null;
  status: string;
  priority: number;
  due_at: number | null;
  completed_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface CodeEntityRow {
  id: number;
  project_id: number;
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
  /** 0, 1 or NULL. */
  exported: number | null;
  memory_id: number | null;
  created_at: number;
  updated_at: number;
}

export interface UnresolvedReferenceRow {
  id: number;
  project_id: number;
  from_entity_id: number;
  dependency_type: string;
  target: string;
  line: number | null;
  created_at: number;
}

export interface UnresolvedDependencyRow {
  id: number;
  project_id: number;
  from_entity_id: number;
  dependency_type: string;
  target_qualified_name: string;
  target_file_path: string | null;
  target_entity_type: string | null;
  created_at: number;
}

export interface CodeDependencyRow {
  id: number;
  project_id: number;
  from_entity_id: number;
  to_entity_id: number;
  dependency_type: string;
  created_at: number;
}

export interface DecisionRow {
  id: number;
  project_id: number;
  title: string;
  rationale: string | null;
  alternatives: string;
  status: string;
  confidence: number;
  validated_at: number | null;
  validation_notes: string | null;
  superseded_by: number | null;
  created_at: number;
  updated_at: number;
}

export interface ScenarioRow {
  id: number;
  project_id: number;
  decision_id: number;
  scenario_type: string;
  description: string;
  probability: number;
  impact: string | null;
  created_at: number;
}

export interface RunRow {
  id: number;
  project_id: number;
  worker_id: string;
  started_at: number;
  finished_at: number;
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
  phases: string;
}

/** The epoch-millisecond form of an optional instant. */
export function toMillis(value: Date | null | undefined): number | null {
  return value === null || value === undefined ? null : value.getTime();
}

/** Binds a vector as the little-endian float32 BLOB that sqlite-vec reads. */
export function vectorBlob(vector: Float32Array): Buffer {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
}

/** Copies a float32 BLOB into an aligned `Float32Array` the caller owns. */
export function blobVector(blob: Buffer): Float32Array {
  const copy = new Uint8Array(blob.byteLength);
  copy.set(blob);
  return new Float32Array(copy.buffer);
}

const jsonText = {
  read: (value: unknown) => JSON.parse(value as string) as unknown,
  write: (value: unknown) => JSON.stringify(value),
};

/**
 * How SQLite stores each kind of value: instants as INTEGER epoch
 * milliseconds, lists and JSON as TEXT, vectors as float32 BLOBs, booleans
 * as 0/1.
 */
export const SQLITE_CODECS: Codecs = Object.freeze({
  key: IDENTITY,
  ref: IDENTITY,
  nullableRef: IDENTITY,
  ...AS_IS,
  instant: {
    read: (value: unknown) => new Date(value as number),
    write: (value: unknown) => (value as Date).getTime(),
  },
  nullableInstant: {
    read: (value: unknown) => (value === null ? null : new Date(value as number)),
    write: (value: unknown) => toMillis(value as Date | null),
  },
  textList: jsonText,
  json: jsonText,
  vector: {
    read: (value: unknown) => blobVector(value as Buffer),
    write: (value: unknown) => vectorBlob(value as Float32Array),
  },
  nullableBoolean: {
    read: (value: unknown) => (value === null ? null : value === 1),
    write: (value: unknown) => (value === null ? null : value === true ? 1 : 0),
  },
});

/** An episode on SQLite: its context is five columns of the row. */
export const SQLITE_EPISODE = describe<EpisodicEvent>()({
  ...EPISODE_BUT_CONTEXT,
  context: { nested: EPISODE_CONTEXT_COLUMNS },
});

/** Every column of `memory_vectors` but `embedding`. */
export const MEMORY_COLUMNS_WITHOUT_EMBEDDING = columnsOf(MEMORY, { omit: ['embedding'] });

/** A memory row selected without its vector (see {@link MEMORY_COLUMNS_WITHOUT_EMBEDDING}). */
export type MemoryRowWithoutEmbedding = Omit<MemoryRow, 'embedding'>;

/** Every row mapper, derived from the descriptors with {@link SQLITE_CODECS}. */
export const READ = domainReaders(SQLITE_CODECS, SQLITE_EPISODE);

export const toProject: ReaderOf<ProjectRow, 'project'> = READ.project;
export const toMemory: ReaderOf<MemoryRow, 'memory'> = READ.memory;
export const toMemoryWithoutEmbedding: ReaderOf<
  MemoryRowWithoutEmbedding,
  'memoryWithoutEmbedding'
> = READ.memoryWithoutEmbedding;
export const toRelationship: ReaderOf<RelationshipRow, 'relationship'> = READ.relationship;
export const toTransition: ReaderOf<TransitionRow, 'transition'> = READ.transition;
export const toEpisode: ReaderOf<EpisodeRow, 'episode'> = READ.episode;
export const toGoal: ReaderOf<GoalRow, 'goal'> = READ.goal;
export const toTask: ReaderOf<TaskRow, 'task'> = READ.task;
export const toCodeEntity: ReaderOf<CodeEntityRow, 'codeEntity'> = READ.codeEntity;
export const toUnresolvedReference: ReaderOf<UnresolvedReferenceRow, 'unresolvedReference'> =
  READ.unresolvedReference;
export const toUnresolvedDependency: ReaderOf<UnresolvedDependencyRow, 'unresolvedDependency'> =
  READ.unresolvedDependency;
export const toCodeDependency: ReaderOf<CodeDependencyRow, 'codeDependency'> = READ.codeDependency;
export const toDecision: ReaderOf<DecisionRow, 'decision'> = READ.decision;
export const toScenario: ReaderOf<ScenarioRow, 'scenario'> = READ.scenario;
export const toRun: ReaderOf<RunRow, 'run'> = READ.run;
