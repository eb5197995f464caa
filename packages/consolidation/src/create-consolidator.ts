import { parseId, ValidationError } from '@athena/core-types';
import type { ConsolidationRun, ConsolidationRunInput, Embedder, Store } from '@athena/core-types';
import { closeExpiredWindows } from './close-expired-windows.js';
import { consolidateBatch } from './consolidate-batch.js';
import type { LogMark, WorkerContext } from './consolidate-batch.js';
import { consolidateEpisodes } from './consolidate-episodes.js';
import { resolveConsolidatorOptions } from './consolidator-options.js';
import type { ConsolidatorOptions, ResolvedConsolidatorOptions } from './consolidator-options.js';
import { reconsolidate } from './reconsolidate.js';
import type { ReconsolidateInput, ReconsolidationResult } from './reconsolidate.js';
import { retryTransient } from './retry-transient.js';
import type { Summarizer } from './summarizer.js';

/** What {@link createConsolidator} takes. */
export interface CreateConsolidatorInput {
  readonly store: Store;
  /** Embeds summaries and lessons; its dimension must be the store's. */
  readonly embedder: Embedder;
  /** The optional slow path; without it every cluster keeps its heuristic representative. */
  readonly summarizer?: Summarizer | null;
  readonly options?: ConsolidatorOptions;
}

/** Options of one `run()`. */
export interface RunOptions {
  readonly projectId: number;
  /** Overrides `options.maxBatches` for this run. */
  readonly maxBatches?: number | null;
  /** Stops between batches when aborted; the run record is still stored. */
  readonly signal?: AbortSignal;
}

/** Options of `start()`. */
export interface StartOptions {
  /** The projects each pass consolidates; default every project of the store, listed anew each pass. */
  readonly projectIds?: readonly number[];
}

/** A consolidation worker bound to one store. */
export interface Consolidator {
  /** The options in force, defaults applied. */
  readonly options: ResolvedConsolidatorOptions;
  /** Whether the `start()` loop is running. */
  readonly running: boolean;
  /**
   * One pass over a project: release expired claims, close expired
   * reconsolidation windows, turn episodes into lessons, then claim and
   * settle batches until none is left (or `maxBatches`). Stores and returns
   * the run record. Transient store failures (SQLite's write lock held by
   * another connection past its busy timeout, a deadlock) are retried with
   * bounded, jittered backoff. A batch that still fails is released (its
   * memories go back to `unconsolidated`), counted in `errors`, and ends the
   * pass. Never rejects once the options are valid: a run record that cannot
   * be stored is logged, counted in `errors` and returned with `id` 0.
   */
  run(options: RunOptions): Promise<ConsolidationRun>;
  /** Updates a recalled memory inside its window (see `reconsolidate`). */
  reconsolidate(input: ReconsolidateInput): Promise<ReconsolidationResult>;
  /** Starts the loop: a pass over every project, a pause of `intervalMs`, again. */
  start(options?: StartOptions): void;
  /** Ends the loop after the current batch; resolves once the worker is idle. */
  stop(): Promise<void>;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

class Worker implements Consolidator {
  readonly options: ResolvedConsolidatorOptions;
  readonly #ctx: WorkerContext;
  #loop: Promise<void> | null = null;
  #abort: AbortController | null = null;

  constructor(ctx: WorkerContext) {
    this.#ctx = ctx;
    this.options = ctx.options;
  }

  get running(): boolean {
    return this.#loop !== null;
  }

