/**
 * The SQL of search and filtered listing, one statement per search kind.
 * Every value is a bound parameter; the query vector too.
 *
 * Semantic and hybrid queries ORDER BY the distance operator itself
 * (`embedding <=> $vector`, or its `halfvec` casts for a half-precision
 * index: `Session.annDistance`) with a LIMIT, the only shape pgvector's HNSW
 * and IVFFlat indexes can serve; similarities, fused scores and the final
 * order are computed at full precision over the few candidates afterwards,
 * never over the whole table.
 */
import type {
  NormalizedFilters,
  NormalizedHybridOptions,
  NormalizedKeywordOptions,
  NormalizedSemanticOptions,
} from '@athena/core-types';
import { MEMORY, columnsOf } from '@athena/store-kit';
import { sql } from 'kysely';
import type { RawBuilder } from 'kysely';
import type { MemoryRow } from '../rows.js';
import type { FixedStatement, Session } from '../session.js';

/**
 * Every column of `memory_vectors` but `tsv`, in table order, typed as the
 * column names kysely selects. The embedding is not among them: it lives in
 * `memory_embeddings` (migration 9).
 */
const PLAIN_COLUMNS = columnsOf(MEMORY, { omit: ['embedding'] }) as readonly Exclude<
  keyof MemoryRow,
  'embedding'
>[];

/**
 * The vector of the memory whose id is `memoryId`, through `vector_send`
 * (binary, see `toVector`): a primary-key lookup in `memory_embeddings`.
 */
function embeddingOf(session: Session, memoryId: RawBuilder<unknown>): RawBuilder<Buffer> {
  return session.vectorSend(
    sql`(select e.embedding from ${session.table('memory_embeddings')} e where e.memory_id = ${memoryId})`,
  );
}

/**
 * The selection of a `MemoryRow` for the query builder over `memory_vectors`
 * (unaliased): every column but `tsv`, and the embedding (see `embeddingOf`).
 */
export function memorySelection(session: Session) {
  return memorySelectionWith(embeddingOf(session, sql.ref('memory_vectors.id')));
}

/**
 * The selection of a `MemoryRow` whose embedding is `embedding` (`bytea`,
 * through `vector_send`): for a statement that wrote the vector itself.
 */
export function memorySelectionWith(embedding: RawBuilder<Buffer>) {
  return [...PLAIN_COLUMNS, embedding.as('embedding')] as const;
}

/**
 * `alias.col, …` for every memory column as a `MemoryRow` reads it (see
 * `memorySelection`); without the embedding when `withEmbedding` is false.
 * `vector`: where the statement has the memory's vector already (a `vector`
 * value), instead of looking it up by id.
 */
export function memoryColumns(
  session: Session,
  alias: string,
  withEmbedding = true,
  vector?: RawBuilder<unknown>,
): RawBuilder<unknown> {
  const plain = PLAIN_COLUMNS.map((column) => sql.ref(`${alias}.${column}`));
  if (!withEmbedding) return sql.join(plain);
  const embedding =
    vector === undefined
      ? embeddingOf(session, sql.ref(`${alias}.id`))
      : session.vectorSend(vector);
  return sql.join([...plain, sql`${embedding} as embedding`]);
}

/**
 * The ANN candidates' source: the vectors `e` of one project, joined to
 * their memories `m` only when a filter or a state needs the memory's
 * columns (the join would otherwise cost a lookup per candidate).
 */
function vectorsOf(session: Session, needsMemory: boolean): RawBuilder<unknown> {
  const vectors = sql`${session.table('memory_embeddings')} e`;
  if (!needsMemory) return vectors;
  return sql`${vectors} join ${session.table('memory_vectors')} m on m.id = e.memory_id`;
}

/**
 * The filter conditions on memories aliased `alias`, ANDed; `true` when there
 * are none.
 *
 * @example
 * ```ts
 * sql`select * from memories m where ${filterSql(filters, 'm')}`;
 * ```
 */
