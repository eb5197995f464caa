import { ValidationError } from '@athena/core-types';
import type { Memory, SearchResult } from '@athena/core-types';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RERANK,
  explainResult,
  isRerankActive,
  rerankTerms,
  resolveRerank,
} from '../src/index.js';

const NOW = new Date('2026-06-01T00:00:00.000Z');
const DAY = 86_400_000;

describe('resolveRerank', () => {
  it('is off by default', () => {
    expect(DEFAULT_RERANK).toEqual({ recencyWeight: 0, usefulnessWeight: 0, halfLifeDays: 30 });
    expect(isRerankActive(resolveRerank())).toBe(false);
    expect(isRerankActive(resolveRerank({ usefulnessWeight: 0.1 }))).toBe(true);
  });

  it('fills from a base, so a call can override one field of the service default', () => {
    const base = resolveRerank({ recencyWeight: 0.2, halfLifeDays: 7 });
    expect(resolveRerank({ usefulnessWeight: 0.1 }, base)).toEqual({
      recencyWeight: 0.2,
      usefulnessWeight: 0.1,
      halfLifeDays: 7,
    });
  });

  it('rejects negative weights, weights summing to 1 or more, and a non-positive half-life', () => {
    for (const settings of [
      { recencyWeight: -0.1 },
      { usefulnessWeight: Number.NaN },
      { recencyWeight: 0.5, usefulnessWeight: 0.5 },
      { halfLifeDays: 0 },
    ]) {
      expect(() => resolveRerank(settings), JSON.stringify(settings)).toThrow(ValidationError);
    }
  });
});

describe('rerankTerms', () => {
  const settings = resolveRerank({ recencyWeight: 0.2, usefulnessWeight: 0.1, halfLifeDays: 10 });

  it('halves recency every half-life and mixes the terms with the documented weights', () => {
    const terms = rerankTerms(
      { createdAt: new Date(NOW.getTime() - 10 * DAY), usefulnessScore: 0.5 },
      0.3,
      0.6,
      NOW,
      settings,
    );
    expect(terms.recency).toBeCloseTo(0.5, 10);
    expect(terms.relevance).toBeCloseTo(0.5, 10);
    expect(terms.ageDays).toBeCloseTo(10, 10);
    expect(terms.weights.relevance).toBeCloseTo(0.7, 10);
    expect(terms.final).toBeCloseTo(0.7 * 0.5 + 0.2 * 0.5 + 0.1 * 0.5, 10);
  });

  it('puts RRF scores on the same scale as weighted ones, and treats a future createdAt as new', () => {
    const terms = rerankTerms(
      { createdAt: new Date(NOW.getTime() + DAY), usefulnessScore: 0 },
      1 / 61,
      1 / 61,
      NOW,
      settings,
    );
    expect(terms.relevance).toBe(1);
    expect(terms.recency).toBe(1);
    expect(terms.ageDays).toBe(0);
  });
});

describe('explainResult', () => {
  const memory = { id: 7, memoryType: 'fact', domain: 'db' } as Memory;
  const hybrid = {
    mode: 'hybrid',
    fusion: 'rrf',
    weights: { semantic: 0.7, keyword: 0.3 },
    rrfK: 60,
  } as const;
  const result: SearchResult = {
    memory,
    score: 1 / 61,
    breakdown: {
      semantic: 0.81234567,
      keyword: 0,
      semanticRank: 1,
      keywordRank: null,
      semanticNormalized: 1,
      keywordNormalized: 0,
      fused: 1 / 61,
    },
  };

  it('shows legs, ranks, normalised scores and the rrf arithmetic', () => {
    expect(explainResult(result, 3, hybrid)).toBe(
      [
        '#3 memory 7 (fact, domain db) score 0.0163934',
        '  semantic: similarity 0.812346, rank 1, normalised 1',
        '  keyword: no match',
        '  fused (rrf, k=60): 1/(60+1) = 0.0163934',
      ].join('\n'),
    );
  });

  it('shows the weighted arithmetic on the normalised scores, 0 for a leg the row is not in', () => {
    const both: SearchResult = {
      memory,
      score: 0.85,
      breakdown: {
        semantic: 0.81234567,
        keyword: 0.44,
        semanticRank: 1,
        keywordRank: 2,
        semanticNormalized: 1,
        keywordNormalized: 0.5,
        fused: 0.85,
      },
    };
    expect(explainResult(both, 1, { ...hybrid, fusion: 'weighted' })).toBe(
      [
        '#1 memory 7 (fact, domain db) score 0.85',
        '  semantic: similarity 0.812346, rank 1, normalised 1',
        '  keyword: score 0.44, rank 2, normalised 0.5',
        '  fused (weighted, legs min–max normalised): 0.7·semantic 1 + 0.3·keyword 0.5 = 0.85',
      ].join('\n'),
    );
    const keywordOnly: SearchResult = {
      memory,
      score: 0.3,
      breakdown: {
        semantic: 0.1,
        keyword: 0.9,
        semanticRank: null,
        keywordRank: 1,
        semanticNormalized: 0,
        keywordNormalized: 1,
        fused: 0.3,
      },
    };
    expect(explainResult(keywordOnly, 2, { ...hybrid, fusion: 'weighted' })).toBe(
      [
        '#2 memory 7 (fact, domain db) score 0.3',
        '  semantic: not among the semantic candidates',
        '  keyword: score 0.9, rank 1, normalised 1',
        '  fused (weighted, legs min–max normalised): 0.7·semantic 0 + 0.3·keyword 1 = 0.3',
      ].join('\n'),
    );
  });

  it('shows only the leg that ran, without normalised scores', () => {
    const semantic = explainResult(
      {
        ...result,
        score: 0.81234567,
        breakdown: {
          ...result.breakdown,
          keyword: null,
          semanticNormalized: null,
          keywordNormalized: null,
          fused: 0.81234567,
        },
      },
      1,
      { mode: 'semantic' },
    );
    expect(semantic).toBe(
      [
        '#1 memory 7 (fact, domain db) score 0.812346',
        '  semantic: similarity 0.812346, rank 1',
      ].join('\n'),
    );
  });
});