  async run(runOptions: RunOptions): Promise<ConsolidationRun> {
    if (typeof runOptions !== 'object' || runOptions === null) {
      throw new ValidationError('invalid run options: must be an object', [
        { path: 'options', message: 'must be an object' },
      ]);
    }
    const projectId = parseId(runOptions.projectId, 'options.projectId');
    const maxBatches =
      runOptions.maxBatches === undefined ? this.options.maxBatches : runOptions.maxBatches;
    if (maxBatches !== null && (!Number.isInteger(maxBatches) || maxBatches < 1)) {
      throw new ValidationError(
        'invalid run options: options.maxBatches must be a positive integer or null',
        [{ path: 'options.maxBatches', message: 'must be a positive integer or null' }],
      );
    }
    const { store, options } = this.#ctx;
    if (this.#ctx.embedder.dimension !== store.embeddingDimension) {
      throw new ValidationError(
        `invalid embedder: its dimension ${this.#ctx.embedder.dimension} is not the store's ${store.embeddingDimension}`,
        [{ path: 'embedder.dimension', message: `must be ${store.embeddingDimension}` }],
      );
    }
    const startedAt = new Date();
    const phases: Record<string, number> = {};
    const timed = async <T>(phase: string, work: () => Promise<T>): Promise<T> => {
      const start = performance.now();
      try {
        return await work();
      } finally {
        phases[phase] = (phases[phase] ?? 0) + (performance.now() - start);
      }
    };
    const counts = {
      claimed: 0,
      clusters: 0,
      created: 0,
      superseded: 0,
      linked: 0,
      episodes: 0,
      released: 0,
      closed: 0,
      fallbacks: 0,
      errors: 0,
    };
    let error: string | null = null;
    const fail = (phase: string, cause: unknown) => {
      counts.errors += 1;
      error = `${phase}: ${errorMessage(cause)}`;
      options.logger.warn('consolidation phase failed', {
        workerId: options.workerId,
        projectId,
        phase,
        error: errorMessage(cause),
      });
    };
    // Contention (SQLite's single writer, a PostgreSQL deadlock) is retried
    // with backoff; only a failure that outlasts the retries is counted.
    const retrying = <T>(phase: string, work: () => Promise<T>): Promise<T> =>
      retryTransient(work, (cause, attempt) =>
        options.logger.warn('transient store failure; retrying', {
          workerId: options.workerId,
          projectId,
          phase,
          attempt,
          error: errorMessage(cause),
        }),
      );
    try {
      counts.released = await timed('release', () =>
        retrying('release', () => store.consolidation.releaseExpired(projectId)),
      );
      counts.closed = await timed('sweep', () =>
        retrying('sweep', () =>
          closeExpiredWindows(store, projectId, {
            windowMinutes: options.reconsolidationWindowMinutes,
            actor: options.workerId,
          }),
        ),
      );
      if (options.episodes) {
        const episodes = await timed('episodes', () =>
          retrying('episodes', () => consolidateEpisodes(this.#ctx, projectId)),
        );
        counts.created += episodes.created;
        counts.episodes += episodes.episodes;
        counts.fallbacks += episodes.fallbacks;
      }
    } catch (cause) {
      fail('prepare', cause);
    }
    let batches = 0;
    const mark: LogMark = { position: null };
    while (error === null && (maxBatches === null || batches < maxBatches)) {
      if (runOptions.signal?.aborted === true) break;
      const batch = await timed('claim', () =>
        retrying('claim', () =>
          store.consolidation.claimBatch(projectId, {
            worker: options.workerId,
            limit: options.batchSize,
            leaseMs: options.leaseMs,
          }),
        ),
      ).catch((cause: unknown) => {
        fail('claim', cause);
        return null;
      });
      if (batch === null || batch.length === 0) break;
      batches += 1;
      counts.claimed += batch.length;
      try {
        const outcome = await consolidateBatch(this.#ctx, projectId, batch, mark, retrying);
        phases['search'] = (phases['search'] ?? 0) + outcome.searchMs;
        phases['summarize'] = (phases['summarize'] ?? 0) + outcome.summarizeMs;
        phases['settle'] = (phases['settle'] ?? 0) + outcome.settleMs;
        counts.clusters += outcome.clusters;
        counts.created += outcome.created;
        counts.superseded += outcome.superseded;
        counts.linked += outcome.linked;
        counts.fallbacks += outcome.fallbacks;
      } catch (cause) {
        fail('settle', cause);
        await retrying('release claim', () =>
          this.#release(
            projectId,
            batch.map((m) => m.id),
          ),
        ).catch((releaseError: unknown) => fail('release claim', releaseError));
      }
    }
    const record = (): ConsolidationRunInput => ({
      workerId: options.workerId,
      startedAt,
      finishedAt: new Date(),
      ...counts,
      error,
      phases: Object.fromEntries(
        Object.entries(phases).map(([phase, ms]) => [phase, Math.round(ms * 1000) / 1000]),
      ),
    });
    // A run record that cannot be written is counted and logged, never
    // thrown: the pass's work is committed and its claims are settled.
    const run: ConsolidationRun = await retrying('record run', () =>
      store.consolidation.recordRun(projectId, record()),
    ).catch((cause: unknown) => {
      fail('record run', cause);
      return { ...record(), id: 0, projectId };
    });
    const finishedAt = run.finishedAt;
    options.logger.info('consolidation run', {
      runId: run.id,
      projectId,
      workerId: run.workerId,
      durationMs: finishedAt.getTime() - startedAt.getTime(),
      claimed: run.claimed,
      clusters: run.clusters,
      created: run.created,
      superseded: run.superseded,
      linked: run.linked,
      episodes: run.episodes,
      released: run.released,
      closed: run.closed,
      fallbacks: run.fallbacks,
      errors: run.errors,
      error: run.error,
      phases: run.phases,
    });
    return run;
  }

  /** Gives a failed batch back: whatever this worker still holds returns to `unconsolidated`. */
  async #release(projectId: number, ids: readonly number[]): Promise<void> {
    const { store, options } = this.#ctx;
    await store.transaction(async (tx) => {
      const current = await tx.memories.getMany(projectId, ids);
      const mine = current.filter(
        (m) => m.consolidationState === 'consolidating' && m.claimedBy === options.workerId,
      );
      await tx.consolidation.transitionMany(
        projectId,
        mine.map((m) => ({ memoryId: m.id, to: 'unconsolidated' as const })),
        { actor: options.workerId, reason: 'batch failed' },
      );
    });
  }

  reconsolidate(input: ReconsolidateInput): Promise<ReconsolidationResult> {
    return reconsolidate(this.#ctx, input);
  }

  start(startOptions: StartOptions = {}): void {
    if (this.#loop !== null) return;
    const projectIds =
      startOptions.projectIds === undefined
        ? undefined
        : startOptions.projectIds.map((id, i) => parseId(id, `options.projectIds[${i}]`));
    const abort = new AbortController();
    this.#abort = abort;
    this.#loop = this.#runLoop(abort.signal, projectIds).finally(() => {
      this.#loop = null;
      this.#abort = null;
    });
  }

  async #runLoop(signal: AbortSignal, projectIds: readonly number[] | undefined): Promise<void> {
    const { store, options } = this.#ctx;
    while (!signal.aborted) {
      try {
        const ids = projectIds ?? (await store.projects.list()).map((p) => p.id);
        for (const projectId of ids) {
          if (signal.aborted) break;
          await this.run({ projectId, signal });
        }
      } catch (cause) {
        options.logger.warn('consolidation pass failed', {
          workerId: options.workerId,
          error: errorMessage(cause),
        });
      }
      await sleep(options.intervalMs, signal);
    }
  }

