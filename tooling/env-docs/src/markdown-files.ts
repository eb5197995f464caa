import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Directories that hold no documentation of ours. */
const SKIPPED = new Set(['node_modules', 'dist', '.git', '.turbo', '.cache', 'results']);

/** The repository root: the nearest directory above this file with `pnpm-workspace.yaml`. */
export function repositoryRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('no pnpm-workspace.yaml above this package');
    dir = parent;
  }
  return dir;
}

/**
 * Every Markdown file under `root`, as paths relative to it, sorted; build
 * output, dependencies and recorded benchmark results are skipped.
 */
export function markdownFiles(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (!SKIPPED.has(entry.name)) walk(join(dir, entry.name));
      } else if (entry.isFile() && entry.name.endsWith('.md')) {
        found.push(relative(root, join(dir, entry.name)));
      }
    }
  };
  walk(root);
  return found.sort();
}
