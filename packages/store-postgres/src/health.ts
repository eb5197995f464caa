import { BackendUnavailableError } from '@athena/core-types';
import type { HealthReport } from '@athena/core-types';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { performance } from 'node:perf_hooks';
import { mapError } from './map-error.js';
import type { ResolvedOptions } from './options.js';
import type { PoolHandle } from './pool.js';
import type { Database } from './schema.js';
import type { SessionEnv } from './session.js';
import { listVectorIndexes } from './vector-index.js';

/** The longest `health()` waits for the server. */
const HEALTH_DEADLINE_MS = 5_000;

/** What {@link postgresHealth} reads: an open store's connection and settings. */
export interface HealthInput {
  /** The store's `backend` (a store on the same SQL may name itself otherwise). */
  readonly backend: string;
  readonly db: Kysely<Database>;
  readonly pool: PoolHandle;
  readonly env: SessionEnv;
  readonly schemaVersion: number;
  readonly options: ResolvedOptions;
}

/**
 * `health()` of an open store: a round trip, versions, pool and index facts,
 * and each read replica's state and lag (`readReplicas`).
 * Never throws, never reports a password, and answers within
 * min(5 s, `queryTimeoutMs`, `connectionTimeoutMs`) whatever the server does.
 *
 * @example
 * ```ts
 * const report = await postgresHealth({ backend: 'postgres', db, pool, env, schemaVersion, options });
 * ```
 */
export async function postgresHealth(input: HealthInput): Promise<HealthReport> {
  const { pool } = input.pool;
  const poolStats = {
    total: pool.totalCount ?? null,
    idle: pool.idleCount ?? null,
    waiting: pool.waitingCount ?? null,
    owned: input.pool.owned,
  };
  const base = { backend: input.backend, embeddingDimension: input.env.dimension };
  const deadline = Math.min(
    HEALTH_DEADLINE_MS,
    input.options.queryTimeoutMs ?? HEALTH_DEADLINE_MS,
    input.options.connectionTimeoutMs,
  );
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new BackendUnavailableError(`PostgreSQL did not answer within ${deadline} ms`, {
            details: { deadlineMs: deadline },
          }),
        ),
      deadline,
    );
  });
  try {
    return await Promise.race([healthy(input, base, poolStats), late]);
  } catch (error) {
    return {
      ok: false,
      ...base,
      latencyMs: 0,
      schemaVersion: input.schemaVersion,
      details: { schema: input.options.schema, pool: poolStats },
      error: mapError(error, { operation: 'health check' }).message,
    };
  } finally {
    clearTimeout(timer);
  }
}

async function healthy(
  input: HealthInput,
  base: { readonly backend: string; readonly embeddingDimension: number },
  poolStats: {
    readonly total: number | null;
    readonly idle: number | null;
    readonly waiting: number | null;
    readonly owned: boolean;
  },
): Promise<HealthReport> {
  const { db, options } = input;
  const started = performance.now();
  await sql`select 1`.execute(db);
  const latencyMs = performance.now() - started;
  const { rows } = await sql<{
    server: string;
    pgvector: string | null;
    btree_gin: string | null;
    version: number | null;
  }>`
    select current_setting('server_version') as server,
      (select extversion from pg_extension where extname = 'vector') as pgvector,
      (select extversion from pg_extension where extname = 'btree_gin') as btree_gin,
      (select max(version) from ${sql.table(`${options.schema}.athena_migrations`)}) as version`.execute(
    db,
  );
  const indexes = await listVectorIndexes(db, options.schema);
  const readReplicas = await input.env.replicas?.report();
  const facts = rows[0];
  const versions: Record<string, string> = {};
  if (facts?.server) versions['postgresql'] = facts.server;
  if (facts?.pgvector) versions['pgvector'] = facts.pgvector;
  if (facts?.btree_gin) versions['btree_gin'] = facts.btree_gin;
  return {
    ok: true,
    ...base,
    latencyMs,
    schemaVersion: Number(facts?.version ?? input.schemaVersion),
    versions,
    pool: {
      total: poolStats.total,
      idle: poolStats.idle,
      waiting: poolStats.waiting,
      max: input.pool.max,
    },
    details: {
      serverVersion: facts?.server ?? null,
      pgvectorVersion: facts?.pgvector ?? null,
      schema: options.schema,
      textSearchConfig: input.env.textSearchConfig,
      pool: poolStats,
      vectorIndex: {
        configured: options.vectorIndex.type,
        present: indexes.some((index) => index.valid),
        indexes,
      },
    },
    ...(readReplicas === undefined ? {} : { readReplicas }),
  };
}
