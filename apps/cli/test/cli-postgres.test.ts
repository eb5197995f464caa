import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  describePostgres,
  dropSchema,
  freshSchema,
  postgresDatabases,
  TEST_DATABASE_URL,
} from '@athena/test-postgres';
import { expect, it } from 'vitest';
import { cliSuite, EXIT, oneLine } from './cli-suite.js';
import { athena } from './run-cli.js';

describePostgres('athena on PostgreSQL', () => {
  cliSuite(() => postgresDatabases('athena_cli'));

  it('copy --to postgres:// with --to-schema, from SQLite', async () => {
    const root = mkdtempSync(join(tmpdir(), 'athena-cli-pg-'));
    const schema = freshSchema('athena_cli_copy');
    try {
      const cwd = join(root, 'app');
      mkdirSync(cwd);
      const env = {
        ATHENA_DB_TYPE: 'sqlite',
        ATHENA_SQLITE_PATH: join(root, 'm.db'),
        ATHENA_EMBEDDING_DIM: '32',
      };
      await athena(['init'], { env, cwd });
      await athena(['remember', 'copied to postgres'], { env, cwd });
      const copied = await athena(
        ['--json', 'copy', '--to', TEST_DATABASE_URL, '--to-schema', schema],
        { env, cwd },
      );
      expect(copied.code).toBe(EXIT.ok);
      expect(copied.json()).toMatchObject({
        to: { backend: 'postgres' },
        counts: { projects: 1, memories: 1 },
      });
      const there = {
        ATHENA_DATABASE_URL: TEST_DATABASE_URL,
        ATHENA_POSTGRES_SCHEMA: schema,
        ATHENA_FALLBACK: 'none',
        ATHENA_EMBEDDING_DIM: '32',
      };
      const listed = await athena(['--json', 'list'], { env: there, cwd });
      expect(listed.json<{ items: { content: string }[] }>().items.map((m) => m.content)).toEqual([
        'copied to postgres',
      ]);
      const narrow = {
        ATHENA_DB_TYPE: 'sqlite',
        ATHENA_SQLITE_PATH: join(root, 'n.db'),
        ATHENA_EMBEDDING_DIM: '16',
      };
      const other = join(root, 'other');
      mkdirSync(other);
      await athena(['init'], { env: narrow, cwd: other });
      const wrongDimension = await athena(
        ['copy', '--to', TEST_DATABASE_URL, '--to-schema', schema],
        {
          env: narrow,
          cwd: other,
        },
      );
      expect(wrongDimension.code).toBe(EXIT.validation);
      oneLine(wrongDimension, /16 dimensions but this database stores 32/);

      // A bad --to is reported as --to, not as the environment's settings.
      const unknownRole = new URL(TEST_DATABASE_URL);
      unknownRole.username = 'athena_no_such_role';
      unknownRole.password = 'secret';
      const cases = [
        [
          'postgres://127.0.0.1:1/athena',
          EXIT.unavailable,
          /^athena: --to postgres:\/\/127\.0\.0\.1:1\/athena: .*ECONNREFUSED.*; start that server or correct --to$/m,
        ],
        [
          unknownRole.toString(),
          EXIT.failure,
          /^athena: --to postgres:\/\/athena_no_such_role:\*\*\*@.*role "athena_no_such_role" does not exist$/m,
        ],
        [
          'postgres://not a url',
          EXIT.validation,
          /^athena: invalid --to: must be a postgres:\/\/ or postgresql:\/\/ URL/,
        ],
      ] as const;
      for (const [to, code, message] of cases) {
        const refused = await athena(['copy', '--to', to], { env, cwd });
        expect(refused.code).toBe(code);
        oneLine(refused, message);
        expect(refused.stderr).not.toMatch(/ATHENA_DATABASE_URL|options\.|secret/);
      }
    } finally {
      await dropSchema(schema);
      rmSync(root, { recursive: true, force: true });
    }
  });
});
