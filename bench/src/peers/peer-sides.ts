import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Document } from '@langchain/core/documents';
import { Embeddings } from '@langchain/core/embeddings';
import { PGVectorStore as LangchainPgVectorStore } from '@langchain/community/vectorstores/pgvector';
import { BaseEmbedding } from '@llamaindex/core/embeddings';
import { TextNode } from '@llamaindex/core/schema';
import { VectorStoreQueryMode } from '@llamaindex/core/vector-store';
import { PGVectorStore as LlamaindexPgVectorStore } from '@llamaindex/postgres';
import { LibSQLVector } from '@mastra/libsql';
import { PgVector } from '@mastra/pg';
import pg from 'pg';
import type { Dataset } from '../dataset.js';
import { now } from '../stats.js';
import { LOAD_BATCH } from '../workload.js';
import { filesBytes } from './side.js';
import type { Engine, LoadFigures, VectorSide } from './side.js';
import { installedVersion } from './versions.js';

/** Athena's HNSW parameters and default ef_search, given to every peer that documents them. */
const HNSW = { m: 16, efConstruction: 64, efSearch: 40 } as const;

/** Where a peer may create its tables. */
export interface PeerContext {
  readonly url: string;
  readonly dimension: number;
}

/** The peers the suite knows, by the name `--peers` takes. */
export type PeerName = 'mastra' | 'langchain' | 'llamaindex' | 'mastra-libsql';

interface PeerDefinition {
  readonly engine: Engine;
  /** The npm packages measured (their versions go into the results). */
  readonly packages: readonly string[];
  /** The largest tier the peer is run at, and why not beyond (a skip the results state). */
  readonly limit?: { readonly rows: number; readonly why: string };
  open(context: PeerContext): Promise<VectorSide>;
}

/** The rows `data` holds from `start` to `end`, as plain arrays (what the peers' APIs take). */
function batchOf(data: Dataset, start: number, end: number) {
  const { dimension } = data.spec;
  const rows: { row: number; vector: number[]; text: string; project: string }[] = [];
  for (let row = start; row < end; row++) {
    rows.push({
      row,
      vector: Array.from(data.vectors.subarray(row * dimension, (row + 1) * dimension)),
      text: data.texts[row] ?? '',
      project: `p${data.projectOf(row)}`,
    });
  }
  return rows;
}

/** Calls `insert` with every LOAD_BATCH rows of `data`, then `index()`; the whole load timed. */
async function timedLoad(
  data: Dataset,
  insert: (rows: ReturnType<typeof batchOf>) => Promise<unknown>,
  index: () => Promise<unknown>,
): Promise<number> {
  const started = now();
  for (let start = 0; start < data.spec.rows; start += LOAD_BATCH)
    await insert(batchOf(data, start, Math.min(data.spec.rows, start + LOAD_BATCH)));
  await index();
  return (now() - started) / 1000;
}

/** Bytes of `relation` with its indexes and TOAST. */
async function relationBytes(pool: pg.Pool, relation: string): Promise<number> {
  const { rows } = await pool.query<{ bytes: string }>(
    'select pg_total_relation_size($1::regclass) as bytes',
    [relation],
  );
  return Number(rows[0]?.bytes ?? 0);
}

/**
 * The statistics autovacuum would gather a minute after a bulk load: every
 * PostgreSQL side is measured with them (Athena's `bulkLoad` gathers its
 * own), so no planner decision rests on a table it has never seen.
 */
const ANALYZE_NOTE = 'ANALYZE after the load, as autovacuum would';

/** Heap, TOAST and index bytes of `relation`, in words (where a peer keeps its vectors). */
async function relationBreakdown(pool: pg.Pool, relation: string): Promise<string> {
  const { rows } = await pool.query<{ heap: string; toast: string; indexes: string }>(
    `select pg_relation_size(c.oid) as heap,
            coalesce(pg_total_relation_size(nullif(c.reltoastrelid, 0)), 0) as toast,
            pg_indexes_size(c.oid) as indexes
       from pg_class c where c.oid = $1::regclass`,
    [relation],
  );
  const mib = (value: string | undefined) => `${(Number(value ?? 0) / 1048576).toFixed(0)} MiB`;
  const row = rows[0];
  return `heap ${mib(row?.heap)}, TOAST ${mib(row?.toast)}, indexes ${mib(row?.indexes)}`;
}

