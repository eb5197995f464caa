import { MigrationError } from '@athena/core-types';
import { afterEach, describe, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, SqliteStore } from '../src/index.js';
import { rawConnection, removeTmpFiles, tmpFile } from './temp-db.js';

afterEach(removeTmpFiles);

/**
 * A file as earlier releases wrote it: migrations 1..`version` applied and
 * recorded in `schema_migrations` (applied at epoch 0), one project in it.
 */
function oldLayoutFile(version: number, prepare?: (db: ReturnType<typeof rawConnection>) => void) {
  const path = tmpFile();
  const db = rawConnection(path);
  db.exec(
    'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
  );
  for (const migration of MIGRATIONS.filter((m) => m.version <= version)) {
    migration.up(db, { embeddingDimension: 8 });
    db.prepare('INSERT INTO schema_migrations VALUES (?, ?, 0)').run(
      migration.version,
      migration.name,
    );
  }
  db.prepare(
    "INSERT INTO projects (id, name, path, created_at, last_accessed_at) VALUES (1, 'old', '/old', 0, 0)",
  ).run();
  prepare?.(db);
  db.close();
  return path;
}

/** The migration tables in the file and the rows of each. */
function migrationTables(path: string): Record<string, unknown[]> {
  const db = rawConnection(path);
  try {
    const names = db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '%migrations' ORDER BY name",
      )
      .pluck()
      .all() as string[];
    return Object.fromEntries(
      names.map((name) => [
        name,
        db.prepare(`SELECT version, name, applied_at FROM ${name} ORDER BY version`).all(),
      ]),
    );
  } finally {
    db.close();
  }
}

function recorded(versions: number[], appliedAt?: number) {
  return versions.map((version) => ({
    version,
    name: MIGRATIONS[version - 1]?.name,
    applied_at: appliedAt ?? expect.any(Number),
  }));
}

const ALL = MIGRATIONS.map((m) => m.version);

describe('the migrations table of a file written by an earlier release', () => {
  it('is renamed to athena_migrations with its rows on the first writable open', async () => {
    const path = oldLayoutFile(LATEST_SCHEMA_VERSION);
    const store = new SqliteStore({ path });
    await store.init();
    try {
      expect((await store.health()).schemaVersion).toBe(LATEST_SCHEMA_VERSION);
      expect((await store.projects.get(1))?.name).toBe('old');
      const status = await store.migrationStatus();
      expect(status.pending).toEqual([]);
      expect(status.applied.map((a) => a.appliedAt?.getTime())).toEqual(ALL.map(() => 0));
    } finally {
      await store.close();
    }
    expect(migrationTables(path)).toEqual({ athena_migrations: recorded(ALL, 0) });
  });

  it('is renamed in the transaction of the first pending migration, which then applies', async () => {
    const path = oldLayoutFile(1);
    const store = new SqliteStore({ path });
    await store.init();
    await store.close();
    const { athena_migrations: rows, ...others } = migrationTables(path);
    expect(others).toEqual({});
    expect(rows).toEqual([...recorded([1], 0), ...recorded(ALL.slice(1))]);
  });

  it('stays where it is, rows and all, when that migration fails', async () => {
    const before = LATEST_SCHEMA_VERSION - 1;
    // A table in the way of the last migration's CREATE TABLE.
    const path = oldLayoutFile(before, (db) => db.exec('CREATE TABLE project_memory_counts (x)'));
    const store = new SqliteStore({ path });
    await expect(store.init()).rejects.toBeInstanceOf(MigrationError);
    await store.close();
    expect(migrationTables(path)).toEqual({ schema_migrations: recorded(ALL.slice(0, -1), 0) });
  });

  it('is read where it is by migrationStatus() before init and by a read-only store', async () => {
    const path = oldLayoutFile(LATEST_SCHEMA_VERSION - 2);
    const status = await new SqliteStore({ path }).migrationStatus();
    expect(status).toEqual({
      backend: 'sqlite',
      initialised: true,
      currentVersion: LATEST_SCHEMA_VERSION - 2,
      latestVersion: LATEST_SCHEMA_VERSION,
      applied: ALL.slice(0, -2).map((version) => ({
        version,
        name: MIGRATIONS[version - 1]?.name,
        appliedAt: new Date(0),
      })),
      pending: MIGRATIONS.slice(-2).map(({ version, name }) => ({ version, name })),
    });

    const current = oldLayoutFile(LATEST_SCHEMA_VERSION);
    const reader = new SqliteStore({ path: current, readonly: true });
    await reader.init();
    try {
      expect((await reader.health()).schemaVersion).toBe(LATEST_SCHEMA_VERSION);
      expect((await reader.migrationStatus()).currentVersion).toBe(LATEST_SCHEMA_VERSION);
      expect((await reader.projects.get(1))?.name).toBe('old');
    } finally {
      await reader.close();
    }
    expect(migrationTables(path)).toEqual({ schema_migrations: recorded(ALL.slice(0, -2), 0) });
    expect(migrationTables(current)).toEqual({ schema_migrations: recorded(ALL, 0) });
  });
});
