import {
  AthenaError,
  DimensionMismatchError,
  ExtensionUnavailableError,
  MigrationError,
  ValidationError,
} from '@athena/core-types';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { schemaLockKey, withAdvisoryLock } from '../advisory-lock.js';
import { DEFAULT_EMBEDDING_DIMENSION } from '../limits.js';
import { mapError } from '../map-error.js';
import type { ResolvedOptions } from '../options.js';
import type { Database, TableName } from '../schema.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from './index.js';
import type { MigrationContext } from './migration.js';

/** What `migrate()` found or decided, for the store to keep. */
export interface MigrationOutcome {
  readonly dimension: number;
  readonly textSearchConfig: string;
  readonly vectorSchema: string;
  readonly schemaVersion: number;
  /** Migrations applied by this call (0 when another process or an earlier run did it). */
  readonly applied: number;
}

const PGVECTOR_HELP =
  'the pgvector extension is not available in this PostgreSQL server. Install it ' +
  '(Debian/Ubuntu: apt install postgresql-<major>-pgvector; macOS: brew install pgvector; ' +
  'Docker: image pgvector/pgvector:pg16) and, if the store role may not create extensions, ' +
  'run CREATE EXTENSION vector as a superuser';

const BTREE_GIN_HELP =
  'the btree_gin extension (PostgreSQL contrib: the keyword index on (project_id, tsv)) is not ' +
  'available. It ships with PostgreSQL (Debian/Ubuntu: part of postgresql-<major>; other ' +
  'distributions: the postgresql-contrib package) and is trusted: a role with CREATE on the ' +
  'database may install it, otherwise run CREATE EXTENSION btree_gin as a superuser';

async function extensionSchema(db: Kysely<Database>, name: string): Promise<string | undefined> {
  const { rows } = await sql<{ schema: string }>`
    select n.nspname as schema from pg_extension e join pg_namespace n on n.oid = e.extnamespace
    where e.extname = ${name}`.execute(db);
  return rows[0]?.schema;
}

/**
 * The schema of extension `name`, created first when missing (under a
 * database-wide advisory lock: concurrent CREATE EXTENSION in two schemas
 * would collide); `ExtensionUnavailableError` with `help` when it cannot be.
 */
async function ensureExtension(
  db: Kysely<Database>,
  name: string,
  label: string,
  help: string,
): Promise<string> {
  const existing = await extensionSchema(db, name);
  if (existing !== undefined) return existing;
  // A transaction-level lock: it holds behind a transaction pooler too.
  const lock = `athena:create-extension:${name}`;
  await sql`begin`.execute(db);
  try {
    await sql`select pg_advisory_xact_lock(hashtext(${lock}))`.execute(db);
    await sql`create extension if not exists ${sql.id(name)}`.execute(db);
    await sql`commit`.execute(db);
  } catch (cause) {
    await sql`rollback`.execute(db).catch(() => undefined);
    throw new ExtensionUnavailableError(label, `${help} (${(cause as Error).message})`, {
      cause,
    });
  }
  const created = await extensionSchema(db, name);
  if (created === undefined) throw new ExtensionUnavailableError(label, help);
  return created;
}

async function readMeta(db: Kysely<Database>, schema: string): Promise<Map<string, string>> {
  const rows = await db
    .withSchema(schema)
    .selectFrom('athena_meta')
    .select(['key', 'value'])
    .execute();
  return new Map(rows.map((row) => [row.key, row.value]));
}

async function checkTextSearchConfig(db: Kysely<Database>, config: string): Promise<void> {
  try {
    await sql`select cast(${config} as regconfig)`.execute(db);
  } catch (cause) {
    throw new ValidationError(
      `invalid PostgresStore options: textSearchConfig '${config}' is not a text-search configuration of this database`,
      [{ path: 'textSearchConfig', message: 'unknown text-search configuration' }],
      { cause },
    );
  }
}

/**
 * Brings the schema to the latest version. Runs on one connection under a
 * session-level `pg_advisory_lock` keyed by the schema, so concurrent
 * `init()` calls (several processes, or several stores) apply each migration
 * exactly once; the loser waits, then finds nothing to do. Each migration
 * runs in its own transaction and is recorded in `athena_migrations`.
 * `whileLocked` runs before the lock is released (vector index upkeep).
 *
 * @example
 * ```ts
 * const outcome = await migrate(db, options, async () => undefined);
 * outcome.schemaVersion; // 1
 * ```
 */
