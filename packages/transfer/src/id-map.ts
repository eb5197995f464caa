/**
 * Old id → new id of one table, for ids that arrive in ascending order and
 * receive ascending new ids — which a transfer guarantees: it reads each
 * table by id and a store hands out growing ids. Kept as runs of
 * consecutive pairs (old, new, length), so a table copied without gaps costs
 * one run whatever its size; each gap in the old or new ids starts a run (24
 * bytes).
 *
 * @example
 * ```ts
 * const map = new IdMap();
 * map.append(10, 1);
 * map.append(11, 2);
 * map.get(11); // 2
 * map.get(12); // undefined
 * ```
 */
export class IdMap {
  // Parallel arrays of runs: old start, new start, length.
  readonly #olds: number[] = [];
  readonly #news: number[] = [];
  readonly #lengths: number[] = [];
  #size = 0;

  /** How many ids are mapped. */
  get size(): number {
    return this.#size;
  }

  /** How many runs hold them (the memory this map takes grows with runs, not ids). */
  get runs(): number {
    return this.#olds.length;
  }

  /** The largest old id mapped, or 0. */
  get lastOld(): number {
    const last = this.#olds.length - 1;
    return last < 0 ? 0 : (this.#olds[last] as number) + (this.#lengths[last] as number) - 1;
  }

  /**
   * Maps `oldId` to `newId`. Both must exceed every id appended before;
   * returns false (and maps nothing) when `oldId` does not.
   */
  append(oldId: number, newId: number): boolean {
    const last = this.#olds.length - 1;
    if (last >= 0) {
      const length = this.#lengths[last] as number;
      const oldEnd = (this.#olds[last] as number) + length;
      const newEnd = (this.#news[last] as number) + length;
      if (oldId < oldEnd) return false;
      if (newId < newEnd) throw new RangeError(`new id ${newId} does not ascend`);
      if (oldId === oldEnd && newId === newEnd) {
        this.#lengths[last] = length + 1;
        this.#size += 1;
        return true;
      }
    }
    this.#olds.push(oldId);
    this.#news.push(newId);
    this.#lengths.push(1);
    this.#size += 1;
    return true;
  }

  /** The new id of `oldId`, or undefined when it was not mapped. */
  get(oldId: number): number | undefined {
    let low = 0;
    let high = this.#olds.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const start = this.#olds[middle] as number;
      if (oldId < start) high = middle - 1;
      else if (oldId >= start + (this.#lengths[middle] as number)) low = middle + 1;
      else return (this.#news[middle] as number) + (oldId - start);
    }
    return undefined;
  }
}
