import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Why PgBouncer could not be started for the connection-pooler tests; null when it runs. */
    pgbouncerUnavailable: string | null;
  }
}

const SCRIPT = fileURLToPath(new URL('../../../tooling/scripts/pgbouncer.sh', import.meta.url));
const run = (command: 'up' | 'down') =>
  promisify(execFile)('bash', [SCRIPT, command], { timeout: 60_000 });

/**
 * Vitest global setup: PgBouncer in transaction and session mode in front of
 * the test server (tooling/scripts/pgbouncer.sh), once for every test file
 * that goes through it, stopped at the end. When it cannot start, the tests
 * that need it say why (and fail under CI=true).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  try {
    await run('up');
    project.provide('pgbouncerUnavailable', null);
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    project.provide('pgbouncerUnavailable', stderr || (error as Error).message);
  }
  return async () => {
    await run('down').catch(() => undefined);
  };
}
