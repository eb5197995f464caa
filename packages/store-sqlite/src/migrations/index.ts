import { codeGraph } from './code-graph.js';
import { codeKeys } from './code-keys.js';
import { consolidationRuns } from './consolidation-runs.js';
import { initialSchema } from './initial-schema.js';
import { memoryBits } from './memory-bits.js';
import { memoryPageIndex } from './memory-page-index.js';
import type { Migration } from './migration.js';
import { projectMemoryCounts } from './project-memory-counts.js';

/**
 * Every schema change, oldest first. Append only: a released migration is
 * never edited, because databases in the field have already applied it.
 */
export const MIGRATIONS: readonly Migration[] = Object.freeze([
  initialSchema,
  memoryBits,
  codeKeys,
  codeGraph,
  consolidationRuns,
  memoryPageIndex,
  projectMemoryCounts,
]);

/** The schema version this package writes. */
export const LATEST_SCHEMA_VERSION = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);
