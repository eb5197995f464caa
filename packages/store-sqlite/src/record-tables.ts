import type { NewRecord, RecordOf, RecordTable } from '@athena/core-types';
import { recordTables } from '@athena/store-kit';
import type { RecordReference } from '@athena/store-kit';
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

/**
 * Every record table on SQLite: instants as epoch milliseconds, JSON arrays
 * as TEXT, vectors as float32 BLOBs (the same forms the repositories write).
 */
export const SQLITE_RECORD_TABLES = recordTables(
  SQLITE_CODECS,
  SQLITE_EPISODE,
  (table) => table,
) as unknown as { readonly [T in RecordTable]: SqliteRecordTable<T> };

/** The columns of `consolidation_runs` a run record writes, in `runValues` order. */
export const RUN_COLUMNS: readonly string[] = SQLITE_RECORD_TABLES.consolidationRuns.columns;

/** A run's values for {@link RUN_COLUMNS}. */
export const runValues = (r: NewRecord<'consolidationRuns'>): unknown[] =>
  SQLITE_RECORD_TABLES.consolidationRuns.values(r);
