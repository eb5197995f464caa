import { AthenaError } from '@athena/core-types';
import type { AthenaErrorOptions } from '@athena/core-types';

/** One way the target differs from the source after a transfer. */
export interface Mismatch {
  /** A table name, or `checksum`. */
  readonly what: string;
  readonly expected: number | string;
  readonly actual: number | string;
}

/**
 * A transfer read or wrote something other than it should have: row counts
 * or the memory checksum differ between source and target. The target's
 * transaction was rolled back, so nothing of the transfer remains. Code
 * `storage`.
 *
 * @example
 * ```ts
 * if (error instanceof VerificationError) console.error(error.mismatches);
 * ```
 */
export class VerificationError extends AthenaError {
  readonly mismatches: readonly Mismatch[];

  constructor(message: string, mismatches: readonly Mismatch[], options: AthenaErrorOptions = {}) {
    super('storage', message, { ...options, details: { mismatches, ...options.details } });
    this.mismatches = Object.freeze([...mismatches]);
  }
}
