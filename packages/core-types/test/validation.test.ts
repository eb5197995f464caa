import { describe, expect, it } from 'vitest';
import type * as CoreTypes from '../src/index.js';
import {
  AthenaError,
  decodeCursor,
  DimensionMismatchError,
  encodeCursor,
  isAthenaError,
  LIMITS,
  parseFilters,
  parseCreateProject,
  parseHybridOptions,
  parseHybridQuery,
  parseId,
  parseKeywordOptions,
  parseKeywordText,
  searchTextPrefix,
  parseSemanticOptions,
  parseLink,
  parseProjectKey,
  parseRecords,
  parseStoreMemories,
  parseStoreMemory,
  parseTransactionCallback,
  parseTransitionOptions,
  parseUpdateMemory,
  qualityScore,
  resolveCapabilities,
  DEFAULT_CAPABILITIES,
  toEmbedding,
  ValidationError,
} from '../src/index.js';

const vec = [0.1, 0.2, 0.3];

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('toEmbedding', () => {
  it('copies a valid vector into 32-bit floats', () => {
    const out = toEmbedding(vec, 3);
    expect(out).toBeInstanceOf(Float32Array);
    expect(Array.from(out)).toEqual(vec.map(Math.fround));
  });

  it('accepts typed arrays', () => {
    expect(toEmbedding(new Float64Array([1, 0, 0]), 3)[0]).toBe(1);
  });

  it('rejects a wrong length with DimensionMismatchError carrying both numbers', () => {
    const error = caught(() => toEmbedding([1, 2], 3));
    expect(error).toBeInstanceOf(DimensionMismatchError);
    expect(error).toMatchObject({ code: 'dimension_mismatch', expected: 3, actual: 2 });
  });

  it.each([
    ['NaN', [1, Number.NaN, 0]],
    ['Infinity', [1, Number.POSITIVE_INFINITY, 0]],
    ['-Infinity', [1, Number.NEGATIVE_INFINITY, 0]],
    ['a string component', [1, '2', 0]],
    ['an overflow of float32', [1, 1e39, 0]],
    ['all zeros', [0, 0, 0]],
  ])('rejects %s with ValidationError', (_label, value) => {
    const error = caught(() => toEmbedding(value as number[], 3));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.length).toBeGreaterThan(0);
  });

  it('rejects a non-array', () => {
    expect(() => toEmbedding('abc' as unknown as number[], 3)).toThrow(ValidationError);
  });
});

describe('parseStoreMemory', () => {
  it('applies documented defaults', () => {
    const row = parseStoreMemory({ content: 'Use pnpm', embedding: vec }, 3);
    expect(row).toMatchObject({
      content: 'Use pnpm',
      contentType: 'text',
      memoryType: 'fact',
      domain: null,
      tags: [],
      usefulnessScore: 0,
      confidence: 1,
      sessionId: null,
    });
    expect(row.createdAt).toBeInstanceOf(Date);
  });

  it('deduplicates tags and keeps content verbatim', () => {
    const content = `  it's 100% "done" \\ _ ; DROP TABLE x; -- ✓ `;
    const row = parseStoreMemory({ content, embedding: vec, tags: ['a', 'b', 'a'] }, 3);
    expect(row.content).toBe(content);
    expect(row.tags).toEqual(['a', 'b']);
  });

  it('reports every bad field, with paths', () => {
    const error = caught(() =>
      parseStoreMemory({ content: ' ', embedding: vec, confidence: 2, memoryType: 'nope' }, 3),
    ) as ValidationError;
    expect(error.code).toBe('validation');
    expect(error.issues.map((i) => i.path).sort()).toEqual(
      ['memory.confidence', 'memory.content', 'memory.memoryType'].sort(),
    );
    expect(error.message).toContain('memory.confidence');
  });

  it('rejects NUL characters, which PostgreSQL text cannot hold', () => {
    expect(() => parseStoreMemory({ content: 'a\u0000b', embedding: vec }, 3)).toThrow(/NUL/);
  });

  it('rejects ill-formed UTF-16 (a lone or reversed surrogate) in every text field, accepts surrogate pairs', () => {
    for (const bad of ['\uD800', 'a\uDC00b', '\uDC00\uD800']) {
      const error = caught(() =>
        parseStoreMemory({ content: bad, domain: bad, tags: ['ok', bad], embedding: vec }, 3),
      ) as ValidationError;
      expect(error.issues.map((issue) => issue.path)).toEqual([
        'memory.content',
        'memory.domain',
        'memory.tags[1]',
      ]);
      expect(error.message).toContain('well-formed UTF-16');
    }
    const astral = parseStoreMemory(
      { content: '🦉 𝔸', domain: '𝔸', tags: ['🦉'], embedding: vec },
      3,
    );
    expect([astral.content, astral.domain, astral.tags]).toEqual(['🦉 𝔸', '𝔸', ['🦉']]);
  });

  it('rejects content above the limit', () => {
    const content = 'x'.repeat(LIMITS.contentLength + 1);
    expect(() => parseStoreMemory({ content, embedding: vec }, 3)).toThrow(ValidationError);
  });

  it('names the index of the bad row in a batch', () => {
    const error = caught(() =>
      parseStoreMemories(
        [
          { content: 'ok', embedding: vec },
          { content: 'bad', embedding: [1, 2] },
        ],
        3,
      ),
    ) as DimensionMismatchError;
    expect(error.code).toBe('dimension_mismatch');
    expect(error.details).toMatchObject({ path: 'memories[1].embedding' });
  });
});

