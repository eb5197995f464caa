/**
 * `@athena/store-kit`: what Athena's store backends share beyond the
 * contract of `@athena/core-types`: table descriptors from which each
 * backend derives its row mappers, column lists and insert values; the
 * search-hit and score-breakdown builders; one mapping from the kinds a
 * backend sorts its driver's errors into to Athena's typed errors; and the
 * errors of a transaction a failed statement made rollback-only.
 *
 * @packageDocumentation
 */
export type { ClassifiedDriverError, DriverErrorContext, DriverErrorKind } from './driver-error.js';
export { toAthenaError } from './to-athena-error.js';
export { rollbackOnlyError, rolledBackInsteadOfCommitted } from './rollback-only.js';
export type {
  Codec,
  CodecKind,
  CodecValues,
  Codecs,
  ColumnOf,
  ColumnsOptions,
  FieldMap,
  KindFor,
  Nested,
  TableDescriptor,
} from './table.js';
export { AS_IS, IDENTITY, columnsOf, describe, insertValues, rowReader } from './table.js';
export {
  CODE_DEPENDENCY,
  CODE_ENTITY,
  CONSOLIDATION_RUN,
  DECISION,
  EPISODE_BUT_CONTEXT,
  EPISODE_CONTEXT_COLUMNS,
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
export type { MemoryReaders } from './search-hits.js';
export { hitMemory, hybridHit, keywordHit, semanticHit } from './search-hits.js';
export type { HybridScoreRow } from './search-hits.js';
export type { DomainReaders, ReaderOf } from './readers.js';
export { domainReaders } from './readers.js';
export type { DerivedRecordTable, RecordReference } from './record-tables.js';
export { recordTables } from './record-tables.js';
export type { BackendOf, Front, FrontContext, ParsedArgument, Parsers } from './front.js';
export { front } from './front.js';
export type { GoalBackend } from './fronts/goals.js';
export { GoalFront } from './fronts/goals.js';
export type { DecisionBackend } from './fronts/decisions.js';
export { DecisionFront } from './fronts/decisions.js';
export type { TaskBackend } from './fronts/tasks.js';
export { TaskFront } from './fronts/tasks.js';
export type { EpisodeBackend } from './fronts/episodes.js';
export { EpisodeFront } from './fronts/episodes.js';
export type { ConsolidationBackend } from './fronts/consolidation.js';
export { ConsolidationFront } from './fronts/consolidation.js';
export type { CodeBackend } from './fronts/code.js';
export { CodeFront } from './fronts/code.js';
export type { SearchBackend, SearchHits } from './fronts/search.js';
export { SEARCH_PARSERS, SearchFront } from './fronts/search.js';
export type { RecordBackend } from './fronts/records.js';
export { RecordFront } from './fronts/records.js';
export type { RepositoryBackends } from './fronts/fronted-repositories.js';
export { frontedRepositories } from './fronts/fronted-repositories.js';
export type { FileReplacement } from './code-replacement.js';
export { fileReplacement } from './code-replacement.js';
export type { ProjectBackend } from './fronts/projects.js';
export { ProjectFront } from './fronts/projects.js';
export type { MemoryBackend } from './fronts/memories.js';
export { MemoryFront } from './fronts/memories.js';
export type { RelationshipBackend } from './fronts/relationships.js';
export { RelationshipFront } from './fronts/relationships.js';