export function filterSql(filters: NormalizedFilters, alias: string): RawBuilder<unknown> {
  const conditions = filterConditions(filters, alias);
  return conditions.length === 0 ? sql`true` : sql.join(conditions, sql` and `);
}

/** The filter conditions on memories aliased `alias`, one per filter set. */
function filterConditions(filters: NormalizedFilters, alias: string): RawBuilder<unknown>[] {
  const col = (name: string) => sql.ref(`${alias}.${name}`);
  const conditions: RawBuilder<unknown>[] = [];
  if (filters.memoryTypes)
    conditions.push(sql`${col('memory_type')} = any(${[...filters.memoryTypes]}::text[])`);
  if (filters.domains)
    conditions.push(sql`${col('domain')} = any(${[...filters.domains]}::text[])`);
  if (filters.tags) conditions.push(sql`${col('tags')} @> ${[...filters.tags]}::text[]`);
  if (filters.consolidationStates) {
    conditions.push(
      sql`${col('consolidation_state')} = any(${[...filters.consolidationStates]}::text[])`,
    );
  }
  if (filters.createdAfter) conditions.push(sql`${col('created_at')} >= ${filters.createdAfter}`);
  if (filters.createdBefore) conditions.push(sql`${col('created_at')} < ${filters.createdBefore}`);
  if (filters.sessionId !== undefined)
    conditions.push(sql`${col('session_id')} = ${filters.sessionId}`);
  return conditions;
}

/** A semantic hit: the memory and its cosine distance. */
export type SemanticRow = MemoryRow & { distance: number };

/**
 * Nearest neighbours of `vector` in one project. Approximate: ordered by the
 * ANN distance with a LIMIT (the index serves it), then by the full-precision
 * distance in the outer query (which restores exact order after iterative
 * scans and rescores a half-precision index's candidates). Exact: a
 * materialized scan of the project's vectors, sorted. The memories' rows are
 * read for the hits only, or for the candidates when filters need them.
 */
export function semanticSql(
  session: Session,
  projectId: number,
  vector: Float32Array,
  options: Pick<
    NormalizedSemanticOptions,
    'limit' | 'threshold' | 'filters' | 'exact' | 'includeEmbedding'
  >,
): RawBuilder<SemanticRow> {
  const distance = session.cosineDistance(sql.ref('e.embedding'), session.vector(vector));
  const threshold =
    options.threshold === undefined
      ? sql`true`
      : sql`1 - (${distance}) >= cast(${options.threshold} as double precision)`;
  const filtered = filterConditions(options.filters, 'm').length > 0;
  const where = sql`e.project_id = ${projectId} and ${filterSql(options.filters, 'm')} and ${threshold}`;
  if (options.exact) {
    // (id, distance) of every vector of the project first, without the memories' rows;
    // the rows of the top `limit` after. MATERIALIZED keeps the ANN index out of the plan.
    return sql<SemanticRow>`
      with c as materialized (
        select e.memory_id as id, ${distance} as distance
        from ${vectorsOf(session, filtered)}
        where ${where}
      ),
      top as (
        select c.id, c.distance from c
        order by c.distance, c.id limit ${options.limit}
      )
      select ${memoryColumns(session, 'm', options.includeEmbedding)}, top.distance
      from top join ${session.table('memory_vectors')} m on m.id = top.id
      order by top.distance, top.id`;
  }
  const annDistance = session.annDistance(sql.ref('e.embedding'), session.vector(vector));
  // The candidates carry their vectors (the hits' embeddings need no second lookup) and
  // are cut to `limit` before the memories' rows are read: a half-precision index's
  // 2·limit candidates cost `limit` row lookups, not twice that.
  return sql<SemanticRow>`
    select ${memoryColumns(session, 'm', options.includeEmbedding, sql.ref('c.embedding'))}, c.distance from (
      select r.id, r.embedding, r.distance from (
        select e.memory_id as id, e.embedding, ${distance} as distance
        from ${vectorsOf(session, filtered)}
        where ${where}
        order by ${annDistance}
        limit ${session.annCandidates(options.limit)}
      ) r
      order by r.distance, r.id
      limit ${options.limit}
    ) c
    join ${session.table('memory_vectors')} m on m.id = c.id
    order by c.distance, c.id`;
}

