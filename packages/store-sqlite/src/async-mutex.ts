/**
 * A FIFO lock for a single connection. Synchronous statements take and
 * release it within one tick; only an open `transaction()` holds it across
 * awaits, which is what keeps other operations from interleaving into it.
 *
 * @example
 * ```ts
 * if (!mutex.tryLock()) await mutex.lock();
 * try { work(); } finally { mutex.unlock(); }
 * ```
 */
export class AsyncMutex {
  #locked = false;
  readonly #waiters: (() => void)[] = [];

  /** Whether someone holds the lock (waiters only queue while it is held). */
  get locked(): boolean {
    return this.#locked;
  }

  /** Takes the lock if it is free and nobody is waiting; never waits. */
  tryLock(): boolean {
    if (this.#locked) return false;
    this.#locked = true;
    return true;
  }

  /** Resolves once the lock is held by the caller. */
  lock(): Promise<void> {
    if (this.tryLock()) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Hands the lock to the next waiter, or frees it. */
  unlock(): void {
    const next = this.#waiters.shift();
    if (next === undefined) this.#locked = false;
    else next();
  }
}
