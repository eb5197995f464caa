import { join } from 'node:path';
import { dropSchema, freshSchema, TEST_DATABASE_URL } from './index.js';

/**
 * A backend for a subprocess test of an app (the `athena` command, the MCP
 * server): fresh databases as the environment variables a user would set.
 */
export interface AppDatabases {
  readonly name: 'sqlite' | 'postgres' | 'pglite';
  /** The environment of a fresh, empty database; `label` tells several apart. */
  database(label: string): Record<string, string>;
  cleanup(): Promise<void>;
}

/** A SQLite file under `root` per database. */
export function sqliteDatabases(root: string): AppDatabases {
  return {
    name: 'sqlite',
    database: (label) => ({
      ATHENA_DB_TYPE: 'sqlite',
      ATHENA_SQLITE_PATH: join(root, `${label}.db`),
    }),
    cleanup: async () => undefined,
  };
}

/** A PGlite directory under `root` per database (PGlite starts in about 4 s per process). */
export function pgliteDatabases(root: string): AppDatabases {
  return {
    name: 'pglite',
    database: (label) => ({
      ATHENA_DB_TYPE: 'pglite',
      ATHENA_PGLITE_PATH: join(root, `${label}.pglite`),
    }),
    cleanup: async () => undefined,
  };
}

/** A fresh schema of the test PostgreSQL per database (named `prefix_…`), dropped by `cleanup()`. */
export function postgresDatabases(prefix: string): AppDatabases {
  const schemas: string[] = [];
  return {
    name: 'postgres',
    database: () => {
      const schema = freshSchema(prefix);
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
