import type { FusionMode, MemoryWithoutEmbedding, SearchResult } from '@athena/core-types';
import type { RerankBreakdown } from './rerank.js';

/** How a result set was produced; what {@link explainResult} needs besides the result. */
export type ExplainContext =
  | { readonly mode: 'semantic' | 'keyword' }
  | {
      readonly mode: 'hybrid';
      readonly fusion: FusionMode;
      readonly weights: { readonly semantic: number; readonly keyword: number };
      readonly rrfK: number;
    };

/**
 * A human-readable account of why a result ranked where it did: each leg's
 * score and rank (in hybrid search also the score min–max normalised over
 * the leg's candidates), the fusion arithmetic, and the re-ranking terms if
 * any.
 *
 * @example
 * ```ts
 * explainResult(result, 1, { mode: 'hybrid', fusion: 'weighted', weights: { semantic: 0.7, keyword: 0.3 }, rrfK: 60 });
 * // #1 memory 7 (fact) score 0.85
 * //   semantic: similarity 0.8123, rank 1, normalised 1
 * //   keyword: score 0.441, rank 2, normalised 0.5
 * //   fused (weighted, legs min–max normalised): 0.7·semantic 1 + 0.3·keyword 0.5 = 0.85
 * ```
 */
export function explainResult(
  result: SearchResult<MemoryWithoutEmbedding>,
  position: number,
  context: ExplainContext,
  rerank: RerankBreakdown | null = null,
): string {
  const { memory, breakdown } = result;
  const labels = [memory.memoryType, memory.domain === null ? null : `domain ${memory.domain}`]
    .filter((label) => label !== null)
    .join(', ');
  const score = rerank?.final ?? breakdown.fused;
  const lines = [`#${position} memory ${memory.id} (${labels}) score ${format(score)}`];

  if (context.mode !== 'keyword') {
    lines.push(
      breakdown.semantic === null || breakdown.semanticRank === null
        ? '  semantic: not among the semantic candidates'
        : `  semantic: similarity ${format(breakdown.semantic)}, rank ${breakdown.semanticRank}${normalised(breakdown.semanticNormalized)}`,
    );
  }
  if (context.mode !== 'semantic') {
    lines.push(
      breakdown.keyword === null || breakdown.keywordRank === null
        ? '  keyword: no match'
        : `  keyword: score ${format(breakdown.keyword)}, rank ${breakdown.keywordRank}${normalised(breakdown.keywordNormalized)}`,
    );
  }
  if (context.mode === 'hybrid') lines.push(`  ${explainFusion(result, context)}`);
  if (rerank !== null) {
    const { weights } = rerank;
    lines.push(
      `  rerank: ${format(weights.relevance)}·relevance ${format(rerank.relevance)} (fused / best fused)` +
        ` + ${format(weights.recency)}·recency ${format(rerank.recency)} (age ${rerank.ageDays.toFixed(1)} d, half-life ${rerank.halfLifeDays} d)` +
        ` + ${format(weights.usefulness)}·usefulness ${format(rerank.usefulness)} = ${format(rerank.final)}`,
    );
  }
  return lines.join('\n');
}

function explainFusion(
  { breakdown }: SearchResult<MemoryWithoutEmbedding>,
  context: Extract<ExplainContext, { mode: 'hybrid' }>,
): string {
  if (context.fusion === 'rrf') {
    const terms = [breakdown.semanticRank, breakdown.keywordRank]
      .filter((rank) => rank !== null)
      .map((rank) => `1/(${context.rrfK}+${rank})`);
    return `fused (rrf, k=${context.rrfK}): ${terms.join(' + ') || '0'} = ${format(breakdown.fused)}`;
  }
  const semantic = breakdown.semanticNormalized ?? 0;
  const keyword = breakdown.keywordNormalized ?? 0;
  return (
    `fused (weighted, legs min–max normalised): ${format(context.weights.semantic)}·semantic ${format(semantic)}` +
    ` + ${format(context.weights.keyword)}·keyword ${format(keyword)} = ${format(breakdown.fused)}`
  );
}

/** `, normalised x` in hybrid search; nothing in single-leg search, where it is `null`. */
function normalised(value: number | null): string {
  return value === null ? '' : `, normalised ${format(value)}`;
}

/** Enough digits to tell RRF scores (≈ 0.016) apart. */
function format(value: number): string {
  return Number(value.toPrecision(6)).toString();
}
