import { type AnalysisThreadOptions, analysisRunner } from './analysis-thread.js';
import type { AnalyzeInput, AnalyzeResult, LanguageIndexer } from './language-indexer.js';

/**
 * Indexes TypeScript and JavaScript with the TypeScript compiler API. Each
 * tsconfig.json under the root (and each project it references) is one
 * program, with its `paths`, and JavaScript through `allowJs`; a file belongs
 * to the nearest tsconfig.json that includes it, files of none to a default
 * program. Calls, `new`, tagged templates and decorators are resolved through
 * the type checker, so a method call lands on the class that declares the
 * method; a call the checker cannot resolve is recorded as unresolved, and
 * one into a library is counted as external. Imports are module → module
 * edges, including the module that finally declares an imported name behind
 * re-exports and `export *`, and dynamic `import()` / `require()`.
 *
 * @example
 * ```ts
 * const graph = new CodeGraph({ store, embedder, languages: [new TypeScriptIndexer()] });
 * ```
 *
 * The analysis runs on a worker thread by default (see
 * {@link AnalysisThreadOptions}), which loads the compiler; with `thread:
 * 'main'` it is loaded on the first `analyze()`. Either way importing this
 * package does not load it: that takes about a second, which a process that
 * never indexes TypeScript (a command line that only recalls, a Python-only
 * project) should not pay.
 */
export class TypeScriptIndexer implements LanguageIndexer {
  readonly language = 'typescript';
  readonly extensions: readonly string[] = Object.freeze([
    '.ts',
    '.tsx',
    '.mts',
    '.cts',
    '.js',
    '.jsx',
    '.mjs',
    '.cjs',
  ]);
  readonly configFileNames: readonly string[] = Object.freeze(['tsconfig.json', 'jsconfig.json']);
  readonly #analyze: (input: AnalyzeInput) => Promise<AnalyzeResult>;

  /** `options` says where the analysis runs (a worker thread by default); see {@link AnalysisThreadOptions}. */
  constructor(options: AnalysisThreadOptions = {}) {
    this.#analyze = analysisRunner('typescript', options, async (input) => {
      const { analyzeTypeScript } = await import('./typescript-analysis.js');
      return analyzeTypeScript(input);
    });
  }

  analyze(input: AnalyzeInput): Promise<AnalyzeResult> {
    return this.#analyze(input);
  }
}
