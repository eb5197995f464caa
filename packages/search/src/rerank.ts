import { ValidationError } from '@athena/core-types';
import type { Memory } from '@athena/core-types';

/** How recall re-ranks fused results by recency and usefulness. */
export interface RerankSettings {
  /** Weight of recency, ≥ 0; default 0 (off). */
  readonly recencyWeight?: number;
  /** Weight of the memory's `usefulnessScore`, ≥ 0; default 0 (off). */
  readonly usefulnessWeight?: number;
  /** Age at which recency falls to 0.5; default 30 days. */
  readonly halfLifeDays?: number;
}

/** {@link RerankSettings} with every default applied. */
export interface ResolvedRerank {
  readonly recencyWeight: number;
  readonly usefulnessWeight: number;
  readonly halfLifeDays: number;
}

/**
 * Re-ranking is off by default: recall returns the store's fused order
 * unchanged until you opt in. A reasonable start is `{ recencyWeight: 0.1,
 * usefulnessWeight: 0.1 }`, which lets recency and usefulness break near-ties
 * without overriding relevance.
 */
export const DEFAULT_RERANK: ResolvedRerank = Object.freeze({
  recencyWeight: 0,
  usefulnessWeight: 0,
  halfLifeDays: 30,
});

const DAY_MS = 86_400_000;

/** The re-ranking terms of one result, kept for its explanation. */
export interface RerankBreakdown {
  /** The fused score divided by the best fused score of the candidates, in [0, 1]. */
  readonly relevance: number;
  /** `2^(−age / halfLife)` = exp(−ln 2 · age / halfLife), in (0, 1]. */
  readonly recency: number;
  /** The memory's `usefulnessScore`, in [0, 1]. */
  readonly usefulness: number;
  /** Days since the memory was created (0 for a future `createdAt`). */
  readonly ageDays: number;
  readonly weights: {
    readonly relevance: number;
    readonly recency: number;
    readonly usefulness: number;
  };
  readonly halfLifeDays: number;
  /** relevance·(1 − wr − wu) + wr·recency + wu·usefulness. */
  readonly final: number;
}

/**
 * Checks re-ranking settings and fills defaults. The two weights must sum to
 * less than 1 so that relevance always counts.
 *
 * @example
 * ```ts
 * resolveRerank({ recencyWeight: 0.1 }); // { recencyWeight: 0.1, usefulnessWeight: 0, halfLifeDays: 30 }
 * ```
 */
export function resolveRerank(
  settings: RerankSettings = {},
  base = DEFAULT_RERANK,
): ResolvedRerank {
  const recencyWeight = settings.recencyWeight ?? base.recencyWeight;
  const usefulnessWeight = settings.usefulnessWeight ?? base.usefulnessWeight;
  const halfLifeDays = settings.halfLifeDays ?? base.halfLifeDays;
  const issues: { path: string; message: string }[] = [];
  for (const [path, value] of [
    ['rerank.recencyWeight', recencyWeight],
    ['rerank.usefulnessWeight', usefulnessWeight],
  ] as const) {
    if (!Number.isFinite(value) || value < 0)
      issues.push({ path, message: 'must be a number ≥ 0' });
  }
  if (issues.length === 0 && recencyWeight + usefulnessWeight >= 1) {
    issues.push({ path: 'rerank', message: 'recencyWeight + usefulnessWeight must be < 1' });
  }
  if (!Number.isFinite(halfLifeDays) || halfLifeDays <= 0) {
    issues.push({ path: 'rerank.halfLifeDays', message: 'must be a number > 0' });
  }
  if (issues.length > 0) {
    const summary = issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
    throw new ValidationError(`invalid rerank settings: ${summary}`, issues);
  }
  return Object.freeze({ recencyWeight, usefulnessWeight, halfLifeDays });
}

/** Whether `settings` change the order at all. */
export function isRerankActive(settings: ResolvedRerank): boolean {
  return settings.recencyWeight + settings.usefulnessWeight > 0;
}

/**
 * Scores one result. Fused scores are divided by the best fused score first,
 * so weighted fusion (scores near 1) and RRF (scores near 1/61) mix with
 * recency and usefulness on the same [0, 1] scale.
 *
 * @example
 * ```ts
 * const terms = rerankTerms(memory, 0.42, 0.6, now, resolveRerank({ recencyWeight: 0.1 }));
 * terms.final;
 * ```
 */
export function rerankTerms(
  memory: Pick<Memory, 'createdAt' | 'usefulnessScore'>,
  fused: number,
  bestFused: number,
  now: Date,
  settings: ResolvedRerank,
): RerankBreakdown {
  const relevance = bestFused > 0 ? Math.max(0, fused) / bestFused : 0;
  const ageDays = Math.max(0, now.getTime() - memory.createdAt.getTime()) / DAY_MS;
  const recency = 2 ** (-ageDays / settings.halfLifeDays);
  const usefulness = memory.usefulnessScore;
  const weights = {
    relevance: 1 - settings.recencyWeight - settings.usefulnessWeight,
    recency: settings.recencyWeight,
    usefulness: settings.usefulnessWeight,
  };
  const final =
    weights.relevance * relevance + weights.recency * recency + weights.usefulness * usefulness;
  return {
    relevance,
    recency,
    usefulness,
    ageDays,
    weights,
    halfLifeDays: settings.halfLifeDays,
    final,
  };
}
