/**
 * The record tables a whole-database export, import or copy moves: for each
 * {@link RecordTable} its SQL table, descriptor and the references checked
 * before an insert. A backend derives its own record tables from these with
 * its codecs.
 */
import type { EpisodicEvent, RecordOf, RecordTable } from '@athena/core-types';
import {
  CODE_DEPENDENCY,
  CODE_ENTITY,
  CONSOLIDATION_RUN,
  DECISION,
  GOAL,
  MEMORY,
  PROJECT,
  RELATIONSHIP,
  SCENARIO,
  TASK,
  TRANSITION,
  UNRESOLVED_DEPENDENCY,
  UNRESOLVED_REFERENCE,
} from './descriptors.js';
import type { TableDescriptor } from './table.js';

/** A reference from a record to a row that must exist in the record's own project. */
export interface RecordReference {
  /** The record field holding the referenced id. */
  readonly field: string;
  /** The referenced SQL table. */
  readonly table: string;
  /** The entity named by a `NotFoundError`. */
  readonly entity: string;
}

/** One record table: where it is stored, how, and what its records refer to. */
export interface RecordTableSpec<T extends RecordTable> {
  readonly sqlTable: string;
  readonly descriptor: TableDescriptor<RecordOf<T>>;
  /** References that must name a row of the record's own project. */
  readonly references: readonly RecordReference[];
}

/** Every record table's spec. */
export type RecordTableSpecs = { readonly [T in RecordTable]: RecordTableSpec<T> };

const memoryRef = (field: string): RecordReference => ({
  field,
  table: 'memory_vectors',
  entity: 'memory',
});

const entityRef = (field: string): RecordReference => ({
  field,
  table: 'code_metadata',
  entity: 'code entity',
});

/** Every record table, `episode` being the backend's descriptor of an episode. */
export function recordTableSpecs(episode: TableDescriptor<EpisodicEvent>): RecordTableSpecs {
  return Object.freeze({
    projects: { sqlTable: 'projects', descriptor: PROJECT, references: [] },
    memories: {
      sqlTable: 'memory_vectors',
      descriptor: MEMORY,
      references: [memoryRef('supersededBy')],
    },
    relationships: {
      sqlTable: 'memory_relationships',
      descriptor: RELATIONSHIP,
      references: [memoryRef('fromMemoryId'), memoryRef('toMemoryId')],
    },
    transitions: {
      sqlTable: 'consolidation_log',
      descriptor: TRANSITION,
      references: [memoryRef('memoryId')],
    },
    episodes: {
      sqlTable: 'episodic_events',
      descriptor: episode,
      references: [memoryRef('consolidatedInto')],
    },
    goals: {
      sqlTable: 'prospective_goals',
      descriptor: GOAL,
      references: [{ field: 'parentGoalId', table: 'prospective_goals', entity: 'goal' }],
    },
    tasks: {
      sqlTable: 'prospective_tasks',
      descriptor: TASK,
      references: [
        { field: 'goalId', table: 'prospective_goals', entity: 'goal' },
        { field: 'parentTaskId', table: 'prospective_tasks', entity: 'task' },
      ],
    },
    codeEntities: {
      sqlTable: 'code_metadata',
      descriptor: CODE_ENTITY,
      references: [memoryRef('memoryId')],
    },
    codeDependencies: {
      sqlTable: 'code_dependencies',
      descriptor: CODE_DEPENDENCY,
      references: [entityRef('fromEntityId'), entityRef('toEntityId')],
    },
    unresolvedDependencies: {
      sqlTable: 'code_unresolved_dependencies',
      descriptor: UNRESOLVED_DEPENDENCY,
      references: [entityRef('fromEntityId')],
    },
    unresolvedReferences: {
      sqlTable: 'code_unresolved_references',
      descriptor: UNRESOLVED_REFERENCE,
      references: [entityRef('fromEntityId')],
    },
    decisions: {
      sqlTable: 'planning_decisions',
      descriptor: DECISION,
      references: [{ field: 'supersededBy', table: 'planning_decisions', entity: 'decision' }],
    },
    scenarios: {
      sqlTable: 'planning_scenarios',
      descriptor: SCENARIO,
      references: [{ field: 'decisionId', table: 'planning_decisions', entity: 'decision' }],
    },
    consolidationRuns: {
      sqlTable: 'consolidation_runs',
      descriptor: CONSOLIDATION_RUN,
      references: [],
    },
  } satisfies RecordTableSpecs);
}

/**
 * A backend's record tables: `derive` applied to every spec.
 *
 * @example
 * ```ts
 * const TABLES = deriveRecordTables(recordTableSpecs(EPISODE), (spec) => ({
 *   sqlTable: spec.sqlTable,
 *   toRecord: rowReader(spec.descriptor, CODECS),
 * }));
 * ```
 */
export function deriveRecordTables<R>(
  specs: RecordTableSpecs,
  derive: (spec: RecordTableSpec<RecordTable>) => R,
): { readonly [T in RecordTable]: R } {
  return Object.freeze(
    Object.fromEntries(
      Object.entries(specs).map(([table, spec]) => [
        table,
        derive(spec as RecordTableSpec<RecordTable>),
      ]),
    ) as { [T in RecordTable]: R },
  );
}