/**
 * The user's plain text as an OR query: `plainto_tsquery` does the parsing
 * (so quotes and operators in the text are only words), and its ` & `
 * separators become ` | `. Lexemes are quoted in the text form, so the
 * replacement never touches them; the cast to `tsquery` does not re-stem.
 */
export function orQuerySql(session: Session, text: string): RawBuilder<unknown> {
  return sql`cast(replace(cast(plainto_tsquery(${session.tsConfig}, ${text}) as text), ' & ', ' | ') as tsquery)`;
}

/**
 * The semantic search without filters, threshold or `exact` — the common
 * shape — compiled once per store; `null` for any other shape. Building and
 * compiling the query tree took ~0.3 ms of the ~0.7 ms the API spent over the
 * raw statement per search (20K memories, one connection).
 */
export function plainSemantic(
  session: Session,
  options: Pick<NormalizedSemanticOptions, 'threshold' | 'filters' | 'exact' | 'includeEmbedding'>,
): FixedStatement<'project' | 'limit' | 'vector'> | null {
  if (options.exact || options.threshold !== undefined) return null;
  if (filterConditions(options.filters, 'm').length > 0) return null;
  const sentinels = { project: -1, limit: -2 };
  const name = `semantic search${options.includeEmbedding ? '' : ' (no embedding)'}`;
  return session.fixed(name, sentinels, () =>
    semanticSql(session, sentinels.project, new Float32Array(session.env.dimension), {
      limit: sentinels.limit,
      filters: {},
      exact: false,
      includeEmbedding: options.includeEmbedding,
    }),
  );
}

/**
 * The hybrid search without filters or threshold, one statement per fusion,
 * compiled once per store; `null` for any other shape (see `plainSemantic`).
 */
export function plainHybrid(
  session: Session,
  options: Pick<NormalizedHybridOptions, 'threshold' | 'filters' | 'fusion' | 'includeEmbedding'>,
  exactSemantic = false,
): FixedStatement<
  | 'project'
  | 'text'
  | 'config'
  | 'candidates'
  | 'limit'
  | 'rrfK'
  | 'semanticWeight'
  | 'keywordWeight'
  | 'vector'
> | null {
  if (options.threshold !== undefined) return null;
  if (filterConditions(options.filters, 'm').length > 0) return null;
  const sentinels = {
    project: -1,
    candidates: -2,
    limit: -3,
    rrfK: -4,
    semanticWeight: -5,
    keywordWeight: -6,
    text: '\u0000athena:text',
    config: session.env.textSearchConfig,
  };
  const name = `hybrid search (${options.fusion}${options.includeEmbedding ? '' : ', no embedding'}${exactSemantic ? ', exact' : ''})`;
  return session.fixed(name, sentinels, () =>
    hybridSql(
      session,
      sentinels.project,
      new Float32Array(session.env.dimension),
      sentinels.text,
      {
        limit: sentinels.limit,
        filters: {},
        fusion: options.fusion,
        weights: { semantic: sentinels.semanticWeight, keyword: sentinels.keywordWeight },
        rrfK: sentinels.rrfK,
        candidates: sentinels.candidates,
        includeEmbedding: options.includeEmbedding,
      },
      exactSemantic,
    ),
  );
}

/**
 * The keyword search without filters, compiled once per store; `null` with
 * filters (see `plainSemantic`).
 */
