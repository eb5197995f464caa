import { type AnalysisThreadOptions, analysisRunner } from './analysis-thread.js';
import type { AnalyzeInput, AnalyzeResult, LanguageIndexer } from './language-indexer.js';

/**
 * Indexes Python with tree-sitter (web-tree-sitter and the grammar of the
 * `tree-sitter-python` package): modules (named from the package layout, by
 * `__init__.py`), classes, functions, methods, decorators, module constants,
 * imports (absolute and relative, also inside functions) and calls. A call is
 * resolved by name through the import graph — a module's own definitions,
 * its imports followed through re-exports and `*`, `self`/`cls`/`super()`
 * through the project's base classes, `module.name` and `Class.method` — and
 * only when that lands on exactly one entity; anything else is recorded as
 * unresolved (calls on arbitrary objects, whose type Python does not state),
 * and calls of builtins or of modules outside the project count as external.
 *
 * @example
 * ```ts
 * const graph = new CodeGraph({ store, embedder, languages: [new PythonIndexer()] });
 * ```
 */
export class PythonIndexer implements LanguageIndexer {
  readonly language = 'python';
  readonly extensions: readonly string[] = Object.freeze(['.py', '.pyi']);
  readonly configFileNames: readonly string[] = Object.freeze([]);
  readonly #analyze: (input: AnalyzeInput) => Promise<AnalyzeResult>;

  /** `options` says where the analysis runs (a worker thread by default); see {@link AnalysisThreadOptions}. */
  constructor(options: AnalysisThreadOptions = {}) {
    this.#analyze = analysisRunner('python', options, async (input) => {
      const { analyzePython } = await import('./python-analysis.js');
      return analyzePython(input);
    });
  }

  analyze(input: AnalyzeInput): Promise<AnalyzeResult> {
    return this.#analyze(input);
  }
}
