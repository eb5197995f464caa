import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Why PgBouncer could not be started for the connection-pooler tests; null when it runs. */
    pgbouncerUnavailable: string | null;
    /** The ports of this run's PgBouncers. */
    pgbouncerPorts: { readonly transaction: number; readonly session: number };
  }
}

const SCRIPT = fileURLToPath(new URL('../../../tooling/scripts/pgbouncer.sh', import.meta.url));

/** A port no one listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/**
 * Vitest global setup: PgBouncer in transaction and session mode in front of
 * the test server (tooling/scripts/pgbouncer.sh), once for every test file
 * that goes through it, on free ports and in a directory of this run's own
 * (two runs on one machine never stop each other's), stopped at the end.
 * When it cannot start, the tests that need it say why (and fail under
 * CI=true).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = mkdtempSync(join(tmpdir(), 'athena-pgbouncer-'));
  const ports = { transaction: await freePort(), session: await freePort() };
  const env = {
    ...process.env,
    ATHENA_PGBOUNCER_DIR: dir,
    ATHENA_PGBOUNCER_PORT: String(ports.transaction),
    ATHENA_PGBOUNCER_SESSION_PORT: String(ports.session),
  };
  const run = (command: 'up' | 'down') =>
    promisify(execFile)('bash', [SCRIPT, command], { timeout: 60_000, env });
  project.provide('pgbouncerPorts', ports);
  try {
    await run('up');
    project.provide('pgbouncerUnavailable', null);
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    project.provide('pgbouncerUnavailable', stderr || (error as Error).message);
  }
  return async () => {
    await run('down').catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
}