describe('parseUpdateMemory', () => {
  it('keeps only the given fields', () => {
    expect(parseUpdateMemory({ tags: ['x'] }, 3)).toEqual({ tags: ['x'] });
  });

  it('rejects unknown fields and state changes', () => {
    expect(() => parseUpdateMemory({ consolidationState: 'labile' }, 3)).toThrow(ValidationError);
  });

  it('validates a new embedding', () => {
    expect(() => parseUpdateMemory({ embedding: [1] }, 3)).toThrow(DimensionMismatchError);
  });
});

describe('search options', () => {
  it('resolves hybrid defaults', () => {
    expect(parseHybridOptions(undefined)).toMatchObject({
      limit: 10,
      fusion: 'weighted',
      weights: { semantic: 0.7, keyword: 0.3 },
      rrfK: 60,
      candidates: 40,
      filters: {},
    });
    expect(parseHybridOptions({ limit: 25 }).candidates).toBe(100);
    expect(parseHybridOptions({ limit: 25, candidates: 5 }).candidates).toBe(25);
  });

  it('rejects zero weights and out-of-range thresholds', () => {
    expect(() => parseHybridOptions({ weights: { semantic: 0, keyword: 0 } })).toThrow(
      ValidationError,
    );
    expect(() => parseHybridOptions({ threshold: 1.5 })).toThrow(ValidationError);
  });

  it('includes embeddings unless told not to, and accepts only a boolean for it', () => {
    for (const parse of [parseSemanticOptions, parseKeywordOptions, parseHybridOptions]) {
      expect(parse(undefined).includeEmbedding).toBe(true);
      expect(parse({ includeEmbedding: false }).includeEmbedding).toBe(false);
      const error = caught(() => parse({ includeEmbedding: 'no' }));
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues).toEqual([
        expect.objectContaining({ path: 'options.includeEmbedding' }),
      ]);
    }
  });

  it('drops empty filter lists and rejects unknown filter keys', () => {
    expect(parseFilters({ tags: [], domains: ['db'] })).toEqual({ domains: ['db'] });
    expect(() => parseFilters({ tag: ['x'] })).toThrow(ValidationError);
  });
});

describe('unknown fields', () => {
  it('are one issue each, named by their full path, never dropped', () => {
    const error = caught(() =>
      parseCreateProject({ name: 'p', path: '/p', language: 'python', owner: 'me' }),
    ) as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.issues).toEqual([
      { path: 'project.language', message: 'unknown field' },
      { path: 'project.owner', message: 'unknown field' },
    ]);
    expect(error.message).toContain('project.language: unknown field');
    const nested = caught(() =>
      parseHybridOptions({ weights: { semantic: 1, keyword: 1, graph: 1 } }),
    ) as ValidationError;
    expect(nested.issues.map((issue) => issue.path)).toEqual(['options.weights.graph']);
    expect(caught(() => parseSemanticOptions({ treshold: 0.99 }))).toBeInstanceOf(ValidationError);
  });

  it('records.insert() takes a record as page() returns it: id and derived fields are ignored', () => {
    const goal = {
      id: 7,
      projectId: 1,
      parentGoalId: null,
      title: 'g',
      description: null,
      status: 'planned',
      priority: 5,
      progress: 0,
      deadline: null,
      completedAt: null,
      createdAt: new Date(0),
      updatedAt: new Date(0),
    };
    expect(parseRecords('goals', [goal], 3)[0]).not.toHaveProperty('id');
    const error = caught(() => parseRecords('goals', [{ ...goal, owner: 'me' }], 3));
    expect((error as ValidationError).issues.map((issue) => issue.path)).toEqual([
      'goals[0].owner',
    ]);
    expect(caught(() => parseRecords('goals', [{ ...goal, embedding: vec }], 3))).toBeInstanceOf(
      ValidationError,
    );
  });
});

