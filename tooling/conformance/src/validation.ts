import { DimensionMismatchError, LIMITS, NotFoundError, ValidationError } from '@athena/core-types';
import type {
  AthenaError,
  EmbeddingInput,
  HybridSearchOptions,
  MemoryFilters,
  SemanticSearchOptions,
  StoreMemoryInput,
} from '@athena/core-types';
import { describe, expect, it } from 'vitest';
import { expectAthenaError } from './expect-athena-error.js';
import { DIMENSION, OTHER_DIMENSION, QUERY, atCosine, ids, memoryInput } from './fixtures.js';
import type { SuiteContext } from './suite-context.js';

const nanAt3 = [0, 0, 0, Number.NaN, 1, 0, 0, 0];

/** Bad vectors and bad inputs: typed errors, and no row written. */
const BAD_VECTORS: readonly {
  readonly title: string;
  readonly vector: unknown;
  readonly error: abstract new (...args: never[]) => AthenaError;
}[] = [
  { title: 'one component short', vector: QUERY.slice(1), error: DimensionMismatchError },
  { title: 'one component too many', vector: [...QUERY, 0], error: DimensionMismatchError },
  { title: 'empty', vector: [], error: DimensionMismatchError },
  { title: 'NaN', vector: nanAt3, error: ValidationError },
  {
    title: 'Infinity',
    vector: [Number.POSITIVE_INFINITY, 0, 0, 0, 0, 0, 0, 0],
    error: ValidationError,
  },
  {
    title: '-Infinity',
    vector: [1, Number.NEGATIVE_INFINITY, 0, 0, 0, 0, 0, 0],
    error: ValidationError,
  },
  { title: 'all zeros', vector: new Array<number>(DIMENSION).fill(0), error: ValidationError },
  {
    title: 'beyond 32-bit float range',
    vector: [1e39, 0, 0, 0, 0, 0, 0, 0],
    error: ValidationError,
  },
  {
    title: 'too short to score (length 1e-30)',
    vector: [1e-30, 0, 0, 0, 0, 0, 0, 0],
    error: ValidationError,
  },
  {
    title: 'too long to score (length 3e38)',
    vector: [3e38, 0, 0, 0, 0, 0, 0, 0],
    error: ValidationError,
  },
  {
    title: 'of finite components whose squares overflow (2e19 each)',
    vector: new Array<number>(DIMENSION).fill(2e19),
    error: ValidationError,
  },
  { title: 'a string', vector: 'abcdefgh', error: ValidationError },
  { title: 'null', vector: null, error: ValidationError },
  { title: 'an object', vector: { x: 1 }, error: ValidationError },
  { title: 'a number', vector: 8, error: ValidationError },
  {
    title: 'strings inside',
    vector: ['1', '0', '0', '0', '0', '0', '0', '0'],
    error: ValidationError,
  },
];

function codeOf(error: abstract new (...args: never[]) => AthenaError) {
  return error === DimensionMismatchError
    ? ('dimension_mismatch' as const)
    : ('validation' as const);
}

/** `count` distinct words, the first `findable`: a search text with exactly that many terms. */
function wordsText(count: number): string {
  return ['findable', ...Array.from({ length: count - 1 }, (_, i) => `absent${i}`)].join(' ');
}

