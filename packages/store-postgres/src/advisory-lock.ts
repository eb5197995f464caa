import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { ConnectionPooler } from './options.js';
import type { Database } from './schema.js';

/** The advisory-lock key guarding a schema's migrations and vector-index DDL. */
export function schemaLockKey(schema: string): string {
  return `athena:migrate:${schema}`;
}

/** The advisory-lock key serialising consolidation of one project (see `consolidation.lock()`). */
export function consolidationLockKey(schema: string, projectId: number): string {
  return `athena:consolidate:${schema}:${projectId}`;
}

/**
 * Runs `fn` on one connection while holding the advisory lock
 * `hashtext(key)`; other holders of the same key wait. `fn` may run several
 * transactions, and statements that cannot run in one (CREATE INDEX
 * CONCURRENTLY).
 *
 * On a direct connection, or behind a session pooler, the lock is the
 * session's (`pg_advisory_lock`), released afterwards or by the server if
 * the connection dies. Behind a transaction pooler a session lock could be
 * taken on one server connection and released on another, so a transaction
 * of its own on a second connection holds `pg_advisory_xact_lock` while `fn`
 * runs, and its COMMIT releases it.
 *
 * @example
 * ```ts
 * await withAdvisoryLock(db, schemaLockKey('public'), 'none', (conn) => migrateOn(conn));
 * ```
 */
export function withAdvisoryLock<T>(
  db: Kysely<Database>,
  key: string,
  pooler: ConnectionPooler | 'none',
  fn: (connection: Kysely<Database>) => Promise<T>,
): Promise<T> {
  if (pooler === 'transaction') {
    return db.connection().execute(async (holder) => {
      await sql`begin`.execute(holder);
      try {
        await sql`select pg_advisory_xact_lock(hashtext(${key}))`.execute(holder);
        // A statement without parameters goes over the simple protocol, which lets
        // go of the snapshot the extended-protocol one above left held (its xmin).
        // An idle transaction holding a snapshot would make CREATE INDEX
        // CONCURRENTLY in `fn` wait for it: forever.
        await sql`select 'athena: advisory lock held'`.execute(holder);
        return await db.connection().execute(fn);
      } finally {
        await sql`commit`.execute(holder).catch(() => undefined);
      }
    });
  }
  return db.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock(hashtext(${key}))`.execute(connection);
    try {
      return await fn(connection);
    } finally {
      await sql`select pg_advisory_unlock(hashtext(${key}))`
        .execute(connection)
        .catch(() => undefined);
    }
  });
}
