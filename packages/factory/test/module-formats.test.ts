import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runNodeScript, tempDir } from './helpers.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);

/**
 * The same program in both module formats: a SQLite store from the built
 * factory, then one project path twice. The ConflictError must be an
 * instance of the ConflictError the application itself loads.
 */
const PROGRAM = `
  const store = await createStore({ sqlite: { path: process.argv[2] }, env: {} });
  try {
    await store.projects.create({ name: 'first', path: '/same' });
    await store.projects.create({ name: 'second', path: '/same' });
    console.log(JSON.stringify({ thrown: false }));
  } catch (error) {
    console.log(JSON.stringify({
      name: error.name,
      instance: error instanceof ConflictError,
      athena: error instanceof AthenaError,
      isAthenaError: isAthenaError(error, 'conflict'),
    }));
  } finally {
    await store.close();
  }
`;

const CONFLICT = { name: 'ConflictError', instance: true, athena: true, isAthenaError: true };

describe('errors thrown through the factory are the application’s own classes', () => {
  it('in CommonJS: require() loads the CommonJS builds of the backend and core-types', async () => {
    const run = await runNodeScript(
      `const { createStore } = require('@athena/factory');
       const { AthenaError, ConflictError, isAthenaError } = require('@athena/core-types');
       (async () => { ${PROGRAM} })();`,
      'cjs',
      { args: [join(dir, 'cjs.db')] },
    );
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual(CONFLICT);
  });

  it('in ESM: import loads the ESM builds', async () => {
    const run = await runNodeScript(
      `import { createStore } from '@athena/factory';
       import { AthenaError, ConflictError, isAthenaError } from '@athena/core-types';
       ${PROGRAM}`,
      'mjs',
      { args: [join(dir, 'esm.db')] },
    );
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual(CONFLICT);
  });
});
