import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** The built package, as a consumer imports it. */
const BUILT = new URL('../dist/index.js', import.meta.url).href;
const BUILT_CJS = fileURLToPath(new URL('../dist/index.cjs', import.meta.url));

/**
 * Whether the TypeScript compiler is among the CommonJS modules a fresh
 * Node process has loaded (an ESM import of it lands in `require.cache` too),
 * right after importing the package, and after one TypeScript analysis with
 * the indexer's `options`.
 */
function compilerLoaded(
  load: string,
  options = '{}',
): { afterImport: boolean; afterAnalysis: boolean } {
  const script = `
    const { createRequire } = await import('node:module');
    const require = createRequire(import.meta.url);
    const loaded = () => Object.keys(require.cache).some((p) => /[\\\\/]typescript[\\\\/]lib[\\\\/]typescript\\.js$/.test(p));
    const { TypeScriptIndexer } = ${load};
    const afterImport = loaded();
    await new TypeScriptIndexer(${options}).analyze({ root: process.cwd(), files: [], changed: new Set(), configFiles: [] });
    console.log(JSON.stringify({ afterImport, afterAnalysis: loaded() }));
  `;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
  });
  return JSON.parse(out) as { afterImport: boolean; afterAnalysis: boolean };
}

describe('the TypeScript compiler', () => {
  it('is loaded by the first analysis on the main thread, not by importing the package (ESM)', () => {
    expect(compilerLoaded(`await import(${JSON.stringify(BUILT)})`, "{ thread: 'main' }")).toEqual({
      afterImport: false,
      afterAnalysis: true,
    });
  });

  it('is loaded by the first analysis on the main thread, not by requiring the package (CommonJS)', () => {
    expect(compilerLoaded(`require(${JSON.stringify(BUILT_CJS)})`, "{ thread: 'main' }")).toEqual({
      afterImport: false,
      afterAnalysis: true,
    });
  });

  it('stays out of the caller’s process when the analysis runs on its worker (ESM and CommonJS)', () => {
    for (const load of [
      `await import(${JSON.stringify(BUILT)})`,
      `require(${JSON.stringify(BUILT_CJS)})`,
    ]) {
      expect(compilerLoaded(load)).toEqual({ afterImport: false, afterAnalysis: false });
    }
  });
});