export async function migrate(
  base: Kysely<Database>,
  options: ResolvedOptions,
  whileLocked: (db: Kysely<Database>, outcome: MigrationOutcome) => Promise<void>,
): Promise<MigrationOutcome> {
  const { schema } = options;
  try {
    return await withAdvisoryLock(
      base,
      schemaLockKey(schema),
      options.connectionPooler,
      async (db) => {
        const vectorSchema = await ensureExtension(db, 'vector', 'pgvector', PGVECTOR_HELP);
        await ensureExtension(db, 'btree_gin', 'btree_gin', BTREE_GIN_HELP);
        // Checked before anything is created: a bad option leaves no trace.
        await checkTextSearchConfig(db, options.textSearchConfig);
        await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
        const table = (name: TableName) => sql.table(`${schema}.${name}`);
        await sql`create table if not exists ${table('athena_meta')} (key text primary key, value text not null)`.execute(
          db,
        );
        await sql`create table if not exists ${table('athena_migrations')} (
          version integer primary key,
          name text not null,
          applied_at timestamptz not null default now()
        )`.execute(db);
        const meta = await readMeta(db, schema);
        const storedDimension = meta.get('embedding_dimension');
        let dimension: number;
        if (storedDimension === undefined) {
          dimension = options.embeddingDimension ?? DEFAULT_EMBEDDING_DIMENSION;
        } else {
          dimension = Number(storedDimension);
          if (
            options.embeddingDimension !== undefined &&
            options.embeddingDimension !== dimension
          ) {
            throw new DimensionMismatchError(dimension, options.embeddingDimension, {
              details: {
                schema,
                reason: 'the database was created with another embeddingDimension',
              },
            });
          }
        }
        const storedConfig = meta.get('text_search_config');
        const textSearchConfig = storedConfig ?? options.textSearchConfig;
        if (storedConfig !== undefined && storedConfig !== options.textSearchConfig) {
          options.logger.warn(
            'textSearchConfig differs from the database; using the database value',
            {
              requested: options.textSearchConfig,
              stored: storedConfig,
            },
          );
        }
        const applied = await db
          .withSchema(schema)
          .selectFrom('athena_migrations')
          .select('version')
          .execute();
        const done = new Set(applied.map((row) => row.version));
        const newest = Math.max(0, ...done);
        if (newest > LATEST_SCHEMA_VERSION) {
          throw new MigrationError(
            `schema ${schema} is at version ${newest}, newer than this release of @athena/store-postgres (${LATEST_SCHEMA_VERSION}): upgrade @athena/store-postgres to the release that wrote it, or use another schema`,
            { details: { schemaVersion: newest, latest: LATEST_SCHEMA_VERSION } },
          );
        }
        const context: Omit<MigrationContext, 'db'> = {
          schema,
          vectorSchema,
          dimension,
          textSearchConfig,
          table,
        };
        let count = 0;
        for (const migration of MIGRATIONS) {
          if (done.has(migration.version)) continue;
          await sql`begin`.execute(db);
          try {
            await migration.up({ ...context, db });
            await db
              .withSchema(schema)
              .insertInto('athena_migrations')
              .values({ version: migration.version, name: migration.name })
              .execute();
            if (storedDimension === undefined && count === 0) {
              await db
                .withSchema(schema)
                .insertInto('athena_meta')
                .values([
                  { key: 'embedding_dimension', value: String(dimension) },
                  { key: 'text_search_config', value: textSearchConfig },
                ])
                .onConflict((oc) => oc.column('key').doNothing())
                .execute();
            }
            await sql`commit`.execute(db);
          } catch (cause) {
            await sql`rollback`.execute(db).catch(() => undefined);
            throw new MigrationError(
              `migration ${migration.version} (${migration.name}) failed in schema ${schema}: ${(cause as Error).message}`,
              { cause, details: { version: migration.version } },
            );
          }
          count++;
        }
        const outcome: MigrationOutcome = {
          dimension,
          textSearchConfig,
          vectorSchema,
          schemaVersion: Math.max(newest, ...MIGRATIONS.map((m) => m.version)),
          applied: count,
        };
        await whileLocked(db, outcome);
        return outcome;
      },
    );
  } catch (error) {
    if (error instanceof AthenaError) throw error;
    throw mapError(error, { operation: 'initialise the database' });
  }
}
