import { RECORD_TABLES, ValidationError, parseId } from '@athena/core-types';
import type { RecordTable } from '@athena/core-types';

/** Where a transfer is, for progress bars. */
export interface TransferProgress {
  /** `read` (export), `write` (copy, import) or `verify` (reading the target back). */
  readonly phase: 'read' | 'write' | 'verify';
  readonly table: RecordTable;
  /** Records of `table` done so far. */
  readonly done: number;
  /** Records of `table` expected. */
  readonly total: number;
}

/** Options every transfer takes. */
export interface TransferOptions {
  /** Records per page read and per insert; 1–10,000, default 500. */
  readonly batchSize?: number;
  /** Called after every batch. */
  readonly onProgress?: (progress: TransferProgress) => void;
}

/** Options of `copy()` and `exportStore()`: optionally only some projects. */
export interface SourceOptions extends TransferOptions {
  /** Only these projects of the source (and everything in them); default every project. */
  readonly projectIds?: readonly number[];
}

/** Rows per table. */
export type TableCounts = Readonly<Record<RecordTable, number>>;

/** Validated options. */
export interface ResolvedOptions {
  readonly batchSize: number;
  readonly onProgress: (progress: TransferProgress) => void;
  readonly projectIds: readonly number[] | undefined;
}

/** Validates transfer options, naming the bad field. */
export function resolveOptions(options: SourceOptions = {}): ResolvedOptions {
  const batchSize = options.batchSize ?? 500;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
    throw new ValidationError('invalid options: batchSize must be an integer in 1–10000', [
      { path: 'options.batchSize', message: 'must be an integer in 1–10000' },
    ]);
  }
  const projectIds =
    options.projectIds === undefined
      ? undefined
      : [...new Set(options.projectIds.map((id, i) => parseId(id, `options.projectIds[${i}]`)))];
  return {
    batchSize,
    onProgress: options.onProgress ?? (() => undefined),
    projectIds,
  };
}

/** A count of 0 for every table. */
export function zeroCounts(): Record<RecordTable, number> {
  return Object.fromEntries(RECORD_TABLES.map((table) => [table, 0])) as Record<
    RecordTable,
    number
  >;
}
