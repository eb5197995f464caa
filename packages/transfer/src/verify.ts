import { RECORD_TABLES } from '@athena/core-types';
import type { Repositories } from '@athena/core-types';
import type { TableCounts, TransferProgress } from './transfer-options.js';
import { VerificationError } from './verification-error.js';
import type { Mismatch } from './verification-error.js';

/**
 * Reads the target back inside the transfer's transaction and compares it
 * with what the source holds: the row count of every table in the
 * transferred projects, and the checksum of every memory's content and
 * embedding. Throws {@link VerificationError} (and the transaction rolls
 * back) on any difference.
 *
 * @example
 * ```ts
 * await verifyTarget(tx, result.projectIds, { counts, checksum }, { onProgress });
 * ```
 */
export async function verifyTarget(
  tx: Repositories,
  projectIds: readonly number[],
  expected: { readonly counts: TableCounts; readonly checksum: string },
  options: { readonly onProgress: (p: TransferProgress) => void },
): Promise<void> {
  const mismatches: Mismatch[] = [];
  if (projectIds.length > 0) {
    for (const table of RECORD_TABLES) {
      const actual = await tx.records.count(table, { projectIds });
      if (actual !== expected.counts[table]) {
        mismatches.push({ what: table, expected: expected.counts[table], actual });
      }
    }
  }
  // The target hashes its own rows (PostgreSQL in SQL): the vectors need not travel back.
  const { checksum } = await tx.records.checksum({ projectIds: [...projectIds] });
  options.onProgress({
    phase: 'verify',
    table: 'memories',
    done: expected.counts.memories,
    total: expected.counts.memories,
  });
  if (checksum !== expected.checksum) {
    mismatches.push({ what: 'checksum', expected: expected.checksum, actual: checksum });
  }
  if (mismatches.length > 0) {
    throw new VerificationError(
      `the target does not match the source (${mismatches
        .map((m) => `${m.what}: expected ${m.expected}, found ${m.actual}`)
        .join('; ')}); nothing was written`,
      mismatches,
    );
  }
}
