import { DimensionMismatchError, MigrationError } from '@athena/core-types';
import type { MigrationStatus } from '@athena/core-types';
import type BetterSqlite3 from 'better-sqlite3';
import { DEFAULT_EMBEDDING_DIMENSION } from '../sqlite-store-options.js';
import { MIGRATIONS, SCHEMA_VERSION } from './index.js';
import type { Migration } from './migration.js';

/** Where a database stands after {@link migrate}. */
export interface MigrationResult {
  readonly embeddingDimension: number;
  readonly schemaVersion: number;
}

const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS schema_migrations (
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

function appliedVersions(db: BetterSqlite3.Database): Set<number> {
  if (!tableExists(db, 'schema_migrations')) return new Set();
  const rows = db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[];
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
    const done = db
      .prepare('SELECT 1 FROM schema_migrations WHERE version = ?')
      .get(migration.version);
    if (done !== undefined) return;
    migration.up(db, { embeddingDimension: resolveDimension(db, requested) });
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
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
 * Brings the database up to {@link SCHEMA_VERSION}: creates the migration
 * table, then applies every missing migration in order, each in its own
 * transaction. Safe to run on every open; an up-to-date database is only read.
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
  if (newest > SCHEMA_VERSION) {
    throw new MigrationError(
      `the database is at schema version ${newest}, newer than this @athena/store-sqlite (${SCHEMA_VERSION}); upgrade the package`,
      { details: { databaseVersion: newest, packageVersion: SCHEMA_VERSION } },
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
    db.exec(CREATE_MIGRATIONS_TABLE);
    for (const migration of pending) apply(db, migration, requestedDimension);
  }
  return {
    embeddingDimension: resolveDimension(db, requestedDimension),
    schemaVersion: SCHEMA_VERSION,
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
  const rows =
    db !== null && tableExists(db, 'schema_migrations')
      ? (db
          .prepare('SELECT version, name, applied_at FROM schema_migrations ORDER BY version')
          .all() as { version: number; name: string; applied_at: number }[])
      : [];
  const done = new Set(rows.map((row) => row.version));
  return {
    backend: 'sqlite',
    initialised: rows.length > 0,
    currentVersion: Math.max(0, ...done),
    latestVersion: SCHEMA_VERSION,
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
