import type { PostgresStore } from '@athena/store-postgres';
import type { CodeFile } from '../code-files.js';
import type { IngestTwin } from '../phases/ingest-on-top.js';
import type { Twins } from '../phases/measure-twins.js';
import type { RunContext } from '../phases/run-context.js';
import { INGEST_BATCH, queryText, queryVector } from '../workload.js';
import type { PostgresConnections } from './postgres-connections.js';
import type { PostgresLayouts } from './load-postgres.js';
import { rawReplaceFile } from './raw-replace-file.js';
import {
  ids,
  insertRows,
  neighboursStatement,
  query,
  rawStatements,
  vectorParam,
  withVector,
} from './raw-sql.js';
import type { Row } from './raw-sql.js';

/**
 * PostgreSQL's twins: the same operations as hand-written SQL through the
 * bare `pg` driver — named prepared statements, vectors as binary parameters,
 * embeddings read back through `vector_send` — on the same schemas.
 */
export function postgresTwins(
  run: RunContext<PostgresStore>,
  conn: PostgresConnections,
  layouts: PostgresLayouts,
): Twins & { readonly ingest: IngestTwin } {
  const { pid, tenIds, projectOfQuery, extra, takeExtra } = run;
  const { data } = run.bench;
  const { rows, dimension } = data.spec;
  const { admin, raw, schemaA, schemaB } = conn;
  const sqlA = rawStatements(schemaA);
  const sqlB = rawStatements(schemaB);
  const neighboursA = neighboursStatement(schemaA);
  const qvText = (i: number) => vectorParam(queryVector(data, i));
  const extraVector = (r: number) =>
    vectorParam(extra.vectors.subarray(r * dimension, (r + 1) * dimension));
  const fullRows = (found: Row[]) => found.map(withVector).map((r) => r.id as number);
  const get = async (id: number) => fullRows(await query(raw, 'get-a', sqlA.get, [pid, id]));
  const semantic = async (i: number) =>
    fullRows(await query(raw, 'semantic-a', sqlA.semantic, [pid, qvText(i)]));
  return {
    read: {
      getById: {
        get,
        returns:
          'both: one full memory row (API: Memory object; raw: driver row, embedding parsed to Float32Array)',
      },
      semantic: {
        raw: semantic,
        returns: 'both: 10 full rows + distance (HNSW, ef_search 40, iterative scan relaxed_order)',
      },
      semanticBare: {
        raw: async (i) =>
          ids(await query(raw, 'semantic-bare-a', sqlA.semanticBare, [pid, qvText(i)])),
        returns:
          'both: 10 rows without the embedding column + distance (API: includeEmbedding false)',
      },
      semanticProject: {
        // Unnamed: planned for the project id, so a project's own graph (partial index) matches.
        raw: async (i) =>
          fullRows(
            (await layouts.filtered.query<Row>(sqlB.semantic, [projectOfQuery(i), qvText(i)])).rows,
          ),
        returns:
          layouts.filteredEf === 40
            ? "both: 10 full rows + distance (the project's own HNSW graph, ef_search 40)"
            : `both: 10 full rows + distance (shared HNSW + iterative scan, filter project_id); raw ef_search ${layouts.filteredEf}, the value the store derives for a project with 10 % of the rows`,
      },
      keyword: {
        raw: async (i) =>
          fullRows(await query(raw, 'keyword-a', sqlA.keyword, [pid, queryText(data, i)])),
        returns: 'both: 10 full rows + ts_rank score (GIN, OR of the terms)',
      },
      keywordProject: {
        raw: async (i) =>
          fullRows(
            await query(raw, 'keyword-b', sqlB.keyword, [projectOfQuery(i), queryText(data, i)]),
          ),
        returns:
          "both: 10 full rows + ts_rank score (GIN on (project_id, tsv): only the project's matches are read)",
      },
    },
    hybrid: {
      order: ['weighted', 'rrf', 'weighted, no embeddings'],
      fused: async (fusion, truthQueries) => {
        const text = fusion === 'rrf' ? sqlA.hybridRrf : sqlA.hybridWeighted;
        const exact: number[][] = [];
        const client = await admin.connect();
        try {
          for (let q = 0; q < truthQueries; q++) {
            await client.query('begin');
            await client.query('set local enable_indexscan = off');
            exact.push(
              ids((await client.query<Row>(text, [pid, qvText(q), queryText(data, q)])).rows),
            );
            await client.query('commit');
          }
        } finally {
          client.release();
        }
        return {
          raw: async (i) =>
            fullRows(
              await query(raw, `hybrid-${fusion}-a`, text, [pid, qvText(i), queryText(data, i)]),
            ),
          returns:
            'API: 10 full rows + similarity, keyword score, ranks, normalised scores, fused; raw: 10 full rows + similarity, fused (fused over ids, full rows fetched for the final 10 only)',
          exact,
        };
      },
      bare: async (i) =>
        ids(
          await query(raw, 'hybrid-weighted-bare-a', sqlA.hybridWeightedBare, [
            pid,
            qvText(i),
            queryText(data, i),
          ]),
        ),
      note: (truthQueries) =>
        `Hybrid recall@10: against the same fused statement with an exact semantic leg (SET LOCAL enable_indexscan = off), over the first ${truthQueries} queries.`,
    },
    write: {
      recordAccess: (accessed) =>
        query(raw, 'access-a', sqlA.recordAccess, [pid, accessed, new Date()]),
      transaction: {
        raw: async (i) => {
          const client = await raw.connect();
          try {
            const idsI = tenIds(i);
            await client.query('begin');
            for (let k = 0; k < 4; k++)
              (await query(client, 'get-a', sqlA.get, [pid, idsI[k]])).map(withVector);
            (await query(client, 'update-a', sqlA.update, [pid, idsI[4], 0.5])).map(withVector);
            (await query(client, 'update-a', sqlA.update, [pid, idsI[5], 0.6])).map(withVector);
            await query(client, 'access5-a', sqlA.access, [pid, idsI.slice(0, 5)]);
            await query(client, 'access5-a', sqlA.access, [pid, idsI.slice(5, 10)]);
            const r = takeExtra();
            (
              await query(client, 'insert-one-a', sqlA.insertOne, [
                pid,
                extra.texts[r],
                extraVector(r),
              ])
            ).map(withVector);
            await query(client, 'episode-a', sqlA.episode, [pid]);
            await client.query('commit');
          } catch (error) {
            await client.query('rollback');
            throw error;
          } finally {
            client.release();
          }
        },
        returns:
          '4 get, 2 update, 2 recordAccess (5 ids), 1 store (with vector, HNSW insert), 1 episode; BEGIN … COMMIT on one connection',
      },
    },
    neighboursAndCode: {
      neighbours: {
        raw: async (i) =>
          (await query(raw, 'neighbours-a', neighboursA, [pid, tenIds(i), 10])).flatMap((row) =>
            row.id === null ? [] : [Number(row.id)],
          ),
        returns:
          'both: 10 × 10 (id, distance); one LATERAL HNSW scan per memory (ef_search 40, iterative scan)',
      },
      replaceFile: {
        indexer: (projectId) => (file: CodeFile) => rawReplaceFile(raw, schemaA, projectId, file),
        returns:
          'a re-index changing 2 entities; API: compare with the stored file, update what changed, pending edges; raw: one multi-row upsert of all by key, delete vanished, replace edges by one key join',
      },
    },
    // One PostgresStore (poolMax 16) against a 16-connection pg.Pool.
    concurrency: { semantic, get, semanticOps: { minOps: 100, budgetMs: 4000 } },
    ingest: {
      label: `${conn.engine}: ingest into indexed table`,
      rawBatch: (rawRows) =>
        insertRows(
          raw,
          schemaA,
          rawRows.map(() => pid),
          rawRows.map((r) => extra.texts[r] ?? ''),
          rawRows.map(extraVector),
        ),
      operation: (rowsPerSide) =>
        `ingest into indexed table (${rowsPerSide.toLocaleString('en-US')} per side on top of ${rows.toLocaleString('en-US')}, batches of ${INGEST_BATCH})`,
      how: 'API storeMany vs raw multi-row INSERT, interleaved, HNSW maintained',
    },
  };
}