/** Embedding and input validation, identical on every backend. */
export function validationTests(ctx: SuiteContext): void {
  describe('embedding vectors', () => {
    for (const bad of BAD_VECTORS) {
      it(`a vector that is ${bad.title} is rejected by store, storeMany, update and search; nothing is written`, async () => {
        const store = ctx.store();
        const project = await ctx.project();
        const existing = await store.memories.store(project.id, memoryInput({ content: 'kept' }));
        const embedding = bad.vector as EmbeddingInput;
        const code = codeOf(bad.error);

        await expectAthenaError(
          () => store.memories.store(project.id, memoryInput({ embedding })),
          bad.error,
          code,
        );
        await expectAthenaError(
          () =>
            store.memories.storeMany(project.id, [
              memoryInput({ content: 'good one' }),
              memoryInput({ content: 'bad one', embedding }),
              memoryInput({ content: 'good two' }),
            ]),
          bad.error,
          code,
        );
        await expectAthenaError(
          () => store.memories.update(project.id, existing.id, { embedding, content: 'changed' }),
          bad.error,
          code,
        );
        await expectAthenaError(
          () => store.search.semantic(project.id, embedding),
          bad.error,
          code,
        );
        await expectAthenaError(
          () => store.search.hybrid(project.id, { embedding, text: 'kept' }),
          bad.error,
          code,
        );

        expect(await store.memories.count(project.id)).toBe(1);
        expect(await store.memories.get(project.id, existing.id)).toEqual(existing);
      });
    }

    it('vectors at the length limits store and search with finite scores', async () => {
      const store = ctx.store();
      const project = await ctx.project();
      const direction = [0.6, 0.8, 0, 0, 0, 0, 0, 0];
      const scaled = (by: number) => direction.map((x) => x * by);
      const tiny = LIMITS.embeddingNormMin * 10;
      const huge = LIMITS.embeddingNormMax / 10;
      const [small, large, plain] = await store.memories.storeMany(project.id, [
        memoryInput({ content: 'tiny length', embedding: scaled(tiny) }),
        memoryInput({ content: 'huge length', embedding: scaled(huge) }),
        memoryInput({ content: 'unit length', embedding: [0, 0, 1, 0, 0, 0, 0, 0] }),
      ]);
      for (const query of [direction, scaled(tiny), scaled(huge)]) {
        const semantic = await store.search.semantic(project.id, query);
        expect(
          semantic
            .map((hit) => hit.memory.id)
            .slice(0, 2)
            .sort(),
        ).toEqual([small, large].sort());
        expect(semantic.every((hit) => Number.isFinite(hit.score))).toBe(true);
        expect(semantic.find((hit) => hit.memory.id === plain)?.score).toBeLessThan(0.5);
        const hybrid = await store.search.hybrid(project.id, { embedding: query, text: 'length' });
        expect(hybrid).toHaveLength(3);
        expect(hybrid.every((hit) => Number.isFinite(hit.score))).toBe(true);
      }
      await expectAthenaError(
        () =>
          store.memories.store(
            project.id,
            memoryInput({ embedding: scaled(LIMITS.embeddingNormMax * 2) }),
          ),
        ValidationError,
        'validation',
      );
    });

    it('DimensionMismatchError names the expected and the actual length', async () => {
      const project = await ctx.project();
      const error = await expectAthenaError(
        () => ctx.store().memories.store(project.id, memoryInput({ embedding: [1, 0, 0] })),
        DimensionMismatchError,
        'dimension_mismatch',
      );
      expect(error.expected).toBe(DIMENSION);
      expect(error.actual).toBe(3);
    });

    it('ValidationError names the offending component', async () => {
      const project = await ctx.project();
      const error = await expectAthenaError(
        () => ctx.store().memories.store(project.id, memoryInput({ embedding: nanAt3 })),
        ValidationError,
        'validation',
      );
      expect(error.issues.map((issue) => issue.path)).toContain('memory.embedding[3]');
    });

    it('storeMany names the index of the bad row', async () => {
      const project = await ctx.project();
      const error = await expectAthenaError(
        () =>
          ctx
            .store()
            .memories.storeMany(project.id, [
              memoryInput(),
              memoryInput(),
              memoryInput({ embedding: nanAt3 }),
            ]),
        ValidationError,
        'validation',
      );
      expect(error.issues.map((issue) => issue.path)).toContain('memories[2].embedding[3]');
      expect(await ctx.store().memories.count(project.id)).toBe(0);
    });
  });

  describe('a database of another dimension', () => {
    const other = ctx.useStore(OTHER_DIMENSION);

    it(`rejects ${DIMENSION}-dimensional vectors with DimensionMismatchError (expected ${OTHER_DIMENSION})`, async () => {
      const store = other.store();
      const project = await other.project();
      const error = await expectAthenaError(
        () => store.memories.store(project.id, memoryInput()),
        DimensionMismatchError,
        'dimension_mismatch',
      );
      expect(error.expected).toBe(OTHER_DIMENSION);
      expect(error.actual).toBe(DIMENSION);
      await expectAthenaError(
        () => store.search.semantic(project.id, QUERY),
        DimensionMismatchError,
        'dimension_mismatch',
      );
      expect(await store.memories.count(project.id)).toBe(0);
      const ok = await store.memories.store(
        project.id,
        memoryInput({ embedding: atCosine(0.5, { dimension: OTHER_DIMENSION }) }),
      );
      expect(ok.embedding).toHaveLength(OTHER_DIMENSION);
    });
  });

  describe('memory fields', () => {
    const BAD_INPUTS: readonly {
      readonly title: string;
      readonly input: Partial<StoreMemoryInput>;
    }[] = [
      { title: 'empty content', input: { content: '' } },
      { title: 'blank content', input: { content: ' \n\t ' } },
      { title: 'content with a NUL character', input: { content: 'before\u0000after' } },
      {
        title: 'content over the length limit',
        input: { content: 'x'.repeat(LIMITS.contentLength + 1) },
      },
      { title: 'a tag with a NUL character', input: { tags: ['ok', 'bad\u0000tag'] } },
      { title: 'an empty tag', input: { tags: [''] } },
      {
        title: `more than ${LIMITS.tags} tags`,
        input: { tags: Array.from({ length: LIMITS.tags + 1 }, (_, i) => `t${i}`) },
      },
      { title: 'a tag over the length limit', input: { tags: ['t'.repeat(LIMITS.shortText + 1)] } },
      { title: 'a domain with a NUL character', input: { domain: 'd\u0000' } },
      { title: 'usefulnessScore above 1', input: { usefulnessScore: 1.5 } },
      { title: 'confidence below 0', input: { confidence: -0.1 } },
      {
        title: 'an unknown memoryType',
        input: { memoryType: 'rumour' as StoreMemoryInput['memoryType'] },
      },
      {
        title: 'an unknown contentType',
        input: { contentType: 'pdf' as StoreMemoryInput['contentType'] },
      },
      { title: 'an invalid createdAt', input: { createdAt: new Date('not a date') } },
    ];

    for (const bad of BAD_INPUTS) {
      it(`${bad.title} is a ValidationError; nothing is written`, async () => {
        const store = ctx.store();
        const project = await ctx.project();
        await expectAthenaError(
          () => store.memories.store(project.id, memoryInput(bad.input)),
          ValidationError,
          'validation',
        );
        await expectAthenaError(
          () => store.memories.storeMany(project.id, [memoryInput(), memoryInput(bad.input)]),
          ValidationError,
          'validation',
        );
        expect(await store.memories.count(project.id)).toBe(0);
      });
    }
  });

  describe('ids', () => {
    it('an id that is not a positive integer is a ValidationError, not a driver error', async () => {
      const store = ctx.store();
      const project = await ctx.project();
      await store.memories.store(project.id, memoryInput());
      for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
        await expectAthenaError(
          () => store.memories.get(project.id, bad),
          ValidationError,
          'validation',
        );
        await expectAthenaError(() => store.memories.get(bad, 1), ValidationError, 'validation');
        await expectAthenaError(
          () => store.search.semantic(bad, QUERY),
          ValidationError,
          'validation',
        );
        await expectAthenaError(() => store.projects.get(bad), ValidationError, 'validation');
      }
      await expectAthenaError(
        () => store.memories.getMany(project.id, [1, -2]),
        ValidationError,
        'validation',
      );
      expect(await store.memories.count(project.id)).toBe(1);
    });

    it('the largest safe integer id is simply not found', async () => {
      const store = ctx.store();
      const project = await ctx.project();
      const huge = Number.MAX_SAFE_INTEGER;
      expect(await store.memories.get(project.id, huge)).toBeNull();
      expect(await store.memories.get(huge, 1)).toBeNull();
      expect(await store.projects.get(huge)).toBeNull();
      expect(await store.memories.delete(project.id, huge)).toBe(false);
      await expectAthenaError(
        () => store.memories.update(project.id, huge, { content: 'x' }),
        NotFoundError,
        'not_found',
      );
      await expectAthenaError(
        () => store.memories.store(huge, memoryInput()),
        NotFoundError,
        'not_found',
      );
    });
  });

  describe('search options', () => {
    const BAD_SEMANTIC: readonly {
      readonly title: string;
      readonly options: SemanticSearchOptions;
    }[] = [
      { title: 'limit 0', options: { limit: 0 } },
      { title: 'limit 1001', options: { limit: LIMITS.limit + 1 } },
      { title: 'a fractional limit', options: { limit: 2.5 } },
      { title: 'threshold above 1', options: { threshold: 1.5 } },
      { title: 'threshold below -1', options: { threshold: -1.5 } },
      {
        title: 'an unknown filter',
        options: { filters: { colour: 'red' } as unknown as MemoryFilters },
      },
      {
        title: 'an unknown memory type filter',
        options: { filters: { memoryTypes: ['rumour'] } as unknown as MemoryFilters },
      },
      {
        title: 'an invalid createdAfter',
        options: { filters: { createdAfter: new Date(Number.NaN) } },
      },
    ];

    for (const bad of BAD_SEMANTIC) {
      it(`semantic, keyword and hybrid reject ${bad.title} with ValidationError`, async () => {
        const store = ctx.store();
        const project = await ctx.project();
        await store.memories.store(project.id, memoryInput({ content: 'findable' }));
        await expectAthenaError(
          () => store.search.semantic(project.id, QUERY, bad.options),
          ValidationError,
          'validation',
        );
        await expectAthenaError(
          () =>
            store.search.hybrid(project.id, { embedding: QUERY, text: 'findable' }, bad.options),
          ValidationError,
          'validation',
        );
        if (bad.options.threshold === undefined) {
          await expectAthenaError(
            () => store.search.keyword(project.id, 'findable', bad.options),
            ValidationError,
            'validation',
          );
        }
      });
    }

    const BAD_HYBRID: readonly { readonly title: string; readonly options: HybridSearchOptions }[] =
      [
        { title: 'weights that are both 0', options: { weights: { semantic: 0, keyword: 0 } } },
        { title: 'a negative weight', options: { weights: { semantic: -0.5, keyword: 1 } } },
        {
          title: 'an unknown fusion mode',
          options: { fusion: 'max' as HybridSearchOptions['fusion'] },
        },
        { title: 'a negative rrfK', options: { fusion: 'rrf', rrfK: -1 } },
        { title: 'candidates 0', options: { candidates: 0 } },
      ];

    for (const bad of BAD_HYBRID) {
      it(`hybrid rejects ${bad.title} with ValidationError`, async () => {
        const project = await ctx.project();
        await expectAthenaError(
          () =>
            ctx
              .store()
              .search.hybrid(project.id, { embedding: QUERY, text: 'anything' }, bad.options),
          ValidationError,
          'validation',
        );
      });
    }

    const OVER_LIMIT: readonly {
      readonly title: string;
      readonly text: string;
      readonly limit: string;
    }[] = [
      {
        title: `over ${LIMITS.searchTextLength} characters`,
        text: `findable ${'x'.repeat(LIMITS.searchTextLength)}`,
        limit: `${LIMITS.searchTextLength} characters`,
      },
      {
        title: `of more than ${LIMITS.searchTerms} words`,
        text: wordsText(LIMITS.searchTerms + 1),
        limit: `${LIMITS.searchTerms} words`,
      },
    ];

    for (const { title, text, limit } of OVER_LIMIT) {
      it(`a search text ${title} is a ValidationError naming the field and the limit, on keyword and hybrid search`, async () => {
        const store = ctx.store();
        const project = await ctx.project();
        await store.memories.store(project.id, memoryInput({ content: 'findable' }));
        const keyword = await expectAthenaError(
          () => store.search.keyword(project.id, text),
          ValidationError,
          'validation',
        );
        expect(keyword.issues).toEqual([{ path: 'text', message: expect.stringContaining(limit) }]);
        const hybrid = await expectAthenaError(
          () => store.search.hybrid(project.id, { embedding: QUERY, text }),
          ValidationError,
          'validation',
        );
        expect(hybrid.issues).toEqual([
          { path: 'query.text', message: expect.stringContaining(limit) },
        ]);
      });
    }

    it(`a search text of exactly ${LIMITS.searchTextLength} characters and ${LIMITS.searchTerms} words is searched normally`, async () => {
      const store = ctx.store();
      const project = await ctx.project();
      const target = await store.memories.store(project.id, memoryInput({ content: 'findable' }));
      await store.memories.store(project.id, memoryInput({ content: 'unrelated' }));
      const text = wordsText(LIMITS.searchTerms).padEnd(LIMITS.searchTextLength, '.');
      expect(text).toHaveLength(LIMITS.searchTextLength);
      expect(ids(await store.search.keyword(project.id, text))).toEqual([target.id]);
      const hybrid = await store.search.hybrid(project.id, { embedding: QUERY, text });
      expect(hybrid).toHaveLength(2);
      expect(hybrid.find((hit) => hit.memory.id === target.id)?.breakdown.keywordRank).toBe(1);
    });

    it('several bad arguments: every search names the first, in argument order', async () => {
      const store = ctx.store();
      const project = await ctx.project();
      const badOptions = { limit: 0 };
      await expectAthenaError(
        () => store.search.semantic(project.id, QUERY.slice(1), badOptions),
        DimensionMismatchError,
        'dimension_mismatch',
      );
      const semantic = await expectAthenaError(
        () => store.search.semantic(project.id, nanAt3, badOptions),
        ValidationError,
        'validation',
      );
      expect(semantic.issues.map((issue) => issue.path)).toEqual([
        expect.stringMatching(/^embedding/),
      ]);
      await expectAthenaError(
        () => store.search.hybrid(project.id, { embedding: QUERY.slice(1), text: 'x' }, badOptions),
        DimensionMismatchError,
        'dimension_mismatch',
      );
      const hybrid = await expectAthenaError(
        () => store.search.hybrid(project.id, { embedding: QUERY, text: 'a\u0000b' }, badOptions),
        ValidationError,
        'validation',
      );
      expect(hybrid.issues.map((issue) => issue.path)).toEqual(['query.text']);
      const keyword = await expectAthenaError(
        () => store.search.keyword(project.id, '', badOptions),
        ValidationError,
        'validation',
      );
      expect(keyword.issues.map((issue) => issue.path)).toEqual(['text']);
    });

    it('a blank or NUL keyword query is a ValidationError', async () => {
      const store = ctx.store();
      const project = await ctx.project();
      for (const text of ['', '   ', 'a\u0000b']) {
        await expectAthenaError(
          () => store.search.keyword(project.id, text),
          ValidationError,
          'validation',
        );
      }
    });
  });
}
