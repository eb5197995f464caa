import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Three TypeScript files: api → users → db, each calling the next. */
export function writeCodeFixture(dir: string): void {
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { strict: true, module: 'ESNext', moduleResolution: 'Bundler' },
    }),
  );
  writeFileSync(
    join(dir, 'src', 'db.ts'),
    '/** Runs one SQL statement against the invoice database. */\n' +
      'export function query(sql: string): string {\n  return sql;\n}\n',
  );
  writeFileSync(
    join(dir, 'src', 'users.ts'),
    "import { query } from './db';\n\n/** Looks a customer up by id. */\n" +
      'export function findUser(id: number): string {\n  return query(`select ${id}`);\n}\n',
  );
  writeFileSync(
    join(dir, 'src', 'api.ts'),
    "import { findUser } from './users';\n\n" +
      'export function handler(): string {\n  return findUser(1);\n}\n',
  );
}
