import type {
  CodeDependency,
  CodeEntity,
  CodeEntityType,
  ConsolidationRun,
  ConsolidationState,
  ContentType,
  Decision,
  DecisionStatus,
  DependencyType,
  EpisodeConsolidationStatus,
  EpisodeEventType,
  EpisodeOutcome,
  EpisodicEvent,
  Goal,
  GoalStatus,
  Memory,
  MemoryType,
  MemoryWithoutEmbedding,
  Project,
  Relationship,
  RelationshipType,
  Scenario,
  ScenarioType,
  Task,
  TaskStatus,
  TransitionLogEntry,
  UnresolvedDependency,
  UnresolvedReference,
} from '@athena/core-types';

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

/** A stored instant, or null. */
export function toDate(value: number | null): Date | null {
  return value === null ? null : new Date(value);
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

export function toProject(row: ProjectRow): Project {
  return {
    id: row.id,
    name: row.name,
    path: row.path,
    description: row.description,
    createdAt: new Date(row.created_at),
    lastAccessedAt: new Date(row.last_accessed_at),
  };
}

/** Every column of `memory_vectors` but `embedding`, as `MemoryRow` names them. */
export const MEMORY_COLUMNS_WITHOUT_EMBEDDING = Object.freeze([
  'id',
  'project_id',
  'content',
  'content_type',
  'memory_type',
  'domain',
  'tags',
  'embedding_model',
  'access_count',
  'last_accessed',
  'last_retrieved',
  'usefulness_score',
  'confidence',
  'quality_score',
  'consolidation_state',
  'consolidated_at',
  'superseded_by',
  'claimed_by',
  'claim_expires_at',
  'version',
  'session_id',
  'event_type',
  'code_language',
  'code_hash',
  'created_at',
  'updated_at',
] as const satisfies readonly Exclude<keyof MemoryRow, 'embedding'>[]);

/** A memory row selected without its vector (see {@link MEMORY_COLUMNS_WITHOUT_EMBEDDING}). */
export type MemoryRowWithoutEmbedding = Omit<MemoryRow, 'embedding'>;

export function toMemory(row: MemoryRow): Memory {
  return { ...toMemoryWithoutEmbedding(row), embedding: blobVector(row.embedding) };
}

export function toMemoryWithoutEmbedding(row: MemoryRowWithoutEmbedding): MemoryWithoutEmbedding {
  return {
    id: row.id,
    projectId: row.project_id,
    content: row.content,
    contentType: row.content_type as ContentType,
    memoryType: row.memory_type as MemoryType,
    domain: row.domain,
    tags: JSON.parse(row.tags) as string[],
    embeddingModel: row.embedding_model,
    accessCount: row.access_count,
    lastAccessed: toDate(row.last_accessed),
    lastRetrieved: toDate(row.last_retrieved),
    usefulnessScore: row.usefulness_score,
    confidence: row.confidence,
    qualityScore: row.quality_score,
    consolidationState: row.consolidation_state as ConsolidationState,
    consolidatedAt: toDate(row.consolidated_at),
    supersededBy: row.superseded_by,
    claimedBy: row.claimed_by,
    claimExpiresAt: toDate(row.claim_expires_at),
    version: row.version,
    sessionId: row.session_id,
    eventType: row.event_type,
    codeLanguage: row.code_language,
    codeHash: row.code_hash,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

export function toRelationship(row: RelationshipRow): Relationship {
  return {
    id: row.id,
    projectId: row.project_id,
    fromMemoryId: row.from_memory_id,
    toMemoryId: row.to_memory_id,
    relationshipType: row.relationship_type as RelationshipType,
    strength: row.strength,
    createdAt: new Date(row.created_at),
  };
}

export function toTransition(row: TransitionRow): TransitionLogEntry {
  return {
    id: row.id,
    projectId: row.project_id,
    memoryId: row.memory_id,
    fromState: row.from_state as ConsolidationState,
    toState: row.to_state as ConsolidationState,
    reason: row.reason,
    actor: row.actor,
    at: new Date(row.at),
  };
}

export function toEpisode(row: EpisodeRow): EpisodicEvent {
  return {
    id: row.id,
    projectId: row.project_id,
    sessionId: row.session_id,
    timestamp: new Date(row.timestamp),
    durationMs: row.duration_ms,
    eventType: row.event_type as EpisodeEventType,
    content: row.content,
    outcome: row.outcome as EpisodeOutcome | null,
    context: {
      cwd: row.context_cwd,
      files: JSON.parse(row.context_files) as string[],
      task: row.context_task,
      phase: row.context_phase,
      branch: row.context_branch,
    },
    filesChanged: row.files_changed,
    linesAdded: row.lines_added,
    linesDeleted: row.lines_deleted,
    learned: row.learned,
    surpriseScore: row.surprise_score,
    confidence: row.confidence,
    consolidationStatus: row.consolidation_status as EpisodeConsolidationStatus,
    consolidatedAt: toDate(row.consolidated_at),
    consolidatedInto: row.consolidated_into,
    createdAt: new Date(row.created_at),
  };
}

export function toGoal(row: GoalRow): Goal {
  return {
    id: row.id,
    projectId: row.project_id,
    parentGoalId: row.parent_goal_id,
    title: row.title,
    description: row.description,
    status: row.status as GoalStatus,
    priority: row.priority,
    progress: row.progress,
    deadline: toDate(row.deadline),
    completedAt: toDate(row.completed_at),
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

export function toTask(row: TaskRow): Task {
  return {
    id: row.id,
    projectId: row.project_id,
    goalId: row.goal_id,
    parentTaskId: row.parent_task_id,
    title: row.title,
    description: row.description,
    status: row.status as TaskStatus,
    priority: row.priority,
    dueAt: toDate(row.due_at),
    completedAt: toDate(row.completed_at),
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

export function toCodeEntity(row: CodeEntityRow): CodeEntity {
  return {
    id: row.id,
    projectId: row.project_id,
    filePath: row.file_path,
    name: row.name,
    qualifiedName: row.qualified_name,
    entityType: row.entity_type as CodeEntityType,
    language: row.language,
    signature: row.signature,
    docstring: row.docstring,
    startLine: row.start_line,
    endLine: row.end_line,
    complexity: row.complexity,
    codeHash: row.code_hash,
    exported: row.exported === null ? null : row.exported === 1,
    memoryId: row.memory_id,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

export function toUnresolvedReference(row: UnresolvedReferenceRow): UnresolvedReference {
  return {
    id: row.id,
    projectId: row.project_id,
    fromEntityId: row.from_entity_id,
    dependencyType: row.dependency_type as DependencyType,
    target: row.target,
    line: row.line,
    createdAt: new Date(row.created_at),
  };
}

export function toUnresolvedDependency(row: UnresolvedDependencyRow): UnresolvedDependency {
  return {
    id: row.id,
    projectId: row.project_id,
    fromEntityId: row.from_entity_id,
    dependencyType: row.dependency_type as DependencyType,
    target: {
      qualifiedName: row.target_qualified_name,
      filePath: row.target_file_path,
      entityType: row.target_entity_type as CodeEntityType | null,
    },
    createdAt: new Date(row.created_at),
  };
}

export function toCodeDependency(row: CodeDependencyRow): CodeDependency {
  return {
    id: row.id,
    projectId: row.project_id,
    fromEntityId: row.from_entity_id,
    toEntityId: row.to_entity_id,
    dependencyType: row.dependency_type as DependencyType,
    createdAt: new Date(row.created_at),
  };
}

export function toDecision(row: DecisionRow): Decision {
  return {
    id: row.id,
    projectId: row.project_id,
    title: row.title,
    rationale: row.rationale,
    alternatives: JSON.parse(row.alternatives) as string[],
    status: row.status as DecisionStatus,
    confidence: row.confidence,
    validatedAt: toDate(row.validated_at),
    validationNotes: row.validation_notes,
    supersededBy: row.superseded_by,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

export function toScenario(row: ScenarioRow): Scenario {
  return {
    id: row.id,
    projectId: row.project_id,
    decisionId: row.decision_id,
    scenarioType: row.scenario_type as ScenarioType,
    description: row.description,
    probability: row.probability,
    impact: row.impact,
    createdAt: new Date(row.created_at),
  };
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

export function toRun(row: RunRow): ConsolidationRun {
  return {
    id: row.id,
    projectId: row.project_id,
    workerId: row.worker_id,
    startedAt: new Date(row.started_at),
    finishedAt: new Date(row.finished_at),
    claimed: row.claimed,
    clusters: row.clusters,
    created: row.created,
    superseded: row.superseded,
    linked: row.linked,
    episodes: row.episodes,
    released: row.released,
    closed: row.closed,
    fallbacks: row.fallbacks,
    errors: row.errors,
    error: row.error,
    phases: JSON.parse(row.phases) as Record<string, number>,
  };
}