const rowOf = (metadata: Record<string, unknown> | undefined) => Number(metadata?.row ?? -1);

/** Both Mastra stores' upsert input: the vectors, and each row's number, project and text as metadata. */
const mastraUpsert = (rows: ReturnType<typeof batchOf>) => ({
  vectors: rows.map((r) => r.vector),
  metadata: rows.map((r) => ({ row: r.row, project: r.project, text: r.text })),
});

/** Both Mastra stores' metadata filter for one project (none: every row). */
const mastraFilter = (project: number | null) =>
  project === null ? {} : { filter: { project: `p${project}` } };

/** The data set's row numbers of a Mastra store's hits. */
const mastraRows = (hits: readonly { metadata?: Record<string, unknown> }[]) =>
  hits.map((hit) => rowOf(hit.metadata));

/** `@mastra/pg` PgVector in its own schema: `createIndex` without the index, `upsert`, `buildIndex` HNSW. */
async function mastraPostgres({ url, dimension }: PeerContext): Promise<VectorSide> {
  const schemaName = `peers_mastra_${process.pid}`;
  const indexName = 'vectors';
  const store = new PgVector({ id: 'athena-bench', connectionString: url, schemaName });
  const admin = new pg.Pool({ connectionString: url, max: 1 });
  const query = async (vector: Float32Array, k: number, project: number | null) =>
    mastraRows(
      await store.query({
        indexName,
        queryVector: Array.from(vector),
        topK: k,
        ef: HNSW.efSearch,
        ...mastraFilter(project),
      }),
    );
  return {
    name: 'mastra',
    library: `@mastra/pg ${installedVersion('@mastra/pg')}`,
    engine: 'postgres',
    settings: `HNSW m ${HNSW.m}, ef_construction ${HNSW.efConstruction} (buildIndex indexConfig); ef ${HNSW.efSearch} per query; ${ANALYZE_NOTE}`,
    async load(data: Dataset): Promise<LoadFigures> {
      await store.createIndex({ indexName, dimension, metric: 'cosine', buildIndex: false });
      const seconds = await timedLoad(
        data,
        (rows) => store.upsert({ indexName, ...mastraUpsert(rows) }),
        async () => {
          await store.buildIndex({
            indexName,
            metric: 'cosine',
            indexConfig: {
              type: 'hnsw',
              hnsw: { m: HNSW.m, efConstruction: HNSW.efConstruction },
            },
          });
          await admin.query(`analyze "${schemaName}"."${indexName}"`);
        },
      );
      return {
        seconds,
        how: `createIndex (buildIndex: false), upsert of ${LOAD_BATCH} per call, buildIndex HNSW`,
      };
    },
    semantic: (vector, k) => query(vector, k, null),
    filtered: (vector, project, k) => query(vector, k, project),
    sizeBytes: () => relationBytes(admin, `"${schemaName}"."${indexName}"`),
    sizeBreakdown: () => relationBreakdown(admin, `"${schemaName}"."${indexName}"`),
    async close() {
      await admin.query(`drop schema if exists "${schemaName}" cascade`);
      await store.disconnect();
      await admin.end();
    },
  };
}

/** LangChain's embeddings slot: the bench passes vectors, so any call to embed is a bug. */
class GivenVectors extends Embeddings {
  constructor() {
    super({});
  }
  embedDocuments(): Promise<number[][]> {
    throw new Error('the bench passes vectors: embedDocuments must not be called');
  }
  embedQuery(): Promise<number[]> {
    throw new Error('the bench passes vectors: embedQuery must not be called');
  }
}

