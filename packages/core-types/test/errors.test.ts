import { execFile } from 'node:child_process';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BackendUnavailableError,
  ConflictError,
  DimensionMismatchError,
  isAthenaError,
} from '../src/index.js';

const previous = process.env.ATHENA_DEBUG;
afterEach(() => {
  if (previous === undefined) delete process.env.ATHENA_DEBUG;
  else process.env.ATHENA_DEBUG = previous;
});

describe('an Athena error printed for people', () => {
  const refused = () =>
    new BackendUnavailableError('PostgreSQL is unavailable (connect ECONNREFUSED); start it', {
      cause: new Error('connect ECONNREFUSED 127.0.0.1:1'),
      details: { target: 'postgres://127.0.0.1:1/x' },
    });

  it('is one line for util.inspect and console.log, keeping stack and cause on the error', () => {
    delete process.env.ATHENA_DEBUG;
    const error = refused();
    expect(inspect(error)).toBe(
      'BackendUnavailableError [backend_unavailable]: PostgreSQL is unavailable (connect ECONNREFUSED); start it',
    );
    expect(inspect({ failed: new ConflictError('path taken') })).toBe(
      '{ failed: ConflictError [conflict]: path taken }',
    );
    expect(error.stack).toMatch(/\n {4}at /);
    expect((error.cause as Error).message).toBe('connect ECONNREFUSED 127.0.0.1:1');
  });

  it('prints its stack, details and causes with ATHENA_DEBUG=1 (or true)', () => {
    for (const value of ['1', 'true']) {
      process.env.ATHENA_DEBUG = value;
      const shown = inspect(refused());
      expect(shown).toMatch(/^BackendUnavailableError: PostgreSQL is unavailable/);
      expect(shown).toMatch(/\n {4}at /);
      expect(shown).toContain('[cause]: Error: connect ECONNREFUSED 127.0.0.1:1');
      expect(shown).toContain("code: 'backend_unavailable'");
    }
    process.env.ATHENA_DEBUG = '0';
    expect(inspect(refused()).split('\n')).toHaveLength(1);
  });

  it('says what to do about a dimension mismatch', () => {
    const error = new DimensionMismatchError(768, 384);
    expect(error.message).toBe(
      'embedding has 384 dimensions but this database stores 768: embed with a 768-dimension model, or store them in a new database',
    );
    expect(isAthenaError(error, 'dimension_mismatch')).toBe(true);
  });
});

/** Runs an ES module with node from this package, where `@athena/core-types` is its built self. */
function node(source: string, env: NodeJS.ProcessEnv): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', source],
      { cwd: import.meta.dirname, env, timeout: 20_000 },
      (error, _stdout, stderr) =>
        resolve({ code: error === null ? 0 : Number(error.code), stderr }),
    );
  });
}

describe('an uncaught Athena error', () => {
  const THROW = `
    import { BackendUnavailableError } from '@athena/core-types';
    const inner = new Error('connect ECONNREFUSED 127.0.0.1:1');
    throw new BackendUnavailableError('PostgreSQL is unavailable (connect ECONNREFUSED 127.0.0.1:1); start it', { cause: inner });
  `;
  const env = { ...process.env, ATHENA_DEBUG: '' };

  it('ends the process with code 1 and its one line, not the nested stacks', async () => {
    const { code, stderr } = await node(THROW, env);
    expect(code).toBe(1);
    expect(stderr).toBe(
      'BackendUnavailableError [backend_unavailable]: PostgreSQL is unavailable (connect ECONNREFUSED 127.0.0.1:1); start it\n' +
        '    (ATHENA_DEBUG=1 prints the stack and the causes)\n',
    );
  });

  it('is printed by Node in full with ATHENA_DEBUG=1', async () => {
    const { code, stderr } = await node(THROW, { ...env, ATHENA_DEBUG: '1' });
    expect(code).toBe(1);
    expect(stderr).toContain('[cause]: Error: connect ECONNREFUSED 127.0.0.1:1');
    expect(stderr.split('\n').length).toBeGreaterThan(10);
  });

  it('is left to an uncaughtException handler, and other errors to Node', async () => {
    const handled = await node(
      `process.on('uncaughtException', (error) => { console.error('handled', error.code); });\n${THROW}`,
      env,
    );
    expect(handled).toEqual({ code: 0, stderr: 'handled backend_unavailable\n' });
    const plain = await node(
      `import '@athena/core-types'; new (await import('@athena/core-types')).ConflictError('x'); throw new Error('plain');`,
      env,
    );
    expect(plain.code).toBe(1);
    expect(plain.stderr).toContain('Error: plain');
    expect(plain.stderr).toContain('Node.js v');
  });
});
