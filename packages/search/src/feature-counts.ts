/** Slots of a fresh table; a table (and the counts) that grew for a long text go back to this size. */
const INITIAL_SLOTS = 1 << 11;

/**
 * The term frequency of each feature of one text, in first-seen order (the
 * order {@link HashingEmbedder} sums them in, so vectors stay bit-identical).
 * A feature is a string, or a non-negative integer below 2^30 (a character
 * n-gram's key): integers are counted in an open-addressing table of typed
 * arrays, since a `Map` lookup per n-gram was most of the embedder's time.
 * One instance is reused from text to text: {@link clear} empties it.
 */
export class FeatureCounts {
  /** Per slot, an integer feature plus one; 0 marks an empty slot. */
  #slots = new Int32Array(INITIAL_SLOTS);
  /** Per slot, the ordinal of its feature. */
  #slotOrdinals = new Int32Array(INITIAL_SLOTS);
  #shift = 32 - Math.log2(INITIAL_SLOTS);
  #integers = 0;
  readonly #strings = new Map<string, number>();
  readonly #features: (string | number)[] = [];
  #tf = new Int32Array(INITIAL_SLOTS);

  /** How many distinct features were added since the last {@link clear}. */
  get size(): number {
    return this.#features.length;
  }

  /** The feature first seen `ordinal`-th. */
  featureAt(ordinal: number): string | number {
    return this.#features[ordinal] as string | number;
  }

  /** How many times the feature first seen `ordinal`-th was added. */
  tfAt(ordinal: number): number {
    return this.#tf[ordinal] as number;
  }

  addString(feature: string): void {
    const ordinal = this.#strings.get(feature);
    if (ordinal === undefined) this.#strings.set(feature, this.#append(feature));
    else this.#tf[ordinal] = (this.#tf[ordinal] as number) + 1;
  }

  addInteger(key: number): void {
    const slots = this.#slots;
    const mask = slots.length - 1;
    let slot = Math.imul(key, 0x9e3779b1) >>> this.#shift;
    for (let stored = slots[slot]; stored !== 0; stored = slots[slot]) {
      if (stored === key + 1) {
        const ordinal = this.#slotOrdinals[slot] as number;
        this.#tf[ordinal] = (this.#tf[ordinal] as number) + 1;
        return;
      }
      slot = (slot + 1) & mask;
    }
    slots[slot] = key + 1;
    this.#slotOrdinals[slot] = this.#append(key);
    this.#integers += 1;
    if (this.#integers * 2 > slots.length) this.#resize(slots.length * 2);
  }

  clear(): void {
    if (this.#slots.length > INITIAL_SLOTS) this.#resize(INITIAL_SLOTS, false);
    else this.#slots.fill(0);
    if (this.#tf.length > INITIAL_SLOTS) this.#tf = new Int32Array(INITIAL_SLOTS);
    this.#integers = 0;
    this.#strings.clear();
    this.#features.length = 0;
  }

  #append(feature: string | number): number {
    const ordinal = this.#features.length;
    this.#features.push(feature);
    if (ordinal === this.#tf.length) {
      const tf = new Int32Array(ordinal * 2);
      tf.set(this.#tf);
      this.#tf = tf;
    }
    this.#tf[ordinal] = 1;
    return ordinal;
  }

  /** A table of `size` slots, holding the current integers unless `keep` is false. */
  #resize(size: number, keep = true): void {
    const old = this.#slots;
    const oldOrdinals = this.#slotOrdinals;
    this.#slots = new Int32Array(size);
    this.#slotOrdinals = new Int32Array(size);
    this.#shift = 32 - Math.log2(size);
    if (!keep) return;
    const mask = size - 1;
    for (let i = 0; i < old.length; i++) {
      const stored = old[i] as number;
      if (stored === 0) continue;
      let slot = Math.imul(stored - 1, 0x9e3779b1) >>> this.#shift;
      while (this.#slots[slot] !== 0) slot = (slot + 1) & mask;
      this.#slots[slot] = stored;
      this.#slotOrdinals[slot] = oldOrdinals[i] as number;
    }
  }
}
