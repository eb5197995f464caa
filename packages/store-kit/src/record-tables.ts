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
import { columnsOf, insertValues, rowReader } from './table.js';
import type { Codecs, TableDescriptor } from './table.js';

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
function recordTableSpecs(episode: TableDescriptor<EpisodicEvent>): RecordTableSpecs {
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

/** A record table with a backend's codecs applied: what to insert and how to read it back. */
export interface DerivedRecordTable<Context> {
  /** The table's name in SQL, e.g. `memory_vectors`. */
  readonly sqlTable: string;
  /** The columns an insert writes, in the order `values` returns them. */
  readonly columns: readonly string[];
  /** A record's bound values for `columns`. */
  values(record: object, context: Context): unknown[];
  /** The record a row of the table holds, decoded by the codecs. */
  toRecord(row: object): unknown;
  /** References that must name a row of the record's own project. */
  readonly references: readonly RecordReference[];
}

/**
 * Every record table with `codecs` applied; `episode` is the backend's
 * descriptor of an episode. `derive` shapes each into the backend's own form.
 *
 * @example
 * ```ts
 * const TABLES = recordTables(CODECS, EPISODE, (table) => table);
 * ```
 */
export function recordTables<Context, R>(
  codecs: Codecs<Context>,
  episode: TableDescriptor<EpisodicEvent>,
  derive: (table: DerivedRecordTable<Context>) => R,
): { readonly [T in RecordTable]: R } {
  return Object.freeze(
    Object.fromEntries(
      Object.entries(recordTableSpecs(episode)).map(([table, spec]) => {
        const descriptor = spec.descriptor as TableDescriptor<unknown>;
        return [
          table,
          derive({
            sqlTable: spec.sqlTable,
            columns: columnsOf(descriptor, { insert: true }),
            values: insertValues(descriptor, codecs),
            toRecord: rowReader(descriptor, codecs),
            references: spec.references,
          }),
        ];
      }),
    ) as { [T in RecordTable]: R },
  );
}
