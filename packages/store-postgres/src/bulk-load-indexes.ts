import { sql } from 'kysely';
import { mapError } from './map-error.js';
import type { Session } from './session.js';
import { catalogIndexes } from './stats.js';
import { ensureVectorIndex, raiseIndexMemory } from './vector-index.js';
import type { VectorIndexOutcome, VectorIndexTarget } from './vector-index.js';

/**
 * For `bulkLoad()`: when a load of `memories` is at least the table's size,
 * drops the ANN and GIN indexes of `memory_vectors`, `memory_embeddings` and
 * `memory_text_index`
 * inside the load's transaction and returns their definitions
 * (`pg_get_indexdef`); otherwise null. Building an index once over the
 * loaded rows is faster than inserting each row into it.
 *
 * @example
 * ```ts
 * const suspended = await suspendIndexesFor(session, 'public', records.length);
 * ```
 */
export async function suspendIndexesFor(
  session: Session,
  schema: string,
  memories: number,
): Promise<string[] | null> {
  if (memories === 0) return null;
  try {
    const { rows: size } = await sql<{ n: string }>`
      select count(*) as n from (select 1 from ${session.table('memory_vectors')}
      limit ${memories + 1}) s`.execute(session.raw);
    if (Number(size[0]?.n ?? 0) > memories) return null;
    const rows = (await catalogIndexes(session.raw, schema)).filter(
      (index) =>
        ['memory_vectors', 'memory_embeddings', 'memory_text_index'].includes(index.table) &&
        ['hnsw', 'ivfflat', 'gin'].includes(index.kind),
    );
    for (const { name } of rows) {
      await sql`drop index ${sql.table(`${schema}.${name}`)}`.execute(session.raw);
    }
    return rows.map((row) => row.definition);
  } catch (error) {
    throw mapError(error, { operation: 'bulk load: suspend indexes' });
  }
}

/**
 * Recreates the suspended indexes inside the load's transaction (room for
 * the HNSW graph in `maintenance_work_mem`), then makes sure the configured
 * ANN index exists — an IVFFlat index deferred until enough rows exist may
 * now be due — and refreshes the statistics of the loaded tables.
 *
 * @example
 * ```ts
 * const outcome = await restoreIndexes(session, suspended, target);
 * ```
 */
export async function restoreIndexes(
  session: Session,
  definitions: readonly string[],
  target: VectorIndexTarget,
): Promise<VectorIndexOutcome> {
  try {
    await raiseIndexMemory(session.raw, target.schema, session.env.dimension);
    // Definitions read from the catalog a moment ago, in this transaction: DDL, no values.
    for (const definition of definitions) await sql.raw(definition).execute(session.raw);
    const outcome = await ensureVectorIndex(session.raw, target, true);
    // Statistics of the loaded rows (ANALYZE counts this transaction's own). With the
    // empty table's, a keyset page of a project was planned as a bitmap scan and sort
    // of all its rows: paging through 20K fresh memories took 8.0 s instead of 3.0 s,
    // through 100K minutes.
    for (const table of [
      'memory_vectors',
      'memory_embeddings',
      'memory_text_index',
      'memory_states',
    ] as const) {
      await sql`analyze ${session.table(table)}`.execute(session.raw);
    }
    return outcome;
  } catch (error) {
    throw mapError(error, { operation: 'bulk load: rebuild indexes' });
  }
}
