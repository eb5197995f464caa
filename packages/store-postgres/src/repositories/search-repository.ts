import type {
  MemoryNeighbours,
  NormalizedHybridOptions,
  NormalizedKeywordOptions,
  NormalizedSemanticOptions,
} from '@athena/core-types';
import { sql } from 'kysely';
import {
  annQueryOf,
  annSettingsFor,
  applyAnnSettings,
  customPlans,
  withAnnSettings,
} from '../ann-settings.js';
import { hitMemory, hybridHit, keywordHit, semanticHit } from '@athena/store-kit';
import type { ParsedArgument, SearchBackend, SearchHits } from '@athena/store-kit';
import { READ, fromVector, toNumber } from '../rows.js';
import {
  hybridSql,
  keywordSql,
  neighboursSql,
  plainHybrid,
  plainKeyword,
  plainSemantic,
  semanticSql,
} from '../sql/search-sql.js';
import type { HybridRow, KeywordRow, NeighbourRow, SemanticRow } from '../sql/search-sql.js';
import type { Session } from '../session.js';

/**
 * Below this many memories in the wanted states a state-filtered neighbour
 * search scans them exactly; from it on, it iterates the vector index.
 * Exact costs ~10 µs per row and source here (768 dimensions, detoasted),
 * the index ~3 ms per source at 10K memories.
 */
const NEIGHBOURS_EXACT_MAX_ROWS = 300;

/** Semantic, keyword and hybrid search on PostgreSQL, each one SQL statement, behind the kit's validating front. */
export class PostgresSearchRepository implements SearchBackend {
  readonly #session: () => Session;

  constructor(session: () => Session) {
    this.#session = session;
  }

  /**
   * Nearest neighbours by cosine similarity, highest first.
   */
  async semantic(
    project: number,
    vector: Float32Array,
    parsed: NormalizedSemanticOptions,
  ): Promise<SearchHits> {
    const session = this.#session();
    const toHit = hitMemory<NormalizedSemanticOptions, object>(parsed.includeEmbedding, READ);
    const context = { operation: 'semantic search' };
    const run = async (s: Session, options: NormalizedSemanticOptions): Promise<SearchHits> => {
      const plain = plainSemantic(s, options);
      const { rows } =
        plain === null
          ? await semanticSql(s, project, vector, options).execute(s.raw)
          : await s.execute<SemanticRow>(
              plain.text,
              plain.bind({ project, limit: parsed.limit, vector: fromVector(vector) }),
            );
      return rows.map((row, index) => semanticHit(toHit(row), 1 - row.distance, index + 1));
    };
    // An exact search reads no index: the ANN settings do not matter.
    if (parsed.exact) return session.read(context, (s) => run(s, parsed));
    const settings = await annSettingsFor(session, project, annQueryOf(parsed));
    if (settings.exact) return session.read(context, (s) => run(s, { ...parsed, exact: true }));
    return withAnnSettings(session, context, settings, (s) => run(s, parsed));
  }

  /**
   * Full-text search: any word of `text` matches; score = rank / (rank + 1).
   */
  async keyword(
    project: number,
    query: string,
    parsed: NormalizedKeywordOptions,
  ): Promise<SearchHits> {
    const session = this.#session();
    const toHit = hitMemory<NormalizedKeywordOptions, object>(parsed.includeEmbedding, READ);
    return session.read({ operation: 'keyword search' }, async (s) => {
      const plain = plainKeyword(s, parsed);
      const { rows } =
        plain === null
          ? await keywordSql(s, project, query, parsed).execute(s.raw)
          : await s.execute<KeywordRow>(
              plain.text,
              plain.bind({
                project,
                text: query,
                config: s.env.textSearchConfig,
                limit: parsed.limit,
              }),
            );
      return rows.map((row, index) => keywordHit(toHit(row), row.score, index + 1));
    });
  }

  /**
   * Semantic and keyword candidates fused in SQL (weighted or RRF).
   */
  async hybrid(
    project: number,
    { embedding: vector, text }: ParsedArgument<SearchBackend, 'hybrid', 1>,
    parsed: NormalizedHybridOptions,
  ): Promise<SearchHits> {
    const session = this.#session();
    const toHit = hitMemory<NormalizedHybridOptions, object>(parsed.includeEmbedding, READ);
    const settings = await annSettingsFor(session, project, annQueryOf(parsed));
    const context = { operation: 'hybrid search' };
    const run = async (s: Session): Promise<SearchHits> => {
      const plain = plainHybrid(s, parsed, settings.exact);
      const { rows } =
        plain === null
          ? await hybridSql(s, project, vector, text, parsed, settings.exact).execute(s.raw)
          : await s.execute<HybridRow>(
              plain.text,
              plain.bind({
                project,
                text,
                config: s.env.textSearchConfig,
                candidates: parsed.candidates,
                limit: parsed.limit,
                rrfK: parsed.rrfK,
                semanticWeight: parsed.weights.semantic,
                keywordWeight: parsed.weights.keyword,
                vector: fromVector(vector),
              }),
            );
      return rows.map((row) => hybridHit(toHit(row), row));
    };
    // A small project's semantic leg scans its rows: no index, no ANN settings.
    if (settings.exact) return session.read(context, run);
    return withAnnSettings(session, context, settings, run);
  }

