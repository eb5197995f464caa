import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, it } from 'vitest';
import { PostgresStore } from '../src/index.js';
import type { PostgresStoreCommonOptions } from '../src/index.js';

/** The test database; override with ATHENA_TEST_DATABASE_URL. */
export const DATABASE_URL =
  process.env.ATHENA_TEST_DATABASE_URL ?? 'postgres://athena@127.0.0.1:5432/athena_test';

async function probe(): Promise<string | null> {
  const client = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (error) {
    return `PostgreSQL at ${DATABASE_URL.replace(/:[^:@/]*@/, ':***@')} is unreachable: ${(error as Error).message}`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Why PostgreSQL tests cannot run, or null when they can. */
export const unavailableReason = await probe();

/**
 * `describe` for tests that need PostgreSQL. Without a server the suite is
 * skipped with the reason printed, except under `CI=true`, where it fails.
 */
export function describePostgres(name: string, body: () => void): void {
  if (unavailableReason === null) {
    describe(name, body);
  } else if (process.env.CI === 'true') {
    describe(name, () => {
      it('needs a reachable PostgreSQL (CI=true)', () => {
        throw new Error(unavailableReason);
      });
    });
  } else {
    console.warn(`skipping "${name}": ${unavailableReason}`);
    describe.skip(`${name} (skipped: ${unavailableReason})`, body);
  }
}

/** A schema name no other run uses. */
export function freshSchema(): string {
  return `athena_t_${randomBytes(6).toString('hex')}`;
}

/** Runs one statement on a short-lived connection (setup, teardown, inspection). */
export async function adminQuery<R extends pg.QueryResultRow = pg.QueryResultRow>(
  text: string,
  values: unknown[] = [],
): Promise<R[]> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** Drops a test schema and everything in it. */
export async function dropSchema(schema: string): Promise<void> {
  if (unavailableReason !== null) return;
  await adminQuery(`drop schema if exists "${schema}" cascade`);
}

/** A store on a fresh schema of the test database. */
export function createTestStore(
  schema: string,
  options: PostgresStoreCommonOptions = {},
): PostgresStore {
  return new PostgresStore({
    connectionString: DATABASE_URL,
    schema,
    embeddingDimension: 8,
    ...options,
  });
}

/** A deterministic unit-ish vector of `dimension` components pointing near `seed`'s direction. */
export function vector(dimension: number, seed: number): number[] {
  return Array.from(
    { length: dimension },
    (_, i) => Math.sin(seed * 12.9898 + i * 78.233) + (i === seed % dimension ? 2 : 0),
  );
}
