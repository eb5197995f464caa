import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ConsolidationRun } from '@athena/core-types';
import type { ConsolidatorOptions } from '../../src/index.js';
import type { StoreLocation } from './backends.js';

const SCRIPT = fileURLToPath(new URL('./worker-process.mjs', import.meta.url));

/** A worker process, started and waiting for `go()`. */
export interface WorkerProcess {
  readonly child: ChildProcessWithoutNullStreams;
  /** Resolves when the process printed `line`. */
  printed(line: string): Promise<void>;
  /** Lets the worker start its pass. */
  go(): void;
  /** Resolves with the run record the worker printed when it exits normally. */
  result(): Promise<ConsolidationRun>;
  /** Resolves once the process has exited. */
  exited(): Promise<void>;
}

/**
 * Starts `worker-process.mjs` on the database at `location` and waits until
 * it has opened the store.
 *
 * @example
 * ```ts
 * const worker = await spawnWorker({ location, projectId, options: { workerId: 'a' }, mode: 'run' });
 * worker.go();
 * const run = await worker.result();
 * ```
 */
export async function spawnWorker(config: {
  readonly location: StoreLocation;
  readonly projectId: number;
  readonly options: ConsolidatorOptions;
  readonly mode: 'run' | 'hang';
  /** Test embedder and a slow local summarizer instead of the hashing embedder alone. */
  readonly slowPath?: boolean;
}): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [SCRIPT, JSON.stringify(config)], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: { line: string; resolve: () => void }[] = [];
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    for (const waiter of [...waiters]) {
      if (stdout.split('\n').includes(waiter.line)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const printed = (line: string) =>
    new Promise<void>((resolve, reject) => {
      if (stdout.split('\n').includes(line)) return resolve();
      waiters.push({ line, resolve });
      void exit.then((code) =>
        reject(new Error(`worker exited (${String(code)}) before printing ${line}: ${stderr}`)),
      );
    });
  await printed('ready');
  return {
    child,
    printed,
    go: () => child.stdin.write('go\n'),
    exited: async () => {
      await exit;
    },
    result: async () => {
      const code = await exit;
      if (code !== 0) throw new Error(`worker exited with ${String(code)}: ${stderr}`);
      const last = stdout.trim().split('\n').at(-1) ?? '';
      return JSON.parse(last) as ConsolidationRun;
    },
  };
}