  /**
   * The `k` nearest memories of each given memory: one statement whose
   * LATERAL join runs an index scan per source, with the ANN settings a
   * semantic search for `k` rows in this project would get.
   */
  async neighbours(
    project: number,
    { ids, options: parsed }: ParsedArgument<SearchBackend, 'neighbours', 1>,
  ): Promise<MemoryNeighbours[]> {
    const session = this.#session();
    if (ids.length === 0) return [];
    const settings = await annSettingsFor(session, project, annQueryOf(parsed));
    const context = { operation: 'neighbour search' };
    if (parsed.states === undefined)
      return withAnnSettings(session, context, settings, async (s) =>
        neighboursFrom(await neighboursSql(s, project, ids, parsed).execute(s.raw)),
      );
    const planned = async (s: Session) => {
      await applyAnnSettings(s, settings);
      const exact = await exactNeighbours(s, project, parsed.states);
      if (exact)
        return neighboursFrom(
          await neighboursSql(s, project, ids, { ...parsed, exact }).execute(s.raw),
        );
      return withVectorIndexImposed(s, async () =>
        neighboursFrom(await neighboursSql(s, project, ids, parsed).execute(s.raw)),
      );
    };
    const run = () =>
      session.depth > 0 ? session.read(context, planned) : session.atomic(context, planned);
    return settings.projectGraph ? customPlans.run(true, run) : run();
  }
}

/** The planner settings {@link withVectorIndexImposed} turns off. */
const INDEX_IMPOSING_TOGGLES = ['enable_bitmapscan', 'enable_sort'];

/**
 * Runs `fn` (statements on `s`, inside a transaction) with the vector index
 * imposed, as a state-filtered neighbour search on the graph path gets it:
 * the planner's estimate of the rows in those states goes stale as a
 * consolidation pass moves them, so the index is not left to a guess (an
 * exact scan detoasts every row in the states per source: 3.7 s for 100
 * sources with 3,653 of them, against 0.34 s through the graph). The
 * settings are transaction-local and restored afterwards: inside a caller's
 * transaction they would otherwise outlive the statement.
 */
export async function withVectorIndexImposed<T>(s: Session, fn: () => Promise<T>): Promise<T> {
  const toggles = INDEX_IMPOSING_TOGGLES;
  const { rows: before } = await sql<Record<string, string>>`select ${sql.join(
    toggles.map((name) => sql`current_setting(${name}) as ${sql.ref(name)}`),
  )}`.execute(s.raw);
  const set = (values: Record<string, string>) =>
    sql`select ${sql.join(
      toggles.map((name) => sql`set_config(${name}, ${values[name] ?? 'on'}, true)`),
    )}`.execute(s.raw);
  await set(Object.fromEntries(toggles.map((name) => [name, 'off'])));
  // A failure ends the transaction (or its savepoint), settings included.
  const result = await fn();
  await set(before[0] ?? {});
  return result;
}

/**
 * Whether a neighbour search over `states` compares every source with each
 * memory in them (few: under {@link NEIGHBOURS_EXACT_MAX_ROWS}), counted
 * through the state mirror's index. An index scan iterating the graph would
 * visit up to `hnsw.max_scan_tuples` rows per source to find so few (17.9 s
 * for 100 sources at 10K).
 */
export async function exactNeighbours(
  s: Session,
  projectId: number,
  states: readonly string[] | undefined,
): Promise<boolean> {
  if (states === undefined) return false;
  const { rows } = await sql<{ n: string }>`
    select count(*) as n from (
      select 1 from ${s.table('memory_states')}
      where project_id = ${projectId} and state = any(${[...states]}::text[])
      limit ${NEIGHBOURS_EXACT_MAX_ROWS}) few`.execute(s.raw);
  return Number(rows[0]?.n ?? 0) < NEIGHBOURS_EXACT_MAX_ROWS;
}

/** Rows of {@link neighboursSql} grouped by source, in the statement's order. */
function neighboursFrom({ rows }: { readonly rows: readonly NeighbourRow[] }): MemoryNeighbours[] {
  const bySource = new Map<number, { id: number; similarity: number }[]>();
  for (const row of rows) {
    const source = toNumber(row.source);
    let list = bySource.get(source);
    if (list === undefined) bySource.set(source, (list = []));
    if (row.id !== null)
      list.push({ id: toNumber(row.id), similarity: 1 - (row.distance as number) });
  }
  return [...bySource].map(([memoryId, neighbours]) => ({ memoryId, neighbours }));
}
