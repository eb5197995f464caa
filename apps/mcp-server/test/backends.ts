import { join } from 'node:path';
import { dropSchema, freshSchema, TEST_DATABASE_URL } from '@athena/test-postgres';

/** A database for the server, as environment variables (the way a client configures it). */
export interface Backend {
  readonly name: 'sqlite' | 'postgres' | 'pglite';
  /** The environment of a fresh, empty database; `label` tells several apart. */
  database(label: string): Record<string, string>;
  cleanup(): Promise<void>;
}

/** A SQLite file under `root` per database. */
export function sqliteBackend(root: string): Backend {
  return {
    name: 'sqlite',
    database: (label) => ({
      ATHENA_DB_TYPE: 'sqlite',
      ATHENA_SQLITE_PATH: join(root, `${label}.db`),
    }),
    cleanup: async () => undefined,
  };
}

/** A PGlite directory under `root` per database. */
export function pgliteBackend(root: string): Backend {
  return {
    name: 'pglite',
    database: (label) => ({
      ATHENA_DB_TYPE: 'pglite',
      ATHENA_PGLITE_PATH: join(root, `${label}.pglite`),
    }),
    cleanup: async () => undefined,
  };
}

/** A fresh schema of the test PostgreSQL per database, dropped at the end. */
export function postgresBackend(): Backend {
  const schemas: string[] = [];
  return {
    name: 'postgres',
    database: () => {
      const schema = freshSchema('athena_mcp');
      schemas.push(schema);
      return {
        ATHENA_DATABASE_URL: TEST_DATABASE_URL,
        ATHENA_POSTGRES_SCHEMA: schema,
        ATHENA_FALLBACK: 'none',
      };
    },
    cleanup: async () => {
      for (const schema of schemas) await dropSchema(schema);
    },
  };
}
