/** One page of a keyset-paginated listing. */
export interface Page<T> {
  readonly items: readonly T[];
  /**
   * Pass as `after` to get the next page; `null` on the last page. Opaque:
   * do not parse it. Stable under concurrent inserts (keyset, not offset).
   */
  readonly nextCursor: string | null;
}

/** Paging options shared by every listing. */
export interface PageOptions {
  /** Page size, 1–1000; default 50. */
  readonly limit?: number;
  /** A `nextCursor` from the previous page. */
  readonly after?: string | null;
}