export function plainKeyword(
  session: Session,
  options: Pick<NormalizedKeywordOptions, 'filters' | 'includeEmbedding'>,
): FixedStatement<'project' | 'text' | 'config' | 'limit'> | null {
  if (filterConditions(options.filters, 'm').length > 0) return null;
  const sentinels = {
    project: -1,
    limit: -2,
    text: '\u0000athena:text',
    config: session.env.textSearchConfig,
  };
  const name = `keyword search${options.includeEmbedding ? '' : ' (no embedding)'}`;
  return session.fixed(name, sentinels, () =>
    keywordSql(session, sentinels.project, sentinels.text, {
      limit: sentinels.limit,
      filters: {},
      includeEmbedding: options.includeEmbedding,
    }),
  );
}

/** A keyword hit: the memory and its normalised rank in [0, 1). */
export type KeywordRow = MemoryRow & { score: number };

/**
 * The top `limit` keyword matches of a project as `(id, score)`, from the
 * narrow `memory_text_index` (GIN on `(project_id, tsv)`: only the project's
 * matches are read), ranked by `ts_rank(tsv, q, 32)` =
 * rank / (rank + 1), ties by id. Needs the CTE `q` (the tsquery), MATERIALIZED:
 * inlined, a generic plan of the prepared statement re-parses the text for
 * every matching row (2 ms → 6 ms for ~2,600 matches). The wide
 * `memory_vectors` rows are joined only when filters need their columns. A
 * query without lexemes (only stop words) matches nothing.
 */
function keywordMatchesSql(
  session: Session,
  projectId: number,
  filters: NormalizedFilters,
  limit: number,
): RawBuilder<unknown> {
  const conditions = filterConditions(filters, 'm');
  const source =
    conditions.length === 0
      ? sql`${session.table('memory_text_index')} t`
      : sql`${session.table('memory_text_index')} t
          join ${session.table('memory_vectors')} m
            on m.id = t.memory_id and ${sql.join(conditions, sql` and `)}`;
  return sql`
    select t.memory_id as id, ts_rank(t.tsv, q.query, 32) as score
    from ${source}, q
    where t.project_id = ${projectId} and numnode(q.query) > 0 and t.tsv @@ q.query
    order by score desc, t.memory_id
    limit ${limit}`;
}

/**
 * Full-text search: the top matches from the keyword table, then their
 * memories (only those rows of `memory_vectors` are read).
 */
export function keywordSql(
  session: Session,
  projectId: number,
  text: string,
  options: Pick<NormalizedKeywordOptions, 'limit' | 'filters' | 'includeEmbedding'>,
): RawBuilder<KeywordRow> {
  return sql<KeywordRow>`
    with q as materialized (select ${orQuerySql(session, text)} as query),
    hits as (${keywordMatchesSql(session, projectId, options.filters, options.limit)})
    select ${memoryColumns(session, 'm', options.includeEmbedding)}, hits.score
    from hits
    join ${session.table('memory_vectors')} m on m.id = hits.id
    order by hits.score desc, m.id`;
}

/** A hybrid hit: the memory, both scores raw and normalised, both ranks and the fused score. */
export type HybridRow = MemoryRow & {
  similarity: number;
  keyword: number;
  semantic_rank: string | number | null;
  keyword_rank: string | number | null;
  semantic_normalized: number;
  keyword_normalized: number;
  fused: number;
};

/**
 * `value` min–max normalised over the rows of one leg (those whose `rank` is
 * not null): 1 for each of them when the leg's scores are all equal, 0 for a
 * row outside the leg. Window aggregates over the few fused candidates, after
 * the legs' LIMITs, so the indexes still serve the legs.
 */
function normalizedOverLeg(value: RawBuilder<unknown>, rank: string): RawBuilder<number> {
  const inLeg = sql`case when ${sql.ref(rank)} is not null then ${value} end`;
  const low = sql`min(${inLeg}) over ()`;
  const high = sql`max(${inLeg}) over ()`;
  return sql<number>`case when ${sql.ref(rank)} is null then 0
    when ${high} = ${low} then 1
    else (${value} - ${low}) / (${high} - ${low}) end`;
}

