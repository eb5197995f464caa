import { resolve } from 'node:path';
import { CodeGraph } from '@athena/code-graph';
import { readVariable } from '@athena/core-types';
import type { Project } from '@athena/core-types';
import { createStore, lineLogger } from '@athena/factory';
import type { CreateStoreOptions, SelectedStore } from '@athena/factory';
import { AthenaMemory, createEmbedderFromEnv, resolveProject } from '@athena/search';
import type { Embedder } from '@athena/search';
import { progressBars } from './progress.js';
import type { ProgressReporter } from './progress.js';

/** The options every command accepts. */
export interface GlobalOptions {
  /** Print the result object as JSON instead of a table. */
  readonly json?: boolean;
  /** The project, by id, name or path; default: the one at the current directory. */
  readonly project?: string;
  /** Print stack traces of errors. */
  readonly debug?: boolean;
}

/** What a command prints: the result object, and its human rendering. */
export interface Output<R> {
  readonly result: R;
  readonly human: (result: R) => string;
}

/**
 * Serialises a result object: typed arrays as plain arrays (a `Float32Array`
 * would otherwise become `{"0": …}`), instants as ISO 8601 (their `toJSON`).
 */
function replacer(_key: string, value: unknown): unknown {
  return ArrayBuffer.isView(value) && !(value instanceof DataView)
    ? Array.from(value as unknown as ArrayLike<number>)
    : value;
}

/** A result object as the JSON `--json` prints. */
export function toJson(result: unknown): string {
  return JSON.stringify(result, replacer, 2);
}

/**
 * What a command works with, opened on first use and closed once the
 * command is done: the store the environment selects, the embedder, the
 * retrieval service, the current project.
 */
export class CliContext {
  readonly options: GlobalOptions;
  readonly cwd: string;
  #store: Promise<SelectedStore> | null = null;
  #embedder: Embedder | null = null;
  readonly #closers: (() => Promise<void>)[] = [];

  constructor(options: GlobalOptions, cwd = process.cwd()) {
    this.options = options;
    this.cwd = resolve(cwd);
  }

  /** The store the environment selects, opened (and migrated) once. */
  store(options: CreateStoreOptions = {}): Promise<SelectedStore> {
    this.#store ??= this.open(options);
    return this.#store;
  }

  /** Another store, closed with the context (copy targets, unopened stores). */
  async open(options: CreateStoreOptions = {}): Promise<SelectedStore> {
    const store = await createStore({
      ...options,
      logger: lineLogger((line) => process.stderr.write(`${line}\n`)),
    });
    this.#closers.push(() => store.close());
    return store;
  }

  /** The embedder of `ATHENA_EMBEDDER` and friends. */
  embedder(): Embedder {
    this.#embedder ??= createEmbedderFromEnv();
    return this.#embedder;
  }

  /** Remember / recall / search over the store. */
  async memory(): Promise<AthenaMemory> {
    return new AthenaMemory({ store: await this.store(), embedder: this.embedder() });
  }

  /** The code graph (index, impact, search) over the store. */
  async codeGraph(): Promise<CodeGraph> {
    const maxHeapMb = readVariable(process.env, 'ATHENA_CODE_ANALYSIS_HEAP_MB');
    return new CodeGraph({
      store: await this.store(),
      embedder: this.embedder(),
      ...(maxHeapMb === undefined ? {} : { analysis: { maxHeapMb } }),
    });
  }

  /**
   * The project of `--project` (an id, a name or a path), else the one
   * created by `athena init` at the current directory.
   */
  async project(): Promise<Project> {
    const store = await this.store();
    const { project } = await resolveProject(store.projects, {
      cwd: this.cwd,
      ...(this.options.project === undefined ? {} : { project: this.options.project }),
      argument: '--project',
      hint: 'run `athena init` in the project directory, or pass --project',
    });
    return project;
  }

  /** Progress bars for a long operation: only on a terminal, never with `--json`. */
  progress(): ProgressReporter {
    return progressBars(process.stderr.isTTY === true && this.options.json !== true);
  }

  /** Prints `output`: its result as JSON with `--json`, else its human rendering. */
  print<R>(output: Output<R>, stream: NodeJS.WritableStream = process.stdout): void {
    const text = this.options.json === true ? toJson(output.result) : output.human(output.result);
    stream.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** Closes everything opened, the latest first. */
  async close(): Promise<void> {
    for (const close of this.#closers.splice(0).reverse()) await close().catch(() => undefined);
  }
}
