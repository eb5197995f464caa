import { codeGraph } from './code-graph.js';
import { codeKeys } from './code-keys.js';
import { consolidationRuns } from './consolidation-runs.js';
import { initialSchema } from './initial-schema.js';
import { keywordProjectIndex } from './keyword-project-index.js';
import { keywordTable } from './keyword-table.js';
import { memoryEmbeddings } from './memory-embeddings.js';
import { memoryFillfactor } from './memory-fillfactor.js';
import { memoryStates } from './memory-states.js';
import type { Migration } from './migration.js';

/** Every migration, in version order. Append only: never edit a released migration. */
export const MIGRATIONS: readonly Migration[] = Object.freeze([
  initialSchema,
  memoryFillfactor,
  keywordTable,
  keywordProjectIndex,
  codeKeys,
  codeGraph,
  consolidationRuns,
  memoryStates,
  memoryEmbeddings,
]);

/** The schema version a fully migrated database has. */
export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;
