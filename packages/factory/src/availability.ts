import type { BackendName } from './options.js';
import { BACKENDS } from './registry.js';
import { backendOf } from './config.js';

const checks = new Map<BackendName, Promise<boolean>>();

/**
 * Whether a backend can be used in this process: its package and driver load
 * (for SQLite, sqlite-vec loads into a real in-memory database). Says nothing
 * about whether a server is reachable. Cached per process.
 *
 * @example
 * ```ts
 * if (await isBackendAvailable('postgres')) console.log('pg driver present');
 * ```
 */
export function isBackendAvailable(name: BackendName): Promise<boolean> {
  let check = checks.get(name);
  if (check === undefined) {
    check = backendOf(name).probe();
    checks.set(name, check);
  }
  return check;
}

/** The backends that can be used in this process, in registry order (the default first). */
export async function getAvailableBackends(): Promise<BackendName[]> {
  const names = BACKENDS.map((backend) => backend.name as BackendName);
  const available = await Promise.all(names.map((name) => isBackendAvailable(name)));
  return names.filter((_, index) => available[index]);
}
