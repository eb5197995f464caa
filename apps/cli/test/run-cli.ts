import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built command, as `npx athena` runs it. */
export const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

/** What one run of the command did. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout parsed as JSON (fails the test when it is not). */
  json<T = Record<string, unknown>>(): T;
}

/**
 * Runs `node dist/main.js …args` as a subprocess with exactly `env` (plus
 * PATH and HOME: nothing of the test runner's ATHENA_* leaks in), in `cwd`,
 * with `input` on stdin.
 *
 * @example
 * ```ts
 * const run = await athena(['--json', 'init'], { env, cwd });
 * expect(run.code).toBe(0);
 * ```
 */
export function athena(
  args: readonly string[],
  options: {
    readonly env: Readonly<Record<string, string>>;
    readonly cwd: string;
    readonly input?: string;
  },
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], {
      cwd: options.cwd,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const out = Buffer.concat(stdout).toString('utf8');
      const err = Buffer.concat(stderr).toString('utf8');
      resolve({
        code: code ?? -1,
        stdout: out,
        stderr: err,
        json<T>() {
          try {
            return JSON.parse(out) as T;
          } catch {
            throw new Error(`stdout is not JSON (exit ${code}):\n${out}\nstderr:\n${err}`);
          }
        },
      });
    });
    child.stdin.end(options.input ?? '');
  });
}
