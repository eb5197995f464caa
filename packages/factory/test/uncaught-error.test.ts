import { describe, expect, it } from 'vitest';
import { runNodeScript } from './helpers.js';

/** An application that lets createStore()'s error go uncaught. */
const SCRIPT = `import { createStore } from '@athena/factory';\nawait createStore();\n`;

describe('an uncaught createStore() error, PostgreSQL down and ATHENA_FALLBACK=none', () => {
  const env = {
    PATH: process.env.PATH,
    ATHENA_DATABASE_URL: 'postgres://athena:hunter2@127.0.0.1:1/none',
    ATHENA_FALLBACK: 'none',
  };

  it('prints one line with the cause and the fix, password redacted', async () => {
    const { code, stderr } = await runNodeScript(SCRIPT, 'mjs', { env });
    expect(code).toBe(1);
    const lines = stderr.trimEnd().split('\n');
    expect(lines.length).toBeLessThanOrEqual(3);
    expect(lines[0]).toMatch(
      /^BackendUnavailableError \[backend_unavailable\]: PostgreSQL \(postgres:\/\/athena:\*\*\*@127\.0\.0\.1:1\/none\) is unavailable, and ATHENA_FALLBACK=none: .*connect ECONNREFUSED 127\.0\.0\.1:1.*; start PostgreSQL or correct ATHENA_DATABASE_URL .*, or unset ATHENA_FALLBACK to fall back to SQLite at /,
    );
    expect(stderr).toContain('ATHENA_DEBUG=1');
    expect(stderr).not.toContain('hunter2');
  });

  it('prints the stack and the chain of causes with ATHENA_DEBUG=1', async () => {
    const { code, stderr } = await runNodeScript(SCRIPT, 'mjs', {
      env: { ...env, ATHENA_DEBUG: '1' },
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(/at createStore \(/);
    expect(stderr).toMatch(/\[cause\]: BackendUnavailableError: .*ECONNREFUSED/);
    expect(stderr).toMatch(/\[cause\]: Error: connect ECONNREFUSED 127\.0\.0\.1:1/);
    expect(stderr).not.toContain('hunter2');
  });
});
