import { searchCandidateCount } from '@athena/store-sqlite';
import type { SqliteStore } from '@athena/store-sqlite';
import type BetterSqlite3 from 'better-sqlite3';
import type { IngestTwin } from '../phases/ingest-on-top.js';
import type { Twins } from '../phases/measure-twins.js';
import type { RunContext } from '../phases/run-context.js';
import { INGEST_BATCH, queryText, queryVector } from '../workload.js';
import type { SqliteLayouts } from './load-sqlite.js';
import { rawFileIndexer } from './raw-file-indexer.js';
import {
  blob,
  ftsQuery,
  hybridRaw,
  INSERT_MEMORY,
  KNN,
  keywordSql,
  multiRowInserter,
  NEIGHBOURS_EXACT,
  NEIGHBOURS_QUANTIZED,
  QUANTIZED,
  QUANTIZED_MIN_ROWS,
  quantizedCount,
  withoutEmbedding,
  withVector,
} from './raw-sql.js';
import type { RawRow, Row } from './raw-sql.js';

/**
 * SQLite's twins: the same operations as better-sqlite3 prepared statements
 * on the same files. The semantic twins follow the store's plan:
 * binary-quantised candidates re-scored exactly when the file has
 * `memory_bits` and the project is large enough, else vec0 KNN.
 */
