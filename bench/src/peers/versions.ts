import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCH_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The installed version of a dependency of the bench (read from its
 * package.json under bench/node_modules, which no `exports` map hides).
 */
export function installedVersion(name: string): string {
  const file = join(BENCH_DIR, 'node_modules', name, 'package.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}
