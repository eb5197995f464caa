/** Why a file, or part of one, was not indexed. */
export type IndexProblemKind =
  /** The file could not be read (permissions, vanished while scanning). */
  | 'unreadable'
  /** The file holds NUL bytes or is not valid UTF-8. */
  | 'binary'
  /** The file is larger than `maxFileBytes`. */
  | 'too_large'
  /** A symbolic link leads back into a directory already being scanned. */
  | 'symlink_loop'
  /** A path (given, or behind a symbolic link) lies outside the indexed root. */
  | 'outside_root'
  /** The file has syntax errors: what parses is indexed, the rest is reported. */
  | 'syntax'
  /** A project configuration (tsconfig.json) could not be read or parsed. */
  | 'config';

/** Every {@link IndexProblemKind}. */
export const INDEX_PROBLEM_KINDS: readonly IndexProblemKind[] = Object.freeze([
  'unreadable',
  'binary',
  'too_large',
  'symlink_loop',
  'outside_root',
  'syntax',
  'config',
]);

/** One problem met while indexing; none of them stops the run. */
export interface IndexProblem {
  readonly kind: IndexProblemKind;
  /** Relative to the indexed root (as given when it lies outside it). */
  readonly path: string;
  readonly message: string;
  /** 1-based, when the problem has a place in the file. */
  readonly line?: number;
}
