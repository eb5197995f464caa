import Database from 'better-sqlite3';

/** A plain better-sqlite3 connection (no extension) to edit a test database behind the store. */
export function rawSqlite(path: string): Database.Database {
  return new Database(path);
}
