/**
 * The table descriptor of every stored domain object: field, column and
 * codec kind, in table order. Both backends name their columns alike; where
 * they store a field differently (an episode's context: five columns on
 * SQLite, one `jsonb` on PostgreSQL) the backend completes the descriptor.
 */
import type {
  CodeDependency,
  CodeEntity,
  ConsolidationRun,
  Decision,
  EpisodeContext,
  EpisodicEvent,
  Goal,
  Memory,
  Project,
  Relationship,
  Scenario,
  Task,
  TransitionLogEntry,
  UnresolvedDependency,
  UnresolvedReference,
} from '@athena/core-types';
import { describe } from './table.js';

/** `projects` in table order: a `Project` per row. */
export const PROJECT = describe<Project>()({
  id: ['id', 'key'],
  name: ['name', 'text'],
  path: ['path', 'text'],
  description: ['description', 'nullableText'],
  createdAt: ['created_at', 'instant'],
  lastAccessedAt: ['last_accessed_at', 'instant'],
});

/** `memory_vectors` in table order (PostgreSQL's `tsv` is no field). */
export const MEMORY = describe<Memory>()({
  id: ['id', 'key'],
  projectId: ['project_id', 'ref'],
  content: ['content', 'text'],
  contentType: ['content_type', 'text'],
  memoryType: ['memory_type', 'text'],
  domain: ['domain', 'nullableText'],
  tags: ['tags', 'textList'],
  embedding: ['embedding', 'vector'],
  embeddingModel: ['embedding_model', 'nullableText'],
  accessCount: ['access_count', 'integer'],
  lastAccessed: ['last_accessed', 'nullableInstant'],
  lastRetrieved: ['last_retrieved', 'nullableInstant'],
  usefulnessScore: ['usefulness_score', 'real'],
  confidence: ['confidence', 'real'],
  qualityScore: ['quality_score', 'real', 'generated'],
  consolidationState: ['consolidation_state', 'text'],
  consolidatedAt: ['consolidated_at', 'nullableInstant'],
  supersededBy: ['superseded_by', 'nullableRef'],
  claimedBy: ['claimed_by', 'nullableText'],
  claimExpiresAt: ['claim_expires_at', 'nullableInstant'],
  version: ['version', 'integer'],
  sessionId: ['session_id', 'nullableText'],
  eventType: ['event_type', 'nullableText'],
  codeLanguage: ['code_language', 'nullableText'],
  codeHash: ['code_hash', 'nullableText'],
  createdAt: ['created_at', 'instant'],
  updatedAt: ['updated_at', 'instant'],
});

/** `memory_relationships` in table order: a `Relationship` per row. */
export const RELATIONSHIP = describe<Relationship>()({
  id: ['id', 'key'],
  projectId: ['project_id', 'ref'],
  fromMemoryId: ['from_memory_id', 'ref'],
  toMemoryId: ['to_memory_id', 'ref'],
  relationshipType: ['relationship_type', 'text'],
  strength: ['strength', 'real'],
  createdAt: ['created_at', 'instant'],
});

/** `consolidation_log` in table order: a `TransitionLogEntry` per row. */
export const TRANSITION = describe<TransitionLogEntry>()({
  id: ['id', 'key'],
  projectId: ['project_id', 'ref'],
  memoryId: ['memory_id', 'ref'],
  fromState: ['from_state', 'text'],
  toState: ['to_state', 'text'],
  reason: ['reason', 'nullableText'],
  actor: ['actor', 'nullableText'],
  at: ['at', 'instant'],
});

/** An episode but its context, which each backend stores its own way. */
export const EPISODE_BUT_CONTEXT = describe<Omit<EpisodicEvent, 'context'>>()({
  id: ['id', 'key'],
  projectId: ['project_id', 'ref'],
  sessionId: ['session_id', 'text'],
  timestamp: ['timestamp', 'instant'],
  durationMs: ['duration_ms', 'nullableInteger'],
  eventType: ['event_type', 'text'],
  content: ['content', 'text'],
  outcome: ['outcome', 'nullableText'],
  filesChanged: ['files_changed', 'integer'],
  linesAdded: ['lines_added', 'integer'],
  linesDeleted: ['lines_deleted', 'integer'],
  learned: ['learned', 'nullableText'],
  surpriseScore: ['surprise_score', 'nullableReal'],
  confidence: ['confidence', 'real'],
  consolidationStatus: ['consolidation_status', 'text'],
  consolidatedAt: ['consolidated_at', 'nullableInstant'],
  consolidatedInto: ['consolidated_into', 'nullableRef'],
  createdAt: ['created_at', 'instant'],
});

/** An episode's context as five columns of its row (`context_cwd`, …). */
export const EPISODE_CONTEXT_COLUMNS = describe<EpisodeContext>()({
  cwd: ['context_cwd', 'nullableText'],
  files: ['context_files', 'textList'],
  task: ['context_task', 'nullableText'],
  phase: ['context_phase', 'nullableText'],
  branch: ['context_branch', 'nullableText'],
});

/** `prospective_goals` in table order: a `Goal` per row. */
export const GOAL = describe<Goal>()({
  id: ['id', 'key'],
  projectId: ['project_id', 'ref'],
  parentGoalId: ['parent_goal_id', 'nullableRef'],
  title: ['title', 'text'],
  description: ['description', 'nullableText'],
  status: ['status', 'text'],
  priority: ['priority', 'integer'],
  progress: ['progress', 'real'],
  deadline: ['deadline', 'nullableInstant'],
  completedAt: ['completed_at', 'nullableInstant'],
  createdAt: ['created_at', 'instant'],
  updatedAt: ['updated_at', 'instant'],
});