describe('parseHybridQuery', () => {
  it('accepts empty and blank text, rejects NUL, a lone surrogate, text over the limits and non-strings at query.text', () => {
    for (const text of ['', '   ', 'pnpm']) {
      expect(parseHybridQuery({ embedding: vec, text }, 3).text).toBe(text);
    }
    const tooLong = 'x'.repeat(LIMITS.searchTextLength + 1);
    const tooManyWords = 'w '.repeat(LIMITS.searchTerms + 1);
    for (const text of ['a\u0000b', '\uDC00', tooLong, tooManyWords, 42, undefined]) {
      const error = caught(() => parseHybridQuery({ embedding: vec, text }, 3)) as ValidationError;
      expect(error.issues.map((issue) => issue.path)).toEqual(['query.text']);
    }
    expect(caught(() => parseHybridQuery({ embedding: [1, 2], text: '' }, 3))).toBeInstanceOf(
      DimensionMismatchError,
    );
    expect(caught(() => parseHybridQuery(null, 3))).toBeInstanceOf(ValidationError);
  });
});

describe('searchTextPrefix', () => {
  const words = (count: number) => Array.from({ length: count }, (_, i) => `w${i}`).join(' ');

  it('keeps a text within the limits as it is', () => {
    for (const text of ['', 'pnpm workspaces', words(LIMITS.searchTerms)])
      expect(searchTextPrefix(text)).toBe(text);
  });

  it(`cuts before word ${LIMITS.searchTerms + 1} and at ${LIMITS.searchTextLength} characters; the start is valid search text`, () => {
    expect(searchTextPrefix(words(200))).toBe(`${words(LIMITS.searchTerms)} `);
    const long = 'x'.repeat(LIMITS.searchTextLength * 3);
    expect(searchTextPrefix(long)).toHaveLength(LIMITS.searchTextLength);
    for (const text of [words(200), long, '-'.repeat(9_000) + words(80)])
      expect(parseKeywordText(searchTextPrefix(text))).toBe(searchTextPrefix(text));
  });

  it('never splits a surrogate pair at the character limit', () => {
    const text = `${'a'.repeat(LIMITS.searchTextLength - 1)}🦉 more`;
    expect(searchTextPrefix(text)).toBe('a'.repeat(LIMITS.searchTextLength - 1));
  });
});

describe('parseKeywordText', () => {
  const words = (count: number) => Array.from({ length: count }, (_, i) => `w${i}`).join(' ');

  it(`accepts ${LIMITS.searchTerms} words and ${LIMITS.searchTextLength} characters, rejects one more of either at text`, () => {
    const atLimit = words(LIMITS.searchTerms).padEnd(LIMITS.searchTextLength, ' ');
    expect(parseKeywordText(atLimit)).toBe(atLimit);
    expect(caught(() => parseKeywordText(`${atLimit} `))).toMatchObject({
      issues: [{ path: 'text', message: `must be at most ${LIMITS.searchTextLength} characters` }],
    });
    expect(caught(() => parseKeywordText(words(LIMITS.searchTerms + 1)))).toMatchObject({
      issues: [{ path: 'text', message: `must have at most ${LIMITS.searchTerms} words` }],
    });
  });

  it('counts words as the stores split them: punctuation separates, marks join, repeats count', () => {
    const half = LIMITS.searchTerms / 2;
    expect(parseKeywordText('a-b '.repeat(half))).toBe('a-b '.repeat(half));
    expect(parseKeywordText('e\u0301 '.repeat(LIMITS.searchTerms))).toHaveLength(
      3 * LIMITS.searchTerms,
    );
    for (const text of ['a-b '.repeat(half + 1), 'same '.repeat(LIMITS.searchTerms + 1)]) {
      expect(caught(() => parseKeywordText(text))).toBeInstanceOf(ValidationError);
    }
  });

  it('rejects blank text, NUL and a lone surrogate', () => {
    for (const text of ['', '  ', 'a\u0000b', 'a\uD800']) {
      expect(caught(() => parseKeywordText(text))).toBeInstanceOf(ValidationError);
    }
  });
});

