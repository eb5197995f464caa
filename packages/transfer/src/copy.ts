import { RECORD_TABLES } from '@athena/core-types';
import type { RecordTable, Store } from '@athena/core-types';
import { MemoryChecksum } from '@athena/core-types';
import { Loader } from './loader.js';
import { checkEmbeddings, countTables, embeddingModels, sourceProjects } from './preflight.js';
import { readPages } from './read-pages.js';
import { resolveOptions } from './transfer-options.js';
import type { SourceOptions, TableCounts } from './transfer-options.js';
import { VerificationError } from './verification-error.js';
import { verifyTarget } from './verify.js';

/** What a copy or an import wrote, verified. */
export interface TransferReport {
  /** Rows written per table: equal to the source's, checked in the target. */
  readonly counts: TableCounts;
  /** SHA-256 over every memory's content and embedding in id order, equal on both sides. */
  readonly checksum: string;
  /** Each project moved, with its id in the source and in the target. */
  readonly projects: readonly {
    readonly name: string;
    readonly sourceId: number;
    readonly targetId: number;
  }[];
  readonly seconds: number;
}

/**
 * Copies every project of `from` (or `options.projectIds`) with everything
 * in it into `to`: memories with their vectors, relationships, the
 * consolidation transition log, episodes, goal and task trees, code entities
 * and dependencies, decisions with supersession and scenarios — every field
 * verbatim (timestamps, access counts, consolidation state and claims,
 * versions); only ids are new, and every reference follows them.
 *
 * All or nothing: the whole copy is one `bulkLoad()` transaction on `to`,
 * verified before it commits — the row count of every table and a checksum
 * of every memory's content and embedding, read back from `to`, must equal
 * the source's, or it rolls back with a {@link VerificationError}. Memory
 * stays constant in the number of rows (one page at a time; see `Loader`).
 *
 * Refuses, before writing anything: a target of another embedding dimension
 * or model (`DimensionMismatchError`, `EmbeddingModelMismatchError`), a target
 * already holding a project of the same name or path (`ConflictError`).
 * Stop writers to the source meanwhile: rows added during the copy make the
 * counts differ and the copy roll back.
 *
 * @example
 * ```ts
 * const report = await copy(sqliteStore, postgresStore, { onProgress: console.log });
 * report.counts.memories; // 100000
 * ```
 */
export async function copy(
  from: Store,
  to: Store,
  options: SourceOptions = {},
): Promise<TransferReport> {
  const started = performance.now();
  const { batchSize, onProgress, projectIds } = resolveOptions(options);
  await checkEmbeddings(to, {
    dimension: from.embeddingDimension,
    models: await embeddingModels(from, projectIds),
  });
  const projects = await sourceProjects(from, to, projectIds);
  const scope = projectIds ?? projects.map((project) => project.id);
  const totals = await countTables(from, projectIds);
  const result = await to.bulkLoad(
    async (tx) => {
      // Built inside: a transaction retried from the start starts afresh.
      const loader = new Loader(tx, { batchSize, totals, onProgress });
      const checksum = new MemoryChecksum();
      if (scope.length > 0) {
        for (const table of RECORD_TABLES) {
          for await (const page of readPages(from, table, {
            limit: batchSize,
            projectIds: scope,
          })) {
            for (const record of page) {
              if (table === 'memories')
                checksum.add(record as { content: string; embedding: Float32Array });
              await loader.add(table, record, `${table} ${record.id}`);
            }
          }
        }
      }
      const loaded = await loader.finish();
      const changed = RECORD_TABLES.filter(
        (table: RecordTable) => loaded.counts[table] !== totals[table],
      );
      if (changed.length > 0) {
        throw new VerificationError(
          `the source changed during the copy (${changed
            .map(
              (table) => `${table}: ${totals[table]} counted before, ${loaded.counts[table]} read`,
            )
            .join('; ')}); stop writers to it and copy again. Nothing was written`,
          changed.map((table) => ({
            what: table,
            expected: totals[table],
            actual: loaded.counts[table],
          })),
        );
      }
      const digest = checksum.digest();
      await verifyTarget(
        tx,
        loaded.projectIds,
        { counts: totals, checksum: digest },
        { onProgress },
      );
      return { counts: loaded.counts, checksum: digest, projects: loaded.projects };
    },
    { memories: totals.memories },
  );
  return { ...result, seconds: (performance.now() - started) / 1000 };
}