  async stop(): Promise<void> {
    this.#abort?.abort();
    await this.#loop;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Creates a consolidation worker over a store. Options are validated here
 * (a bad one is a `ValidationError` naming it); nothing runs until `run()`
 * or `start()`.
 *
 * @example
 * ```ts
 * const consolidator = createConsolidator({ store, embedder: new HashingEmbedder({ dimension: 384 }) });
 * const run = await consolidator.run({ projectId: project.id });
 * console.log(run.claimed, run.clusters, run.superseded);
 * ```
 */
export function createConsolidator(input: CreateConsolidatorInput): Consolidator {
  if (typeof input !== 'object' || input === null) {
    throw new ValidationError('invalid consolidator input: must be an object', [
      { path: 'input', message: 'must be an object' },
    ]);
  }
  const { store, embedder, summarizer } = input;
  const issues: { path: string; message: string }[] = [];
  if (typeof store !== 'object' || store === null || typeof store.transaction !== 'function') {
    issues.push({ path: 'store', message: 'must be an Athena Store' });
  }
  if (
    typeof embedder !== 'object' ||
    embedder === null ||
    typeof embedder.embed !== 'function' ||
    !Number.isInteger(embedder.dimension)
  ) {
    issues.push({ path: 'embedder', message: 'must be an Embedder' });
  }
  if (
    summarizer !== undefined &&
    summarizer !== null &&
    (typeof summarizer.summarizeCluster !== 'function' ||
      typeof summarizer.summarizeEpisodes !== 'function')
  ) {
    issues.push({ path: 'summarizer', message: 'must be a Summarizer' });
  }
  if (issues.length > 0) {
    throw new ValidationError(
      `invalid consolidator input: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      issues,
    );
  }
  const options = resolveConsolidatorOptions(input.options);
  return new Worker(Object.freeze({ store, embedder, summarizer: summarizer ?? null, options }));
}
