import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { ConflictError, RECORD_TABLES, StorageError, ValidationError } from '@athena/core-types';
import type { Store } from '@athena/core-types';
import { MemoryChecksum } from '@athena/core-types';
import { decodeRecord } from './codec.js';
import type { TransferReport } from './copy.js';
import { parseBody, parseHeader, parseLine } from './export-format.js';
import type { ExportEnd } from './export-format.js';
import { Loader } from './loader.js';
import { checkEmbeddings } from './preflight.js';
import { resolveOptions } from './transfer-options.js';
import type { TransferOptions } from './transfer-options.js';
import { VerificationError } from './verification-error.js';
import { verifyTarget } from './verify.js';

function invalid(line: number, message: string): ValidationError {
  return new ValidationError(`line ${line}: ${message}`, [{ path: `line ${line}`, message }]);
}

/**
 * Reads an export made by `exportStore()` from `input` into `store`, with
 * new ids and every reference remapped; every field else verbatim.
 *
 * All or nothing: one `bulkLoad()` transaction, committed only when the file
 * is whole (its end line is there, its counts and memory checksum match what
 * was read) and the store, read back, holds exactly that — otherwise a typed
 * error and nothing is written. A line that is not a valid record is a
 * `ValidationError` naming the line. Refused before writing: a file of
 * another embedding dimension or model than the store's memories
 * (`DimensionMismatchError`, `EmbeddingModelMismatchError`), a project whose
 * name or path the store has already (`ConflictError`). Constant memory:
 * one line and one batch at a time. A stream is read once, so an import that
 * fails halfway (even for a transient reason) is not retried: run it again.
 *
 * @example
 * ```ts
 * const report = await importStore(store, createReadStream('athena.jsonl'));
 * report.counts.memories; // 100000
 * ```
 */
export async function importStore(
  store: Store,
  input: Readable,
  options: TransferOptions = {},
): Promise<TransferReport> {
  const started = performance.now();
  const { batchSize, onProgress } = resolveOptions(options);
  const lines = createInterface({ input, crlfDelay: Infinity })[Symbol.asyncIterator]();
  let line = 0;
  const next = async (): Promise<string | undefined> => {
    for (;;) {
      const result = await lines.next();
      if (result.done === true) return undefined;
      line += 1;
      if (result.value.trim() !== '') return result.value;
    }
  };
  const first = await next();
  if (first === undefined) {
    throw new ValidationError('the input is empty: not an Athena export', [
      { path: 'line 1', message: 'empty' },
    ]);
  }
  const header = parseHeader(parseLine(first, line));
  await checkEmbeddings(store, {
    dimension: header.embedding.dimension,
    models: header.embedding.models.map((entry) => entry.model),
  });
  let attempts = 0;
  const result = await store.bulkLoad(
    async (tx) => {
      attempts += 1;
      if (attempts > 1) {
        throw new StorageError(
          'the import failed and was rolled back; a stream cannot be read twice: run the import again',
        );
      }
      const loader = new Loader(tx, { batchSize, totals: header.counts, onProgress });
      const checksum = new MemoryChecksum();
      let end: ExportEnd | undefined;
      for (let text = await next(); text !== undefined; text = await next()) {
        if (end !== undefined) throw invalid(line, 'nothing may follow the end line');
        const body = parseBody(parseLine(text, line), line);
        if ('end' in body) {
          end = body.end;
          continue;
        }
        const origin = `line ${line}`;
        const { table } = body.record;
        const record = decodeRecord(table, body.record.record, origin);
        if (table === 'projects') {
          const { name, path } = record as { name: unknown; path: unknown };
          const taken =
            (typeof name === 'string' && (await tx.projects.getByName(name)) !== null) ||
            (typeof path === 'string' && (await tx.projects.getByPath(path)) !== null);
          if (taken) {
            throw new ConflictError(
              `${origin}: the store already has a project named ${String(name)} or at ${String(path)}: import into another database, or delete it there first`,
              { details: { name, path } },
            );
          }
        }
        const memory = record as { content?: unknown; embedding?: unknown };
        if (table === 'memories' && typeof memory.content === 'string') {
          checksum.add(memory as { content: string; embedding: Float32Array });
        }
        await loader.add(table, record, origin);
      }
      if (end === undefined) {
        throw invalid(line, 'the file ends without its end line: it was cut short');
      }
      const loaded = await loader.finish();
      const digest = checksum.digest();
      const mismatches = [
        ...RECORD_TABLES.filter(
          (table) =>
            loaded.counts[table] !== end.counts[table] ||
            header.counts[table] !== end.counts[table],
        ).map((table) => ({
          what: table,
          expected: end.counts[table],
          actual: loaded.counts[table],
        })),
        ...(digest === end.checksum
          ? []
          : [{ what: 'checksum', expected: end.checksum, actual: digest }]),
      ];
      if (mismatches.length > 0) {
        throw new VerificationError(
          `the file does not hold what its end line says (${mismatches
            .map((m) => `${m.what}: ${m.expected} expected, ${m.actual} read`)
            .join('; ')}): it was altered or damaged. Nothing was written`,
          mismatches,
        );
      }
      await verifyTarget(tx, loaded.projectIds, end, { onProgress });
      return { counts: loaded.counts, checksum: digest, projects: loaded.projects };
    },
    { memories: header.counts.memories },
  );
  return { ...result, seconds: (performance.now() - started) / 1000 };
}
