import type { RecordOf, RecordTable, Store } from '@athena/core-types';

/**
 * The records of `table` page by page, by id, fetching the next page while
 * the caller works on the current one.
 *
 * @example
 * ```ts
 * for await (const page of readPages(store, 'memories', { limit: 500 })) await write(page);
 * ```
 */
export async function* readPages<T extends RecordTable>(
  store: Pick<Store, 'records'>,
  table: T,
  options: { readonly limit: number; readonly projectIds?: readonly number[] | undefined },
): AsyncGenerator<RecordOf<T>[]> {
  const fetch = (after: number) => {
    const page = store.records.page(table, {
      after,
      limit: options.limit,
      ...(options.projectIds === undefined ? {} : { projectIds: options.projectIds }),
    });
    // Handled here too, so a page fetched ahead and never awaited (the caller stopped) cannot
    // become an unhandled rejection; awaiting it below still throws.
    page.catch(() => undefined);
    return page;
  };
  let next = fetch(0);
  for (;;) {
    const page = await next;
    const last = page.at(-1);
    if (last === undefined) return;
    const done = page.length < options.limit;
    if (!done) next = fetch(last.id);
    yield page;
    if (done) return;
  }
}