export function sqliteTwins(
  run: RunContext<SqliteStore>,
  layouts: SqliteLayouts,
): Twins & { readonly ingest: IngestTwin } {
  const { pid, tenIds, projectOfQuery, extra, takeExtra } = run;
  const { data } = run.bench;
  const { rows, dimension, projects } = data.spec;
  const db = layouts.rawA;
  const extraBlob = (r: number) => blob(extra.vectors.subarray(r * dimension, (r + 1) * dimension));

  const getStmt = db.prepare('SELECT * FROM memory_vectors WHERE project_id = ? AND id = ?');
  const get = (id: number) => {
    const row = getStmt.get(pid, id) as Row | undefined;
    return row === undefined ? [] : [withVector(row).id as number];
  };

  const hasBits =
    db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'memory_bits'").pluck().get() === 1;
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
  const stmtsB = statements(layouts.rawB);
  const bareStmtsA = statements(db, true);
  const semanticRaw = (
    stmts: ReturnType<typeof statements>,
    quantized: boolean,
    project: number,
    q: number,
  ) => {
    const params = { embedding: blob(queryVector(data, q)), k: 10, projectId: project };
    const memories = project === pid ? rows : rows / projects;
    const found =
      quantized && stmts.quantized !== null
        ? stmts.quantized.all({ ...params, quantized: searchCandidateCount(10, memories) })
        : stmts.knn.all(params);
    return (found as Row[]).map((row) =>
      stmts.bare ? (row.id as number) : (withVector(row).id as number),
    );
  };
  const planA = quantizedFor(rows) ? 'quantized' : 'knn';
  const planB = quantizedFor(rows / projects) ? 'quantized' : 'knn';
  const planText = (plan: string, memories: number) =>
    plan === 'quantized'
      ? `${searchCandidateCount(10, memories)} binary-quantised candidates (Hamming) re-scored exactly`
      : 'exact vec0 KNN';
  const semantic = (i: number) => semanticRaw(stmtsA, planA === 'quantized', pid, i);

  const keyword = (stmt: BetterSqlite3.Statement, projectId: number, i: number) =>
    (stmt.all({ match: ftsQuery(queryText(data, i)), projectId, limit: 10 }) as Row[]).map(
      (row) => withVector(row).id as number,
    );
  const keywordStmt = db.prepare(keywordSql(hasBits));
  const keywordStmtB = layouts.rawB.prepare(keywordSql(hasBits));

  const hybridParams = (i: number, quantized: boolean) => ({
    embedding: blob(queryVector(data, i)),
    match: ftsQuery(queryText(data, i)),
    projectId: pid,
    k: 40,
    ...(quantized ? { quantized: searchCandidateCount(40, rows) } : {}),
  });
  const hybridBare = db.prepare(
    withoutEmbedding(hybridRaw('weighted', planA === 'quantized', hasBits)),
  );

  const access = db.prepare(
    `UPDATE memory_vectors SET access_count = access_count + 1, last_accessed = ?, last_retrieved = ?
     WHERE project_id = ? AND id IN (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
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
    withVector(insertReturning.get(pid, extra.texts[r], extraBlob(r), at, at) as Row);
    episode.get(pid, at, at);
  });

  const neighbourStmt = db.prepare(planA === 'quantized' ? NEIGHBOURS_QUANTIZED : NEIGHBOURS_EXACT);

  const insertA = multiRowInserter(db);
  const ingestBatch = db.transaction((rowsI: number[]) => {
    insertA(rowsI.map((r): RawRow => [pid, extra.texts[r] ?? '', extraBlob(r)]));
  });

  return {
    read: {
      getById: {
        get,
        returns: 'both: one full memory row (API: Memory object; raw: driver row + Float32Array)',
      },
      semantic: {
        raw: semantic,
        returns: `both: 10 full rows + similarity; raw plan: ${planText(planA, rows)}`,
      },
      semanticBare: {
        raw: (i) => semanticRaw(bareStmtsA, planA === 'quantized', pid, i),
        returns: `both: 10 rows without the embedding column + similarity (API: includeEmbedding false); raw plan: ${planText(planA, rows)}`,
      },
      semanticExact: {
        raw: (i) => semanticRaw(stmtsA, false, pid, i),
        returns:
          'both: 10 full rows + similarity; API exact: true; raw: exact vec0 KNN (the fastest exact float search here)',
      },
      semanticProject: {
        raw: (i) => semanticRaw(stmtsB, planB === 'quantized', projectOfQuery(i), i),
        returns: `both: 10 full rows + similarity; raw plan: ${planText(planB, rows / projects)}`,
      },
      keyword: {
        raw: (i) => keyword(keywordStmt, pid, i),
        returns: 'both: 10 full rows + bm25 score',
      },
      keywordProject: {
        raw: (i) => keyword(keywordStmtB, projectOfQuery(i), i),
        returns:
          'both: 10 full rows + bm25 score (FTS5 matches every project, then the project filter)',
      },
    },
    hybrid: {
      order: ['weighted', 'weighted, no embeddings', 'rrf'],
      // Recall against the same statement with an exact (vec0 KNN) semantic leg.
      fused: async (fusion, truthQueries) => {
        const stmt = db.prepare(hybridRaw(fusion, planA === 'quantized', hasBits));
        const exactStmt = db.prepare(hybridRaw(fusion, false, hasBits));
        return {
          raw: (i) =>
            (stmt.all(hybridParams(i, planA === 'quantized')) as Row[]).map(
              (row) => withVector(row).id as number,
            ),
          returns: `API: 10 full rows + both scores, ranks, normalised scores, fused; raw: 10 full rows + similarity, fused (semantic leg: ${planText(planA, rows)})`,
          exact: Array.from({ length: truthQueries }, (_, q) =>
            (exactStmt.all(hybridParams(q, false)) as Row[]).map((row) => row.id as number),
          ),
        };
      },
      bare: (i) =>
        (hybridBare.all(hybridParams(i, planA === 'quantized')) as Row[]).map(
          (row) => row.id as number,
        ),
      note: (truthQueries) =>
        `Recall@10 of semantic search: against the exact top-10 computed in JS. Hybrid: against the same fused statement with an exact vec0 KNN semantic leg, over the first ${truthQueries} queries. The file ${hasBits ? 'has' : 'does not have'} memory_bits (binary-quantised vectors); plans: one-project layout ${planA}, ten-project layout ${planB}.`,
    },
    write: {
      recordAccess: (accessed) => {
        const at = Date.now();
        access.run(at, at, pid, ...accessed);
      },
      transaction: {
        raw: (i) => {
          rawTx.immediate(i);
        },
        returns:
          '4 get, 2 update, 2 recordAccess (5 ids), 1 store (with vector), 1 episode; BEGIN IMMEDIATE … COMMIT',
      },
    },
    neighboursAndCode: {
      neighbours: {
        raw: (i) =>
          (
            neighbourStmt.all({
              ids: JSON.stringify(tenIds(i)),
              projectId: pid,
              k: 10,
              candidates: quantizedCount(10),
            }) as { neighbours: string }[]
          ).flatMap((row) => (JSON.parse(row.neighbours) as [number, number][]).map(([id]) => id)),
        returns: `both: 10 × 10 (id, similarity); plan: ${planA === 'quantized' ? `${quantizedCount(10)} Hamming candidates per memory re-scored exactly` : 'exact scan per memory'}`,
      },
      replaceFile: {
        indexer: (projectId) => rawFileIndexer(db, projectId),
        returns:
          'a re-index changing 2 entities; API: compare with the stored file, update what changed, pending edges; raw: upsert all by key, delete vanished, replace edges by key joins',
      },
    },
    // Raw calls are synchronous on one connection; the store's searches run
    // on its reader threads when it has them.
    concurrency: {
      semantic,
      get,
      semanticOps: { minOps: 40, budgetMs: 3000 },
      note:
        run.bench.sqliteReaders > 0
          ? `SQLite concurrency: N async callers of one SqliteStore with ${run.bench.sqliteReaders} reader thread(s) (searches run on them in parallel; get by id on the store's connection); raw: the same synchronous statements on one connection, serialised.`
          : 'SQLite concurrency: N async callers of one SqliteStore without reader threads (one better-sqlite3 connection; every call runs synchronously to completion, so calls are serialised); raw: the same synchronous statements. No speed-up is possible on one connection.',
    },
    ingest: {
      label: 'sqlite: ingest into loaded file',
      rawBatch: (rawRows) => ingestBatch.immediate(rawRows),
      operation: (rowsPerSide) =>
        `ingest into loaded file (${rowsPerSide.toLocaleString('en-US')} per side, batches of ${INGEST_BATCH})`,
      how: 'API storeMany vs raw multi-row INSERTs in one transaction, interleaved',
    },
  };
}
