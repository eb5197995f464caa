import { CodeGraph } from '@athena/code-graph';
import { readVariable } from '@athena/core-types';
import { createConsolidator, createSummarizerFromEnv } from '@athena/consolidation';
import type { Consolidator } from '@athena/consolidation';
import { createStore, lineLogger } from '@athena/factory';
import type { SelectedStore } from '@athena/factory';
import { AthenaMemory, createEmbedderFromEnv } from '@athena/search';
import type { Embedder } from '@athena/search';

/**
 * What every tool works with, shared by all sessions of one server process:
 * the store the environment selects (opened and migrated on first use), the
 * embedder, the retrieval service, the code graph and the consolidation
 * worker (made on first use). Projects are not part
 * of it: each call resolves its own, so sessions never share one by accident.
 */
export class AthenaServices {
  #opened: Promise<{ store: SelectedStore; memory: AthenaMemory; code: CodeGraph }> | null = null;
  #embedder: Embedder | null = null;
  #consolidator: Consolidator | null = null;

  /** The embedder of `ATHENA_EMBEDDER` and friends. */
  embedder(): Embedder {
    this.#embedder ??= createEmbedderFromEnv();
    return this.#embedder;
  }

  /**
   * The consolidation worker over `store`, with the summarizer of
   * `ATHENA_LLM_URL` and friends when set (a bad value is a `ValidationError`
   * for this call only; the other tools do not need it).
   */
  consolidator(store: SelectedStore): Consolidator {
    this.#consolidator ??= createConsolidator({
      store,
      embedder: this.embedder(),
      summarizer: createSummarizerFromEnv(),
    });
    return this.#consolidator;
  }

  /** The store, the retrieval service and the code graph, opened once. */
  open(): Promise<{ store: SelectedStore; memory: AthenaMemory; code: CodeGraph }> {
    this.#opened ??= (async () => {
      // stdout carries the protocol on stdio: warnings go to stderr.
      const store = await createStore({
        logger: lineLogger((line) => process.stderr.write(`${line}\n`)),
      });
      const embedder = this.embedder();
      const maxHeapMb = readVariable(process.env, 'ATHENA_CODE_ANALYSIS_HEAP_MB');
      return {
        store,
        memory: new AthenaMemory({ store, embedder }),
        code: new CodeGraph({
          store,
          embedder,
          ...(maxHeapMb === undefined ? {} : { analysis: { maxHeapMb } }),
        }),
      };
    })();
    // A failed open (database down) is retried by the next call instead of failing forever.
    this.#opened.catch(() => {
      this.#opened = null;
    });
    return this.#opened;
  }

  /** Closes the store if it was opened. */
  async close(): Promise<void> {
    const opened = this.#opened;
    this.#opened = null;
    this.#consolidator = null;
    if (opened !== null) await (await opened.catch(() => null))?.store.close();
  }
}
