import type { NewRecord, RecordOf, RecordTable } from '@athena/core-types';
import { recordTables } from '@athena/store-kit';
import type { RecordReference } from '@athena/store-kit';
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

/** Every record table on PostgreSQL, written with the same forms the repositories use. */
export const POSTGRES_RECORD_TABLES = recordTables(
  POSTGRES_CODECS,
  POSTGRES_EPISODE,
  (table): PostgresRecordTable<RecordTable> => {
    // Every insert object starts as a copy of this one: one hidden class, no transitions.
    const template = Object.fromEntries(table.columns.map((column) => [column, null]));
    return {
      sqlTable: table.sqlTable as TableName,
      columns: table.columns.length,
      row: (record, session) => {
        const row: Record<string, unknown> = { ...template };
        const values = table.values(record, session);
        for (let i = 0; i < values.length; i++) row[table.columns[i] as string] = values[i];
        return row;
      },
      toRecord: table.toRecord as (row: never) => RecordOf<RecordTable>,
      references: table.references as readonly PostgresReference[],
    };
  },
) as { readonly [T in RecordTable]: PostgresRecordTable<T> };

/** The insert object of a consolidation run. */
export const runRow = (
  r: NewRecord<'consolidationRuns'>,
  session: Session,
): Record<string, unknown> => POSTGRES_RECORD_TABLES.consolidationRuns.row(r, session);
