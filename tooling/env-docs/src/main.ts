/**
 * `pnpm docs:env`: rewrites every generated table of ATHENA_* variables in
 * the repository's Markdown files from the core-types registry, and the
 * configuration table of every variable and `createStore()` option.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { markdownFiles, repositoryRoot } from './markdown-files.js';
import { syncConfigurationTables } from './configuration-table.js';
import { syncVariableTables } from './variable-tables.js';

const root = repositoryRoot();
let changed = 0;
for (const file of markdownFiles(root)) {
  const path = join(root, file);
  const text = readFileSync(path, 'utf8');
  let synced: string;
  try {
    synced = syncConfigurationTables(syncVariableTables(text));
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`, { cause: error });
  }
  if (synced !== text) {
    writeFileSync(path, synced);
    process.stdout.write(`updated ${file}\n`);
    changed++;
  }
}
process.stdout.write(
  changed === 0 ? 'every generated table is up to date\n' : `${changed} file(s) updated\n`,
);
