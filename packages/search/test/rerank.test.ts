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
  const result: SearchResult = {
    memory,
    score: 1 / 61,
    breakdown: {
      semantic: 0.81234567,
      keyword: 0,
      semanticRank: 1,
      keywordRank: null,
      fused: 1 / 61,
    },
  };

  it('shows legs, ranks and the fusion arithmetic', () => {
    expect(
      explainResult(result, 3, {
        mode: 'hybrid',
        fusion: 'rrf',
        weights: { semantic: 0.7, keyword: 0.3 },
        rrfK: 60,
      }),
    ).toBe(
      [
        '#3 memory 7 (fact, domain db) score 0.0163934',
        '  semantic: similarity 0.812346, rank 1',
        '  keyword: no match',
        '  fused (rrf, k=60): 1/(60+1) = 0.0163934',
      ].join('\n'),
    );
    const weighted = { ...result, breakdown: { ...result.breakdown, fused: 0.7 * 0.81234567 } };
    expect(
      explainResult(weighted, 1, {
        mode: 'hybrid',
        fusion: 'weighted',
        weights: { semantic: 0.7, keyword: 0.3 },
        rrfK: 60,
      }),
    ).toContain('fused (weighted): 0.7·max(similarity, 0) 0.812346 + 0.3·keyword 0 = 0.568642');
  });

  it('shows only the leg that ran', () => {
    const semantic = explainResult(result, 1, { mode: 'semantic' });
    expect(semantic).not.toContain('keyword');
    expect(semantic).not.toContain('fused');
  });
});
