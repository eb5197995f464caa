import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh temporary directory, removed by the returned cleanup. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'athena-factory-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A loopback port nothing listens on: bound, then released. */
export async function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') return reject(new Error('no port'));
      server.close(() => resolve(address.port));
    });
  });
}

/** One warning as the logger received it. */
export interface LoggedWarning {
  readonly message: string;
  readonly meta: Record<string, unknown> | undefined;
}

/** Collects warnings instead of printing them: the messages, and each with its meta. */
export function captureWarnings(): {
  warnings: string[];
  logged: LoggedWarning[];
  logger: { warn(message: string, meta?: Record<string, unknown>): void };
} {
  const warnings: string[] = [];
  const logged: LoggedWarning[] = [];
  const warn = (message: string, meta?: Record<string, unknown>) => {
    warnings.push(message);
    logged.push({ message, meta });
  };
  return { warnings, logged, logger: { warn } };
}
