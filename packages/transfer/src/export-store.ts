import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { RECORD_TABLES } from '@athena/core-types';
import type { Store } from '@athena/core-types';
import { MemoryChecksum } from '@athena/core-types';
import { encodeRecord } from './codec.js';
import { EXPORT_FORMAT, EXPORT_VERSION } from './export-format.js';
import type { ExportEnd, ExportHeader } from './export-format.js';
import { countTables } from './preflight.js';
import { readPages } from './read-pages.js';
import { resolveOptions, zeroCounts } from './transfer-options.js';
import type { SourceOptions, TableCounts } from './transfer-options.js';
import { VerificationError } from './verification-error.js';

/** What `exportStore()` wrote. */
export interface ExportReport {
  readonly header: ExportHeader;
  readonly counts: TableCounts;
  readonly checksum: string;
  readonly seconds: number;
}

async function write(output: Writable, chunk: string): Promise<void> {
  if (!output.write(chunk)) await once(output, 'drain');
}

/**
 * Writes the store (or `options.projectIds`) to `output` as JSON Lines: a
 * header (format version, source backend and schema version, embedding
 * dimension and models, row counts), then every record of every table in
 * dependency order and id order — `{"table": "memories", "record": {…}}`,
 * instants as ISO 8601, vectors as base64 of little-endian float32 — then an
 * end line with the counts written and the memory checksum, so an import
 * can tell a whole file from a cut one. Streams with constant memory and
 * honours back-pressure; `output` is left open.
 *
 * @throws {VerificationError} when the store changed during the export (the
 * counts differ from the header's): the file then has no end line, which
 * an import refuses; export again while nothing writes.
 *
 * @example
 * ```ts
 * const file = createWriteStream('athena.jsonl');
 * await exportStore(store, file);
 * file.end();
 * ```
 */
export async function exportStore(
  store: Store,
  output: Writable,
  options: SourceOptions = {},
): Promise<ExportReport> {
  const started = performance.now();
  const { batchSize, onProgress, projectIds } = resolveOptions(options);
  const counts = await countTables(store, projectIds);
  const models =
    projectIds === undefined
      ? (await store.stats()).embeddingModels
      : (await Promise.all(projectIds.map((projectId) => store.stats({ projectId })))).flatMap(
          (stats) => stats.embeddingModels,
        );
  const header: ExportHeader = {
    type: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exportedAt: new Date().toISOString(),
    source: {
      backend: store.backend,
      schemaVersion: (await store.migrationStatus()).currentVersion,
    },
    embedding: { dimension: store.embeddingDimension, models: mergeModels(models) },
    ...(projectIds === undefined ? {} : { projectIds }),
    counts,
  };
  await write(output, `${JSON.stringify(header)}\n`);
  const written = zeroCounts();
  const checksum = new MemoryChecksum();
  for (const table of RECORD_TABLES) {
    for await (const page of readPages(store, table, { limit: batchSize, projectIds })) {
      let chunk = '';
      for (const record of page) {
        if (table === 'memories')
          checksum.add(record as { content: string; embedding: Float32Array });
        chunk += `${JSON.stringify({ table, record: encodeRecord(table, record) })}\n`;
      }
      await write(output, chunk);
      written[table] += page.length;
      onProgress({ phase: 'read', table, done: written[table], total: counts[table] });
    }
  }
  const digest = checksum.digest();
  // Without its end line an import refuses the file as cut short.
  const changed = RECORD_TABLES.filter((table) => written[table] !== counts[table]);
  if (changed.length > 0) {
    throw new VerificationError(
      `the store changed during the export (${changed
        .map((table) => `${table}: ${counts[table]} counted before, ${written[table]} written`)
        .join('; ')}); the file is inconsistent: export again while nothing writes to the store`,
      changed.map((table) => ({ what: table, expected: counts[table], actual: written[table] })),
    );
  }
  const end: ExportEnd = { type: 'end', counts: written, checksum: digest };
  await write(output, `${JSON.stringify(end)}\n`);
  return {
    header,
    counts: written,
    checksum: digest,
    seconds: (performance.now() - started) / 1000,
  };
}

function mergeModels(
  entries: readonly { readonly model: string | null; readonly memories: number }[],
): { model: string | null; memories: number }[] {
  const merged = new Map<string | null, number>();
  for (const { model, memories } of entries) merged.set(model, (merged.get(model) ?? 0) + memories);
  return [...merged].map(([model, memories]) => ({ model, memories }));
}
