/** One configuration variable the factory reads, for documentation and error messages. */
export interface EnvVariable {
  readonly name: string;
  readonly aliases: readonly string[];
  readonly description: string;
  readonly default: string;
}

/**
 * Every environment variable the factory reads. Names from the original
 * Python Athena are accepted as aliases so an existing environment keeps working.
 */
export const ENV_VARIABLES: readonly EnvVariable[] = Object.freeze([
  {
    name: 'ATHENA_DB_TYPE',
    aliases: [],
    description: '`sqlite` or `postgres`; unset = auto-detect',
    default: 'auto',
  },
  {
    name: 'ATHENA_DATABASE_URL',
    aliases: ['DATABASE_URL'],
    description: 'a postgres:// or postgresql:// URL',
    default: '—',
  },
  {
    name: 'ATHENA_POSTGRES_HOST',
    aliases: [],
    description: 'PostgreSQL host',
    default: 'localhost',
  },
  { name: 'ATHENA_POSTGRES_PORT', aliases: [], description: 'PostgreSQL port', default: '5432' },
  {
    name: 'ATHENA_POSTGRES_DB',
    aliases: ['ATHENA_POSTGRES_DBNAME'],
    description: 'PostgreSQL database',
    default: 'athena',
  },
  {
    name: 'ATHENA_POSTGRES_USER',
    aliases: [],
    description: 'PostgreSQL user',
    default: 'postgres',
  },
  {
    name: 'ATHENA_POSTGRES_PASSWORD',
    aliases: [],
    description: 'PostgreSQL password (never logged)',
    default: '—',
  },
  {
    name: 'ATHENA_POSTGRES_POOL_MIN',
    aliases: ['ATHENA_POSTGRES_MIN_SIZE'],
    description: 'minimum pool size',
    default: '2',
  },
  {
    name: 'ATHENA_POSTGRES_POOL_MAX',
    aliases: ['ATHENA_POSTGRES_MAX_SIZE'],
    description: 'maximum pool size',
    default: '10',
  },
  {
    name: 'ATHENA_POSTGRES_SCHEMA',
    aliases: [],
    description: "schema of Athena's tables (created when missing); does not select PostgreSQL",
    default: 'public',
  },
  {
    name: 'ATHENA_SQLITE_PATH',
    aliases: ['ATHENA_DB_PATH'],
    description: 'SQLite file; its directory is created',
    default: '~/.athena/memory.db',
  },
  {
    name: 'ATHENA_EMBEDDING_DIM',
    aliases: [],
    description: 'vector dimension of a new database',
    default: '768',
  },
  {
    name: 'ATHENA_FALLBACK',
    aliases: [],
    description: '`sqlite` or `none`: what happens when PostgreSQL is configured but unreachable',
    default: 'sqlite',
  },
] satisfies EnvVariable[]);

/** The environment the factory reads: `process.env` by default, any record in tests. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** The first non-empty value among a variable and its aliases, with the name that supplied it. */
export function readVariable(
  env: Environment,
  name: string,
): { name: string; value: string } | undefined {
  const variable = ENV_VARIABLES.find((v) => v.name === name);
  for (const candidate of [name, ...(variable?.aliases ?? [])]) {
    const value = env[candidate]?.trim();
    if (value !== undefined && value !== '') return { name: candidate, value };
  }
  return undefined;
}
