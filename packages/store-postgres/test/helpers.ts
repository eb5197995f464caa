import { PostgresStore } from '../src/index.js';
import type { PostgresStoreCommonOptions } from '../src/index.js';
import {
  adminQuery,
  describeNeeding,
  TEST_DATABASE_URL,
  unavailableReason,
} from '@athena/test-postgres';
import { inject } from 'vitest';

export {
  adminQuery,
  describePostgres,
  dropSchema,
  freshSchema,
  unavailableReason,
  TEST_DATABASE_URL as DATABASE_URL,
} from '@athena/test-postgres';

/** The test database through this run's PgBouncer in `mode` (test/global-setup.ts). */
export function pgbouncerUrl(mode: 'transaction' | 'session'): string {
  const url = new URL(TEST_DATABASE_URL);
  url.hostname = '127.0.0.1';
  url.port = String(inject('pgbouncerPorts')[mode]);
  return url.toString();
}

/**
 * `describe` for tests through PgBouncer: skipped with the reason when it
 * (or PostgreSQL) is not there, except under `CI=true`, where that fails.
 */
export function describePgBouncer(name: string, body: () => void): void {
  describeNeeding(name, 'PgBouncer', unavailableReason ?? inject('pgbouncerUnavailable'), body);
}

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

/**
 * What undoes each migration, by version: run newest first by
 * {@link rollBackTo} to turn a freshly migrated schema into one written by an
 * older release. A new migration adds its undo here.
 */
const UNDO: Readonly<Record<number, (schema: string) => readonly string[]>> = {
  // The vectors back in their memories' rows (the store's ANN index is rebuilt by the next init()).
  9: (q) => [
    `do $$ begin
       execute format('alter table ${q}.memory_vectors add column embedding vector(%s)',
         (select value from ${q}.athena_meta where key = 'embedding_dimension'));
     end $$`,
    `update ${q}.memory_vectors m set embedding = e.embedding
       from ${q}.memory_embeddings e where e.memory_id = m.id`,
    `alter table ${q}.memory_vectors alter column embedding set not null`,
    `alter table ${q}.memory_vectors alter column embedding set storage plain`,
    `drop table ${q}.memory_embeddings`,
  ],
  8: (q) => [
    `drop table ${q}.memory_states`,
    `drop function ${q}.memory_states_insert() cascade`,
    `drop function ${q}.memory_states_update() cascade`,
    `drop index ${q}.code_metadata_memory_idx`,
    `create index memory_vectors_project_state_idx on ${q}.memory_vectors (project_id, consolidation_state)`,
  ],
  7: (q) => [
    `drop table ${q}.consolidation_runs`,
    `alter table ${q}.episodic_events drop column consolidated_into`,
  ],
  6: (q) => [
    `drop table ${q}.code_unresolved_references`,
    `alter table ${q}.code_metadata drop column exported`,
  ],
  5: (q) => [
    `drop table ${q}.code_unresolved_dependencies`,
    `drop index ${q}.code_dependencies_project_idx`,
    `alter table ${q}.code_metadata drop column qualified_name`,
    `alter table ${q}.code_metadata add unique (project_id, file_path, name, entity_type)`,
  ],
  4: (q) => [
    `drop index ${q}.memory_text_index_project_tsv_idx`,
    `create index memory_text_index_tsv_idx on ${q}.memory_text_index using gin (tsv)`,
    `create index memory_vectors_tsv_idx on ${q}.memory_vectors using gin (tsv)`,
  ],
  3: (q) => [
    `drop table ${q}.memory_text_index`,
    `drop function ${q}.memory_text_index_insert() cascade`,
    `drop function ${q}.memory_text_index_update() cascade`,
  ],
};

/**
 * Turns a migrated schema back into what a database at `version` looked
 * like (rows it holds stay), so that the next `init()` applies every later
 * migration to it.
 *
 * @example
 * ```ts
 * await rollBackTo(schema, 7); // as written before migration 8
 * ```
 */
export async function rollBackTo(schema: string, version: number): Promise<void> {
  const latest = Math.max(...Object.keys(UNDO).map(Number));
  for (let v = latest; v > version; v--) {
    const undo = UNDO[v];
    if (undo === undefined) throw new Error(`no undo for migration ${v}`);
    for (const statement of undo(`"${schema}"`)) await adminQuery(statement);
  }
  await adminQuery(`delete from "${schema}".athena_migrations where version > $1`, [version]);
}
