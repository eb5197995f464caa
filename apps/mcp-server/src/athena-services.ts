import { CodeGraph } from '@athena/code-graph';
import { createStore } from '@athena/factory';
import type { SelectedStore } from '@athena/factory';
import { AthenaMemory, createEmbedderFromEnv } from '@athena/search';
import type { Embedder } from '@athena/search';

/**
 * What every tool works with, shared by all sessions of one server process:
 * the store the environment selects (opened and migrated on first use), the
 * embedder, the retrieval service and the code graph. Projects are not part
 * of it: each call resolves its own, so sessions never share one by accident.
 */
export class AthenaServices {
  #opened: Promise<{ store: SelectedStore; memory: AthenaMemory; code: CodeGraph }> | null = null;
  #embedder: Embedder | null = null;

  /** The embedder of `ATHENA_EMBEDDER` and friends. */
  embedder(): Embedder {
    this.#embedder ??= createEmbedderFromEnv();
    return this.#embedder;
  }

  /** The store, the retrieval service and the code graph, opened once. */
  open(): Promise<{ store: SelectedStore; memory: AthenaMemory; code: CodeGraph }> {
    this.#opened ??= (async () => {
      // stdout carries the protocol on stdio: warnings go to stderr.
      const store = await createStore({
        logger: { warn: (message) => process.stderr.write(`${message}\n`) },
      });
      const embedder = this.embedder();
      return {
        store,
        memory: new AthenaMemory({ store, embedder }),
        code: new CodeGraph({ store, embedder }),
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
    if (opened !== null) await (await opened.catch(() => null))?.store.close();
  }
}
