/** Engine-independent limits enforced on every backend. */
export const LIMITS = Object.freeze({
  /** Characters in a memory's or event's content (PostgreSQL's tsvector caps at 1 MB). */
  contentLength: 262_144,
  /** Characters in a name, path, title, tag, domain or identifier. */
  shortText: 1_000,
  /**
   * Characters in a search text: `search.keyword()`'s text and the text of
   * `search.hybrid()`'s query. A query is a few words, and its cost grows with
   * its length on every backend.
   */
  searchTextLength: 4_096,
  /**
   * Words in a search text, counted as runs of letters, digits and combining
   * marks (the terms keyword search matches, repeats included): each is one
   * more term to match, and PostgreSQL fails on a query of thousands.
   */
  searchTerms: 64,
  /** Tags on one memory. */
  tags: 64,
  /** Rows a search or a page returns. */
  limit: 1_000,
  /** Candidates per hybrid leg. */
  candidates: 10_000,
  /** Items in one batch (`storeMany`, `recordMany`, `recordAccess`, `getMany`). */
  batch: 100_000,
  /** Depth of an impact analysis. */
  impactDepth: 50,
  /**
   * Smallest and largest Euclidean length of an embedding. Outside them the
   * 32-bit arithmetic of the vector extensions underflows or overflows and
   * cosine scores come back NaN or null; cosine similarity ignores length, so
   * scale such a vector instead.
   */
  embeddingNormMin: 1e-15,
  embeddingNormMax: 1e15,
  /**
   * The instants a date may hold, in milliseconds since the epoch: the years
   * 0001–9999 UTC (`0001-01-01T00:00:00.000Z` to `9999-12-31T23:59:59.999Z`).
   * Every backend stores these; SQLite would take any JavaScript date and
   * PostgreSQL none before 4713 BC, so the contract draws one line for both.
   */
  earliestInstant: -62_135_596_800_000,
  latestInstant: 253_402_300_799_999,
});
