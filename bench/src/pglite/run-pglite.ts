import { ingestOnTop } from '../phases/ingest-on-top.js';
import { measureTwins } from '../phases/measure-twins.js';
import { backendResult, newRunResults, runContext } from '../phases/run-context.js';
import { loadPostgres } from '../postgres/load-postgres.js';
import { closePostgresConnections, dropSchemas } from '../postgres/postgres-connections.js';
import { postgresTwins } from '../postgres/postgres-twins.js';
import { HNSW, RAW_SETTINGS } from '../postgres/raw-sql.js';
import type { BackendResult } from '../results.js';
import { now } from '../stats.js';
import type { BenchContext } from '../workload.js';
import { openPgliteConnections } from './pglite-connections.js';

/**
 * PgliteStore (the PostgreSQL store's SQL on PGlite) against the same
 * hand-written SQL the PostgreSQL run measures, through PGlite's one
 * session: the same load, layouts, phases and twins as {@link runPostgres},
 * without the tuning sweeps (PostgreSQL's, on a server).
 */
export async function runPglite(ctx: BenchContext): Promise<BackendResult> {
  const started = now();
  const { projects, rows, dimension } = ctx.data.spec;
  const conn = await openPgliteConnections(rows, dimension);
  const results = newRunResults();
  try {
    await dropSchemas(conn);
    const layouts = await loadPostgres(conn, ctx, results);
    // After the load: the stores' init() created the extension.
    const versions = await conn.admin.query<{ postgres: string; pgvector: string }>(
      "select current_setting('server_version') as postgres, (select extversion from pg_extension where extname = 'vector') as pgvector",
    );
    const run = runContext(ctx, layouts, results);
    const twins = postgresTwins(run, conn, layouts);
    await measureTwins(run, twins);
    results.notes.push(
      'PGlite is one PostgreSQL session: "concurrent" clients queue on it, on both sides, so throughput does not scale with clients.',
    );
    await ingestOnTop(run, twins.ingest);
    const version = versions.rows[0];
    return backendResult(
      'pglite',
      {
        database: `PGlite in a temporary directory (deleted afterwards), schemas ${conn.schemaA} (1 project), ${conn.schemaB} (${projects} projects)`,
        versions: `PostgreSQL ${version?.postgres ?? '?'}, pgvector ${version?.pgvector ?? '?'} (WebAssembly)`,
        hnsw: `m=${HNSW.m}, ef_construction=${HNSW.efConstruction}, ef_search=40, iterative_scan=relaxed_order`,
        maintenanceWorkMem: conn.maintenance,
        rawSession: `the PGlite session, settings ${RAW_SETTINGS} (SET once; the store SETs LOCAL per search)`,
      },
      results,
      layouts.dbSizeBytes,
      started,
    );
  } finally {
    await closePostgresConnections(conn);
  }
}
