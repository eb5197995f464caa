import { Worker } from 'node:worker_threads';
import { ValidationError } from '@athena/core-types';
import { ANALYSIS_WORKER_URL } from './analysis-worker-url.js';
import type { IndexProblem } from './index-problem.js';
import type { AnalyzeInput, AnalyzeResult, FileIndex } from './language-indexer.js';
import type { SourceFile } from './source-file.js';

/** Where a built-in language indexer ({@link TypeScriptIndexer}, {@link PythonIndexer}) analyses. */
export interface AnalysisThreadOptions {
  /**
   * `worker` (the default): on a worker thread of the indexer's, kept warm
   * between analyses (it ends after a minute idle), so the caller's
   * event loop stays free (a server keeps answering while a repository is
   * indexed), the languages of a repository are analysed in parallel, and
   * a re-index writes finished files while the others are analysed; the
   * heap is bounded by `maxHeapMb`. `main`: in the caller's thread.
   */
  readonly thread?: 'worker' | 'main';
  /**
   * The worker's heap limit in MiB (V8's old generation), an integer in
   * 128–65536; default 1024. The TypeScript indexer holds a program and its
   * type checker while it analyses; V8 lets a heap grow far past what it
   * keeps alive unless it is bounded: indexing drizzle-orm (942 files) on
   * the main thread peaked at 1.7–2.3 GiB of memory, on a worker with this
   * default at 1.1–1.3 GiB; its analysis took 33–41 s, and 29–32 s with
   * 2048 (at 1.4–1.6 GiB). A worker that reaches the limit fails the
   * run with an {@link AnalysisWorkerError} saying so: raise the limit then
   * (the apps read `ATHENA_CODE_ANALYSIS_HEAP_MB`).
   */
  readonly maxHeapMb?: number;
}

/** The worker's heap limit when none is given, in MiB. */
export const DEFAULT_ANALYSIS_HEAP_MB = 1024;

/** An analysis worker that ran out of heap or died; the run wrote nothing it had not finished. */
export class AnalysisWorkerError extends Error {
  /** Always `AnalysisWorkerError`. */
  override readonly name = 'AnalysisWorkerError';
  /** `out_of_memory`: the worker reached `maxHeapMb`; `failed`: it threw or exited. */
  readonly reason: 'out_of_memory' | 'failed';
  constructor(reason: 'out_of_memory' | 'failed', message: string, options?: ErrorOptions) {
    super(message, options);
    this.reason = reason;
  }
}

/** What the worker is sent for each analysis. */
export interface WorkerTask {
  readonly language: 'typescript' | 'python';
  readonly root: string;
  readonly files: readonly SourceFile[];
  readonly changed: readonly string[];
  readonly configFiles: readonly string[];
}

/** What the worker posts: every finished file, then the rest of the result. */
export type WorkerMessage =
  | { readonly kind: 'file'; readonly index: FileIndex }
  | {
      readonly kind: 'done';
      readonly problems: readonly IndexProblem[];
      readonly checkerMs: number;
    };

/**
 * How a built-in indexer analyses with `options` (checked: a bad value is a
 * `ValidationError`): on its {@link AnalysisWorkers}, or with `onMainThread`.
 */
export function analysisRunner(
  language: WorkerTask['language'],
  options: AnalysisThreadOptions,
  onMainThread: (input: AnalyzeInput) => Promise<AnalyzeResult>,
): (input: AnalyzeInput) => Promise<AnalyzeResult> {
  const { thread, maxHeapMb } = checkedOptions(options);
  if (thread === 'main') return onMainThread;
  const workers = new AnalysisWorkers(language, maxHeapMb);
  return (input) => workers.analyze(input);
}

function checkedOptions(options: AnalysisThreadOptions): Required<AnalysisThreadOptions> {
  const thread = options.thread ?? 'worker';
  if (thread !== 'worker' && thread !== 'main') {
    throw new ValidationError("invalid options.thread: must be 'worker' or 'main'", [
      { path: 'options.thread', message: "must be 'worker' or 'main'" },
    ]);
  }
  const maxHeapMb = options.maxHeapMb ?? DEFAULT_ANALYSIS_HEAP_MB;
  if (!Number.isInteger(maxHeapMb) || maxHeapMb < 128 || maxHeapMb > 65_536) {
    throw new ValidationError('invalid options.maxHeapMb: must be an integer in 128–65536', [
      { path: 'options.maxHeapMb', message: 'must be an integer in 128–65536' },
    ]);
  }
  return { thread, maxHeapMb };
}

/** How long an analysis worker waits for its next task before it ends, in ms. */
export const ANALYSIS_WORKER_IDLE_MS = 60_000;

/**
 * The worker threads of one built-in indexer. A task runs on the idle
 * worker when there is one, so that a re-index soon after an index finds the
 * compiler loaded and its code optimised (drizzle-orm, the analysis of 11
 * changed files: 6.1–7.3 s on a new worker, 3.7–4.6 s on a warm one); a worker idle for
 * {@link ANALYSIS_WORKER_IDLE_MS} ends, and an idle worker never keeps the
 * process alive. A task that fails or is aborted ends its worker.
 */
