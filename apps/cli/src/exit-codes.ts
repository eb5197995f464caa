import { isAthenaError } from '@athena/core-types';
import type { AthenaErrorCode } from '@athena/core-types';

/**
 * The exit codes of `athena`, documented in the README. Scripts branch on
 * them: 3 means "no such thing", 4 "the input was refused", 5 "try again
 * once the database (or embedder) is up".
 */
export const EXIT = Object.freeze({
  ok: 0,
  /** Anything else: a storage or migration failure, a failed verification, failing doctor checks. */
  failure: 1,
  /** Unknown command or option, missing or malformed argument. */
  usage: 2,
  /** The project, memory, goal, task or decision does not exist. */
  notFound: 3,
  /** The store refused the input: invalid value, conflict, dimension or model mismatch, invalid transition. */
  validation: 4,
  /** The database or the embedder cannot be reached or used. */
  unavailable: 5,
});

const BY_CODE: Partial<Record<AthenaErrorCode, number>> = {
  not_found: EXIT.notFound,
  validation: EXIT.validation,
  conflict: EXIT.validation,
  dimension_mismatch: EXIT.validation,
  embedding_model_mismatch: EXIT.validation,
  invalid_transition: EXIT.validation,
  backend_unavailable: EXIT.unavailable,
  extension_unavailable: EXIT.unavailable,
  transient: EXIT.unavailable,
  embedder: EXIT.unavailable,
};

/** The exit code for an error thrown by a command. */
export function exitCodeOf(error: unknown): number {
  return isAthenaError(error) ? (BY_CODE[error.code] ?? EXIT.failure) : EXIT.failure;
}
