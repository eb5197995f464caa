import type {
  MemoryNeighbours,
  NormalizedFilters,
  NormalizedHybridOptions,
  NormalizedKeywordOptions,
  NormalizedSemanticOptions,
} from '@athena/core-types';
import {
  QUANTIZED_MIN_DIMENSION,
  QUANTIZED_MIN_ROWS,
  QUANTIZED_POOL_MIN_SOURCES,
  quantizedCandidateCount,
  searchCandidateCount,
} from '../binary-quantization.js';
import type { Connection } from '../connection.js';
import { hasFilters } from '../sql/filter-sql.js';
import { toFtsQuery } from '../sql/fts-query.js';
import { hitMemory, hybridHit, keywordHit, semanticHit } from '@athena/store-kit';
import type { ParsedArgument, SearchBackend, SearchHits } from '@athena/store-kit';
import { READ, vectorBlob } from '../rows.js';
import type { MemoryRow } from '../rows.js';
import {
  NEIGHBOUR_SOURCE_BITS_SQL,
  hybridSql,
  keywordSql,
  neighbourPoolSql,
  neighbourRescoreSql,
  neighboursSql,
  semanticSql,
} from '../sql/search-sql.js';
import type { NeighbourShape, SemanticPlan } from '../sql/search-sql.js';
import type { Session } from '../session.js';
import { SignBitPool } from '../sign-bits.js';
import { MAX_KNN_K } from '../sqlite-store-options.js';

interface SemanticRow extends MemoryRow {
  similarity: number;
}

interface KeywordRow extends MemoryRow {
  relevance: number;
}

interface HybridRow extends MemoryRow {
  similarity: number;
  keyword: number;
  semantic_rank: number | null;
  keyword_rank: number | null;
  semantic_normalized: number;
  keyword_normalized: number;
  fused: number;
}

/**
 * Unfiltered queries over a project of {@link QUANTIZED_MIN_ROWS} memories
 * or more take binary-quantised candidates (when the dimension is large
 * enough for sign bits to mean something) or ask the exact vec0 index
 * (within its `k` limit); filtered ones scan the matching rows exactly.
 */
function planFor(
  c: Connection,
  memories: number,
  filters: NormalizedFilters,
  k: number,
  exact: boolean,
): SemanticPlan {
  if (hasFilters(filters)) return 'exact';
  if (!exact && quantizes(c, memories)) return 'quantized';
  return k > MAX_KNN_K ? 'exact' : 'knn';
}

/** Whether a project of `memories` memories takes binary-quantised candidates. */
function quantizes(c: Connection, memories: number): boolean {
  return c.embeddingDimension >= QUANTIZED_MIN_DIMENSION && memories >= QUANTIZED_MIN_ROWS;
}

/** How many memories the project holds (migration 7's counter, one row read). */
function projectMemories(c: Connection, projectId: number): number {
  const memories = c
    .column('SELECT memories FROM project_memory_counts WHERE project_id = ?')
    .get(projectId);
  return typeof memories === 'number' ? memories : 0;
}

/** Semantic (sqlite-vec), keyword (FTS5) and hybrid search, each one statement, behind the kit's validating front. */
export class SqliteSearchRepository implements SearchBackend {
  readonly #session: Session;

  constructor(session: Session) {
    this.#session = session;
  }

