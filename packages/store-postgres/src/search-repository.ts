import {
  parseHybridOptions,
  parseId,
  parseKeywordOptions,
  parseKeywordText,
  parseSemanticOptions,
  toEmbedding,
} from '@athena/core-types';
import type {
  EmbeddingInput,
  HybridQuery,
  HybridSearchOptions,
  KeywordSearchOptions,
  SearchRepository,
  SearchResult,
  SemanticSearchOptions,
} from '@athena/core-types';
import { sql } from 'kysely';
import { PGVECTOR_MAX_EF_SEARCH } from './limits.js';
import { toMemory, toNumber } from './rows.js';
import { hybridSql, keywordSql, semanticSql } from './search-sql.js';
import type { Session } from './session.js';

/** Per-query ANN settings: `hnsw.ef_search`, `ivfflat.probes`, iterative scans. */
export interface AnnSettings {
  readonly efSearch?: number;
  readonly probes?: number;
  /** At least this many rows are wanted from the index. */
  readonly wanted: number;
}

/**
 * Applies ANN settings for the current transaction only (`set_config(…, true)`
 * = `SET LOCAL`). Iterative scans (pgvector ≥ 0.8) keep an index scan going
 * until enough rows pass the filters; `relaxed_order` is re-sorted by the
 * outer query.
 */
export async function applyAnnSettings(session: Session, settings: AnnSettings): Promise<void> {
  const { options } = session.env;
  const efSearch = Math.min(
    Math.max(settings.efSearch ?? options.efSearch, settings.wanted),
    PGVECTOR_MAX_EF_SEARCH,
  );
  const probes = settings.probes ?? options.probes;
  await sql`select
      set_config('hnsw.ef_search', ${String(efSearch)}, true),
      set_config('hnsw.iterative_scan', 'relaxed_order', true),
      set_config('ivfflat.probes', ${String(probes)}, true),
      set_config('ivfflat.iterative_scan', 'relaxed_order', true)`.execute(session.raw);
}

/** Semantic, keyword and hybrid search on PostgreSQL, each one SQL statement. */
export class PostgresSearchRepository implements SearchRepository {
  readonly #session: () => Session;

  constructor(session: () => Session) {
    this.#session = session;
  }

  /**
   * Nearest neighbours by cosine similarity, highest first.
   *
   * @example
   * ```ts
   * const hits = await store.search.semantic(project.id, queryVector, { limit: 5, threshold: 0.3 });
   * ```
   */
  async semantic(
    projectId: number,
    embedding: EmbeddingInput,
    options?: SemanticSearchOptions,
  ): Promise<SearchResult[]> {
    const session = this.#session();
    const project = parseId(projectId, 'projectId');
    const vector = toEmbedding(embedding, session.env.dimension);
    const parsed = parseSemanticOptions(options);
    return session.atomic({ operation: 'semantic search' }, async (s) => {
      await applyAnnSettings(s, {
        efSearch: parsed.efSearch,
        probes: parsed.probes,
        wanted: parsed.limit,
      });
      const { rows } = await semanticSql(s, project, vector, parsed).execute(s.raw);
      return rows.map((row, index) => {
        const similarity = 1 - row.distance;
        return {
          memory: toMemory(row),
          score: similarity,
          breakdown: {
            semantic: similarity,
            keyword: null,
            semanticRank: index + 1,
            keywordRank: null,
            semanticNormalized: null,
            keywordNormalized: null,
            fused: similarity,
          },
        };
      });
    });
  }

  /**
   * Full-text search: any word of `text` matches; score = rank / (rank + 1).
   *
   * @example
   * ```ts
   * const hits = await store.search.keyword(project.id, 'pnpm workspace', { limit: 5 });
   * ```
   */
  async keyword(
    projectId: number,
    text: string,
    options?: KeywordSearchOptions,
  ): Promise<SearchResult[]> {
    const session = this.#session();
    const project = parseId(projectId, 'projectId');
    const query = parseKeywordText(text);
    const parsed = parseKeywordOptions(options);
    return session.read({ operation: 'keyword search' }, async (s) => {
      const { rows } = await keywordSql(s, project, query, parsed).execute(s.raw);
      return rows.map((row, index) => ({
        memory: toMemory(row),
        score: row.score,
        breakdown: {
          semantic: null,
          keyword: row.score,
          semanticRank: null,
          keywordRank: index + 1,
          semanticNormalized: null,
          keywordNormalized: null,
          fused: row.score,
        },
      }));
    });
  }

  /**
   * Semantic and keyword candidates fused in SQL (weighted or RRF).
   *
   * @example
   * ```ts
   * const hits = await store.search.hybrid(project.id, { embedding, text: 'pnpm' }, { fusion: 'rrf' });
   * ```
   */
  async hybrid(
    projectId: number,
    query: HybridQuery,
    options?: HybridSearchOptions,
  ): Promise<SearchResult[]> {
    const session = this.#session();
    const project = parseId(projectId, 'projectId');
    const vector = toEmbedding(query?.embedding, session.env.dimension, 'query.embedding');
    const text = parseKeywordText(query?.text);
    const parsed = parseHybridOptions(options);
    return session.atomic({ operation: 'hybrid search' }, async (s) => {
      await applyAnnSettings(s, {
        efSearch: parsed.efSearch,
        probes: parsed.probes,
        wanted: parsed.candidates,
      });
      const { rows } = await hybridSql(s, project, vector, text, parsed).execute(s.raw);
      return rows.map((row) => ({
        memory: toMemory(row),
        score: row.fused,
        breakdown: {
          semantic: row.similarity,
          keyword: row.keyword,
          semanticRank: row.semantic_rank === null ? null : toNumber(row.semantic_rank),
          keywordRank: row.keyword_rank === null ? null : toNumber(row.keyword_rank),
          semanticNormalized: row.semantic_normalized,
          keywordNormalized: row.keyword_normalized,
          fused: row.fused,
        },
      }));
    });
  }
}
