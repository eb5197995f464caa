import { ingestOnTop } from '../phases/ingest-on-top.js';
import { measureTwins } from '../phases/measure-twins.js';
import { backendResult, newRunResults, runContext } from '../phases/run-context.js';
import type { BackendResult } from '../results.js';
import { now } from '../stats.js';
import type { BenchContext } from '../workload.js';
import { loadPostgres } from './load-postgres.js';
import {
  closePostgresConnections,
  dropSchemas,
  openPostgresConnections,
} from './postgres-connections.js';
import { postgresTuning } from './postgres-tuning.js';
import { postgresTwins } from './postgres-twins.js';
import { HNSW, RAW_SETTINGS } from './raw-sql.js';

/**
 * PostgresStore against the bare `pg` driver (prepared statements, the same
 * ANN settings) on the same tables, in the same process. Schema A holds the
 * tier in one project (loaded through storeMany into an unindexed table,
 * HNSW built afterwards); schema B holds it over 10 projects (loaded raw,
 * same index built raw). Both schemas are dropped at the end.
 */
export async function runPostgres(ctx: BenchContext, url: string): Promise<BackendResult> {
  const started = now();
  const { projects } = ctx.data.spec;
  const conn = openPostgresConnections(url, ctx.data.spec.rows, ctx.data.spec.dimension);
  const results = newRunResults();
  try {
    await dropSchemas(conn);
    const layouts = await loadPostgres(conn, ctx, results);
    const run = runContext(ctx, layouts, results);
    const twins = postgresTwins(run, conn, layouts);
    await measureTwins(run, twins);
    // Tuning before ingest, so the rows are exactly the tier.
    results.tuning.postgres = await postgresTuning(run, conn);
    await ingestOnTop(run, twins.ingest);
    return backendResult(
      'postgres',
      {
        schemas: `${conn.schemaA} (1 project), ${conn.schemaB} (${projects} projects), dropped afterwards`,
        hnsw: `m=${HNSW.m}, ef_construction=${HNSW.efConstruction}, ef_search=40, iterative_scan=relaxed_order`,
        maintenanceWorkMem: conn.maintenance,
        storePoolMax: 16,
        rawPool: `pg.Pool max 16, session settings ${RAW_SETTINGS}`,
      },
      results,
      layouts.dbSizeBytes,
      started,
    );
  } finally {
    await closePostgresConnections(conn);
  }
}
