import { mkdtempSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '@athena/store-sqlite';
import Database from 'better-sqlite3';
import type BetterSqlite3 from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import { CODE_TREE, codeFile } from './code-files.js';
import type { CodeFile } from './code-files.js';
import { queryProject } from './ground-truth.js';
import type { BackendResult, LatencyRow, RateRow } from './results.js';
import { measurePair, meanRecall, now, summarise } from './stats.js';
import {
  apiTransaction,
  INGEST_BATCH,
  interleavedIngest,
  LOAD_BATCH,
  extraRows,
  latencyRow,
  measureThroughput,
  memoryInput,
  pickRows,
  progressBar,
  spreadIds,
  queryText,
  queryVector,
} from './workload.js';
import type { BenchContext } from './workload.js';

type Row = Record<string, unknown>;

/** A float32 BLOB parameter, as sqlite-vec and the store bind vectors. */
function blob(vector: Float32Array): Buffer {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
}

/** The raw side's rows: the driver's objects with the embedding as a Float32Array (copied). */
function withVector(row: Row): Row {
  const embedding = row.embedding as Buffer;
  row.embedding = new Float32Array(new Uint8Array(embedding).buffer);
  return row;
}

/** The FTS5 query the store builds: every word quoted, OR-ed. */
function ftsQuery(text: string): string {
  const words = new Set<string>();
  for (const match of text.matchAll(/[\p{L}\p{N}\p{M}]+/gu)) words.add(match[0].toLowerCase());
  return [...words].map((w) => `"${w.replaceAll('"', '""')}"`).join(' OR ');
}

const INSERT_COLUMNS = `project_id, content, content_type, memory_type, domain, tags, embedding,
  embedding_model, usefulness_score, confidence, session_id, event_type, code_language, code_hash,
  created_at, updated_at`;
const ROW_VALUES = `(?, ?, 'text', 'fact', NULL, '[]', ?, NULL, 0, 1, NULL, NULL, NULL, NULL, ?, ?)`;
const INSERT_MEMORY = `INSERT INTO memory_vectors (${INSERT_COLUMNS}) VALUES ${ROW_VALUES}`;

/** Most rows per raw INSERT statement, as in the store's storeMany. */
const ROWS_PER_INSERT = 512;

/** One raw row: project id, content, embedding BLOB. */
type RawRow = readonly [number, string, Buffer];

/**
 * The best raw bulk insert, as the store's storeMany does it: multi-row
 * `INSERT … VALUES … RETURNING id` of up to 512 rows (inside a transaction
 * FTS5 flushes its pending terms at every statement, so row by row costs
 * about twice as much). Returns the new ids in input order (AUTOINCREMENT).
 */
function multiRowInserter(conn: BetterSqlite3.Database): (rows: readonly RawRow[]) => number[] {
  const statements = new Map<number, BetterSqlite3.Statement>();
  return (rows) => {
    const ids: number[] = [];
    const at = Date.now();
    for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
      const chunk = rows.slice(start, start + ROWS_PER_INSERT);
      let statement = statements.get(chunk.length);
      if (statement === undefined) {
        const values = new Array<string>(chunk.length).fill(ROW_VALUES).join(', ');
        statement = conn
          .prepare(`INSERT INTO memory_vectors (${INSERT_COLUMNS}) VALUES ${values} RETURNING id`)
          .pluck();
        statements.set(chunk.length, statement);
      }
      const inserted = statement.all(chunk.flatMap(([p, c, e]) => [p, c, e, at, at])) as number[];
      ids.push(...inserted.sort((a, b) => a - b));
    }
    return ids;
  };
}

/** Every memory column but the embedding (`includeEmbedding: false`). */
const BARE_COLUMNS = `m.id, m.project_id, m.content, m.content_type, m.memory_type, m.domain, m.tags,
  m.embedding_model, m.access_count, m.last_accessed, m.last_retrieved, m.usefulness_score,
  m.confidence, m.quality_score, m.consolidation_state, m.consolidated_at, m.superseded_by,
  m.claimed_by, m.claim_expires_at, m.version, m.session_id, m.event_type, m.code_language,
  m.code_hash, m.created_at, m.updated_at`;

/** `statement` selecting the memory columns without the embedding. */
function withoutEmbedding(statement: string): string {
  const out = statement.replace('SELECT m.*,', `SELECT ${BARE_COLUMNS},`);
  if (out === statement) throw new Error('no m.* to narrow');
  return out;
}

const KNN = `WITH c AS MATERIALIZED (
    SELECT memory_id AS id, distance FROM vec_memories
    WHERE embedding MATCH @embedding AND k = @k AND project_id = @projectId)
  SELECT m.*, 1.0 - c.distance AS similarity FROM c JOIN memory_vectors m ON m.id = c.id
  ORDER BY c.distance, m.id`;

/**
 * Approximate semantic candidates as the store computes them when its file
 * has `memory_bits` (binary-quantised vectors, store schema ≥ 2): the
 * `@quantized` nearest by Hamming distance, re-scored with the exact cosine.
 */
