import { sql } from 'kysely';
import type { Kysely } from 'kysely';
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
 * Runs `fn` on one connection while holding the session-level advisory lock
 * `hashtext(key)`; other holders of the same key wait. The lock is released
 * afterwards, or by the server if the connection dies.
 *
 * @example
 * ```ts
 * await withAdvisoryLock(db, schemaLockKey('public'), (conn) => migrateOn(conn));
 * ```
 */
export function withAdvisoryLock<T>(
  db: Kysely<Database>,
  key: string,
  fn: (connection: Kysely<Database>) => Promise<T>,
): Promise<T> {
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
