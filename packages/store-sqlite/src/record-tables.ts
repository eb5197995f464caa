import type { NewRecord, RecordOf, RecordTable } from '@athena/core-types';
import {
  CONSOLIDATION_RUN,
  columnsOf,
  deriveRecordTables,
  insertValues,
  recordTableSpecs,
  rowReader,
} from '@athena/store-kit';
import type { RecordReference, TableDescriptor } from '@athena/store-kit';
import { SQLITE_CODECS, SQLITE_EPISODE } from './rows.js';

/** A reference from a record to a row of another (or the same) table, checked before insert. */
export type SqliteReference = RecordReference;

/** How one record table maps onto its SQLite table. */
export interface SqliteRecordTable<T extends RecordTable> {
  readonly sqlTable: string;
  /** The columns an insert writes, in the order `values` returns them. */
  readonly columns: readonly string[];
  values(record: NewRecord<T>): unknown[];
  toRecord(row: never): RecordOf<T>;
  /** References that must name a row of the record's own project. */
  readonly references: readonly SqliteReference[];
}

/** The insert columns of a descriptor and a record's values for them, in SQLite's forms. */
function writes<T>(descriptor: TableDescriptor<T>): {
  columns: readonly string[];
  values: (record: object) => unknown[];
} {
  const values = insertValues(descriptor, SQLITE_CODECS);
  return { columns: columnsOf(descriptor, { insert: true }), values: (record) => values(record) };
}

const RUN_WRITES = writes(CONSOLIDATION_RUN);

/** The columns of `consolidation_runs` a run record writes, in `runValues` order. */
export const RUN_COLUMNS: readonly string[] = RUN_WRITES.columns;

/** A run's values for {@link RUN_COLUMNS}. */
export const runValues: (r: NewRecord<'consolidationRuns'>) => unknown[] = RUN_WRITES.values;

/**
 * Every record table on SQLite: instants as epoch milliseconds, JSON arrays
 * as TEXT, vectors as float32 BLOBs (the same forms the repositories write).
 */
export const SQLITE_RECORD_TABLES = deriveRecordTables(
  recordTableSpecs(SQLITE_EPISODE),
  (spec): SqliteRecordTable<RecordTable> => ({
    sqlTable: spec.sqlTable,
    ...writes(spec.descriptor),
    toRecord: rowReader(spec.descriptor, SQLITE_CODECS),
    references: spec.references,
  }),
) as { readonly [T in RecordTable]: SqliteRecordTable<T> };