const QUANTIZED_CANDIDATES = `SELECT m.id AS id, vec_distance_cosine(m.embedding, @embedding) AS distance
  FROM (SELECT memory_id FROM memory_bits WHERE project_id = @projectId
        ORDER BY vec_distance_hamming(vec_bit(bits), vec_quantize_binary(@embedding))
        LIMIT @quantized) AS q
  JOIN memory_vectors m ON m.id = q.memory_id
  ORDER BY distance, m.id LIMIT @k`;

const QUANTIZED = `WITH c AS MATERIALIZED (${QUANTIZED_CANDIDATES})
  SELECT m.*, 1.0 - c.distance AS similarity FROM c JOIN memory_vectors m ON m.id = c.id
  ORDER BY c.distance, m.id`;

/** Candidates re-scored per search: the store's rule, max(200, 4 · wanted). */
const quantizedCount = (wanted: number) => Math.max(200, 4 * wanted);

/**
 * The store's neighbour statement for a large project (quantised plan, no
 * filter): per source a correlated subquery ranks the project's sign bits
 * against the source's stored bits, re-scores the best exactly and keeps k.
 */
const NEIGHBOURS_QUANTIZED = `SELECT q.id AS source, (
    SELECT json_group_array(json_array(id, distance)) FROM (
      SELECT m.id AS id, vec_distance_cosine(m.embedding, q.embedding) AS distance
      FROM (SELECT memory_id FROM memory_bits WHERE project_id = @projectId AND memory_id <> q.id
            ORDER BY vec_distance_hamming(vec_bit(bits), vec_bit(qb.bits)) LIMIT @candidates) AS c
      JOIN memory_vectors m ON m.id = c.memory_id
      ORDER BY distance, id LIMIT @k)) AS neighbours
  FROM json_each(@ids) s
  JOIN memory_vectors q ON q.id = s.value AND q.project_id = @projectId
  JOIN memory_bits qb ON qb.project_id = @projectId AND qb.memory_id = q.id
  ORDER BY s.key`;

/** The store's neighbour statement for a small project: an exact scan per source. */
const NEIGHBOURS_EXACT = `SELECT q.id AS source, (
    SELECT json_group_array(json_array(id, distance)) FROM (
      SELECT m.id AS id, vec_distance_cosine(m.embedding, q.embedding) AS distance
      FROM memory_vectors m WHERE m.project_id = @projectId AND m.id <> q.id
      ORDER BY distance, id LIMIT @k)) AS neighbours
  FROM json_each(@ids) s
  JOIN memory_vectors q ON q.id = s.value AND q.project_id = @projectId
  ORDER BY s.key`;

/**
 * The hand-written re-index of one file: upsert every entity by its key
 * (always updating: no change detection), delete the entities the file no
 * longer has, replace the file's edges by joining each target's key. Unlike
 * the store it keeps no pending edges: an edge to an unindexed target is
 * dropped.
 */
function rawFileIndexer(conn: BetterSqlite3.Database, projectId: number) {
  const upsert = conn
    .prepare(
      `INSERT INTO code_metadata (project_id, file_path, name, qualified_name, entity_type, language,
         signature, start_line, end_line, code_hash, created_at, updated_at)
       VALUES (@projectId, @filePath, @name, @qualifiedName, @entityType, @language, @signature,
         @startLine, @endLine, @codeHash, @now, @now)
       ON CONFLICT (project_id, file_path, qualified_name, entity_type) DO UPDATE SET
         name = excluded.name, language = excluded.language, signature = excluded.signature,
         start_line = excluded.start_line, end_line = excluded.end_line,
         code_hash = excluded.code_hash, updated_at = excluded.updated_at
       RETURNING id`,
    )
    .pluck();
  const vanished = conn.prepare(
    `DELETE FROM code_metadata WHERE project_id = ? AND file_path = ?
       AND id NOT IN (SELECT value FROM json_each(?))`,
  );
  const dropEdges = conn.prepare(
    'DELETE FROM code_dependencies WHERE from_entity_id IN (SELECT value FROM json_each(?))',
  );
  const edge = conn.prepare(
    `INSERT OR IGNORE INTO code_dependencies (project_id, from_entity_id, to_entity_id, dependency_type, created_at)
     SELECT @projectId, @fromId, id, @dependencyType, @now FROM code_metadata
     WHERE project_id = @projectId AND file_path = @filePath AND qualified_name = @qualifiedName
       AND entity_type = @entityType`,
  );
  return conn.transaction((file: CodeFile) => {
    const now = Date.now();
    const ids = new Map<string, number>();
    for (const e of file.entities) {
      const qualifiedName = e.qualifiedName ?? e.name;
      const id = upsert.get({
        projectId,
        filePath: file.path,
        name: e.name,
        qualifiedName,
        entityType: e.entityType,
        language: e.language ?? null,
        signature: e.signature ?? null,
        startLine: e.startLine ?? null,
        endLine: e.endLine ?? null,
        codeHash: e.codeHash ?? null,
        now,
      }) as number;
      ids.set(`${qualifiedName}/${e.entityType}`, id);
    }
    const all = JSON.stringify([...ids.values()]);
    vanished.run(projectId, file.path, all);
    dropEdges.run(all);
    for (const e of file.edges) {
      edge.run({
        projectId,
        fromId: ids.get(`${e.from.qualifiedName}/${e.from.entityType ?? ''}`),
        dependencyType: e.dependencyType,
        now,
        filePath: e.to.filePath ?? file.path,
        qualifiedName: e.to.qualifiedName,
        entityType: e.to.entityType ?? null,
      });
    }
    return [...ids.values()];
  });
}

