/**
 * The sign bits (`memory_bits.bits`) of a set of memories, packed into
 * 32-bit words for Hamming scans in JavaScript. `neighbours()` gathers the
 * candidates' bits once per call and scans them here once per source: a
 * typed-array loop costs about a fifth of SQLite stepping through the rows
 * and calling `vec_bit` and `vec_distance_hamming` for every pair.
 *
 * @example
 * ```ts
 * const pool = new SignBitPool([[1, bitsOf1], [2, bitsOf2]], 96);
 * pool.nearest(bitsOf1, 1, 200); // [2]
 * ```
 */
export class SignBitPool {
  /** The memories' ids, in the order they were given. */
  readonly #ids: readonly number[];
  /** Their bits, `#width` words each, zero-padded to whole words. */
  readonly #words: Int32Array;
  readonly #width: number;

  /**
   * @param rows `[memory id, bits]` per memory, every bits value `bytes` long.
   * @param bytes The length of one memory's bits: ⌈dimension / 8⌉.
   */
  constructor(rows: readonly (readonly [number, Uint8Array])[], bytes: number) {
    this.#width = Math.ceil(bytes / 4);
    this.#ids = rows.map(([id]) => id);
    this.#words = new Int32Array(rows.length * this.#width);
    const view = new Uint8Array(this.#words.buffer);
    rows.forEach(([, bits], index) => view.set(bits, index * this.#width * 4));
  }

  /**
   * The ids of the `count` memories nearest to `bits` by Hamming distance,
   * `exclude` (the source itself) left out; of memories at the same
   * distance, those given first. Fewer when the pool holds fewer. In no
   * particular order: the caller re-scores them.
   */
  nearest(bits: Uint8Array, exclude: number, count: number): number[] {
    const width = this.#width;
    const words = this.#words;
    const ids = this.#ids;
    const query = new Int32Array(width);
    new Uint8Array(query.buffer).set(bits);
    const distances = new Uint32Array(ids.length);
    // Memories per distance (0 … width · 32), to find the cut-off distance without sorting.
    const histogram = new Uint32Array(width * 32 + 1);
    let eligible = 0;
    for (let index = 0, offset = 0; index < ids.length; index++, offset += width) {
      let distance = 0;
      for (let w = 0; w < width; w++) {
        // Population count of the differing bits (SWAR).
        let x = (words[offset + w] as number) ^ (query[w] as number);
        x -= (x >>> 1) & 0x55555555;
        x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
        distance += Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
      }
      distances[index] = distance;
      if (ids[index] !== exclude) {
        histogram[distance] = (histogram[distance] as number) + 1;
        eligible += 1;
      }
    }
    const wanted = Math.min(count, eligible);
    // The smallest distance `cut` with at least `wanted` memories at or below it.
    let cut = 0;
    let below = 0;
    while (below + (histogram[cut] as number) < wanted) {
      below += histogram[cut] as number;
      cut += 1;
    }
    let atCut = wanted - below;
    const nearest: number[] = [];
    for (let index = 0; index < ids.length && nearest.length < wanted; index++) {
      const id = ids[index] as number;
      const distance = distances[index] as number;
      if (id === exclude || distance > cut) continue;
      if (distance === cut) {
        if (atCut === 0) continue;
        atCut -= 1;
      }
      nearest.push(id);
    }
    return nearest;
  }
}
