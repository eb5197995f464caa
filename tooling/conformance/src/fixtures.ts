/**
 * Deterministic data builders for the conformance suite: vectors whose cosine
 * to a query is known exactly, a seeded PRNG, and small helpers. Nothing here
 * touches a store, so the expected answer of every test is computed up front.
 */
import type { StoreMemoryInput } from '@athena/core-types';

/** The dimension of the store most areas use: small, so hand-built data sets stay exact. */
export const DIMENSION = 8;

/** A second dimension, for checks that the dimension is a property of the database. */
export const OTHER_DIMENSION = 16;

/** Tolerance for cosine similarities computed by a database on 32-bit floats. */
export const SIMILARITY_TOLERANCE = 1e-5;

/**
 * The unit vector along `axis`.
 *
 * @example
 * ```ts
 * unitVector(0); // [1, 0, 0, 0, 0, 0, 0, 0]
 * ```
 */
export function unitVector(axis: number, dimension = DIMENSION): number[] {
  const vector = new Array<number>(dimension).fill(0);
  vector[axis] = 1;
  return vector;
}

/** The query vector most tests search with: the first axis. */
export const QUERY = unitVector(0);

/**
 * A unit vector whose cosine similarity to `unitVector(axis)` is exactly
 * `cosine`, leaning towards `unitVector(other)` for the rest.
 *
 * @example
 * ```ts
 * atCosine(0.5); // cos(QUERY, v) = 0.5
 * ```
 */
export function atCosine(
  cosine: number,
  options: { readonly axis?: number; readonly other?: number; readonly dimension?: number } = {},
): number[] {
  const { axis = 0, other = 1, dimension = DIMENSION } = options;
  const vector = new Array<number>(dimension).fill(0);
  vector[axis] = cosine;
  vector[other] = Math.sqrt(Math.max(0, 1 - cosine * cosine));
  return vector;
}

/** Cosine similarity computed in JavaScript, on the 32-bit values a store keeps. */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i++) {
    const x = Math.fround(a[i] ?? 0);
    const y = Math.fround(b[i] ?? 0);
    dot += x * y;
    normA += x * x;
    normB += y * y;
  }
  return dot / Math.sqrt(normA * normB);
}

/**
 * A seeded PRNG (mulberry32): the same seed gives the same sequence on every
 * run and machine.
 *
 * @example
 * ```ts
 * const random = seededRandom(42);
 * random(); // a number in [0, 1)
 * ```
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A random vector with components in [-1, 1) from `random`. */
export function randomVector(random: () => number, dimension = DIMENSION): number[] {
  return Array.from({ length: dimension }, () => random() * 2 - 1);
}

/**
 * A memory input with defaults a test can override.
 *
 * @example
 * ```ts
 * await store.memories.store(project.id, memoryInput({ content: 'Use pnpm' }));
 * ```
 */
export function memoryInput(overrides: Partial<StoreMemoryInput> = {}): StoreMemoryInput {
  return { content: 'conformance memory', embedding: QUERY, ...overrides };
}

/** The value at `index`, failing the test when there is none. */
export function nth<T>(items: readonly T[], index: number): T {
  const item = items[index];
  if (item === undefined) throw new Error(`expected an item at index ${index} of ${items.length}`);
  return item;
}

/** A fixed-length tuple of `T`. */
export type Tuple<T, N extends number, R extends T[] = []> = R['length'] extends N
  ? R
  : Tuple<T, N, [T, ...R]>;

/**
 * `items` as a tuple of exactly `n` elements, failing the test otherwise, so
 * destructured values are never `undefined`.
 *
 * @example
 * ```ts
 * const [a, b] = exactly(await store.memories.storeMany(projectId, inputs), 2);
 * ```
 */
export function exactly<T, N extends number>(items: readonly T[], n: N): Tuple<T, N> {
  if (items.length !== n) throw new Error(`expected exactly ${n} items, got ${items.length}`);
  return [...items] as Tuple<T, N>;
}

/** `value`, failing the test when it is null or undefined. */
export function present<T>(value: T | null | undefined, what = 'value'): T {
  if (value === null || value === undefined) throw new Error(`expected ${what} to be present`);
  return value;
}

/** Waits so a later timestamp is strictly greater than an earlier one. */
export function pause(ms = 15): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The ids of search results or memories, in order. */
export function ids(
  rows: readonly ({ readonly id: number } | { readonly memory: { readonly id: number } })[],
): number[] {
  return rows.map((row) => ('memory' in row ? row.memory.id : row.id));
}

/** Numbers sorted ascending, for comparing sets of ids. */
export function sorted(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

/** A fixed instant plus `minutes`, for data sets with known times. */
export function minutesAfter(base: Date, minutes: number): Date {
  return new Date(base.getTime() + minutes * 60_000);
}
