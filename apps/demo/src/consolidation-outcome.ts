/**
 * What a consolidation pass left in the store, reduced to what the scores
 * need: which memory each note became, who superseded whom, and the typed
 * links between memories. Read back through the store contract by the
 * evaluation; kept as plain data here so the scoring stays pure.
 */

/** One link between two memories, as the store lists it. */
export interface OutcomeLink {
  readonly from: number;
  readonly to: number;
  readonly type: string;
}

/** A consolidation pass's result over a labelled note set. */
export interface ConsolidationOutcome {
  /** The memory id each note was stored as. */
  readonly noteMemory: ReadonlyMap<string, number>;
  /** Superseded memory id → the memory that superseded it. */
  readonly supersededBy: ReadonlyMap<number, number>;
  readonly links: readonly OutcomeLink[];
}

/** Link types that put two memories into one cluster (a contradiction does not). */
export const CLUSTER_LINK_TYPES: ReadonlySet<string> = new Set(['reinforces', 'extends']);

/**
 * The memory that finally stands for `memory`: its `supersededBy` chain
 * followed to the end (a cycle, which a store must never produce, throws).
 *
 * @example
 * ```ts
 * finalSuccessor(new Map([[1, 2], [2, 3]]), 1); // 3
 * ```
 */
export function finalSuccessor(supersededBy: ReadonlyMap<number, number>, memory: number): number {
  const seen = new Set<number>();
  let current = memory;
  for (let next = supersededBy.get(current); next !== undefined; next = supersededBy.get(current)) {
    if (seen.has(current)) throw new RangeError(`supersede cycle through memory ${memory}`);
    seen.add(current);
    current = next;
  }
  return current;
}

/**
 * Note id → predicted cluster label: notes whose memories are joined by a
 * supersede or a clustering link (`reinforces`, `extends`), directly or
 * through memories that are not notes (a consolidated representative), are
 * one cluster.
 *
 * @example
 * ```ts
 * predictedClusters({
 *   noteMemory: new Map([['a', 1], ['b', 2], ['c', 3]]),
 *   supersededBy: new Map([[2, 9]]),
 *   links: [{ from: 1, to: 9, type: 'reinforces' }],
 * }); // a and b share a label, c has its own
 * ```
 */
export function predictedClusters(outcome: ConsolidationOutcome): Map<string, string> {
  const parent = new Map<number, number>();
  const find = (x: number): number => {
    let root = x;
    for (let p = parent.get(root); p !== undefined && p !== root; p = parent.get(root)) root = p;
    for (let node = x; node !== root;) {
      const next = parent.get(node) ?? root;
      parent.set(node, root);
      node = next;
    }
    return root;
  };
  const union = (a: number, b: number) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(ra, rb);
  };
  for (const [from, to] of outcome.supersededBy) union(from, to);
  for (const link of outcome.links) {
    if (CLUSTER_LINK_TYPES.has(link.type)) union(link.from, link.to);
  }
  return new Map(
    [...outcome.noteMemory].map(([note, memory]) => [note, `m${find(memory)}`] as const),
  );
}

/**
 * Final memory id → the notes it stands for (a note whose memory was never
 * superseded stands for itself).
 */
export function representedNotes(outcome: ConsolidationOutcome): Map<number, string[]> {
  const represented = new Map<number, string[]>();
  for (const [note, memory] of outcome.noteMemory) {
    const final = finalSuccessor(outcome.supersededBy, memory);
    const notes = represented.get(final);
    if (notes === undefined) represented.set(final, [note]);
    else notes.push(note);
  }
  return represented;
}