/** `prospective_tasks` in table order: a `Task` per row. */
export const TASK = describe<Task>()({
  id: ['id', 'key'],
  projectId: ['project_id', 'ref'],
  goalId: ['goal_id', 'nullableRef'],
  parentTaskId: ['parent_task_id', 'nullableRef'],
  title: ['title', 'text'],
  description: ['description', 'nullableText'],
  status: ['status', 'text'],
  priority: ['priority', 'integer'],
  dueAt: ['due_at', 'nullableInstant'],
  completedAt: ['completed_at', 'nullableInstant'],
  createdAt: ['created_at', 'instant'],
  updatedAt: ['updated_at', 'instant'],
});

/** `code_metadata` in table order: a `CodeEntity` per row. */
export const CODE_ENTITY = describe<CodeEntity>()({
  id: ['id', 'key'],
  projectId: ['project_id', 'ref'],
  filePath: ['file_path', 'text'],
  name: ['name', 'text'],
  qualifiedName: ['qualified_name', 'text'],
  entityType: ['entity_type', 'text'],
  language: ['language', 'nullableText'],
  signature: ['signature', 'nullableText'],
  docstring: ['docstring', 'nullableText'],
  startLine: ['start_line', 'nullableInteger'],
  endLine: ['end_line', 'nullableInteger'],
  complexity: ['complexity', 'nullableInteger'],
  codeHash: ['code_hash', 'nullableText'],
  exported: ['exported', 'nullableBoolean'],
  memoryId: ['memory_id', 'nullableRef'],
  createdAt: ['created_at', 'instant'],
  updatedAt: ['updated_at', 'instant'],
});

/** `code_dependencies` in table order: a `CodeDependency` per row. */
export const CODE_DEPENDENCY = describe<CodeDependency>()({
  id: ['id', 'key'],
  projectId: ['project_id', 'ref'],
  fromEntityId: ['from_entity_id', 'ref'],
  toEntityId: ['to_entity_id', 'ref'],
  dependencyType: ['dependency_type', 'text'],
  createdAt: ['created_at', 'instant'],
});

/** `code_unresolved_dependencies` in table order: a `UnresolvedDependency` per row. */
export const UNRESOLVED_DEPENDENCY = describe<UnresolvedDependency>()({
  id: ['id', 'key'],
  projectId: ['project_id', 'ref'],
  fromEntityId: ['from_entity_id', 'ref'],
  dependencyType: ['dependency_type', 'text'],
  target: {
    nested: {
      qualifiedName: ['target_qualified_name', 'text'],
      filePath: ['target_file_path', 'nullableText'],
      entityType: ['target_entity_type', 'nullableText'],
    },
  },
  createdAt: ['created_at', 'instant'],
});

/** `code_unresolved_references` in table order: a `UnresolvedReference` per row. */
export const UNRESOLVED_REFERENCE = describe<UnresolvedReference>()({
  id: ['id', 'key'],
  projectId: ['project_id', 'ref'],
  fromEntityId: ['from_entity_id', 'ref'],
  dependencyType: ['dependency_type', 'text'],
  target: ['target', 'text'],
  line: ['line', 'nullableInteger'],
  createdAt: ['created_at', 'instant'],
});

/** `planning_decisions` in table order: a `Decision` per row. */
export const DECISION = describe<Decision>()({
  id: ['id', 'key'],
  projectId: ['project_id', 'ref'],
  title: ['title', 'text'],
  rationale: ['rationale', 'nullableText'],
  alternatives: ['alternatives', 'json'],
  status: ['status', 'text'],
  confidence: ['confidence', 'real'],
  validatedAt: ['validated_at', 'nullableInstant'],
  validationNotes: ['validation_notes', 'nullableText'],
  supersededBy: ['superseded_by', 'nullableRef'],
  createdAt: ['created_at', 'instant'],
  updatedAt: ['updated_at', 'instant'],
});

/** `planning_scenarios` in table order: a `Scenario` per row. */
export const SCENARIO = describe<Scenario>()({
  id: ['id', 'key'],
  projectId: ['project_id', 'ref'],
  decisionId: ['decision_id', 'ref'],
  scenarioType: ['scenario_type', 'text'],
  description: ['description', 'text'],
  probability: ['probability', 'real'],
  impact: ['impact', 'nullableText'],
  createdAt: ['created_at', 'instant'],
});

/** `consolidation_runs` in table order: a `ConsolidationRun` per row. */
export const CONSOLIDATION_RUN = describe<ConsolidationRun>()({
  id: ['id', 'key'],
  projectId: ['project_id', 'ref'],
  workerId: ['worker_id', 'text'],
  startedAt: ['started_at', 'instant'],
  finishedAt: ['finished_at', 'instant'],
  claimed: ['claimed', 'integer'],
  clusters: ['clusters', 'integer'],
  created: ['created', 'integer'],
  superseded: ['superseded', 'integer'],
  linked: ['linked', 'integer'],
  episodes: ['episodes', 'integer'],
  released: ['released', 'integer'],
  closed: ['closed', 'integer'],
  fallbacks: ['fallbacks', 'integer'],
  errors: ['errors', 'integer'],
  error: ['error', 'nullableText'],
  phases: ['phases', 'json'],
});