  /**
   * Nearest neighbours by cosine similarity. Without filters, in a project
   * of at least 2,048 memories, binary-quantised vectors give candidates
   * (see {@link searchCandidateCount}) that the float vectors re-score
   * exactly (`exact: true` asks the exact vec0 index instead); with filters, an exact scan over the matching rows,
   * so `limit` rows come back whenever that many match.
   */
  async semantic(
    project: number,
    vector: Float32Array,
    parsed: NormalizedSemanticOptions,
  ): Promise<SearchHits> {
    const toHit = hitMemory<NormalizedSemanticOptions, object>(parsed.includeEmbedding, READ);
    const rows = await this.#session.select<SemanticRow>((c) => {
      const memories = projectMemories(c, project);
      const plan = planFor(c, memories, parsed.filters, parsed.limit, parsed.exact);
      const { sql, params } = semanticSql(
        {
          plan,
          withThreshold: parsed.threshold !== undefined,
          withEmbedding: parsed.includeEmbedding,
          dimension: c.embeddingDimension,
        },
        parsed.filters,
      );
      return {
        sql,
        params: {
          ...params,
          embedding: vectorBlob(vector),
          projectId: project,
          candidates: parsed.limit,
          quantizedCandidates: searchCandidateCount(parsed.limit, memories),
          threshold: parsed.threshold ?? null,
        },
      };
    });
    return rows.map((row, index) => semanticHit(toHit(row), row.similarity, index + 1));
  }

  /**
   * Full-text search with FTS5 and bm25. The text is plain words, never
   * query syntax; the score is −bm25 / (1 − bm25), in [0, 1).
   */
  async keyword(
    project: number,
    query: string,
    parsed: NormalizedKeywordOptions,
  ): Promise<SearchHits> {
    const toHit = hitMemory<NormalizedKeywordOptions, object>(parsed.includeEmbedding, READ);
    const match = toFtsQuery(query);
    const rows = await this.#session.select<KeywordRow>(() => {
      if (match === null) return null;
      const { sql, params } = keywordSql(parsed.filters, parsed.includeEmbedding);
      return { sql, params: { ...params, match, projectId: project, limit: parsed.limit } };
    });
    return rows.map((row, index) =>
      keywordHit(toHit(row), row.relevance / (1 + row.relevance), index + 1),
    );
  }

  /**
   * Both legs and the fusion in one SQL statement; see `hybridSql`.
   */
  async hybrid(
    project: number,
    { embedding: vector, text }: ParsedArgument<SearchBackend, 'hybrid', 1>,
    parsed: NormalizedHybridOptions,
  ): Promise<SearchHits> {
    const toHit = hitMemory<NormalizedHybridOptions, object>(parsed.includeEmbedding, READ);
    const rows = await this.#session.select<HybridRow>((c) => {
      const match = toFtsQuery(text);
      const memories = projectMemories(c, project);
      const plan = planFor(c, memories, parsed.filters, parsed.candidates, false);
      const { sql, params } = hybridSql(
        {
          plan,
          fusion: parsed.fusion,
          withThreshold: parsed.threshold !== undefined,
          withKeywords: match !== null,
          withEmbedding: parsed.includeEmbedding,
          dimension: c.embeddingDimension,
        },
        parsed.filters,
      );
      return {
        sql,
        params: {
          ...params,
          embedding: vectorBlob(vector),
          match,
          projectId: project,
          candidates: parsed.candidates,
          quantizedCandidates: searchCandidateCount(parsed.candidates, memories),
          limit: parsed.limit,
          threshold: parsed.threshold ?? null,
          semanticWeight: parsed.weights.semantic,
          keywordWeight: parsed.weights.keyword,
          rrfK: parsed.rrfK,
        },
      };
    });
    return rows.map((row) => hybridHit(toHit(row), row));
  }

  /**
   * The `k` nearest memories of each given memory. In a project of at least
   * 2,048 memories (and 128+ dimensions) the candidates come from the
   * binary-quantised vectors and are re-scored exactly, as in semantic
   * search. For four or more sources the sign bits of the memories a
   * neighbour may be are read once, each source's Hamming scan over them
   * runs in JavaScript, and one statement re-scores every source's
   * candidates; for fewer, one statement scans by Hamming distance per
   * source. In a smaller project, one statement scans the project exactly.
   * Each call reads one snapshot (one read transaction).
   */
  async neighbours(
    project: number,
    { ids, options: parsed }: ParsedArgument<SearchBackend, 'neighbours', 1>,
  ): Promise<MemoryNeighbours[]> {
    if (ids.length === 0) return [];
    const shape = {
      withStates: parsed.states !== undefined,
      withThreshold: parsed.minSimilarity !== undefined,
    };
    const params = {
      ids: JSON.stringify(ids),
      projectId: project,
      k: parsed.k,
      states: parsed.states === undefined ? null : JSON.stringify(parsed.states),
      threshold: parsed.minSimilarity ?? null,
    };
    return this.#session.run((c) => {
      const rows = c.snapshot(() => {
        const quantized = quantizes(c, projectMemories(c, project));
        const candidates = quantizedCandidateCount(parsed.k);
        if (quantized && ids.length >= QUANTIZED_POOL_MIN_SOURCES) {
          return pooledNeighbours(c, shape, params, candidates);
        }
        return c
          .statement<[Record<string, unknown>], NeighbourRow>(
            neighboursSql({ ...shape, plan: quantized ? 'quantized' : 'exact' }),
          )
          .all({ ...params, candidates });
      });
      return rows.map((row) => ({
        memoryId: row.source,
        neighbours: (JSON.parse(row.neighbours) as [number, number][])
          .map(([id, distance]) => ({ id, similarity: Math.max(-1, Math.min(1, 1 - distance)) }))
          .sort((a, b) => b.similarity - a.similarity || a.id - b.id),
      }));
    });
  }
}

/** A row of the neighbour statements: a source and its neighbours as JSON `[id, distance]` pairs. */
interface NeighbourRow {
  source: number;
  neighbours: string;
}

/**
 * The quantised neighbour search of many sources: the sources' sign bits,
 * the pool of memories a neighbour may be, the `candidates` nearest of the
 * pool by Hamming distance per source (in JavaScript), then one statement
 * re-scoring them all.
 */
function pooledNeighbours(
  c: Connection,
  shape: Omit<NeighbourShape, 'plan'>,
  params: Record<string, unknown>,
  candidates: number,
): NeighbourRow[] {
  const bytes = Math.ceil(c.embeddingDimension / 8);
  const sources = c.raw<[number, Uint8Array]>(NEIGHBOUR_SOURCE_BITS_SQL).all(params);
  if (sources.length === 0) return [];
  const pool = new SignBitPool(
    c.raw<[number, Uint8Array]>(neighbourPoolSql(shape)).all(params),
    bytes,
  );
  const lists = sources.map(([id, bits]) => [id, pool.nearest(bits, id, candidates)]);
  return c
    .statement<[Record<string, unknown>], NeighbourRow>(neighbourRescoreSql(shape))
    .all({ lists: JSON.stringify(lists), k: params.k, threshold: params.threshold });
}
