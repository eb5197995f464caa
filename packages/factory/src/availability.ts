import type { BackendName } from './config.js';
import { newSqliteStore } from './loaders.js';

const checks = new Map<BackendName, Promise<boolean>>();

async function sqliteLoads(): Promise<boolean> {
  try {
    const store = await newSqliteStore(':memory:', 4);
    await store.init();
    await store.close();
    return true;
  } catch {
    return false;
  }
}

async function postgresLoads(): Promise<boolean> {
  try {
    await import('@athena/store-postgres');
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether a backend can be used in this process: its driver loads (and for
 * SQLite, sqlite-vec loads into a real in-memory database). Says nothing about
 * whether a PostgreSQL server is reachable. Cached per process.
 *
 * @example
 * ```ts
 * if (await isBackendAvailable('postgres')) console.log('pg driver present');
 * ```
 */
export function isBackendAvailable(name: BackendName): Promise<boolean> {
  let check = checks.get(name);
  if (check === undefined) {
    check = name === 'sqlite' ? sqliteLoads() : postgresLoads();
    checks.set(name, check);
  }
  return check;
}

/** The backends whose drivers load in this process, SQLite first. */
export async function getAvailableBackends(): Promise<BackendName[]> {
  const names: BackendName[] = ['sqlite', 'postgres'];
  const available = await Promise.all(names.map((name) => isBackendAvailable(name)));
  return names.filter((_, index) => available[index]);
}
