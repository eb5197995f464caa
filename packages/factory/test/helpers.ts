import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh temporary directory, removed by the returned cleanup. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'athena-factory-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A loopback port nothing listens on: bound, then released. */
export async function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') return reject(new Error('no port'));
      server.close(() => resolve(address.port));
    });
  });
}

/** One warning as the logger received it. */
export interface LoggedWarning {
  readonly message: string;
  readonly meta: Record<string, unknown> | undefined;
}

/** Collects warnings instead of printing them: the messages, and each with its meta. */
export function captureWarnings(): {
  warnings: string[];
  logged: LoggedWarning[];
  logger: { warn(message: string, meta?: Record<string, unknown>): void };
} {
  const warnings: string[] = [];
  const logged: LoggedWarning[] = [];
  const warn = (message: string, meta?: Record<string, unknown>) => {
    warnings.push(message);
    logged.push({ message, meta });
  };
  return { warnings, logged, logger: { warn } };
}

/** What a `node` subprocess printed, and how it ended. */
export interface NodeRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `source` as a script of its own (`.cjs` or `.mjs`) with `node`, the
 * way an application would: from a temporary directory inside this package,
 * so `@athena/factory` resolves to the built package (`dist/`) and its
 * dependencies to the workspace's. The directory is removed afterwards.
 */
export async function runNodeScript(
  source: string,
  extension: 'cjs' | 'mjs',
  options: {
    readonly args?: readonly string[];
    readonly env?: NodeJS.ProcessEnv;
    /** Node's own flags, before the script (`--import`, …). */
    readonly nodeArgs?: readonly string[];
  } = {},
): Promise<NodeRun> {
  const dir = mkdtempSync(join(import.meta.dirname, '..', '.script-'));
  try {
    const script = join(dir, `script.${extension}`);
    writeFileSync(script, source);
    return await new Promise((resolve, reject) => {
      execFile(
        process.execPath,
        [...(options.nodeArgs ?? []), script, ...(options.args ?? [])],
        { env: options.env ?? process.env, timeout: 30_000 },
        (error, stdout, stderr) => {
          if (error !== null && typeof error.code !== 'number') return reject(error);
          resolve({ code: error === null ? 0 : (error.code as number), stdout, stderr });
        },
      );
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