/** Smallest project the store searches through the quantised vectors. */
const QUANTIZED_MIN_ROWS = 2048;

/**
 * Keyword candidates (id, relevance): the project is checked in the narrow
 * `memory_bits` row when the file has it (a common word matches thousands of
 * rows; reading each wide memory row would dominate), else in the memory row.
 */
const keywordCandidates = (bits: boolean, limit: string) =>
  bits
    ? `SELECT b.memory_id AS id, -bm25(memory_fts) AS relevance FROM memory_fts
       JOIN memory_bits b ON b.project_id = @projectId AND b.memory_id = memory_fts.rowid
       WHERE memory_fts MATCH @match ORDER BY bm25(memory_fts), b.memory_id LIMIT ${limit}`
    : `SELECT m.id AS id, -bm25(memory_fts) AS relevance
       FROM memory_fts JOIN memory_vectors m ON m.id = memory_fts.rowid
       WHERE memory_fts MATCH @match AND m.project_id = @projectId
       ORDER BY bm25(memory_fts), m.id LIMIT ${limit}`;

/** Keyword top-`@limit` with full rows fetched for those rows only. */
const keywordSql = (bits: boolean) => `WITH k AS MATERIALIZED (${keywordCandidates(bits, '@limit')})
  SELECT m.*, k.relevance FROM k JOIN memory_vectors m ON m.id = k.id
  ORDER BY k.relevance DESC, m.id`;

/**
 * Hand-written hybrid: both legs as ids and scores, fused over the ~80
 * candidates, and full rows fetched for the final `limit` only.
 */
function hybridRaw(fusion: 'rrf' | 'weighted', quantized: boolean, bits: boolean): string {
  const norm = (value: string, rank: string) => `CASE WHEN ${rank} IS NULL THEN 0.0
    WHEN max(CASE WHEN ${rank} IS NOT NULL THEN ${value} END) OVER () = min(CASE WHEN ${rank} IS NOT NULL THEN ${value} END) OVER () THEN 1.0
    ELSE (${value} - min(CASE WHEN ${rank} IS NOT NULL THEN ${value} END) OVER ())
       / (max(CASE WHEN ${rank} IS NOT NULL THEN ${value} END) OVER () - min(CASE WHEN ${rank} IS NOT NULL THEN ${value} END) OVER ()) END`;
  const fused =
    fusion === 'rrf'
      ? 'coalesce(1.0 / (60 + s_rank), 0.0) + coalesce(1.0 / (60 + k_rank), 0.0)'
      : `0.7 * (${norm('similarity', 's_rank')}) + 0.3 * (${norm('k_score', 'k_rank')})`;
  return `WITH
    knn AS MATERIALIZED (${
      quantized
        ? QUANTIZED_CANDIDATES
        : `SELECT memory_id AS id, distance FROM vec_memories
           WHERE embedding MATCH @embedding AND k = @k AND project_id = @projectId`
    }),
    sem AS MATERIALIZED (SELECT id, row_number() OVER (ORDER BY distance, id) AS rank FROM knn),
    kw AS MATERIALIZED (
      SELECT id, relevance / (1.0 + relevance) AS score, row_number() OVER (ORDER BY relevance DESC, id) AS rank
      FROM (${keywordCandidates(bits, '40')})),
    ids AS (SELECT id FROM sem UNION SELECT id FROM kw),
    scored AS (
      SELECT ids.id, 1.0 - vec_distance_cosine(m.embedding, @embedding) AS similarity,
             coalesce(kw.score, 0.0) AS k_score, sem.rank AS s_rank, kw.rank AS k_rank
      FROM ids JOIN memory_vectors m ON m.id = ids.id
      LEFT JOIN sem ON sem.id = ids.id LEFT JOIN kw ON kw.id = ids.id),
    top AS MATERIALIZED (
      SELECT id, similarity, ${fused} AS fused FROM scored ORDER BY fused DESC, similarity DESC, id LIMIT 10)
  SELECT m.*, top.similarity, top.fused FROM top JOIN memory_vectors m ON m.id = top.id
  ORDER BY top.fused DESC, top.similarity DESC, m.id`;
}

