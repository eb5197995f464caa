import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const TYPEDOC_BIN = join(
  dirname(createRequire(import.meta.url).resolve('typedoc/package.json')),
  'bin',
  'typedoc',
);

/** How a TypeDoc run ended. */
export interface TypedocRun {
  /** TypeDoc exited 0: no error, and no validation warning (they count as errors). */
  readonly passed: boolean;
  /** What it printed, when asked to capture it; empty otherwise. */
  readonly output: string;
}

/**
 * Runs TypeDoc in `cwd` (where its `typedoc.json` is) in a process of its own,
 * so it can run beside API Extractor. Warnings and errors only; printed, or
 * returned with `capture`.
 *
 * @example
 * ```ts
 * const { passed } = await runTypedoc(root, ['--emit', 'none']);
 * ```
 */
export function runTypedoc(
  cwd: string,
  args: readonly string[],
  options: { readonly capture?: boolean } = {},
): Promise<TypedocRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [TYPEDOC_BIN, '--logLevel', 'Warn', ...args], {
      cwd,
      stdio: options.capture ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolvePromise({ passed: code === 0, output }));
  });
}
