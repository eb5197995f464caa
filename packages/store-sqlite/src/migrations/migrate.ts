import { DimensionMismatchError, MigrationError } from '@athena/core-types';
import type { MigrationStatus } from '@athena/core-types';
import type BetterSqlite3 from 'better-sqlite3';
import { DEFAULT_EMBEDDING_DIMENSION } from '../sqlite-store-options.js';
import { MIGRATIONS, LATEST_SCHEMA_VERSION } from './index.js';
import type { Migration } from './migration.js';

/** Where a database stands after {@link migrate}. */
export interface MigrationResult {
  readonly embeddingDimension: number;
  readonly schemaVersion: number;
}

/** The table recording each applied migration (the name store-postgres uses too). */
const MIGRATIONS_TABLE = 'athena_migrations';

/**
 * What {@link MIGRATIONS_TABLE} was called in files written by earlier
 * releases: `migrate` renames it; a read-only open or a status read uses it
 * as it is.
 */
const LEGACY_MIGRATIONS_TABLE = 'schema_migrations';

const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (
  version    INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  applied_at INTEGER NOT NULL
)`;

function tableExists(db: BetterSqlite3.Database, name: string): boolean {
  return (
    db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !==
    undefined
  );
}

/** The table holding the applied migrations, under either name; `undefined` before the first. */
function migrationsTableOf(db: BetterSqlite3.Database): string | undefined {
  if (tableExists(db, MIGRATIONS_TABLE)) return MIGRATIONS_TABLE;
  if (tableExists(db, LEGACY_MIGRATIONS_TABLE)) return LEGACY_MIGRATIONS_TABLE;
  return undefined;
}

/**
 * Gives the database its {@link MIGRATIONS_TABLE}: renames the legacy table,
 * or creates an empty one. Runs inside the caller's transaction, so the
 * rename commits or rolls back with the migration applied after it.
 */
function ensureMigrationsTable(db: BetterSqlite3.Database): void {
  if (migrationsTableOf(db) === LEGACY_MIGRATIONS_TABLE) {
    db.exec(`ALTER TABLE ${LEGACY_MIGRATIONS_TABLE} RENAME TO ${MIGRATIONS_TABLE}`);
  } else {
    db.exec(CREATE_MIGRATIONS_TABLE);
  }
}

function appliedVersions(db: BetterSqlite3.Database): Set<number> {
  const table = migrationsTableOf(db);
  if (table === undefined) return new Set();
  const rows = db.prepare(`SELECT version FROM ${table}`).pluck().all() as number[];
  return new Set(rows);
}

function storedDimension(db: BetterSqlite3.Database): number | undefined {
  if (!tableExists(db, 'athena_meta')) return undefined;
  const value = db
    .prepare("SELECT value FROM athena_meta WHERE key = 'embedding_dimension'")
    .pluck()
    .get() as string | undefined;
  return value === undefined ? undefined : Number(value);
}

function resolveDimension(db: BetterSqlite3.Database, requested: number | undefined): number {
  const stored = storedDimension(db);
  if (stored === undefined) return requested ?? DEFAULT_EMBEDDING_DIMENSION;
  if (requested !== undefined && requested !== stored) {
    throw new DimensionMismatchError(stored, requested, {
      details: { reason: 'the database was created with another embedding dimension' },
    });
  }
  return stored;
}

function apply(
  db: BetterSqlite3.Database,
  migration: Migration,
  requested: number | undefined,
): void {
  // Each migration re-reads the state inside its own IMMEDIATE transaction,
  // so two processes opening the same new file cannot both apply it.
  const run = db.transaction(() => {
    ensureMigrationsTable(db);
    const done = db
      .prepare(`SELECT 1 FROM ${MIGRATIONS_TABLE} WHERE version = ?`)
      .get(migration.version);
    if (done !== undefined) return;
    migration.up(db, { embeddingDimension: resolveDimension(db, requested) });
    db.prepare(`INSERT INTO ${MIGRATIONS_TABLE} (version, name, applied_at) VALUES (?, ?, ?)`).run(
      migration.version,
      migration.name,
      Date.now(),
    );
  });
  try {
    run.immediate();
  } catch (error) {
    if (error instanceof DimensionMismatchError) throw error;
    throw new MigrationError(
      `migration ${migration.version} (${migration.name}) failed; the database is unchanged: ${
        error instanceof Error ? error.message : String(error)
      }`,
      { cause: error, details: { version: migration.version } },
    );
  }
}

/**
 * Brings the database up to {@link LATEST_SCHEMA_VERSION}: applies every missing
 * migration in order, each in its own transaction, the first of which also
 * creates {@link MIGRATIONS_TABLE} (or renames the legacy `schema_migrations`).
 * Safe to run on every open; an up-to-date database is only read, apart from
 * that rename.
 *
 * @throws {DimensionMismatchError} when `requestedDimension` differs from the stored one.
 * @throws {MigrationError} when a migration fails, when the database is newer
 * than this package, or when a read-only database needs migrating.
 *
 * @example
 * ```ts
 * const { embeddingDimension } = migrate(db, 384, false);
 * ```
 */
export function migrate(
  db: BetterSqlite3.Database,
  requestedDimension: number | undefined,
  readonly: boolean,
): MigrationResult {
  const applied = appliedVersions(db);
  const newest = Math.max(0, ...applied);
  if (newest > LATEST_SCHEMA_VERSION) {
    throw new MigrationError(
      `the database is at schema version ${newest}, newer than this @athena/store-sqlite (${LATEST_SCHEMA_VERSION}); upgrade the package`,
      { details: { databaseVersion: newest, packageVersion: LATEST_SCHEMA_VERSION } },
    );
  }
  const pending = MIGRATIONS.filter((migration) => !applied.has(migration.version));
  if (pending.length > 0) {
    if (readonly) {
      throw new MigrationError(
        `the database needs ${pending.length} migration(s) but was opened read-only; open it once with write access`,
        { details: { pending: pending.map((migration) => migration.version) } },
      );
    }
    for (const migration of pending) apply(db, migration, requestedDimension);
  } else if (!readonly && migrationsTableOf(db) === LEGACY_MIGRATIONS_TABLE) {
    db.transaction(() => ensureMigrationsTable(db)).immediate();
  }
  return {
    embeddingDimension: resolveDimension(db, requestedDimension),
    schemaVersion: LATEST_SCHEMA_VERSION,
  };
}

/**
 * Which migrations `db` has applied and which {@link migrate} would apply.
 * Reads only; `db` may be `null` for a database that does not exist yet.
 *
 * @example
 * ```ts
 * const { pending } = migrationStatusOf(db);
 * ```
 */
export function migrationStatusOf(db: BetterSqlite3.Database | null): MigrationStatus {
  const table = db === null ? undefined : migrationsTableOf(db);
  const rows =
    db !== null && table !== undefined
      ? (db.prepare(`SELECT version, name, applied_at FROM ${table} ORDER BY version`).all() as {
          version: number;
          name: string;
          applied_at: number;
        }[])
      : [];
  const done = new Set(rows.map((row) => row.version));
  return {
    backend: 'sqlite',
    initialised: rows.length > 0,
    currentVersion: Math.max(0, ...done),
    latestVersion: LATEST_SCHEMA_VERSION,
    applied: rows.map((row) => ({
      version: row.version,
      name: row.name,
      appliedAt: new Date(row.applied_at),
    })),
    pending: MIGRATIONS.filter((migration) => !done.has(migration.version)).map(
      ({ version, name }) => ({ version, name }),
    ),
  };
}
