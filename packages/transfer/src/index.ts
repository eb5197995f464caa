/**
 * `@athena/transfer`: move a whole Athena database between stores — a
 * streaming JSON Lines export and import, and a verified copy between any
 * two backends (SQLite → PostgreSQL and back).
 *
 * @packageDocumentation
 */
export { decodeRecord, decodeVector, encodeRecord, encodeVector } from './codec.js';
export { copy } from './copy.js';
export type { TransferReport } from './copy.js';
export { EXPORT_FORMAT, EXPORT_VERSION } from './export-format.js';
export type { ExportEnd, ExportHeader, ExportRecordLine } from './export-format.js';
export { exportStore } from './export-store.js';
export type { ExportReport } from './export-store.js';
export { IdMap } from './id-map.js';
export { importStore } from './import-store.js';
export type {
  SourceOptions,
  TableCounts,
  TransferOptions,
  TransferProgress,
} from './transfer-options.js';
export { VerificationError } from './verification-error.js';
export type { Mismatch } from './verification-error.js';
