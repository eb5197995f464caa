import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { ValidationError } from '@athena/core-types';
import type { ValidationIssue } from '@athena/core-types';
import { z } from 'zod';
import type { ConsolidationLogger } from './consolidation-logger.js';

/** Tuning of a {@link Consolidator}. Every field is optional; see {@link DEFAULT_CONSOLIDATOR_OPTIONS}. */
export interface ConsolidatorOptions {
  /**
   * Cosine similarity in [-1, 1] at or above which a memory joins a
   * neighbour's cluster (an earlier memory of its batch, or an existing
   * consolidated memory). Default 0.68 (tuned for the hashing embedder,
   * docs/consolidation-quality.md).
   */
  readonly similarityThreshold?: number;
  /**
   * Cosine similarity to the cluster's representative at or above which a
   * member is a near duplicate and is superseded by it (an identical text
   * always is). At least `similarityThreshold`. Default 0.88.
   */
  readonly duplicateThreshold?: number;
  /**
   * Memories (the representative included) a cluster needs before its
   * members are merged into one representative; smaller groups are
   * consolidated memory by memory. 2–100, default 2.
   */
  readonly minClusterSize?: number;
  /** Neighbours looked up per memory through the store's vector index, 1–100; default 10. */
  readonly neighbours?: number;
  /** Memories claimed per batch, 1–1000; default 100. */
  readonly batchSize?: number;
  /** Batches one `run()` settles at most; default `null`: until nothing is left to claim. */
  readonly maxBatches?: number | null;
  /** How long a claim lasts before another worker may take the batch over, ms; default 300 000. */
  readonly leaseMs?: number;
  /** Names this worker in claims, the transition log and run records; default `<host>-<pid>-<random>`. */
  readonly workerId?: string;
  /** Pause between passes of `start()`, ms; default 60 000. */
  readonly intervalMs?: number;
  /**
   * Minutes a recalled (labile) memory stays open for reconsolidation after
   * its last retrieval; the sweep closes older windows. Default 60.
   */
  readonly reconsolidationWindowMinutes?: number;
  /** Turn unconsolidated episodic events into lessons; default true. */
  readonly episodes?: boolean;
  /** Events read per page by the episode phase, 1–1000; default 500. */
  readonly episodeBatchSize?: number;
  /** Receives one structured line per run (and warnings); default silent. */
  readonly logger?: ConsolidationLogger;
}

/** Options with every default applied. */
export interface ResolvedConsolidatorOptions {
  readonly similarityThreshold: number;
  readonly duplicateThreshold: number;
  readonly minClusterSize: number;
  readonly neighbours: number;
  readonly batchSize: number;
  readonly maxBatches: number | null;
  readonly leaseMs: number;
  readonly workerId: string;
  readonly intervalMs: number;
  readonly reconsolidationWindowMinutes: number;
  readonly episodes: boolean;
  readonly episodeBatchSize: number;
  readonly logger: ConsolidationLogger;
}

/** The defaults of {@link ConsolidatorOptions} (`workerId` and `logger` aside). */
export const DEFAULT_CONSOLIDATOR_OPTIONS = Object.freeze({
  similarityThreshold: 0.68,
  duplicateThreshold: 0.88,
  minClusterSize: 2,
  neighbours: 10,
  batchSize: 100,
  maxBatches: null,
  leaseMs: 300_000,
  intervalMs: 60_000,
  reconsolidationWindowMinutes: 60,
  episodes: true,
  episodeBatchSize: 500,
});

const silentLogger: ConsolidationLogger = Object.freeze({
  info: () => undefined,
  warn: () => undefined,
});

const similarity = z
  .number({ error: 'must be a number' })
  .finite('must be finite')
  .min(-1, 'must be in [-1, 1]')
  .max(1, 'must be in [-1, 1]');
const int = (min: number, max: number) =>
  z
    .number({ error: 'must be a number' })
    .int('must be an integer')
    .min(min, `must be in ${min}–${max}`)
    .max(max, `must be in ${min}–${max}`);

const schema = z
  .object({
    similarityThreshold: similarity.optional(),
    duplicateThreshold: similarity.optional(),
    minClusterSize: int(2, 100).optional(),
    neighbours: int(1, 100).optional(),
    batchSize: int(1, 1000).optional(),
    maxBatches: int(1, 1_000_000).nullable().optional(),
    leaseMs: int(1_000, 86_400_000).optional(),
    workerId: z
      .string({ error: 'must be a string' })
      .trim()
      .min(1, 'must not be empty')
      .max(200, 'must be at most 200 characters')
      .optional(),
    intervalMs: int(0, 86_400_000).optional(),
    reconsolidationWindowMinutes: int(1, 525_600).optional(),
    episodes: z.boolean({ error: 'must be a boolean' }).optional(),
    episodeBatchSize: int(1, 1000).optional(),
    logger: z
      .custom<ConsolidationLogger>(
        (value) =>
          typeof value === 'object' &&
          value !== null &&
          typeof (value as ConsolidationLogger).info === 'function' &&
          typeof (value as ConsolidationLogger).warn === 'function',
        'must have info(message, fields) and warn(message, fields) methods',
      )
      .optional(),
  })
  .strict();

/** A worker id unique enough to tell processes and instances apart in claims and logs. */
export function defaultWorkerId(): string {
  return `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

/**
 * Validates options and applies the defaults; a bad option is a
 * `ValidationError` naming it (`options.similarityThreshold: must be in [-1, 1]`).
 *
 * @example
 * ```ts
 * resolveConsolidatorOptions({ batchSize: 50 }).similarityThreshold; // 0.68
 * ```
 */
export function resolveConsolidatorOptions(options: unknown): ResolvedConsolidatorOptions {
  const result = schema.safeParse(options ?? {});
  if (!result.success) {
    const issues: ValidationIssue[] = result.error.issues.map((issue) => ({
      path: ['options', ...issue.path.map(String)].join('.'),
      message: issue.message,
    }));
    throw new ValidationError(
      `invalid consolidator options: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      issues,
      { cause: result.error },
    );
  }
  const given = result.data;
  const resolved: ResolvedConsolidatorOptions = {
    ...DEFAULT_CONSOLIDATOR_OPTIONS,
    ...Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined)),
    workerId: given.workerId ?? defaultWorkerId(),
    logger: given.logger ?? silentLogger,
  };
  if (resolved.duplicateThreshold < resolved.similarityThreshold) {
    const message = `must be at least options.similarityThreshold (${resolved.similarityThreshold})`;
    throw new ValidationError(
      `invalid consolidator options: options.duplicateThreshold: ${message}`,
      [{ path: 'options.duplicateThreshold', message }],
    );
  }
  return Object.freeze(resolved);
}
