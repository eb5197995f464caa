import { ValidationError } from '@athena/core-types';
import type {
  Memory,
  MemoryWithoutEmbedding,
  SearchResult,
  SearchResultOptions,
  Store,
} from '@athena/core-types';
import { expect, it } from 'vitest';
import { expectAthenaError } from './expect-athena-error.js';
import { QUERY, atCosine, memoryInput } from './fixtures.js';
import type { SuiteContext } from './suite-context.js';

type AnyHit = SearchResult<MemoryWithoutEmbedding & { readonly embedding?: Float32Array }>;

/** One way to search the seeded project, with the result-shape options added. */
type SearchRun = (
  store: Store,
  projectId: number,
  options: SearchResultOptions,
) => Promise<readonly AnyHit[]>;

const FILTERS = { tags: ['kept'] };

/** Every search kind and statement shape: plain, filtered, with threshold, exact. */
const SEARCHES: readonly (readonly [string, SearchRun])[] = [
  ['semantic', (s, p, o) => s.search.semantic(p, QUERY, { ...o, limit: 5 })],
  [
    'semantic, filtered, with threshold',
    (s, p, o) => s.search.semantic(p, QUERY, { ...o, filters: FILTERS, threshold: 0 }),
  ],
  ['semantic, exact', (s, p, o) => s.search.semantic(p, QUERY, { ...o, exact: true })],
  ['keyword', (s, p, o) => s.search.keyword(p, 'quokka', { ...o, limit: 5 })],
  ['keyword, filtered', (s, p, o) => s.search.keyword(p, 'quokka', { ...o, filters: FILTERS })],
  ['hybrid, weighted', (s, p, o) => s.search.hybrid(p, { embedding: QUERY, text: 'quokka' }, o)],
  [
    'hybrid, rrf',
    (s, p, o) =>
      s.search.hybrid(p, { embedding: QUERY, text: 'quokka' }, { ...o, fusion: 'rrf', limit: 4 }),
  ],
  [
    'hybrid, filtered, with threshold',
    (s, p, o) =>
      s.search.hybrid(
        p,
        { embedding: QUERY, text: 'quokka' },
        { ...o, filters: FILTERS, threshold: -0.5 },
      ),
  ],
];

/** Eight memories at known cosines; half mention `quokka`, half are tagged `kept`. */
async function seed(store: Store, projectId: number): Promise<Map<number, Memory>> {
  const cosines = [0.95, 0.8, 0.6, 0.4, 0.2, 0, -0.3, -0.6];
  const ids = await store.memories.storeMany(
    projectId,
    cosines.map((value, index) =>
      memoryInput({
        content: index % 2 === 0 ? `quokka sighting ${index}` : `wombat burrow ${index}`,
        embedding: atCosine(value, { other: 1 + (index % 6) }),
        tags: index < 4 ? ['kept'] : ['other'],
      }),
    ),
  );
  const stored = await store.memories.getMany(projectId, ids);
  return new Map(stored.map((memory) => [memory.id, memory]));
}

/** Every field of `memory` but the embedding. */
function withoutEmbedding(memory: MemoryWithoutEmbedding): MemoryWithoutEmbedding {
  return Object.fromEntries(
    Object.entries(memory).filter(([key]) => key !== 'embedding'),
  ) as MemoryWithoutEmbedding;
}

/** search.*({ includeEmbedding }): the same hits, with or without their vectors. */
export function searchEmbeddingTests(ctx: SuiteContext): void {
  for (const [name, run] of SEARCHES) {
    it(`${name}: includeEmbedding false finds the same hits, scores and order, without vectors`, async () => {
      const store = ctx.store();
      const project = await ctx.project();
      const stored = await seed(store, project.id);

      // Without vectors first: a statement cached for one shape must not serve the other.
      const bare = await run(store, project.id, { includeEmbedding: false });
      const full = await run(store, project.id, {});
      const again = await run(store, project.id, { includeEmbedding: true });

      expect(full.length).toBeGreaterThan(1);
      expect(bare.map((hit) => hit.memory.id)).toEqual(full.map((hit) => hit.memory.id));
      expect(again.map((hit) => hit.memory.id)).toEqual(full.map((hit) => hit.memory.id));
      full.forEach((hit, index) => {
        const without = bare[index];
        const withAgain = again[index];
        if (without === undefined || withAgain === undefined) throw new Error('missing hit');
        expect(without.score).toBe(hit.score);
        expect(without.breakdown).toEqual(hit.breakdown);
        expect('embedding' in without.memory).toBe(false);
        expect(without.memory).toEqual(withoutEmbedding(hit.memory));
        // The vector, when asked for, is the stored one.
        const expected = stored.get(hit.memory.id)?.embedding;
        expect(hit.memory.embedding).toEqual(expected);
        expect(withAgain.memory.embedding).toEqual(expected);
      });
    });
  }

  it('rejects an includeEmbedding that is not a boolean, in every search kind', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    await seed(store, project.id);
    const invalid = { includeEmbedding: 'no' } as unknown as SearchResultOptions;
    for (const [, run] of SEARCHES) {
      const error = await expectAthenaError(
        () => run(store, project.id, invalid),
        ValidationError,
        'validation',
      );
      expect(error.issues.map((issue) => issue.path)).toContain('options.includeEmbedding');
    }
  });
}
