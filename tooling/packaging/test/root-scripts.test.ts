import { execFile } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { repositoryRoot } from '../src/workspace.js';

const run = promisify(execFile);

/**
 * The README's `pnpm athena …` must act on the directory it is typed in, as
 * the installed `athena` does: pnpm runs scripts in the repository root, so
 * the script changes back to pnpm's INIT_CWD before starting the CLI.
 */
describe('pnpm athena', () => {
  const directory = realpathSync(mkdtempSync(join(tmpdir(), 'athena-root-script-')));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('makes the directory it is run from the project, not the checkout', async () => {
    const { stdout } = await run(
      'pnpm',
      ['--silent', '-C', repositoryRoot, 'athena', 'init', '--json'],
      {
        cwd: directory,
        env: {
          ...process.env,
          ATHENA_SQLITE_PATH: join(directory, 'memory.db'),
          ATHENA_DATABASE_URL: '',
          ATHENA_DB_TYPE: '',
        },
      },
    );
    const result = JSON.parse(stdout) as { project: { path: string; name: string } };
    expect(result.project).toMatchObject({
      path: directory,
      name: directory.split('/').pop(),
    });
  }, 120_000);
});