/**
 * Hybrid search in one statement: the top `candidates` by the distance
 * operator (ANN index) and the top `candidates` by keyword rank (GIN index),
 * their ids united, then for each candidate the cosine similarity (always; the
 * semantic leg's own distance where it has one, so each vector is read once),
 * the keyword score (0 when the text did not match it), both 1-based ranks
 * (null when absent), each leg's scores min–max normalised over its
 * candidates (0 outside the leg) and the fused score: weighted =
 * wS·norm_s + wK·norm_k; rrf = Σ 1/(k + rank). Ordered by fused score, then
 * similarity, then id.
 */
export function hybridSql(
  session: Session,
  projectId: number,
  vector: Float32Array,
  text: string,
  options: NormalizedHybridOptions,
  exactSemantic = false,
): RawBuilder<HybridRow> {
  const queryVector = session.vector(vector);
  const distance = session.cosineDistance(sql.ref('e.embedding'), queryVector);
  const filters = filterSql(options.filters, 'm');
  const vectors = vectorsOf(session, filterConditions(options.filters, 'm').length > 0);
  const threshold =
    options.threshold === undefined
      ? sql`true`
      : sql`1 - (${distance}) >= cast(${options.threshold} as double precision)`;
  const fused =
    options.fusion === 'rrf'
      ? sql`coalesce(1.0 / (cast(${options.rrfK} as double precision) + semantic_rank), 0)
          + coalesce(1.0 / (cast(${options.rrfK} as double precision) + keyword_rank), 0)`
      : sql`cast(${options.weights.semantic} as double precision) * semantic_normalized
            + cast(${options.weights.keyword} as double precision) * keyword_normalized`;
  return sql<HybridRow>`
    with q as materialized (select ${orQuerySql(session, text)} as query),
    ${
      exactSemantic
        ? // Every row's distance first (MATERIALIZED keeps the ANN index out of the plan), then the nearest.
          sql`sem_all as materialized (
            select e.memory_id as id, ${distance} as distance
            from ${vectors}
            where e.project_id = ${projectId} and ${filters} and ${threshold}
          ),
          sem_candidates as (
            select id, distance from sem_all order by distance, id limit ${options.candidates}
          ),`
        : sql`sem_candidates as (
            select e.memory_id as id, ${distance} as distance
            from ${vectors}
            where e.project_id = ${projectId} and ${filters} and ${threshold}
            order by ${session.annDistance(sql.ref('e.embedding'), queryVector)}
            limit ${options.candidates}
          ),`
    }
    sem as (
      select id, distance, row_number() over (order by distance, id) as rank from sem_candidates
    ),
    kw_candidates as (${keywordMatchesSql(session, projectId, options.filters, options.candidates)}),
    kw as (
      select id, score, row_number() over (order by score desc, id) as rank from kw_candidates
    ),
    ids as (select id from sem union select id from kw),
    scored as (
      select e.memory_id as id,
        1 - coalesce(sem.distance, ${distance}) as similarity,
        coalesce(kw.score, 0) as keyword,
        sem.rank as semantic_rank,
        kw.rank as keyword_rank
      from ids
      join ${session.table('memory_embeddings')} e on e.memory_id = ids.id
      left join sem on sem.id = ids.id
      left join kw on kw.id = ids.id
    ),
    normalized as (
      select scored.*,
        (${normalizedOverLeg(sql.ref('similarity'), 'semantic_rank')})::double precision
          as semantic_normalized,
        (${normalizedOverLeg(sql`cast(keyword as double precision)`, 'keyword_rank')})::double precision
          as keyword_normalized
      from scored
    ),
    top as (
      select normalized.*, (${fused})::double precision as fused
      from normalized
      order by fused desc, similarity desc, id asc
      limit ${options.limit}
    )
    select ${memoryColumns(session, 'm', options.includeEmbedding)}, top.similarity, top.keyword, top.semantic_rank,
      top.keyword_rank, top.semantic_normalized, top.keyword_normalized, top.fused
    from top
    join ${session.table('memory_vectors')} m on m.id = top.id
    order by top.fused desc, top.similarity desc, top.id asc`;
}

