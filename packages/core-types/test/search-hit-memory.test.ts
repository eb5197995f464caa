import { describe, expectTypeOf, it } from 'vitest';
import type {
  HybridSearchOptions,
  Memory,
  MemoryWithoutEmbedding,
  SearchHitMemory,
  SearchRepository,
  SearchResult,
  SemanticSearchOptions,
} from '../src/index.js';

type Maybe = MemoryWithoutEmbedding & { readonly embedding?: Float32Array };
type Hits<M extends MemoryWithoutEmbedding> = Promise<SearchResult<M>[]>;

// Checked by `tsc` (the typecheck task); the calls are never made.
declare const repo: SearchRepository;
declare const flag: boolean;

describe('SearchHitMemory: the hits follow includeEmbedding', () => {
  it('is Memory when includeEmbedding is left out, undefined or true', () => {
    expectTypeOf<SearchHitMemory<undefined>>().toEqualTypeOf<Memory>();
    expectTypeOf<SearchHitMemory<{ readonly limit: 5 }>>().toEqualTypeOf<Memory>();
    expectTypeOf<SearchHitMemory<{ readonly includeEmbedding: true }>>().toEqualTypeOf<Memory>();
    expectTypeOf<
      SearchHitMemory<{ readonly includeEmbedding: undefined }>
    >().toEqualTypeOf<Memory>();
  });

  it('is MemoryWithoutEmbedding when includeEmbedding is false', () => {
    expectTypeOf<
      SearchHitMemory<{ readonly includeEmbedding: false; readonly limit: 3 }>
    >().toEqualTypeOf<MemoryWithoutEmbedding>();
  });

  it('leaves the embedding optional when includeEmbedding is only known to be a boolean', () => {
    expectTypeOf<SearchHitMemory<{ readonly includeEmbedding: boolean }>>().toEqualTypeOf<Maybe>();
    expectTypeOf<SearchHitMemory<SemanticSearchOptions>>().toEqualTypeOf<Maybe>();
    expectTypeOf<SearchHitMemory<HybridSearchOptions | undefined>>().toEqualTypeOf<Maybe>();
  });

  it('is inferred from the options literal of each search kind', () => {
    const calls = () => ({
      plain: repo.semantic(1, [1]),
      empty: repo.keyword(1, 'pnpm', {}),
      limited: repo.semantic(1, [1], { limit: 5, filters: { tags: ['x'] } }),
      without: repo.semantic(1, [1], { includeEmbedding: false }),
      keyword: repo.keyword(1, 'pnpm', { includeEmbedding: false, limit: 3 }),
      hybrid: repo.hybrid(1, { embedding: [1], text: 'pnpm' }, { includeEmbedding: true }),
      dynamic: repo.hybrid(1, { embedding: [1], text: 'pnpm' }, { includeEmbedding: flag }),
    });
    expectTypeOf(calls).returns.toEqualTypeOf<{
      plain: Hits<Memory>;
      empty: Hits<Memory>;
      limited: Hits<Memory>;
      without: Hits<MemoryWithoutEmbedding>;
      keyword: Hits<MemoryWithoutEmbedding>;
      hybrid: Hits<Memory>;
      dynamic: Hits<Maybe>;
    }>();
  });
});