/** `@langchain/community` PGVectorStore: `addVectors`, then `createHnswIndex`. */
async function langchainPostgres({ url, dimension }: PeerContext): Promise<VectorSide> {
  const tableName = `peers_langchain_${process.pid}`;
  const pool = new pg.Pool({ connectionString: url });
  const store = await LangchainPgVectorStore.initialize(new GivenVectors(), {
    pool,
    tableName,
    dimensions: dimension,
    distanceStrategy: 'cosine',
  });
  const rows = (hits: [Document, number][]) => hits.map(([document]) => rowOf(document.metadata));
  return {
    name: 'langchain',
    library: `@langchain/community ${installedVersion('@langchain/community')} (@langchain/core ${installedVersion('@langchain/core')})`,
    engine: 'postgres',
    settings: `HNSW m ${HNSW.m}, ef_construction ${HNSW.efConstruction} (createHnswIndex); ef_search: not offered (pgvector's default, ${HNSW.efSearch}); ${ANALYZE_NOTE}`,
    async load(data: Dataset): Promise<LoadFigures> {
      const seconds = await timedLoad(
        data,
        (batch) =>
          store.addVectors(
            batch.map((r) => r.vector),
            batch.map(
              (r) =>
                new Document({ pageContent: r.text, metadata: { row: r.row, project: r.project } }),
            ),
          ),
        async () => {
          await store.createHnswIndex({
            // The index is named after the namespace; without one, a second table's index
            // would be skipped (CREATE INDEX IF NOT EXISTS on the same public name).
            namespace: tableName,
            dimensions: dimension,
            m: HNSW.m,
            efConstruction: HNSW.efConstruction,
            distanceFunction: 'vector_cosine_ops',
          });
          await pool.query(`analyze "${tableName}"`);
        },
      );
      return {
        seconds,
        how: `addVectors of ${LOAD_BATCH} per call (its chunkSize 500 per INSERT), createHnswIndex`,
      };
    },
    async semantic(vector, k) {
      return rows(await store.similaritySearchVectorWithScore(Array.from(vector), k));
    },
    async filtered(vector, project, k) {
      return rows(
        await store.similaritySearchVectorWithScore(Array.from(vector), k, {
          project: `p${project}`,
        }),
      );
    },
    sizeBytes: () => relationBytes(pool, `"${tableName}"`),
    sizeBreakdown: () => relationBreakdown(pool, `"${tableName}"`),
    async close() {
      await pool.query(`drop table if exists "${tableName}"`);
      await store.end();
    },
  };
}

/** LlamaIndex's embedding slot: the bench passes vectors, so any call to embed is a bug. */
class GivenEmbedding extends BaseEmbedding {
  // BaseEmbedding's constructor is protected: this one makes the class constructible.
  // eslint-disable-next-line @typescript-eslint/no-useless-constructor
  constructor() {
    super();
  }
  getTextEmbedding(): Promise<number[]> {
    throw new Error('the bench passes vectors: getTextEmbedding must not be called');
  }
}

/** A stable UUID for row `row` (LlamaIndex's node ids are a uuid column). */
const uuidOf = (row: number) => `00000000-0000-4000-8000-${String(row).padStart(12, '0')}`;

/**
 * `@llamaindex/postgres` PGVectorStore: `add()` of nodes with their
 * embeddings. It offers no ANN index ("TODO add IVFFlat or HNSW indexing?"
 * in its source), so the bench builds the HNSW index a pgvector user would,
 * with raw SQL; searches run on a second instance with `performSetup:
 * false`, its documented switch off the DDL it otherwise re-runs before
 * every call.
 */
async function llamaindexPostgres({ url, dimension }: PeerContext): Promise<VectorSide> {
  const schemaName = `peers_llamaindex_${process.pid}`;
  const tableName = 'vectors';
  const open = (performSetup: boolean) => {
    const store = new LlamaindexPgVectorStore({
      clientConfig: { connectionString: url },
      schemaName,
      tableName,
      dimensions: dimension,
      embeddingModel: new GivenEmbedding(),
      performSetup,
    });
    // The default collection ('data') adds a collection filter to every query; '' searches every row.
    store.setCollection('');
    return store;
  };
  const loader = open(true);
  const searcher = open(false);
  // Each store's connection, taken once: client() re-runs the loader's set-up DDL on every call.
  const connections = [await loader.client(), await searcher.client()];
  const admin = new pg.Pool({ connectionString: url, max: 1 });
  const query = async (vector: Float32Array, k: number, project: number | null) => {
    const result = await searcher.query({
      queryEmbedding: Array.from(vector),
      similarityTopK: k,
      mode: VectorStoreQueryMode.DEFAULT,
      ...(project === null
        ? {}
        : { filters: { filters: [{ key: 'project', value: `p${project}`, operator: '==' }] } }),
    });
    return (result.nodes ?? []).map((node) => rowOf(node.metadata));
  };
  return {
    name: 'llamaindex',
    library: `@llamaindex/postgres ${installedVersion('@llamaindex/postgres')} (@llamaindex/core ${installedVersion('@llamaindex/core')})`,
    engine: 'postgres',
    settings: `HNSW m ${HNSW.m}, ef_construction ${HNSW.efConstruction} by raw CREATE INDEX (the library builds none); ef_search: not offered (pgvector's default, ${HNSW.efSearch}); performSetup: false on the searching instance; ${ANALYZE_NOTE}`,
    async load(data: Dataset): Promise<LoadFigures> {
      const seconds = await timedLoad(
        data,
        (rows) =>
          loader.add(
            rows.map(
              (r) =>
                new TextNode({
                  id_: uuidOf(r.row),
                  text: r.text,
                  metadata: { row: r.row, project: r.project },
                  embedding: r.vector,
                }),
            ),
          ),
        async () => {
          await admin.query(
            `create index on "${schemaName}"."${tableName}" using hnsw (embeddings vector_cosine_ops) with (m = ${HNSW.m}, ef_construction = ${HNSW.efConstruction})`,
          );
          await admin.query(`analyze "${schemaName}"."${tableName}"`);
        },
      );
      return { seconds, how: `add() of ${LOAD_BATCH} nodes per call, HNSW by CREATE INDEX` };
    },
    semantic: (vector, k) => query(vector, k, null),
    filtered: (vector, project, k) => query(vector, k, project),
    sizeBytes: () => relationBytes(admin, `"${schemaName}"."${tableName}"`),
    sizeBreakdown: () => relationBreakdown(admin, `"${schemaName}"."${tableName}"`),
    async close() {
      for (const connection of connections) await connection.close();
      await admin.query(`drop schema if exists "${schemaName}" cascade`);
      await admin.end();
    },
  };
}

