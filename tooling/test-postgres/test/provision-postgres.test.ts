/**
 * tooling/scripts/provision-postgres.sh against a server of its own, as the
 * Docker route of the README meets it (docker/docker-compose.yml): a role
 * with a password that owns its database, with the vector extension already
 * created, and no `postgres` administrator to fall back on.
 *
 * This server accepts 127.0.0.1 with `trust` (its pg_hba.conf is not ours to
 * change), so the password below is carried through the URL but not
 * verified: what is tested is that provisioning needs nothing but that role,
 * and that a connection problem is reported as one.
 */
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, expect, it } from 'vitest';
import pg from 'pg';
import { adminQuery, describePostgres, TEST_DATABASE_URL } from '../src/index.js';

const SCRIPT = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'scripts',
  'provision-postgres.sh',
);
const ROLE = 'athena_docker';
const PASSWORD = 'docker-p@ss';
/** Any administrator the script might try instead: one that does not exist. */
const NO_ADMIN = 'athena_no_such_admin';

const server = new URL(TEST_DATABASE_URL);
const host = server.hostname;
const port = server.port === '' ? '5432' : server.port;

function dockerUrl(overrides: { port?: string; role?: string } = {}): string {
  const role = overrides.role ?? ROLE;
  return `postgres://${role}:${encodeURIComponent(PASSWORD)}@${host}:${overrides.port ?? port}/${role}`;
}

interface Run {
  readonly code: number;
  readonly stderr: string;
}

function provision(url: string): Promise<Run> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ATHENA_TEST_DATABASE_URL: url,
    PGUSER: NO_ADMIN,
  };
  delete env['PGPASSWORD'];
  return new Promise((resolve) => {
    execFile('bash', [SCRIPT], { env, timeout: 30_000 }, (error, _stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stderr });
    });
  });
}

describePostgres('provision-postgres.sh with a password-authenticated role', () => {
  beforeAll(async () => {
    // What the pgvector/pgvector image provides, made idempotently by the
    // test database's superuser: the role, its database, the extension in it.
    await adminQuery(
      `DO $$ BEGIN
         IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${ROLE}') THEN
           CREATE ROLE ${ROLE} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '${PASSWORD}';
         END IF;
       END $$`,
    );
    const exists = await adminQuery('SELECT 1 FROM pg_database WHERE datname = $1', [ROLE]);
    if (exists.length === 0) await adminQuery(`CREATE DATABASE ${ROLE} OWNER ${ROLE}`);
    const database = new URL(TEST_DATABASE_URL);
    database.pathname = `/${ROLE}`;
    const client = new pg.Client({ connectionString: database.toString() });
    await client.connect();
    try {
      await client.query('CREATE EXTENSION IF NOT EXISTS vector');
    } finally {
      await client.end();
    }
  });

  it('is ready as that role alone, without a superuser, and hides the password', async () => {
    const started = performance.now();
    const run = await provision(dockerUrl());
    expect(run.stderr).toMatch(
      new RegExp(`ready: postgres://${ROLE}:\\*\\*\\*@${host}:${port}/${ROLE} \\(pgvector \\d`),
    );
    expect(run.code).toBe(0);
    expect(run.stderr).not.toContain('p@ss');
    expect(run.stderr).not.toContain(encodeURIComponent(PASSWORD));
    // The default path of every `pnpm test`: two queries, no administrator.
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('names a wrong port as a connection problem, not as a missing pgvector', async () => {
    const run = await provision(dockerUrl({ port: '1' }));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`cannot connect to PostgreSQL at ${host}:1`);
    expect(run.stderr).toContain(`postgres://${ROLE}:***@${host}:1/${ROLE}`);
    expect(run.stderr).not.toMatch(/pgvector|p@ss/);
  });

  it('names a role the server does not know, and the administrator it could not use', async () => {
    const run = await provision(dockerUrl({ role: 'athena_no_such_role' }));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('role "athena_no_such_role" does not exist');
    expect(run.stderr).toContain(`the administrator ${NO_ADMIN} cannot connect`);
    expect(run.stderr).not.toMatch(/pgvector is not installed|p@ss/);
  });
});
