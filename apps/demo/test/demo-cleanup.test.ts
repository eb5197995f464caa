import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const temp = mkdtempSync(join(tmpdir(), 'athena-demo-test-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** Runs the demo (`pnpm demo`'s script) with `env`, its temporary directories under `temp`. */
function demo(env: NodeJS.ProcessEnv): Promise<{ code: number; stderr: string }> {
  const tsx = join(import.meta.dirname, '..', 'node_modules', '.bin', 'tsx');
  return new Promise((resolve) => {
    execFile(
      tsx,
      [join(import.meta.dirname, '..', 'src', 'demo.ts')],
      { env: { PATH: process.env.PATH, TMPDIR: temp, ...env }, timeout: 30_000 },
      (error, _stdout, stderr) =>
        resolve({ code: error === null ? 0 : Number(error.code), stderr }),
    );
  });
}

describe('the demo', () => {
  it('removes its temporary directory when the store cannot be created', async () => {
    const down = await demo({
      ATHENA_DATABASE_URL: 'postgres://athena@127.0.0.1:1/none',
      ATHENA_FALLBACK: 'none',
    });
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('is unavailable, and ATHENA_FALLBACK=none');
    const invalid = await demo({ ATHENA_EMBEDDING_DIM: 'many' });
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain('invalid ATHENA_EMBEDDING_DIM');
    // tsx keeps its own cache there; the demo's directories are athena-demo-*.
    expect(readdirSync(temp).filter((name) => name.startsWith('athena-demo-'))).toEqual([]);
  });
});
