/**
 * The PostgreSQL test database shared by every package's tests, so they all
 * agree on where it is and on what happens without it: under `CI=true` a
 * missing server fails the run; elsewhere the tests skip and say why.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, it } from 'vitest';

/** The test database (provisioned by tooling/scripts/provision-postgres.sh); override with ATHENA_TEST_DATABASE_URL. */
export const TEST_DATABASE_URL =
  process.env['ATHENA_TEST_DATABASE_URL'] ?? 'postgres://athena@127.0.0.1:5432/athena_test';

/** `TEST_DATABASE_URL` with any password replaced, for messages. */
export const TEST_DATABASE_DISPLAY = TEST_DATABASE_URL.replace(/:[^:@/]*@/, ':***@');

async function probe(): Promise<string | null> {
  const client = new pg.Client({
    connectionString: TEST_DATABASE_URL,
    connectionTimeoutMillis: 3_000,
  });
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (error) {
    return `PostgreSQL at ${TEST_DATABASE_DISPLAY} is unreachable: ${(error as Error).message}`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Why PostgreSQL tests cannot run, or null when they can. */
export const unavailableReason = await probe();

/** Whether tests that need PostgreSQL must fail rather than skip without it. */
export const postgresRequired = process.env['CI'] === 'true';

/**
 * `describe` for tests that need PostgreSQL. Without a server the suite is
 * skipped with the reason in its title, except under `CI=true`, where it fails.
 */
export function describePostgres(name: string, body: () => void): void {
  describeNeeding(name, 'a reachable PostgreSQL', unavailableReason, body);
}

/**
 * `describe` for tests that need `what` (a server, a tool), missing for
 * `reason` (null when present): skipped with the reason in its title, except
 * under `CI=true`, where one test fails with it.
 *
 * @example
 * ```ts
 * describeNeeding('behind PgBouncer', 'PgBouncer', inject('pgbouncerUnavailable'), () => { … });
 * ```
 */
export function describeNeeding(
  name: string,
  what: string,
  reason: string | null,
  body: () => void,
): void {
  if (reason === null) {
    describe(name, body);
  } else if (postgresRequired) {
    describe(name, () => {
      it(`needs ${what} (CI=true)`, () => {
        throw new Error(reason);
      });
    });
  } else {
    console.warn(`skipping "${name}": ${reason}`);
    describe.skip(`${name} (skipped: ${reason})`, body);
  }
}

/** Runs one statement on a short-lived connection (setup, teardown, inspection). */
export async function adminQuery<R extends pg.QueryResultRow = pg.QueryResultRow>(
  text: string,
  values: unknown[] = [],
): Promise<R[]> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** A schema name no other run uses, with a readable prefix. */
export function freshSchema(prefix = 'athena_t'): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

/** Drops a test schema and everything in it; nothing to do without a server. */
export async function dropSchema(schema: string): Promise<void> {
  if (unavailableReason !== null) return;
  await adminQuery(`drop schema if exists "${schema}" cascade`);
}
export * from './app-databases.js';
export * from './temporary-store.js';