describe('parseProjectKey and parseTransactionCallback', () => {
  it('check a lookup key like the create input, and a callback before a transaction opens', () => {
    expect(parseProjectKey('/src/a', 'path')).toBe('/src/a');
    for (const key of ['', 'a\u0000b', 'x'.repeat(LIMITS.shortText + 1), 3]) {
      expect(caught(() => parseProjectKey(key, 'path'))).toBeInstanceOf(ValidationError);
    }
    const fn = () => Promise.resolve(1);
    expect(parseTransactionCallback(fn)).toBe(fn);
    const error = caught(() => parseTransactionCallback('nope')) as ValidationError;
    expect(error.issues).toEqual([{ path: 'fn', message: 'must be a function' }]);
    expect(error.message).toBe('invalid fn: must be a function, got string');
  });
});

describe('ids, links and cursors', () => {
  it.each([0, -1, 1.5, Number.NaN, '1'])('rejects id %s', (value) => {
    expect(() => parseId(value, 'projectId')).toThrow(ValidationError);
  });

  it('rejects a self-link', () => {
    expect(() =>
      parseLink({ fromMemoryId: 1, toMemoryId: 1, relationshipType: 'extends' }),
    ).toThrow(/itself/);
  });

  it('round-trips cursors and rejects forged ones', () => {
    expect(decodeCursor(encodeCursor([42, 7]), 2)).toEqual([42, 7]);
    expect(() => decodeCursor('not-a-cursor', 1)).toThrow(ValidationError);
    expect(() => decodeCursor(encodeCursor([1]), 2)).toThrow(ValidationError);
  });
});

describe('parseTransitionOptions', () => {
  it('requires supersededBy for superseded, only there, and never the memory itself', () => {
    expect(parseTransitionOptions({ supersededBy: 2 }, 'superseded', 1).supersededBy).toBe(2);
    expect(() => parseTransitionOptions({}, 'superseded', 1)).toThrow(/required/);
    expect(() => parseTransitionOptions({ supersededBy: 2 }, 'labile', 1)).toThrow(/only allowed/);
    expect(() => parseTransitionOptions({ supersededBy: 1 }, 'superseded', 1)).toThrow(/itself/);
  });

  it('defaults the instant to now and keeps reason and actor', () => {
    const before = Date.now();
    const parsed = parseTransitionOptions({ reason: 'r', actor: 'a' }, 'labile', 1);
    expect(parsed).toMatchObject({ reason: 'r', actor: 'a' });
    expect(parsed.at.getTime()).toBeGreaterThanOrEqual(before);
  });
});

describe('errors, quality and capabilities', () => {
  it('keeps the cause and a stable code', () => {
    const cause = new Error('driver');
    const error = new ValidationError('bad', [], { cause });
    expect(error.cause).toBe(cause);
    expect(error).toBeInstanceOf(AthenaError);
    expect(error.name).toBe('ValidationError');
    expect(isAthenaError(error, 'validation')).toBe(true);
    expect(isAthenaError(error, 'conflict')).toBe(false);
    expect(isAthenaError(cause)).toBe(false);
  });

  it('recognises an Athena error from another copy of the package', async () => {
    const { createRequire } = await import('node:module');
    const cjs = createRequire(import.meta.url)('../dist/index.cjs') as typeof CoreTypes;
    const foreign = new cjs.NotFoundError('memory', 3);
    expect(foreign instanceof AthenaError).toBe(false);
    expect(isAthenaError(foreign, 'not_found')).toBe(true);
    expect(isAthenaError({ code: 'not_found' })).toBe(false);
  });

  it('computes the quality score with the documented weights', () => {
    expect(qualityScore({ usefulnessScore: 1, confidence: 1, accessCount: 50 })).toBeCloseTo(0.9);
    expect(qualityScore({ usefulnessScore: 0, confidence: 0, accessCount: 500 })).toBeCloseTo(0.2);
  });

  it('fills capabilities from defaults', () => {
    const caps = resolveCapabilities({ concurrentWriters: true });
    expect(caps).toEqual({ ...DEFAULT_CAPABILITIES, concurrentWriters: true });
    expect(Object.isFrozen(caps)).toBe(true);
  });
});
