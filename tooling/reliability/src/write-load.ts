import { expect } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { isAthenaError } from '@athena/core-types';
import type { Store } from '@athena/core-types';

/** One write a writer attempted: its contents (one memory, or a batch) and whether it resolved. */
export interface Attempt {
  readonly contents: readonly string[];
  readonly acknowledged: boolean;
}

/** What a write load saw: every attempt, and its failures by Athena error code. */
export interface LoadOutcome {
  readonly attempts: readonly Attempt[];
  /** Failures by `code`; an error that is no Athena error counts as `untyped`. */
  readonly errors: Readonly<Record<string, number>>;
  /** The errors that were no Athena error, to show when there are any. */
  readonly untyped: readonly unknown[];
  /** The longest time a failing operation took to fail, in ms. */
  readonly maxFailureMs: number;
}

/** A running write load; `stop()` lets each writer finish its operation and returns what they saw. */
export interface WriteLoad {
  stop(): Promise<LoadOutcome>;
}

/** A vector of `dimension` numbers derived from `seed`, never all zero. */
export function embeddingFor(seed: number, dimension: number): number[] {
  return Array.from({ length: dimension }, (_, index) => Math.sin(seed * 7.31 + index) + 1.01);
}

/**
 * Starts `writers` concurrent loops storing memories with unique contents
 * (`<prefix>w<writer>-<n>`): one memory per operation, and every fifth
 * operation a `storeMany` of four. A writer that failed pauses briefly, so a
 * refusing server is not hammered.
 *
 * @example
 * ```ts
 * const load = startWriteLoad(store, project.id, { writers: 8, prefix: 'restart-', dimension: 8 });
 * await sleep(2_000);
 * const outcome = await load.stop();
 * ```
 */
export function startWriteLoad(
  store: Store,
  projectId: number,
  options: { readonly writers: number; readonly prefix: string; readonly dimension: number },
): WriteLoad {
  const attempts: Attempt[] = [];
  const errors: Record<string, number> = {};
  const untyped: unknown[] = [];
  let maxFailureMs = 0;
  let stopped = false;
  const writer = async (index: number) => {
    for (let n = 0; !stopped; n++) {
      const contents =
        n % 5 === 4
          ? [0, 1, 2, 3].map((k) => `${options.prefix}w${index}-${n}-${k}`)
          : [`${options.prefix}w${index}-${n}`];
      const inputs = contents.map((content, k) => ({
        content,
        embedding: embeddingFor(index * 1_000_003 + n * 5 + k, options.dimension),
      }));
      const started = performance.now();
      try {
        const [first] = inputs;
        if (inputs.length === 1 && first !== undefined)
          await store.memories.store(projectId, first);
        else await store.memories.storeMany(projectId, inputs);
        attempts.push({ contents, acknowledged: true });
      } catch (error) {
        maxFailureMs = Math.max(maxFailureMs, performance.now() - started);
        attempts.push({ contents, acknowledged: false });
        const code = isAthenaError(error) ? error.code : 'untyped';
        errors[code] = (errors[code] ?? 0) + 1;
        if (code === 'untyped') untyped.push(error);
        await sleep(50);
      }
    }
  };
  const running = Array.from({ length: options.writers }, (_, index) => writer(index));
  return {
    stop: async () => {
      stopped = true;
      await Promise.all(running);
      return { attempts, errors, untyped, maxFailureMs: Math.round(maxFailureMs) };
    },
  };
}

/** How the attempted writes compare with what the database holds. */
export interface Tally {
  readonly attempted: number;
  readonly acknowledged: number;
  /** Acknowledged writes present exactly once. */
  readonly present: number;
  /** Acknowledged writes missing. */
  readonly lost: number;
  /** Contents stored more than once (any write, acknowledged or not). */
  readonly duplicated: number;
  /** Writes that failed and yet took effect (allowed: a broken COMMIT may have applied). */
  readonly unacknowledgedApplied: number;
  /** Operations of which some but not all memories are stored. */
  readonly partial: number;
}

/**
 * Compares the attempts with the number of rows per content in the
 * database (`counts`): every memory of an operation counts once.
 *
 * @example
 * ```ts
 * const tally = tallyWrites(outcome.attempts, new Map([['w0-0', 1]]));
 * tally.lost; // 0
 * ```
 */
export function tallyWrites(
  attempts: readonly Attempt[],
  counts: ReadonlyMap<string, number>,
): Tally {
  let attempted = 0;
  let acknowledged = 0;
  let present = 0;
  let lost = 0;
  let unacknowledgedApplied = 0;
  let partial = 0;
  for (const attempt of attempts) {
    const stored = attempt.contents.filter((content) => (counts.get(content) ?? 0) > 0).length;
    attempted += attempt.contents.length;
    if (stored !== 0 && stored !== attempt.contents.length) partial += 1;
    if (!attempt.acknowledged) {
      unacknowledgedApplied += stored;
      continue;
    }
    acknowledged += attempt.contents.length;
    for (const content of attempt.contents) {
      const count = counts.get(content) ?? 0;
      if (count === 1) present += 1;
      if (count === 0) lost += 1;
    }
  }
  const duplicated = [...counts.values()].filter((count) => count > 1).length;
  return { attempted, acknowledged, present, lost, duplicated, unacknowledgedApplied, partial };
}

/**
 * The invariant of every fault scenario: some writes were acknowledged, and
 * each acknowledged write is stored exactly once; nothing is stored twice
 * and no operation is stored in part.
 *
 * @example
 * ```ts
 * expectEveryAcknowledgedWriteOnce(tallyWrites(outcome.attempts, counts));
 * ```
 */
export function expectEveryAcknowledgedWriteOnce(tally: Tally): void {
  expect(tally.acknowledged).toBeGreaterThan(0);
  expect(tally).toMatchObject({
    lost: 0,
    duplicated: 0,
    partial: 0,
    present: tally.acknowledged,
  });
}
