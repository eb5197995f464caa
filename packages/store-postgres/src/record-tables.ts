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
import { POSTGRES_CODECS, POSTGRES_EPISODE } from './rows.js';
import type { TableName } from './schema.js';
import type { Session } from './session.js';

/** A reference from a record to a row that must exist in the record's own project. */
export interface PostgresReference extends RecordReference {
  readonly table: TableName;
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

/** The kysely insert object of a descriptor's record, in PostgreSQL's forms, and its column count. */
function writes<T>(descriptor: TableDescriptor<T>): {
  columns: number;
  row: (record: object, session: Session) => Record<string, unknown>;
} {
  const columns = columnsOf(descriptor, { insert: true });
  const values = insertValues(descriptor, POSTGRES_CODECS);
  return {
    columns: columns.length,
    row: (record, session) => {
      const row: Record<string, unknown> = {};
      const bound = values(record, session);
      for (let i = 0; i < columns.length; i++) row[columns[i] as string] = bound[i];
      return row;
    },
  };
}

const RUN_WRITES = writes(CONSOLIDATION_RUN);

/** The insert object of a consolidation run. */
export const runRow = (
  r: NewRecord<'consolidationRuns'>,
  session: Session,
): Record<string, unknown> => RUN_WRITES.row(r, session);

/** Every record table on PostgreSQL, written with the same forms the repositories use. */
export const POSTGRES_RECORD_TABLES = deriveRecordTables(
  recordTableSpecs(POSTGRES_EPISODE),
  (spec): PostgresRecordTable<RecordTable> => ({
    sqlTable: spec.sqlTable as TableName,
    ...writes(spec.descriptor),
    toRecord: rowReader(spec.descriptor, POSTGRES_CODECS),
    references: spec.references as readonly PostgresReference[],
  }),
) as { readonly [T in RecordTable]: PostgresRecordTable<T> };
