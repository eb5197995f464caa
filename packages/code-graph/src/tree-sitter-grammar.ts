import { createRequire } from 'node:module';
import { Language, Parser } from 'web-tree-sitter';

let runtime: Promise<void> | undefined;
const grammars = new Map<string, Promise<Language>>();

/**
 * Loads a tree-sitter grammar compiled to WebAssembly from an installed npm
 * package (grammar packages ship `tree-sitter-<language>.wasm` next to their
 * package.json), initialising the web-tree-sitter runtime once. Nothing is
 * downloaded: a missing package is a module-not-found error.
 *
 * @example
 * ```ts
 * const python = await loadTreeSitterGrammar('tree-sitter-python/tree-sitter-python.wasm');
 * const parser = new Parser();
 * parser.setLanguage(python);
 * ```
 */
export function loadTreeSitterGrammar(wasmModule: string): Promise<Language> {
  let grammar = grammars.get(wasmModule);
  if (grammar === undefined) {
    runtime ??= Parser.init();
    const path = createRequire(import.meta.url).resolve(wasmModule);
    grammar = runtime.then(() => Language.load(path));
    grammars.set(wasmModule, grammar);
  }
  return grammar;
}
