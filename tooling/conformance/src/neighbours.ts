import { ValidationError } from '@athena/core-types';
import type { NeighbourOptions, Store } from '@athena/core-types';
import { expect, it } from 'vitest';
import { expectAthenaError } from './expect-athena-error.js';
import {
  atCosine,
  cosine,
  memoryInput,
  QUERY,
  randomVector,
  seededRandom,
  SIMILARITY_TOLERANCE,
  unitVector,
} from './fixtures.js';
import type { SuiteContext } from './suite-context.js';

/** Stores memories with these vectors; returns their ids in order. */
async function storeVectors(store: Store, projectId: number, vectors: readonly number[][]) {
  return store.memories.storeMany(
    projectId,
    vectors.map((embedding, index) => memoryInput({ content: `vector ${index}`, embedding })),
  );
}

async function consolidate(store: Store, projectId: number, memoryId: number): Promise<void> {
  await store.consolidation.transition(projectId, memoryId, 'consolidating');
  await store.consolidation.transition(projectId, memoryId, 'consolidated');
}

/** search.neighbours(): each memory's nearest memories, through the vector index. */
export function neighbourTests(ctx: SuiteContext): void {
  it('neighbours() returns each memory’s k nearest others, as an exact search computes them', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const random = seededRandom(11);
    const vectors = Array.from({ length: 60 }, () => randomVector(random));
    const ids = await storeVectors(store, project.id, vectors);
    const sources = [ids[0], ids[17], ids[42], ids[59]] as number[];
    const result = await store.search.neighbours(project.id, sources, { k: 5 });
    expect(result.map((entry) => entry.memoryId)).toEqual(sources);
    for (const entry of result) {
      const source = ids.indexOf(entry.memoryId);
      const exact = ids
        .map((id, index) => ({
          id,
          similarity: cosine(vectors[source] as number[], vectors[index] as number[]),
        }))
        .filter((candidate) => candidate.id !== entry.memoryId)
        .sort((a, b) => b.similarity - a.similarity || a.id - b.id)
        .slice(0, 5);
      expect(entry.neighbours.map((n) => n.id)).toEqual(exact.map((n) => n.id));
      entry.neighbours.forEach((neighbour, index) => {
        expect(neighbour.similarity).toBeCloseTo(exact[index]?.similarity ?? Number.NaN, 5);
      });
    }
  });

  it('neighbours() drops neighbours below minSimilarity; a memory with none keeps an empty entry', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const [source, near, mid, far, opposite] = await storeVectors(store, project.id, [
      QUERY,
      atCosine(0.9, { other: 1 }),
      atCosine(0.7, { other: 2 }),
      atCosine(0.1, { other: 3 }),
      QUERY.map((x) => -x),
    ]);
    const [entry] = await store.search.neighbours(project.id, [source as number], {
      minSimilarity: 0.6,
    });
    expect(entry?.neighbours.map((n) => n.id)).toEqual([near, mid]);
    expect(entry?.neighbours[0]?.similarity).toBeCloseTo(0.9, 5);
    expect(Math.abs((entry?.neighbours[1]?.similarity ?? 0) - 0.7)).toBeLessThan(
      SIMILARITY_TOLERANCE,
    );
    const all = await store.search.neighbours(project.id, [source as number], { k: 10 });
    expect(all[0]?.neighbours.map((n) => n.id)).toEqual([near, mid, far, opposite]);
    expect(all[0]?.neighbours[3]?.similarity).toBeCloseTo(-1, 5);
    const none = await store.search.neighbours(project.id, [opposite as number], {
      minSimilarity: 0.95,
    });
    expect(none).toEqual([{ memoryId: opposite, neighbours: [] }]);
  });

  it('neighbours() keeps the order of the ids, drops repeats and ids of other projects, never returns the memory itself', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const other = await ctx.project('other');
    const [a, b, c] = await storeVectors(store, project.id, [
      unitVector(0),
      unitVector(1),
      atCosine(0.8),
    ]);
    const [foreign] = await storeVectors(store, other.id, [unitVector(0)]);
    const result = await store.search.neighbours(
      project.id,
      [c as number, foreign as number, a as number, c as number, (c as number) + 100_000],
      { k: 3 },
    );
    expect(result.map((entry) => entry.memoryId)).toEqual([c, a]);
    for (const entry of result) {
      const found = entry.neighbours.map((n) => n.id);
      expect(found).not.toContain(entry.memoryId);
      expect(found).not.toContain(foreign);
      expect(new Set(found)).toEqual(new Set([a, b, c].filter((id) => id !== entry.memoryId)));
    }
    expect(await store.search.neighbours(project.id, [])).toEqual([]);
    const lonely = await ctx.project('lonely');
    const [only] = await storeVectors(store, lonely.id, [QUERY]);
    expect(await store.search.neighbours(lonely.id, [only as number])).toEqual([
      { memoryId: only, neighbours: [] },
    ]);
  });

  it('neighbours() with states returns only memories in those states', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const [source, fresh, settled, settledFar] = await storeVectors(store, project.id, [
      QUERY,
      atCosine(0.99, { other: 1 }),
      atCosine(0.8, { other: 2 }),
      atCosine(0.5, { other: 3 }),
    ]);
    await consolidate(store, project.id, settled as number);
    await consolidate(store, project.id, settledFar as number);
    const [onlySettled] = await store.search.neighbours(project.id, [source as number], {
      states: ['consolidated'],
    });
    expect(onlySettled?.neighbours.map((n) => n.id)).toEqual([settled, settledFar]);
    const [onlyFresh] = await store.search.neighbours(project.id, [source as number], {
      states: ['unconsolidated', 'labile'],
      k: 1,
    });
    expect(onlyFresh?.neighbours.map((n) => n.id)).toEqual([fresh]);
  });

  it('neighbours() rejects bad arguments with a ValidationError', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const [id] = await storeVectors(store, project.id, [QUERY]);
    const bad: unknown[] = [
      { k: 0 },
      { k: 101 },
      { k: 2.5 },
      { minSimilarity: 1.5 },
      { states: [] },
      { states: ['forgotten'] },
      { limit: 5 },
    ];
    for (const options of bad) {
      await expectAthenaError(
        () => store.search.neighbours(project.id, [id as number], options as NeighbourOptions),
        ValidationError,
        'validation',
      );
    }
    await expectAthenaError(
      () => store.search.neighbours(project.id, 'all' as unknown as number[]),
      ValidationError,
      'validation',
    );
    await expectAthenaError(
      () => store.search.neighbours(project.id, [0]),
      ValidationError,
      'validation',
    );
    await expectAthenaError(
      () =>
        store.search.neighbours(
          project.id,
          Array.from({ length: 1_001 }, (_, i) => i + 1),
        ),
      ValidationError,
      'validation',
    );
  });
}
