import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runNodeScript, tempDir } from './helpers.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);

/**
 * A consumer who configures PostgreSQL but never installed
 * `@athena/store-postgres`: a Node resolve hook makes the package missing
 * for the subprocess exactly as it is in such a project (ERR_MODULE_NOT_FOUND
 * from the factory's `import()`), while the rest of the workspace resolves.
 */
function withoutPackage(name: string): string[] {
  const hooks = join(dir, 'hooks.mjs');
  writeFileSync(
    hooks,
    `export async function resolve(specifier, context, next) {
       if (specifier === ${JSON.stringify(name)} || specifier.startsWith(${JSON.stringify(`${name}/`)})) {
         const error = new Error(\`Cannot find package '\${specifier}' imported from \${context.parentURL}\`);
         error.code = 'ERR_MODULE_NOT_FOUND';
         throw error;
       }
       return next(specifier, context);
     }`,
  );
  const register = join(dir, 'register.mjs');
  writeFileSync(
    register,
    `import { register } from 'node:module';
     register(${JSON.stringify(pathToFileURL(hooks).href)});`,
  );
  return ['--import', pathToFileURL(register).href];
}

const PROGRAM = `
  import { createStore } from '@athena/factory';
  const [sqlite, fallback] = process.argv.slice(2);
  try {
    const store = await createStore({
      env: { ATHENA_DATABASE_URL: 'postgres://127.0.0.1:1/athena', ATHENA_SQLITE_PATH: sqlite, ATHENA_FALLBACK: fallback },
      logger: { warn: (line) => console.error(line) },
    });
    console.log(JSON.stringify({ opened: store.selection.backend }));
    await store.close();
  } catch (error) {
    console.log(JSON.stringify({ code: error.code, message: error.message, details: error.details }));
  }
`;

describe('a configured backend whose package is not installed', () => {
  for (const fallback of ['sqlite', 'none']) {
    it(`is refused with the install command, not fallen back from (ATHENA_FALLBACK=${fallback})`, async () => {
      const sqlite = join(dir, `${fallback}.db`);
      const run = await runNodeScript(PROGRAM, 'mjs', {
        args: [sqlite, fallback],
        nodeArgs: withoutPackage('@athena/store-postgres'),
      });
      expect(run.stderr).toBe('');
      expect(JSON.parse(run.stdout)).toEqual({
        code: 'backend_unavailable',
        message:
          'PostgreSQL is selected (ATHENA_DATABASE_URL is set), but @athena/store-postgres is not installed: ' +
          'npm install @athena/store-postgres (or pnpm add @athena/store-postgres)',
        details: { backend: 'postgres', notInstalled: '@athena/store-postgres' },
      });
      expect(existsSync(sqlite)).toBe(false);
    });
  }

  it('still opens every backend that is installed', async () => {
    const sqlite = join(dir, 'installed.db');
    const run = await runNodeScript(
      `import { createStore } from '@athena/factory';
       const store = await createStore({ env: { ATHENA_SQLITE_PATH: process.argv[2] } });
       console.log(JSON.stringify({ opened: store.selection.backend }));
       await store.close();`,
      'mjs',
      { args: [sqlite], nodeArgs: withoutPackage('@athena/store-postgres') },
    );
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ opened: 'sqlite' });
  });
});