export class AnalysisWorkers {
  readonly #language: WorkerTask['language'];
  readonly #maxHeapMb: number;
  #idle: { readonly worker: Worker; readonly timer: NodeJS.Timeout } | null = null;

  constructor(language: WorkerTask['language'], maxHeapMb: number) {
    this.#language = language;
    this.#maxHeapMb = maxHeapMb;
  }

  /**
   * Runs the analysis of `input` on a worker: `onFile` is called on this
   * thread as each file arrives. Aborting `input.signal` ends the worker and
   * rejects with the signal's reason.
   */
  async analyze(input: AnalyzeInput): Promise<AnalyzeResult> {
    input.signal?.throwIfAborted();
    const worker = this.#take() ?? this.#spawn();
    worker.ref();
    let result: AnalyzeResult;
    try {
      result = await this.#run(worker, input);
    } catch (error) {
      void worker.terminate();
      throw error;
    }
    this.#release(worker);
    return result;
  }

  /** The thread id of the worker waiting for the next task, if one is. */
  get idleThreadId(): number | null {
    return this.#idle?.worker.threadId ?? null;
  }

  #spawn(): Worker {
    const worker = new Worker(ANALYSIS_WORKER_URL, {
      resourceLimits: { maxOldGenerationSizeMb: this.#maxHeapMb },
      execArgv: workerExecArgv(process.execArgv),
    });
    // A worker that ends while idle (it should not) is not handed a task.
    worker.once('exit', () => {
      if (this.#idle?.worker === worker) this.#take();
    });
    return worker;
  }

  #take(): Worker | null {
    const idle = this.#idle;
    if (idle === null) return null;
    this.#idle = null;
    clearTimeout(idle.timer);
    return idle.worker;
  }

  /** Keeps `worker` for the next task, or ends it when another is kept already. */
  #release(worker: Worker): void {
    if (this.#idle !== null) {
      void worker.terminate();
      return;
    }
    worker.unref();
    // The timer lives only while this worker is the idle one (#take clears it).
    const timer = setTimeout(() => void this.#take()?.terminate(), ANALYSIS_WORKER_IDLE_MS);
    timer.unref();
    this.#idle = { worker, timer };
  }

  #run(worker: Worker, input: AnalyzeInput): Promise<AnalyzeResult> {
    const language = this.#language;
    const maxHeapMb = this.#maxHeapMb;
    const task: WorkerTask = {
      language,
      root: input.root,
      files: input.files,
      changed: [...input.changed],
      configFiles: input.configFiles,
    };
    return new Promise((resolve, reject) => {
      const files: FileIndex[] = [];
      const onMessage = (message: WorkerMessage) => {
        if (message.kind === 'file') {
          files.push(message.index);
          input.onFile?.(message.index);
          return;
        }
        settle(() => resolve({ files, problems: message.problems, checkerMs: message.checkerMs }));
      };
      const onError = (error: Error & { code?: string }) => {
        settle(() =>
          reject(
            error.code === 'ERR_WORKER_OUT_OF_MEMORY'
              ? new AnalysisWorkerError(
                  'out_of_memory',
                  `the ${language} analysis ran out of its ${maxHeapMb} MiB heap: raise the indexer's maxHeapMb option (ATHENA_CODE_ANALYSIS_HEAP_MB for athena and athena-mcp)`,
                  { cause: error },
                )
              : new AnalysisWorkerError(
                  'failed',
                  `the ${language} analysis failed: ${error.message}`,
                  {
                    cause: error,
                  },
                ),
          ),
        );
      };
      const onExit = (code: number) => {
        settle(() =>
          reject(
            new AnalysisWorkerError(
              'failed',
              `the ${language} analysis worker exited with code ${code} before it finished`,
            ),
          ),
        );
      };
      const onAbort = () => settle(() => reject(input.signal?.reason));
      const settle = (finish: () => void) => {
        worker.off('message', onMessage).off('error', onError).off('exit', onExit);
        input.signal?.removeEventListener('abort', onAbort);
        finish();
      };
      worker.on('message', onMessage).on('error', onError).on('exit', onExit);
      input.signal?.addEventListener('abort', onAbort, { once: true });
      worker.postMessage(task);
    });
  }
}

/** Options of the caller's command line that start its code (`-e`, `-p`), not a worker's. */
const SCRIPT_OPTIONS = new Set(['-e', '--eval', '-p', '--print', '--input-type']);

/**
 * The caller's Node options a worker inherits (`--import`, `--conditions`, …)
 * without those that say how the main script is given: a worker rejects
 * `--input-type`, and `-e` / `-p` with their code are the caller's alone.
 */
export function workerExecArgv(execArgv: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const option = execArgv[i] as string;
    const name = option.split('=', 1)[0] as string;
    if (!SCRIPT_OPTIONS.has(name)) {
      kept.push(option);
    } else if (name === option) {
      i += 1; // its value is the next argument
    }
  }
  return kept;
}