function openRaw(path: string): BetterSqlite3.Database {
  const db = new Database(path);
  sqliteVec.load(db);
  // The store's pragmas (store-sqlite/src/connection.ts).
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  db.pragma('cache_size = -65536');
  db.pragma('synchronous = NORMAL');
  return db;
}

function fileSize(path: string): number {
  let total = 0;
  for (const suffix of ['', '-wal', '-shm']) {
    if (existsSync(path + suffix)) total += statSync(path + suffix).size;
  }
  return total;
}

/**
 * SqliteStore against better-sqlite3 prepared statements on the same files,
 * in the same process. Layout A: the whole tier in one project (unfiltered
 * search, point operations, ingest). Layout B: the tier spread over 10
 * projects (project-filtered search), loaded raw.
 */
export async function runSqlite(ctx: BenchContext): Promise<BackendResult> {
  const started = now();
  const { data, truth, limits } = ctx;
  const { rows, dimension, projects } = data.spec;
  const dir = mkdtempSync(join(tmpdir(), 'athena-bench-'));
  const pathA = join(dir, 'one-project.db');
  const pathB = join(dir, 'ten-projects.db');
  const notes: string[] = [];
  const tuning: Record<string, unknown> = {};
  const latency: LatencyRow[] = [];
  const ingest: RateRow[] = [];
  const extra = extraRows(data, 2 * ctx.ingestRows + 2 * (limits.samples + 30) + 100);
  let nextExtra = 0;
  const takeExtra = () => nextExtra++;

  const storeA = new SqliteStore({ path: pathA, embeddingDimension: dimension });
  const storeB = new SqliteStore({ path: pathB, embeddingDimension: dimension });
  let rawA: BetterSqlite3.Database | null = null;
  let rawB: BetterSqlite3.Database | null = null;
  try {
    // ---- Load A through the API: storeMany in batches.
    await storeA.init();
    const project = await storeA.projects.create({ name: 'bench', path: '/bench' });
    const pid = project.id;
    const ids: number[] = new Array(rows);
    let bar = progressBar('sqlite: storeMany (API, 1 project)', rows);
    let t0 = now();
    for (let start = 0; start < rows; start += LOAD_BATCH) {
      const end = Math.min(rows, start + LOAD_BATCH);
      const batch = [];
      for (let r = start; r < end; r++) batch.push(memoryInput(data, r));
      const got = await storeA.memories.storeMany(pid, batch);
      got.forEach((id, k) => (ids[start + k] = id));
      bar.update(end);
    }
    const apiLoadSeconds = (now() - t0) / 1000;
    bar.stop();

    // ---- Load B raw: the store creates the schema and projects; rows go in through multi-row INSERTs.
    await storeB.init();
    const projectIds: number[] = [];
    for (let p = 0; p < projects; p++) {
      projectIds.push(
        (await storeB.projects.create({ name: `bench-${p}`, path: `/bench/${p}` })).id,
      );
    }
    rawB = openRaw(pathB);
    const insertB = multiRowInserter(rawB);
    const idsB: number[] = new Array(rows);
    const loadB = rawB.transaction((start: number, end: number) => {
      const batch: RawRow[] = [];
      for (let r = start; r < end; r++) {
        const vector = data.vectors.subarray(r * dimension, (r + 1) * dimension);
        batch.push([projectIds[data.projectOf(r)] as number, data.texts[r] ?? '', blob(vector)]);
      }
      insertB(batch).forEach((id, k) => (idsB[start + k] = id));
    });
    bar = progressBar('sqlite: INSERT (raw, 10 projects)', rows);
    t0 = now();
    for (let start = 0; start < rows; start += LOAD_BATCH) {
      const end = Math.min(rows, start + LOAD_BATCH);
      loadB.immediate(start, end);
      bar.update(end);
    }
    const rawLoadSeconds = (now() - t0) / 1000;
    bar.stop();
    ingest.push({
      operation: `bulk import ${rows.toLocaleString('en-US')} (empty file, batches of ${LOAD_BATCH})`,
      unit: 'memories/s',
      api: rows / apiLoadSeconds,
      raw: rows / rawLoadSeconds,
      ratio: apiLoadSeconds / rawLoadSeconds,
      note: 'API: storeMany into one project; raw: multi-row INSERTs of up to 512 rows (same columns, triggers fill vec0 + FTS5 + bits) in one transaction per batch, into 10 projects',
    });
    const dbSizeBytes = fileSize(pathA);

    rawA = openRaw(pathA);
    const db = rawA;
    const idOf = (row: number) => ids[row] as number;
    const truthAll = (i: number) => (truth.unfiltered[i % data.spec.queries] ?? []).map(idOf);
    const truthProject = (i: number) =>
      (truth.projectFiltered[i % data.spec.queries] ?? []).map((row) => idsB[row] as number);
    const picks = pickRows(limits.samples + 50, rows);

    // ---- get by id
    const getStmt = db.prepare('SELECT * FROM memory_vectors WHERE project_id = ? AND id = ?');
    latency.push(
      latencyRow(
        'get by id',
        await measurePair(
          limits,
          async (i) => {
            const m = await storeA.memories.get(pid, idOf(picks[i] as number));
            return m === null ? [] : [m.id];
          },
          (i) => {
            const row = getStmt.get(pid, idOf(picks[i] as number)) as Row | undefined;
            return row === undefined ? [] : [withVector(row).id as number];
          },
        ),
        'both: one full memory row (API: Memory object; raw: driver row + Float32Array)',
      ),
    );

    // ---- semantic. The raw twin follows the store's plan: binary-quantised candidates re-scored
    // exactly when the file has memory_bits and the project is large enough, else vec0 KNN.
    const hasBits =
      db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'memory_bits'").pluck().get() ===
      1;
    const quantizedFor = (rowsInProject: number) => hasBits && rowsInProject >= QUANTIZED_MIN_ROWS;
    const statements = (conn: BetterSqlite3.Database, bare = false) => {
      const narrow = (sql: string) => (bare ? withoutEmbedding(sql) : sql);
      return {
        knn: conn.prepare(narrow(KNN)),
        quantized: hasBits ? conn.prepare(narrow(QUANTIZED)) : null,
        bare,
      };
    };
    const stmtsA = statements(db);
    const stmtsB = statements(rawB);
    const bareStmtsA = statements(db, true);
    const semanticRaw = (
      stmts: ReturnType<typeof statements>,
      quantized: boolean,
      project: number,
      q: number,
    ) => {
      const params = { embedding: blob(queryVector(data, q)), k: 10, projectId: project };
      const found =
        quantized && stmts.quantized !== null
          ? stmts.quantized.all({ ...params, quantized: quantizedCount(10) })
          : stmts.knn.all(params);
      return (found as Row[]).map((row) =>
        stmts.bare ? (row.id as number) : (withVector(row).id as number),
      );
    };
    const planA = quantizedFor(rows) ? 'quantized' : 'knn';
    const planB = quantizedFor(rows / projects) ? 'quantized' : 'knn';
    const planText = (plan: string) =>
      plan === 'quantized'
        ? `${quantizedCount(10)} binary-quantised candidates (Hamming) re-scored exactly`
        : 'exact vec0 KNN';
    latency.push(
      latencyRow(
        'semantic top-10',
        await measurePair(
          limits,
          async (i) =>
            (await storeA.search.semantic(pid, queryVector(data, i))).map((h) => h.memory.id),
          (i) => semanticRaw(stmtsA, planA === 'quantized', pid, i),
        ),
        `both: 10 full rows + similarity; raw plan: ${planText(planA)}`,
        truthAll,
      ),
    );
    latency.push(
      latencyRow(
        'semantic top-10, no embeddings',
        await measurePair(
          limits,
          async (i) =>
            (
              await storeA.search.semantic(pid, queryVector(data, i), { includeEmbedding: false })
            ).map((h) => h.memory.id),
          (i) => semanticRaw(bareStmtsA, planA === 'quantized', pid, i),
        ),
        `both: 10 rows without the embedding column + similarity (API: includeEmbedding false); raw plan: ${planText(planA)}`,
        truthAll,
      ),
    );
    latency.push(
      latencyRow(
        'semantic top-10, exact',
        await measurePair(
          limits,
          async (i) =>
            (await storeA.search.semantic(pid, queryVector(data, i), { exact: true })).map(
              (h) => h.memory.id,
            ),
          (i) => semanticRaw(stmtsA, false, pid, i),
        ),
        'both: 10 full rows + similarity; API exact: true; raw: exact vec0 KNN (the fastest exact float search here)',
        truthAll,
      ),
    );

    // ---- semantic, project-filtered (layout B: 10 % of the rows, one project each)
    const projectOfQuery = (q: number) =>
      projectIds[queryProject(q % data.spec.queries, projects)] as number;
    latency.push(
      latencyRow(
        'semantic top-10, project (10 %)',
        await measurePair(
          limits,
          async (i) =>
            (await storeB.search.semantic(projectOfQuery(i), queryVector(data, i))).map(
              (h) => h.memory.id,
            ),
          (i) => semanticRaw(stmtsB, planB === 'quantized', projectOfQuery(i), i),
        ),
        `both: 10 full rows + similarity; raw plan: ${planText(planB)}`,
        truthProject,
      ),
    );

    // ---- keyword
    const keywordStmt = db.prepare(keywordSql(hasBits));
    latency.push(
      latencyRow(
        'keyword top-10',
        await measurePair(
          limits,
          async (i) =>
            (await storeA.search.keyword(pid, queryText(data, i))).map((h) => h.memory.id),
          (i) =>
            (
              keywordStmt.all({
                match: ftsQuery(queryText(data, i)),
                projectId: pid,
                limit: 10,
              }) as Row[]
            ).map((row) => withVector(row).id as number),
        ),
        'both: 10 full rows + bm25 score',
      ),
    );
    const keywordStmtB = rawB.prepare(keywordSql(hasBits));
    latency.push(
      latencyRow(
        'keyword top-10, project (10 %)',
        await measurePair(
          limits,
          async (i) =>
            (await storeB.search.keyword(projectOfQuery(i), queryText(data, i))).map(
              (h) => h.memory.id,
            ),
          (i) =>
            (
              keywordStmtB.all({
                match: ftsQuery(queryText(data, i)),
                projectId: projectOfQuery(i),
                limit: 10,
              }) as Row[]
            ).map((row) => withVector(row).id as number),
        ),
        'both: 10 full rows + bm25 score (FTS5 matches every project, then the project filter)',
      ),
    );

    // ---- hybrid; recall against the same statement with an exact (vec0 KNN) semantic leg
    const truthQueries = Math.min(50, data.spec.queries);
    for (const fusion of ['weighted', 'rrf'] as const) {
      const stmt = db.prepare(hybridRaw(fusion, planA === 'quantized', hasBits));
      const exactStmt = db.prepare(hybridRaw(fusion, false, hasBits));
      const hybridParams = (i: number, quantized: boolean) => ({
        embedding: blob(queryVector(data, i)),
        match: ftsQuery(queryText(data, i)),
        projectId: pid,
        k: 40,
        ...(quantized ? { quantized: quantizedCount(40) } : {}),
      });
      const exact = Array.from({ length: truthQueries }, (_, q) =>
        (exactStmt.all(hybridParams(q, false)) as Row[]).map((row) => row.id as number),
      );
      const measured = await measurePair(
        limits,
        async (i) =>
          (
            await storeA.search.hybrid(
              pid,
              { embedding: queryVector(data, i), text: queryText(data, i) },
              { fusion },
            )
          ).map((h) => h.memory.id),
        (i) =>
          (stmt.all(hybridParams(i, planA === 'quantized')) as Row[]).map(
            (row) => withVector(row).id as number,
          ),
      );
      const first = (found: (readonly number[])[]) => found.slice(0, truthQueries);
      latency.push({
        ...latencyRow(
          `hybrid top-10 (${fusion})`,
          measured,
          `API: 10 full rows + both scores, ranks, normalised scores, fused; raw: 10 full rows + similarity, fused (semantic leg: ${planText(planA)})`,
        ),
        recallApi: meanRecall(first(measured.apiIds), (i) => exact[i] ?? []),
        recallRaw: meanRecall(first(measured.rawIds), (i) => exact[i] ?? []),
      });
      if (fusion === 'weighted') {
        const bare = db.prepare(
          withoutEmbedding(hybridRaw(fusion, planA === 'quantized', hasBits)),
        );
        latency.push(
          latencyRow(
            'hybrid top-10 (weighted), no embeddings',
            await measurePair(
              limits,
              async (i) =>
                (
                  await storeA.search.hybrid(
                    pid,
                    { embedding: queryVector(data, i), text: queryText(data, i) },
                    { includeEmbedding: false },
                  )
                ).map((h) => h.memory.id),
              (i) =>
                (bare.all(hybridParams(i, planA === 'quantized')) as Row[]).map(
                  (row) => row.id as number,
                ),
            ),
            'both as hybrid top-10 (weighted), the final 10 rows without the embedding column (API: includeEmbedding false)',
          ),
        );
      }
    }
    notes.push(
      `Recall@10 of semantic search: against the exact top-10 computed in JS. Hybrid: against the same fused statement with an exact vec0 KNN semantic leg, over the first ${truthQueries} queries. The file ${hasBits ? 'has' : 'does not have'} memory_bits (binary-quantised vectors); plans: one-project layout ${planA}, ten-project layout ${planB}.`,
    );

    // ---- recordAccess (10 ids)
    const access = db.prepare(
      `UPDATE memory_vectors SET access_count = access_count + 1, last_accessed = ?, last_retrieved = ?
       WHERE project_id = ? AND id IN (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const tenIds = (i: number) => spreadIds(picks, idOf, i);
    latency.push(
      latencyRow(
        'recordAccess (10 ids)',
        await measurePair(
          limits,
          async (i) => {
            await storeA.memories.recordAccess(pid, tenIds(i), { retrieved: true });
          },
          (i) => {
            const at = Date.now();
            access.run(at, at, pid, ...tenIds(i));
          },
        ),
        'both: the number of rows changed',
      ),
    );

    // ---- a 10-operation transaction
    const update = db.prepare(
      `UPDATE memory_vectors SET usefulness_score = ?, version = version + 1, updated_at = ?
       WHERE project_id = ? AND id = ? RETURNING *`,
    );
    const access5 = db.prepare(
      `UPDATE memory_vectors SET access_count = access_count + 1, last_accessed = ?
       WHERE project_id = ? AND id IN (?, ?, ?, ?, ?)`,
    );
    const insertReturning = db.prepare(`${INSERT_MEMORY} RETURNING *`);
    const episode = db.prepare(
      `INSERT INTO episodic_events (project_id, session_id, timestamp, event_type, content, confidence, created_at)
       VALUES (?, 'bench', ?, 'action', 'recalled and reinforced memories', 1, ?) RETURNING *`,
    );
    const rawTx = db.transaction((i: number) => {
      const at = Date.now();
      const idsI = tenIds(i);
      for (let k = 0; k < 4; k++) withVector(getStmt.get(pid, idsI[k]) as Row);
      withVector(update.get(0.5, at, pid, idsI[4]) as Row);
      withVector(update.get(0.6, at, pid, idsI[5]) as Row);
      access5.run(at, pid, ...idsI.slice(0, 5));
      access5.run(at, pid, ...idsI.slice(5, 10));
      const r = takeExtra();
      withVector(
        insertReturning.get(
          pid,
          extra.texts[r],
          blob(extra.vectors.subarray(r * dimension, (r + 1) * dimension)),
          at,
          at,
        ) as Row,
      );
      episode.get(pid, at, at);
    });
    latency.push(
      latencyRow(
        'transaction (10 operations)',
        await measurePair(
          { ...limits, samples: Math.min(limits.samples, 200) },
          async (i) => {
            await apiTransaction(storeA, pid, tenIds(i), memoryInput(extra, takeExtra()));
          },
          (i) => {
            rawTx.immediate(i);
          },
        ),
        '4 get, 2 update, 2 recordAccess (5 ids), 1 store (with vector), 1 episode; BEGIN IMMEDIATE … COMMIT',
      ),
    );

    // ---- neighbours of 10 memories (consolidation's clustering query)
    const neighbourStmt = db.prepare(
      planA === 'quantized' ? NEIGHBOURS_QUANTIZED : NEIGHBOURS_EXACT,
    );
    latency.push(
      latencyRow(
        'neighbours (10 memories, k 10)',
        await measurePair(
          { ...limits, samples: Math.min(limits.samples, 200) },
          async (i) =>
            (await storeA.search.neighbours(pid, tenIds(i), { k: 10 })).flatMap((entry) =>
              entry.neighbours.map((n) => n.id),
            ),
          (i) =>
            (
              neighbourStmt.all({
                ids: JSON.stringify(tenIds(i)),
                projectId: pid,
                k: 10,
                candidates: quantizedCount(10),
              }) as { neighbours: string }[]
            ).flatMap((row) =>
              (JSON.parse(row.neighbours) as [number, number][]).map(([id]) => id),
            ),
        ),
        `both: 10 × 10 (id, similarity); plan: ${planA === 'quantized' ? `${quantizedCount(10)} Hamming candidates per memory re-scored exactly` : 'exact scan per memory'}`,
      ),
    );

    // ---- re-indexing one file of a 100-file tree (code.replaceFile)
    const codeApi = (await storeA.projects.create({ name: 'code-api', path: '/code-api' })).id;
    const codeRaw = (await storeA.projects.create({ name: 'code-raw', path: '/code-raw' })).id;
    const indexRaw = rawFileIndexer(db, codeRaw);
    for (let pass = 0; pass < 2; pass++) {
      for (let f = 0; f < CODE_TREE.files; f++) {
        const file = codeFile(f);
        if (pass === 0)
          await storeA.code.replaceFile(codeApi, file.path, {
            entities: file.entities,
            edges: file.edges,
          });
        indexRaw(file);
      }
    }
    latency.push(
      latencyRow(
        'replaceFile (20 entities, 30 edges)',
        await measurePair(
          { ...limits, samples: Math.min(limits.samples, 200) },
          async (i) => {
            const file = codeFile(i % CODE_TREE.files, i + 1);
            return (
              await storeA.code.replaceFile(codeApi, file.path, {
                entities: file.entities,
                edges: file.edges,
              })
            ).entities.map((e) => e.id);
          },
          (i) => indexRaw(codeFile(i % CODE_TREE.files, i + 1)),
        ),
        'a re-index changing 2 entities; API: compare with the stored file, update what changed, pending edges; raw: upsert all by key, delete vanished, replace edges by key joins',
      ),
    );

    // ---- concurrency (one connection: the store's calls are serialised; raw calls are synchronous)
    const single = latency.find((r) => r.operation === 'semantic top-10')?.api.p50 ?? 1;
    const ops = Math.max(40, Math.min(ctx.throughputOps, Math.round(3000 / single)));
    const throughput = [
      ...(await measureThroughput(
        'semantic top-10',
        ops,
        async (i) => {
          await storeA.search.semantic(pid, queryVector(data, i));
        },
        async (i) => {
          semanticRaw(stmtsA, planA === 'quantized', pid, i);
        },
      )),
      ...(await measureThroughput(
        'get by id',
        ctx.throughputOps,
        async (i) => {
          await storeA.memories.get(pid, idOf(picks[i % picks.length] as number));
        },
        async (i) => {
          withVector(getStmt.get(pid, idOf(picks[i % picks.length] as number)) as Row);
        },
      )),
    ];
    notes.push(
      'SQLite concurrency: N async callers of one SqliteStore (one better-sqlite3 connection; every call runs synchronously to completion, so calls are serialised); raw: the same synchronous statements. No speed-up is expected or possible on one connection.',
    );

    // ---- ingest into the loaded file: API and raw batches interleaved
    const insertA = multiRowInserter(db);
    const rawBatch = db.transaction((rowsI: number[]) => {
      insertA(
        rowsI.map((r): RawRow => [
          pid,
          extra.texts[r] ?? '',
          blob(extra.vectors.subarray(r * dimension, (r + 1) * dimension)),
        ]),
      );
    });
    const loaded = await interleavedIngest({
      label: 'sqlite: ingest into loaded file',
      ingestRows: ctx.ingestRows,
      store: storeA,
      projectId: pid,
      extra,
      takeExtra,
      rawBatch: (rawRows) => rawBatch.immediate(rawRows),
    });
    ingest.push({
      operation: `ingest into loaded file (${loaded.rowsPerSide.toLocaleString('en-US')} per side, batches of ${INGEST_BATCH})`,
      unit: 'memories/s',
      api: loaded.rowsPerSide / (loaded.apiMs / 1000),
      raw: loaded.rowsPerSide / (loaded.rawMs / 1000),
      ratio: loaded.apiMs / loaded.rawMs,
      note: `API storeMany vs raw multi-row INSERTs in one transaction, interleaved; new rows found by an immediate search: ${loaded.searchable}/${loaded.checked}`,
    });

    // ---- tuning: what exact search costs, and a binary-quantised prototype
    tuning.sqlite = sqliteTuning(db, data, pid, truthAll, limits.samples);

    return {
      backend: 'sqlite',
      settings: {
        file: 'temporary directory, deleted afterwards',
        pragmas: 'WAL, synchronous=NORMAL, page_size=16384, cache_size=64 MiB, foreign_keys=ON',
        layoutA: `${rows} memories in one project (unfiltered search, point operations, ingest)`,
        layoutB: `${rows} memories over ${projects} projects (project-filtered search), loaded raw`,
      },
      latency,
      ingest,
      throughput,
      dbSizeBytes,
      seconds: (now() - started) / 1000,
      notes,
      tuning,
    };
  } finally {
    rawA?.close();
    rawB?.close();
    await storeA.close();
    await storeB.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Exact float search two ways (vec0 KNN, vec_distance_cosine over the base
 * table) and the prototype a quantised index would need: binary-quantised
 * vec0 candidates (hamming distance), re-scored exactly with the float vectors.
 */
function sqliteTuning(
  db: BetterSqlite3.Database,
  data: BenchContext['data'],
  pid: number,
  truth: (i: number) => readonly number[],
  samples: number,
): Record<string, unknown> {
  const n = Math.min(samples, 50);
  const q = (i: number) => blob(queryVector(data, i));
  const time = (fn: (i: number) => unknown) => {
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = now();
      fn(i);
      times.push(now() - t);
    }
    return summarise(times);
  };
  const out: Record<string, unknown> = {};
  const knn = db.prepare(
    'SELECT memory_id FROM vec_memories WHERE embedding MATCH ? AND k = 10 AND project_id = ?',
  );
  out.vec0KnnIdsOnly = time((i) => knn.all(q(i), pid));
  const scan = db.prepare(
    'SELECT id FROM memory_vectors WHERE project_id = ? ORDER BY vec_distance_cosine(embedding, ?) LIMIT 10',
  );
  out.baseTableScanIdsOnly = time((i) => scan.all(pid, q(i)));
  const t0 = now();
  db.exec(
    `CREATE VIRTUAL TABLE bench_vec_bit USING vec0(memory_id INTEGER PRIMARY KEY, embedding bit[${data.spec.dimension}])`,
  );
  db.exec(
    'INSERT INTO bench_vec_bit (memory_id, embedding) SELECT id, vec_quantize_binary(embedding) FROM memory_vectors',
  );
  out.binaryIndexBuildSeconds = (now() - t0) / 1000;
  const sweep: Record<string, unknown>[] = [];
  for (const candidates of [40, 100, 200, 400]) {
    const stmt = db.prepare(`WITH c AS MATERIALIZED (
        SELECT memory_id FROM bench_vec_bit WHERE embedding MATCH vec_quantize_binary(@q) AND k = ${candidates})
      SELECT m.id FROM c JOIN memory_vectors m ON m.id = c.memory_id
      ORDER BY vec_distance_cosine(m.embedding, @q) LIMIT 10`);
    const found: number[][] = [];
    const summary = time((i) =>
      found.push((stmt.all({ q: q(i) }) as { id: number }[]).map((r) => r.id)),
    );
    sweep.push({
      candidates,
      p50: summary.p50,
      p95: summary.p95,
      recall: meanRecall(found, truth),
    });
  }
  out.binaryRescoreSweep = sweep;
  db.exec('DROP TABLE bench_vec_bit');
  return out;
}
