import type { NewRecord, RecordOf, RecordTable } from '@athena/core-types';
import {
  toCodeDependency,
  toCodeEntity,
  toDecision,
  toEpisode,
  toGoal,
  toMemory,
  toProject,
  toRelationship,
  toRun,
  toScenario,
  toTask,
  toTransition,
  toUnresolvedDependency,
  toUnresolvedReference,
} from './rows.js';
import type { TableName } from './schema.js';
import type { Session } from './session.js';

/** A reference from a record to a row that must exist in the record's own project. */
export interface PostgresReference {
  /** The record field holding the referenced id. */
  readonly field: string;
  readonly table: TableName;
  /** The entity named by a `NotFoundError`. */
  readonly entity: string;
}

/** How one record table maps onto its PostgreSQL table. */
export interface PostgresRecordTable<T extends RecordTable> {
  readonly sqlTable: TableName;
  /** Columns per inserted row: bounds the rows of one INSERT by the parameter limit. */
  readonly columns: number;
  /** The kysely insert object of a record. */
  row(record: NewRecord<T>, session: Session): Record<string, unknown>;
  toRecord(row: never): RecordOf<T>;
  readonly references: readonly PostgresReference[];
}

const memoryRef = (field: string): PostgresReference => ({
  field,
  table: 'memory_vectors',
  entity: 'memory',
});

/** The insert object of a consolidation run. */
export function runRow(r: NewRecord<'consolidationRuns'>): Record<string, unknown> {
  return {
    project_id: r.projectId,
    worker_id: r.workerId,
    started_at: r.startedAt,
    finished_at: r.finishedAt,
    claimed: r.claimed,
    clusters: r.clusters,
    created: r.created,
    superseded: r.superseded,
    linked: r.linked,
    episodes: r.episodes,
    released: r.released,
    closed: r.closed,
    fallbacks: r.fallbacks,
    errors: r.errors,
    error: r.error,
    phases: JSON.stringify(r.phases),
  };
}

type Tables = { readonly [T in RecordTable]: PostgresRecordTable<T> };

