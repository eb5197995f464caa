/** A readable text file found under the indexed root. */
export interface SourceFile {
  /** Relative to the root, with `/` separators: the `filePath` stored for its entities. */
  readonly path: string;
  readonly absolutePath: string;
  readonly text: string;
  /** {@link contentHash} of `text`. */
  readonly hash: string;
}
