import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT, oneLine } from './cli-suite.js';
import { athena, MAIN } from './run-cli.js';

describe('athena without a reachable database', () => {
  it('exits 5 when PostgreSQL is configured, unreachable and fallback is off', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'athena-cli-down-'));
    try {
      const env = {
        ATHENA_DATABASE_URL: 'postgres://nobody:secret@127.0.0.1:9/x',
        ATHENA_FALLBACK: 'none',
      };
      const down = await athena(['list'], { env, cwd });
      expect(down.code).toBe(EXIT.unavailable);
      oneLine(down, /PostgreSQL \(.*\) is unavailable, and ATHENA_FALLBACK=none/);
      expect(down.stderr).not.toContain('secret');
      const doctor = await athena(['doctor'], { env, cwd });
      expect(doctor.code).toBe(EXIT.failure);
      expect(doctor.stdout).toMatch(/^FAIL {2}connection/m);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('--version and --help exit 0; an unknown command exits 2', async () => {
    const cwd = tmpdir();
    expect((await athena(['--version'], { env: {}, cwd })).stdout.trim()).toMatch(
      /^\d+\.\d+\.\d+$/,
    );
    const help = await athena(['--help'], { env: {}, cwd });
    expect(help.code).toBe(EXIT.ok);
    for (const command of [
      'init',
      'remember',
      'recall',
      'search',
      'forget',
      'show',
      'list',
      'event',
      'goal',
      'task',
      'decision',
      'stats',
      'doctor',
      'migrate',
      'export',
      'import',
      'copy',
    ]) {
      expect(help.stdout).toMatch(new RegExp(`\\n  ${command}\\b`));
    }
    const unknown = await athena(['remembr'], { env: {}, cwd });
    expect(unknown.code).toBe(EXIT.usage);
    expect(unknown.stderr).toBe("athena: unknown command 'remembr'\n(Did you mean remember?)\n");
  });

  it('stops quietly, exit 0, when the reader of its output goes away (athena export - | head)', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'athena-cli-pipe-'));
    try {
      const env = { ATHENA_SQLITE_PATH: join(cwd, 'memory.db'), ATHENA_EMBEDDER: 'hash' };
      await athena(['init'], { env, cwd });
      await athena(['remember', 'exported into a closed pipe'], { env, cwd });
      for (const args of [
        ['export', '-'],
        ['--json', 'list'],
      ]) {
        const child = spawn(process.execPath, [MAIN, ...args], {
          cwd,
          env: { PATH: process.env['PATH'] ?? '', HOME: cwd, ...env },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        // The reader is gone before the first byte: every write fails with EPIPE.
        child.stdout.destroy();
        const stderr: Buffer[] = [];
        child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
        const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
        expect({ args, code, stderr: Buffer.concat(stderr).toString('utf8') }).toEqual({
          args,
          code: EXIT.ok,
          stderr: '',
        });
      }
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
