import {
  parseRecordCount,
  parseRecordPage,
  parseRecordTable,
  parseRecords,
  parseSupersessionLinks,
} from '@athena/core-types';
import type { RecordRepository } from '@athena/core-types';
import { front } from '../front.js';
import type { BackendOf, Parsers } from '../front.js';

const RECORD_PARSERS = {
  /** Checks `page()`'s `table` and `options`. */
  page: (_, table, options) => [parseRecordTable(table), parseRecordPage(options)] as const,
  /** Checks `count()`'s `table` and `options`. */
  count: (_, table, options) => [parseRecordTable(table), parseRecordCount(options)] as const,
  /** Checks `checksum()`'s `options`. */
  checksum: (_, options) => [parseRecordCount(options)] as const,
  /** Checks `insert()`'s `table` and `records`. */
  insert: (context, table, records) => {
    const name = parseRecordTable(table);
    return [name, parseRecords(name, records, context.embeddingDimension)] as const;
  },
  /** Checks `linkSupersession()`'s `table` and `links`. */
  linkSupersession: (_, table, links) => [parseSupersessionLinks(table, links)] as const,
} satisfies Parsers<RecordRepository>;

/** The validating front of a backend's records. */
export const RecordFront = front<RecordRepository>()(RECORD_PARSERS);

/** What a backend implements for records: {@link RecordRepository} with parsed arguments. */
export type RecordBackend = BackendOf<RecordRepository, typeof RECORD_PARSERS>;
