import type { FileEdgeInput, FileEntityInput, UnresolvedReferenceInput } from '@athena/core-types';
import type { IndexProblem } from './index-problem.js';
import type { SourceFile } from './source-file.js';

/** An entity a language indexer found, with the text its memory is made from. */
export interface ExtractedEntity extends FileEntityInput {
  readonly qualifiedName: string;
  /** The start of the entity's source, embedded with its signature and doc comment. */
  readonly excerpt: string;
}

/** Everything one file declares and references: what `code.replaceFile()` receives. */
export interface FileIndex {
  /** Relative to the root, `/`-separated. */
  readonly filePath: string;
  readonly language: string;
  /** The file's own module entity first, every other entity after it. */
  readonly entities: readonly ExtractedEntity[];
  readonly edges: readonly FileEdgeInput[];
  readonly unresolved: readonly UnresolvedReferenceInput[];
  /** References that resolved to code outside the indexed root (a library, the standard library). */
  readonly external: number;
}

/** What a language indexer is asked to do. */
export interface AnalyzeInput {
  /** The real path of the indexed root. */
  readonly root: string;
  /** Every file of this language under the root: the context references resolve in. */
  readonly files: readonly SourceFile[];
  /** Paths of the files to produce a {@link FileIndex} for. */
  readonly changed: ReadonlySet<string>;
  /** Configuration files the scan found (by the names in `configFileNames`). */
  readonly configFiles: readonly string[];
  /** Called once per finished file. */
  readonly onFile?: (index: FileIndex) => void;
  /** Aborted when the caller no longer needs the result (another part of the run failed). */
  readonly signal?: AbortSignal;
}

/** What a language indexer returns. */
export interface AnalyzeResult {
  /** One per changed file, in any order. */
  readonly files: readonly FileIndex[];
  readonly problems: readonly IndexProblem[];
  /** Time spent resolving symbols with a type checker (0 for languages without one). */
  readonly checkerMs: number;
}

/**
 * One language. A new language is one implementation of this interface (a
 * tree-sitter one loads its grammar with `loadTreeSitterLanguage`), added to
 * the `languages` option of `CodeGraph`.
 *
 * Entities are named within their file: a module entity per file (its
 * `qualifiedName` is the module's name in the language), members qualified
 * by their owner (`Reader.run`). Edges name their target by file, qualified
 * name and type, so they resolve exactly; what cannot be resolved goes into
 * `unresolved` as written, never to a guessed entity.
 */
export interface LanguageIndexer {
  /** Stored as each entity's `language`, e.g. `typescript`. */
  readonly language: string;
  /** File extensions with the dot, e.g. `.ts`. */
  readonly extensions: readonly string[];
  /** Configuration file names the scan should hand over, e.g. `tsconfig.json`. */
  readonly configFileNames: readonly string[];
  /** Parses the files of `input` and returns their entities, resolved edges and unresolved targets. */
  analyze(input: AnalyzeInput): Promise<AnalyzeResult>;
}