/** A row of {@link neighboursSql}: one neighbour of one source memory, or `null`s for none. */
export interface NeighbourRow {
  readonly source: string | number;
  readonly id: string | number | null;
  readonly distance: number | null;
}

/**
 * The `k` nearest memories of each memory in `ids`, one statement: a LATERAL
 * join runs one ANN scan per source, ordered by the distance operator with
 * the source's own vector as argument (so the HNSW or IVFFlat index serves
 * each), with iterative scans skipping the source itself and memories outside
 * `states`, its candidates re-sorted by the full-precision distance. Rows come back by the position of the source in `ids`, then by
 * distance and id; a source of the project without a neighbour gets one row
 * of `null`s (LEFT JOIN), so one round trip answers every source.
 * `minSimilarity` is applied to the scan's results, not inside it: as a
 * filter of the index scan it would keep an iterative scan going through
 * the whole graph whenever fewer than `k` rows pass.
 *
 * `exact` (with `states`, for few memories in them): the memories in
 * `states` are read once, through the state mirror and the primary key, and
 * every source is compared with each of them — no index scan per source.
 */
export function neighboursSql(
  session: Session,
  projectId: number,
  ids: readonly number[],
  options: {
    readonly k: number;
    readonly minSimilarity?: number | undefined;
    readonly states?: readonly string[] | undefined;
    readonly exact?: boolean | undefined;
  },
): RawBuilder<NeighbourRow> {
  const threshold =
    options.minSimilarity === undefined
      ? sql`true`
      : sql`1 - n.distance >= cast(${options.minSimilarity} as double precision)`;
  const memories = session.table('memory_vectors');
  const embeddings = session.table('memory_embeddings');
  const sources = sql`from unnest(${[...ids]}::bigint[]) with ordinality as s(id, position)
    join ${embeddings} q on q.memory_id = s.id and q.project_id = ${projectId}`;
  if (options.exact === true && options.states !== undefined) {
    const states = [...options.states];
    const distance = session.cosineDistance(sql.ref('c.embedding'), sql.ref('q.embedding'));
    return sql<NeighbourRow>`
      with candidates as materialized (
        select m.id, e.embedding
        from ${session.table('memory_states')} st
        join ${memories} m on m.id = st.memory_id
        join ${embeddings} e on e.memory_id = m.id
        where st.project_id = ${projectId} and st.state = any(${states}::text[])
          and m.consolidation_state = any(${states}::text[])
      )
      select q.memory_id as source, n.id, n.distance
      ${sources}
      left join lateral (
        select c.id, ${distance} as distance
        from candidates c
        where c.id <> q.memory_id
        order by ${distance}, c.id
        limit ${options.k}
      ) n on ${threshold}
      order by s.position, n.distance, n.id`;
  }
  const distance = session.cosineDistance(sql.ref('e.embedding'), sql.ref('q.embedding'));
  const annDistance = session.annDistance(sql.ref('e.embedding'), sql.ref('q.embedding'));
  const states =
    options.states === undefined
      ? sql`true`
      : sql`m.consolidation_state = any(${[...options.states]}::text[])`;
  return sql<NeighbourRow>`
    select q.memory_id as source, n.id, n.distance
    ${sources}
    left join lateral (
      select r.id, r.distance from (
        select e.memory_id as id, ${distance} as distance
        from ${vectorsOf(session, options.states !== undefined)}
        where e.project_id = ${projectId} and e.memory_id <> q.memory_id and ${states}
        order by ${annDistance}
        limit ${session.annCandidates(options.k)}
      ) r
      order by r.distance, r.id
      limit ${options.k}
    ) n on ${threshold}
    order by s.position, n.distance, n.id`;
}
