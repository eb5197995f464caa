import { RECORD_TABLES, ValidationError } from '@athena/core-types';
import type { RecordTable } from '@athena/core-types';
import type { TableCounts } from './transfer-options.js';

/** The format name on the first line of every export. */
export const EXPORT_FORMAT = 'athena-export';

/** The version of the format this package writes and reads. */
export const EXPORT_VERSION = 1;

/**
 * The first line of an export: what it holds and what a target must accept
 * (the embedding dimension and models).
 */
export interface ExportHeader {
  readonly type: typeof EXPORT_FORMAT;
  readonly version: number;
  readonly exportedAt: string;
  /** The store exported, and its schema version (each backend numbers its own). */
  readonly source: { readonly backend: string; readonly schemaVersion: number };
  readonly embedding: {
    readonly dimension: number;
    /** Models of the exported memories, with how many each (`null`: no model recorded). */
    readonly models: readonly { readonly model: string | null; readonly memories: number }[];
  };
  /** The projects exported; absent for the whole database. */
  readonly projectIds?: readonly number[];
  /** Rows per table, counted before the export started. */
  readonly counts: TableCounts;
}

/** The last line of an export: what was written, so an import can check the file is whole. */
export interface ExportEnd {
  readonly type: 'end';
  readonly counts: TableCounts;
  /** See `MemoryChecksum`. */
  readonly checksum: string;
}

/** One record line. */
export interface ExportRecordLine {
  readonly table: RecordTable;
  readonly record: unknown;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

function invalid(line: number, message: string): ValidationError {
  return new ValidationError(`line ${line}: ${message}`, [{ path: `line ${line}`, message }]);
}

function counts(value: unknown, line: number): TableCounts {
  if (!isObject(value)) throw invalid(line, 'counts must be an object');
  for (const table of RECORD_TABLES) {
    const n = value[table];
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
      throw invalid(line, `counts.${table} must be a non-negative integer`);
    }
  }
  return value as unknown as TableCounts;
}

/** Parses one line as JSON, naming the line when it is not. */
export function parseLine(text: string, line: number): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw invalid(line, 'not a JSON value (is this an Athena export?)');
  }
}

/** Checks the header line of an export. */
export function parseHeader(value: unknown): ExportHeader {
  if (!isObject(value) || value['type'] !== EXPORT_FORMAT) {
    throw invalid(1, `not an Athena export: the first line must have "type": "${EXPORT_FORMAT}"`);
  }
  if (value['version'] !== EXPORT_VERSION) {
    throw invalid(
      1,
      `format version ${String(value['version'])} is not supported (this release reads version ${EXPORT_VERSION})`,
    );
  }
  const embedding = value['embedding'];
  if (
    !isObject(embedding) ||
    typeof embedding['dimension'] !== 'number' ||
    !Number.isSafeInteger(embedding['dimension']) ||
    embedding['dimension'] < 1 ||
    !Array.isArray(embedding['models'])
  ) {
    throw invalid(1, 'embedding must hold a dimension and the list of models');
  }
  counts(value['counts'], 1);
  return value as unknown as ExportHeader;
}

/** A record line or the end line, checked. */
export function parseBody(
  value: unknown,
  line: number,
): { readonly end: ExportEnd } | { readonly record: ExportRecordLine } {
  if (isObject(value) && value['type'] === 'end') {
    if (typeof value['checksum'] !== 'string') throw invalid(line, 'the end line needs a checksum');
    counts(value['counts'], line);
    return { end: value as unknown as ExportEnd };
  }
  if (
    !isObject(value) ||
    !(RECORD_TABLES as readonly unknown[]).includes(value['table']) ||
    !('record' in value)
  ) {
    throw invalid(line, `expected {"table": one of ${RECORD_TABLES.join(', ')}, "record": {…}}`);
  }
  return { record: value as unknown as ExportRecordLine };
}