/** `@mastra/libsql` LibSQLVector on a file: `createIndex` (libSQL's DiskANN index), `upsert`. */
async function mastraLibsql({ dimension }: PeerContext): Promise<VectorSide> {
  const dir = mkdtempSync(join(tmpdir(), 'athena-peers-libsql-'));
  const file = join(dir, 'vectors.db');
  const indexName = 'vectors';
  const store = new LibSQLVector({ id: 'athena-bench', url: `file:${file}` });
  const query = async (vector: Float32Array, k: number, project: number | null) =>
    mastraRows(
      await store.query({
        indexName,
        queryVector: Array.from(vector),
        topK: k,
        ...mastraFilter(project),
      }),
    );
  return {
    name: 'mastra-libsql',
    library: `@mastra/libsql ${installedVersion('@mastra/libsql')}`,
    engine: 'sqlite',
    settings: 'defaults: libSQL vector index (DiskANN; no parameters offered), cosine',
    async load(data: Dataset): Promise<LoadFigures> {
      await store.createIndex({ indexName, dimension, metric: 'cosine' });
      const seconds = await timedLoad(
        data,
        (rows) => store.upsert({ indexName, ...mastraUpsert(rows) }),
        async () => undefined,
      );
      return {
        seconds,
        how: `createIndex (the index is kept up to date row by row), upsert of ${LOAD_BATCH} per call`,
      };
    },
    semantic: (vector, k) => query(vector, k, null),
    filtered: (vector, project, k) => query(vector, k, project),
    sizeBytes: async () => filesBytes(file, `${file}-wal`),
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const PEERS: Readonly<Record<PeerName, PeerDefinition>> = {
  mastra: { engine: 'postgres', packages: ['@mastra/pg', '@mastra/core'], open: mastraPostgres },
  langchain: {
    engine: 'postgres',
    packages: ['@langchain/community', '@langchain/core'],
    open: langchainPostgres,
  },
  llamaindex: {
    engine: 'postgres',
    packages: ['@llamaindex/postgres', '@llamaindex/core'],
    open: llamaindexPostgres,
  },
  'mastra-libsql': {
    engine: 'sqlite',
    packages: ['@mastra/libsql'],
    limit: {
      rows: 10_000,
      why: 'its upsert keeps libSQL’s DiskANN index up to date row by row (the library offers no load-then-index path), which loaded 10K rows in 376 s here (27 rows/s; 100K would take over an hour, more as the index grows)',
    },
    open: mastraLibsql,
  },
};

export const PEER_NAMES = Object.keys(PEERS) as readonly PeerName[];

/** The installed version of every package the chosen peers measure. */
export function peerVersions(peers: readonly PeerName[]): Record<string, string> {
  const versions: Record<string, string> = {};
  for (const peer of peers)
    for (const name of PEERS[peer].packages) versions[name] = installedVersion(name);
  return versions;
}
