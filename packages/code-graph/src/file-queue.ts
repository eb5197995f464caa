import type { FileIndex } from './language-indexer.js';

/**
 * Hands analysed files to the writer of `CodeGraph.index()` as the analyses
 * finish them: the writer takes whole batches (at least `batchSize` files or
 * `maxEntities` entities) while the analyses run, and the rest when they are
 * done. A failure on either side is given to the other.
 */
export class FileQueue {
  readonly #batchSize: number;
  readonly #maxEntities: number;
  #files: FileIndex[] = [];
  #entities = 0;
  #closed = false;
  #failure: { readonly error: unknown } | null = null;
  #wake: (() => void) | null = null;

  constructor(batchSize: number, maxEntities: number) {
    this.#batchSize = batchSize;
    this.#maxEntities = maxEntities;
  }

  /** Whether every analysis has finished (and every file has been pushed). */
  get closed(): boolean {
    return this.#closed;
  }

  push(index: FileIndex): void {
    this.#files.push(index);
    this.#entities += index.entities.length;
    this.#notify();
  }

  /** No more files will come. */
  close(): void {
    this.#closed = true;
    this.#notify();
  }

  /** Makes the waiting and every later `next()` reject with `error`. */
  fail(error: unknown): void {
    this.#failure ??= { error };
    this.#notify();
  }

  /**
   * The files waiting: once they make a batch, or whatever is left once the
   * queue is closed; `null` when it is closed and empty.
   */
  async next(): Promise<FileIndex[] | null> {
    await this.#until(
      () =>
        this.#closed ||
        this.#files.length >= this.#batchSize ||
        this.#entities >= this.#maxEntities,
    );
    if (this.#files.length === 0) return null;
    const files = this.#files;
    this.#files = [];
    this.#entities = 0;
    return files;
  }

  async #until(ready: () => boolean): Promise<void> {
    for (;;) {
      if (this.#failure !== null) throw this.#failure.error;
      if (ready()) return;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }
}
