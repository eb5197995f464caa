import { ValidationError, encodeCursor } from '@athena/core-types';
import type { ListMemoriesOptions, Memory, Store } from '@athena/core-types';
import { expect, it } from 'vitest';
import { expectAthenaError } from './expect-athena-error.js';
import { ids, memoryInput, sorted } from './fixtures.js';
import type { SuiteContext } from './suite-context.js';

async function seed(store: Store, projectId: number, count: number, tag?: (i: number) => string[]) {
  return store.memories.storeMany(
    projectId,
    Array.from({ length: count }, (_, i) =>
      memoryInput({ content: `row ${i}`, tags: tag?.(i) ?? [] }),
    ),
  );
}

/** Follows `nextCursor` to the end; returns the pages. */
async function walk(
  store: Store,
  projectId: number,
  options: ListMemoriesOptions,
  between?: (pageIndex: number) => Promise<void>,
): Promise<(readonly Memory[])[]> {
  const pages: (readonly Memory[])[] = [];
  let after: string | null = null;
  for (;;) {
    const page = await store.memories.list(projectId, { ...options, after });
    pages.push(page.items);
    if (page.nextCursor === null) return pages;
    if (pages.length > 100) throw new Error('pagination does not terminate');
    after = page.nextCursor;
    await between?.(pages.length);
  }
}

/** Keyset pagination of memories.list(). */
export function paginationTests(ctx: SuiteContext): void {
  it('walks every row exactly once, newest first by default', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const all = await seed(store, project.id, 10);
    const pages = await walk(store, project.id, { limit: 3 });
    expect(pages.map((page) => page.length)).toEqual([3, 3, 3, 1]);
    expect(pages.flatMap((page) => ids(page))).toEqual(sorted(all).reverse());
  });

  it("walks every row exactly once in order 'asc'", async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const all = await seed(store, project.id, 10);
    const pages = await walk(store, project.id, { limit: 4, order: 'asc' });
    expect(pages.map((page) => page.length)).toEqual([4, 4, 2]);
    expect(pages.flatMap((page) => ids(page))).toEqual(sorted(all));
  });

  it('the last page has nextCursor null, also when the row count is a multiple of the page size', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    // Reading: "null on the last page" means a full last page already says so,
    // rather than handing out a cursor to an empty page.
    const all = await seed(store, project.id, 6);
    const pages = await walk(store, project.id, { limit: 3, order: 'asc' });
    expect(pages.map((page) => page.length)).toEqual([3, 3]);
    expect(pages.flatMap((page) => ids(page))).toEqual(sorted(all));
  });

  it('an empty project gives one empty page', async () => {
    const project = await ctx.project();
    expect(await ctx.store().memories.list(project.id)).toEqual({ items: [], nextCursor: null });
  });

  it('the default page size is 50', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    await seed(store, project.id, 55);
    const first = await store.memories.list(project.id);
    expect(first.items).toHaveLength(50);
    expect(first.nextCursor).not.toBeNull();
    const second = await store.memories.list(project.id, { after: first.nextCursor });
    expect(second.items).toHaveLength(5);
    expect(second.nextCursor).toBeNull();
  });

  it("is stable under inserts between pages (order 'asc'): no duplicates, no pre-existing row skipped", async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const existing = await seed(store, project.id, 9);
    const inserted: number[] = [];
    const pages = await walk(store, project.id, { limit: 3, order: 'asc' }, async () => {
      inserted.push(...(await seed(store, project.id, 2)));
    });
    const seen = pages.flatMap((page) => ids(page));
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.slice(0, existing.length)).toEqual(sorted(existing));
    // Rows inserted after the cursor (higher ids) show up later in an ascending walk.
    expect(seen.slice(existing.length)).toEqual(sorted(inserted));
  });

  it("is stable under inserts between pages (order 'desc'): no duplicates, no pre-existing row skipped", async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const existing = await seed(store, project.id, 9);
    const pages = await walk(store, project.id, { limit: 3 }, async () => {
      await seed(store, project.id, 2);
    });
    const seen = pages.flatMap((page) => ids(page));
    // New rows have higher ids than the cursor, so a descending walk never reaches them.
    expect(seen).toEqual(sorted(existing).reverse());
  });

  it('paginates a filtered listing over exactly the matching rows', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const all = await seed(store, project.id, 12, (i) => (i % 3 === 0 ? ['third'] : ['other']));
    const expected = all.filter((_, i) => i % 3 === 0);
    const pages = await walk(store, project.id, {
      limit: 2,
      order: 'asc',
      filters: { tags: ['third'] },
    });
    expect(pages.map((page) => page.length)).toEqual([2, 2]);
    expect(pages.flatMap((page) => ids(page))).toEqual(sorted(expected));
  });

  it('a malformed cursor or page size is a ValidationError', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    await seed(store, project.id, 3);
    const bad = [
      'not a cursor!',
      '%%%',
      Buffer.from('{"id":1}').toString('base64url'),
      encodeCursor(['text']),
      encodeCursor([1, 2, 3, 4, 5]),
    ];
    for (const after of bad) {
      await expectAthenaError(
        () => store.memories.list(project.id, { after }),
        ValidationError,
        'validation',
      );
    }
    await expectAthenaError(
      () => store.memories.list(project.id, { limit: 0 }),
      ValidationError,
      'validation',
    );
    await expectAthenaError(
      () => store.memories.list(project.id, { limit: 1001 }),
      ValidationError,
      'validation',
    );
    await expectAthenaError(
      () => store.episodes.list(project.id, { after: 'not a cursor!' }),
      ValidationError,
      'validation',
    );
  });
}