/** Every record table on PostgreSQL, written with the same forms the repositories use. */
export const POSTGRES_RECORD_TABLES: Tables = Object.freeze({
  projects: {
    sqlTable: 'projects',
    columns: 5,
    row: (p) => ({
      name: p.name,
      path: p.path,
      description: p.description,
      created_at: p.createdAt,
      last_accessed_at: p.lastAccessedAt,
    }),
    toRecord: toProject,
    references: [],
  },
  memories: {
    sqlTable: 'memory_vectors',
    columns: 25,
    row: (m, s) => ({
      project_id: m.projectId,
      content: m.content,
      content_type: m.contentType,
      memory_type: m.memoryType,
      domain: m.domain,
      tags: [...m.tags],
      embedding: s.vector(m.embedding),
      embedding_model: m.embeddingModel,
      access_count: m.accessCount,
      last_accessed: m.lastAccessed,
      last_retrieved: m.lastRetrieved,
      usefulness_score: m.usefulnessScore,
      confidence: m.confidence,
      consolidation_state: m.consolidationState,
      consolidated_at: m.consolidatedAt,
      superseded_by: m.supersededBy,
      claimed_by: m.claimedBy,
      claim_expires_at: m.claimExpiresAt,
      version: m.version,
      session_id: m.sessionId,
      event_type: m.eventType,
      code_language: m.codeLanguage,
      code_hash: m.codeHash,
      created_at: m.createdAt,
      updated_at: m.updatedAt,
    }),
    toRecord: toMemory,
    references: [memoryRef('supersededBy')],
  },
  relationships: {
    sqlTable: 'memory_relationships',
    columns: 6,
    row: (r) => ({
      project_id: r.projectId,
      from_memory_id: r.fromMemoryId,
      to_memory_id: r.toMemoryId,
      relationship_type: r.relationshipType,
      strength: r.strength,
      created_at: r.createdAt,
    }),
    toRecord: toRelationship,
    references: [memoryRef('fromMemoryId'), memoryRef('toMemoryId')],
  },
  transitions: {
    sqlTable: 'consolidation_log',
    columns: 7,
    row: (t) => ({
      project_id: t.projectId,
      memory_id: t.memoryId,
      from_state: t.fromState,
      to_state: t.toState,
      reason: t.reason,
      actor: t.actor,
      at: t.at,
    }),
    toRecord: toTransition,
    references: [memoryRef('memoryId')],
  },
  episodes: {
    sqlTable: 'episodic_events',
    columns: 19,
    row: (e) => ({
      project_id: e.projectId,
      session_id: e.sessionId,
      timestamp: e.timestamp,
      duration_ms: e.durationMs,
      event_type: e.eventType,
      content: e.content,
      outcome: e.outcome,
      context: JSON.stringify(e.context),
      files_changed: e.filesChanged,
      lines_added: e.linesAdded,
      lines_deleted: e.linesDeleted,
      learned: e.learned,
      surprise_score: e.surpriseScore,
      confidence: e.confidence,
      consolidation_status: e.consolidationStatus,
      consolidated_at: e.consolidatedAt,
      consolidated_into: e.consolidatedInto,
      created_at: e.createdAt,
    }),
    toRecord: toEpisode,
    references: [memoryRef('consolidatedInto')],
  },
  goals: {
    sqlTable: 'prospective_goals',
    columns: 11,
    row: (g) => ({
      project_id: g.projectId,
      parent_goal_id: g.parentGoalId,
      title: g.title,
      description: g.description,
      status: g.status,
      priority: g.priority,
      progress: g.progress,
      deadline: g.deadline,
      completed_at: g.completedAt,
      created_at: g.createdAt,
      updated_at: g.updatedAt,
    }),
    toRecord: toGoal,
    references: [{ field: 'parentGoalId', table: 'prospective_goals', entity: 'goal' }],
  },
  tasks: {
    sqlTable: 'prospective_tasks',
    columns: 11,
    row: (t) => ({
      project_id: t.projectId,
      goal_id: t.goalId,
      parent_task_id: t.parentTaskId,
      title: t.title,
      description: t.description,
      status: t.status,
      priority: t.priority,
      due_at: t.dueAt,
      completed_at: t.completedAt,
      created_at: t.createdAt,
      updated_at: t.updatedAt,
    }),
    toRecord: toTask,
    references: [
      { field: 'goalId', table: 'prospective_goals', entity: 'goal' },
      { field: 'parentTaskId', table: 'prospective_tasks', entity: 'task' },
    ],
  },
  codeEntities: {
    sqlTable: 'code_metadata',
    columns: 16,
    row: (e) => ({
      project_id: e.projectId,
      file_path: e.filePath,
      name: e.name,
      qualified_name: e.qualifiedName,
      entity_type: e.entityType,
      language: e.language,
      signature: e.signature,
      docstring: e.docstring,
      start_line: e.startLine,
      end_line: e.endLine,
      complexity: e.complexity,
      code_hash: e.codeHash,
      memory_id: e.memoryId,
      exported: e.exported,
      created_at: e.createdAt,
      updated_at: e.updatedAt,
    }),
    toRecord: toCodeEntity,
    references: [memoryRef('memoryId')],
  },
  codeDependencies: {
    sqlTable: 'code_dependencies',
    columns: 5,
    row: (d) => ({
      project_id: d.projectId,
      from_entity_id: d.fromEntityId,
      to_entity_id: d.toEntityId,
      dependency_type: d.dependencyType,
      created_at: d.createdAt,
    }),
    toRecord: toCodeDependency,
    references: [
      { field: 'fromEntityId', table: 'code_metadata', entity: 'code entity' },
      { field: 'toEntityId', table: 'code_metadata', entity: 'code entity' },
    ],
  },
  unresolvedDependencies: {
    sqlTable: 'code_unresolved_dependencies',
    columns: 7,
    row: (d) => ({
      project_id: d.projectId,
      from_entity_id: d.fromEntityId,
      dependency_type: d.dependencyType,
      target_qualified_name: d.target.qualifiedName,
      target_file_path: d.target.filePath,
      target_entity_type: d.target.entityType,
      created_at: d.createdAt,
    }),
    toRecord: toUnresolvedDependency,
    references: [{ field: 'fromEntityId', table: 'code_metadata', entity: 'code entity' }],
  },
  unresolvedReferences: {
    sqlTable: 'code_unresolved_references',
    columns: 6,
    row: (r) => ({
      project_id: r.projectId,
      from_entity_id: r.fromEntityId,
      dependency_type: r.dependencyType,
      target: r.target,
      line: r.line,
      created_at: r.createdAt,
    }),
    toRecord: toUnresolvedReference,
    references: [{ field: 'fromEntityId', table: 'code_metadata', entity: 'code entity' }],
  },
  decisions: {
    sqlTable: 'planning_decisions',
    columns: 11,
    row: (d) => ({
      project_id: d.projectId,
      title: d.title,
      rationale: d.rationale,
      alternatives: JSON.stringify(d.alternatives),
      status: d.status,
      confidence: d.confidence,
      validated_at: d.validatedAt,
      validation_notes: d.validationNotes,
      superseded_by: d.supersededBy,
      created_at: d.createdAt,
      updated_at: d.updatedAt,
    }),
    toRecord: toDecision,
    references: [{ field: 'supersededBy', table: 'planning_decisions', entity: 'decision' }],
  },
  scenarios: {
    sqlTable: 'planning_scenarios',
    columns: 7,
    row: (s) => ({
      project_id: s.projectId,
      decision_id: s.decisionId,
      scenario_type: s.scenarioType,
      description: s.description,
      probability: s.probability,
      impact: s.impact,
      created_at: s.createdAt,
    }),
    toRecord: toScenario,
    references: [{ field: 'decisionId', table: 'planning_decisions', entity: 'decision' }],
  },
  consolidationRuns: {
    sqlTable: 'consolidation_runs',
    columns: 16,
    row: runRow,
    toRecord: toRun,
    references: [],
  },
} satisfies Tables);
