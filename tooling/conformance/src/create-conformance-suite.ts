import { describe } from 'vitest';
import { codeTests } from './code.js';
import { codeFileTests } from './code-files.js';
import { codeGraphTests } from './code-graph.js';
import type { ConformanceOptions } from './conformance-options.js';
import { consolidationTests } from './consolidation.js';
import { consolidationWorkerTests } from './consolidation-worker.js';
import { decisionTests } from './decisions.js';
import { episodeTests } from './episodes.js';
import { filterTests } from './filters.js';
import { DIMENSION } from './fixtures.js';
import { goalTaskTests } from './goals-tasks.js';
import { hybridSearchTests } from './hybrid-search.js';
import { isolationTests } from './isolation.js';
import { keywordSearchTests } from './keyword-search.js';
import { lifecycleTests } from './lifecycle.js';
import { neighbourTests } from './neighbours.js';
import { memoryTests } from './memories.js';
import { paginationTests } from './pagination.js';
import { parityTests } from './parity.js';
import { projectTests } from './projects.js';
import { recordTests } from './records.js';
import { relationshipTests } from './relationships.js';
import { searchEmbeddingTests } from './search-embeddings.js';
import { semanticSearchTests } from './semantic-search.js';
import { statsTests } from './stats.js';
import type { SuiteContext } from './suite-context.js';
import { useStore } from './suite-context.js';
import { textFidelityTests } from './text-fidelity.js';
import { timestampTests } from './timestamps.js';
import { transactionTests } from './transactions.js';
import { validationTests } from './validation.js';

/** Every area of the suite; each runs on its own store with a fresh project per test. */
const AREAS: readonly (readonly [string, (ctx: SuiteContext) => void])[] = [
  ['store life cycle', lifecycleTests],
  ['projects', projectTests],
  ['memories', memoryTests],
  ['validation', validationTests],
  ['pagination', paginationTests],
  ['semantic search', semanticSearchTests],
  ['keyword search', keywordSearchTests],
  ['hybrid search', hybridSearchTests],
  ['neighbours', neighbourTests],
  ['search results without embeddings', searchEmbeddingTests],
  ['filters', filterTests],
  ['project isolation', isolationTests],
  ['relationships', relationshipTests],
  ['episodes', episodeTests],
  ['goals and tasks', goalTaskTests],
  ['code', codeTests],
  ['code files', codeFileTests],
  ['code graph', codeGraphTests],
  ['decisions', decisionTests],
  ['consolidation', consolidationTests],
  ['consolidation worker support', consolidationWorkerTests],
  ['transactions', transactionTests],
  ['text fidelity', textFidelityTests],
  ['timestamps', timestampTests],
  ['records and bulk loads', recordTests],
  ['stats and migration status', statsTests],
  ['backend parity', parityTests],
];

/**
 * Registers the Athena Store conformance suite for one backend. Call it at
 * the top level of a vitest test file.
 *
 * @example
 * ```ts
 * import { createConformanceSuite } from '@athena/conformance';
 * import { SqliteStore } from '@athena/store-sqlite';
 *
 * createConformanceSuite({
 *   name: 'sqlite',
 *   createStore: ({ embeddingDimension }) => new SqliteStore({ path: tempFile(), embeddingDimension }),
 * });
 * ```
 */
export function createConformanceSuite(options: ConformanceOptions): void {
  const frozen: ConformanceOptions = Object.freeze({ ...options });
  describe(`Store conformance: ${frozen.name}`, () => {
    for (const [title, register] of AREAS) {
      describe(title, () => {
        register(useStore(frozen, DIMENSION));
      });
    }
  });
}
