import { PostgresStore } from '../src/index.js';
import type { PostgresStoreCommonOptions } from '../src/index.js';
import { TEST_DATABASE_URL } from '@athena/test-postgres';

export {
  adminQuery,
  describePostgres,
  dropSchema,
  freshSchema,
  unavailableReason,
  TEST_DATABASE_URL as DATABASE_URL,
} from '@athena/test-postgres';

/** A store on a fresh schema of the test database. */
export function createTestStore(
  schema: string,
  options: PostgresStoreCommonOptions = {},
): PostgresStore {
  return new PostgresStore({
    connectionString: TEST_DATABASE_URL,
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

/** `count` deterministic pseudo-random vectors (xorshift) of `dimension` components in [-1, 1]. */
export function randomVectors(count: number, seed: number, dimension: number): number[][] {
  let state = seed >>> 0 || 1;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return ((state >>> 0) / 0xffffffff) * 2 - 1;
  };
  return Array.from({ length: count }, () => Array.from({ length: dimension }, next));
}
