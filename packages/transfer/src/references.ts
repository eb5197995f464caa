import type { RecordTable, SupersedingTable } from '@athena/core-types';

/** A field of a record that holds the id of another record. */
export interface Reference {
  readonly field: string;
  readonly table: RecordTable;
}

/**
 * What each table's records refer to, besides `projectId` (every table but
 * `projects`) and `supersededBy` (memories and decisions, see
 * {@link SUPERSEDING}). Every reference points to a table earlier in
 * `RECORD_TABLES`, or to an older record of the same table (a parent goal or
 * task is created before its children).
 */
export const REFERENCES: Readonly<Record<RecordTable, readonly Reference[]>> = Object.freeze({
  projects: [],
  memories: [],
  relationships: [
    { field: 'fromMemoryId', table: 'memories' },
    { field: 'toMemoryId', table: 'memories' },
  ],
  transitions: [{ field: 'memoryId', table: 'memories' }],
  episodes: [{ field: 'consolidatedInto', table: 'memories' }],
  goals: [{ field: 'parentGoalId', table: 'goals' }],
  tasks: [
    { field: 'goalId', table: 'goals' },
    { field: 'parentTaskId', table: 'tasks' },
  ],
  codeEntities: [{ field: 'memoryId', table: 'memories' }],
  codeDependencies: [
    { field: 'fromEntityId', table: 'codeEntities' },
    { field: 'toEntityId', table: 'codeEntities' },
  ],
  unresolvedDependencies: [{ field: 'fromEntityId', table: 'codeEntities' }],
  unresolvedReferences: [{ field: 'fromEntityId', table: 'codeEntities' }],
  decisions: [],
  scenarios: [{ field: 'decisionId', table: 'decisions' }],
  consolidationRuns: [],
});

/**
 * Tables whose `supersededBy` names a newer row of the same table: set to
 * null on insert and linked once every row of the table exists.
 */
export const SUPERSEDING: readonly SupersedingTable[] = Object.freeze(['memories', 'decisions']);

/** Tables other records refer to: the only ones whose id maps a transfer keeps. */
export const REFERENCED: ReadonlySet<RecordTable> = new Set<RecordTable>([
  'projects',
  ...SUPERSEDING,
  ...Object.values(REFERENCES).flatMap((references) => references.map((r) => r.table)),
]);

/** The instants of each table's records, by field: ISO 8601 strings in an export. */
export const DATE_FIELDS: Readonly<Record<RecordTable, readonly string[]>> = Object.freeze({
  projects: ['createdAt', 'lastAccessedAt'],
  memories: [
    'lastAccessed',
    'lastRetrieved',
    'consolidatedAt',
    'claimExpiresAt',
    'createdAt',
    'updatedAt',
  ],
  relationships: ['createdAt'],
  transitions: ['at'],
  episodes: ['timestamp', 'consolidatedAt', 'createdAt'],
  goals: ['deadline', 'completedAt', 'createdAt', 'updatedAt'],
  tasks: ['dueAt', 'completedAt', 'createdAt', 'updatedAt'],
  codeEntities: ['createdAt', 'updatedAt'],
  codeDependencies: ['createdAt'],
  unresolvedDependencies: ['createdAt'],
  unresolvedReferences: ['createdAt'],
  decisions: ['validatedAt', 'createdAt', 'updatedAt'],
  scenarios: ['createdAt'],
  consolidationRuns: ['startedAt', 'finishedAt'],
});
