/**
 * Counts operations started and not yet settled, so that closing can wait
 * for them: pg's `Pool.end()` never serves a request still waiting for a
 * connection, and the operation behind it would never settle.
 *
 * @example
 * ```ts
 * const operations = new InFlight();
 * const leave = operations.enter();
 * void operations.idle().then(() => console.log('idle')); // logs once leave() is called
 * leave();
 * ```
 */
export class InFlight {
  #count = 0;
  #waiters: (() => void)[] = [];

  /** One more operation; call the returned function (once) when it has settled. */
  enter(): () => void {
    this.#count += 1;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.#count -= 1;
      if (this.#count === 0) for (const wake of this.#waiters.splice(0)) wake();
    };
  }

  /** Resolves once nothing is in flight. */
  idle(): Promise<void> {
    return this.#count === 0
      ? Promise.resolve()
      : new Promise((resolve) => this.#waiters.push(resolve));
  }
}
