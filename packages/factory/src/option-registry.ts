/**
 * Every option of `createStore()`, as data: its path, TypeScript type,
 * default, the environment variable it overrides, and the rule its shape is
 * checked by. `checkOptions()` builds its strict schema from this registry,
 * and the README's table of options is tested against it, so the three
 * cannot disagree.
 */
import { ATHENA_VARIABLES } from '@athena/core-types';
import type { AthenaVariableName } from '@athena/core-types';
import { z } from 'zod';
import type { CreateStoreOptions } from './options.js';

/** The options that group a backend's settings. */
export type OptionGroup = 'sqlite' | 'postgres' | 'pglite';

type Settings<G extends OptionGroup> = NonNullable<CreateStoreOptions[G]>;

/** The path of every option: `fallback`, `sqlite.path`, `postgres.port`, … */
export type OptionPath =
  | Exclude<keyof CreateStoreOptions, OptionGroup>
  | { [G in OptionGroup]: `${G}.${keyof Settings<G> & string}` }[OptionGroup];

/** One option of `createStore()`. */
export interface OptionDefinition {
  /** Dotted path: `sqlite.path` is `createStore({ sqlite: { path } })`. */
  readonly path: OptionPath;
  /** Its TypeScript type, as the documentation shows it (Markdown). */
  readonly type: string;
  /** One line of Markdown: what it does. */
  readonly description: string;
  /** The environment variable it wins over, if any. */
  readonly variable?: AthenaVariableName;
  /** The value when neither option nor variable is given (Markdown). */
  readonly defaultText: string;
  /**
   * The shape accepted here; options that share a variable's rule are parsed
   * by that rule afterwards (`options.postgres.port` like `ATHENA_POSTGRES_PORT`).
   */
  readonly schema: z.ZodType;
}

const text = z.string();
/** Checked afterwards by its variable's rule, or by the store it configures. */
const byRule = z.unknown();

function option(
  path: OptionPath,
  type: string,
  description: string,
  schema: z.ZodType,
  variableOrDefault: { variable: AthenaVariableName } | { defaultText: string },
): OptionDefinition {
  const fromVariable = 'variable' in variableOrDefault;
  return Object.freeze({
    path,
    type,
    description,
    schema,
    ...(fromVariable ? { variable: variableOrDefault.variable } : {}),
    defaultText: fromVariable
      ? ATHENA_VARIABLES[variableOrDefault.variable].defaultText
      : variableOrDefault.defaultText,
  });
}

/**
 * The registry, in the order the README lists it. Typed as a record of every
 * {@link OptionPath}, so an option added to `CreateStoreOptions` without an
 * entry here does not compile.
 *
 * @example
 * ```ts
 * CREATE_STORE_OPTIONS.map((option) => option.path); // ['type', 'sqlite.path', …]
 * ```
 */
export const CREATE_STORE_OPTIONS: readonly OptionDefinition[] = Object.freeze(
  Object.values({
    type: option(
      'type',
      "`'sqlite' \\| 'postgres' \\| 'pglite'`",
      'the backend; a backend named here or by the variable is never replaced by a fallback',
      byRule,
      { variable: 'ATHENA_DB_TYPE' },
    ),
    'sqlite.path': option(
      'sqlite.path',
      '`string`',
      'the SQLite file (`:memory:` for none); its directory is created',
      text,
      { variable: 'ATHENA_SQLITE_PATH' },
    ),
    'sqlite.mmapSizeBytes': option(
      'sqlite.mmapSizeBytes',
      '`number`',
      'bytes of the file read through a memory map (0: none)',
      byRule,
      { defaultText: '1 GiB' },
    ),
    'sqlite.readers': option(
      'sqlite.readers',
      '`number`',
      'reader threads: searches run on several cores, off the event loop',
      byRule,
      { variable: 'ATHENA_SQLITE_READERS' },
    ),
    'postgres.connectionString': option(
      'postgres.connectionString',
      '`string`',
      'a `postgres://` URL; wins over the discrete fields; selects PostgreSQL',
      text,
      { variable: 'ATHENA_DATABASE_URL' },
    ),
    'postgres.host': option('postgres.host', '`string`', 'host; selects PostgreSQL', text, {
      variable: 'ATHENA_POSTGRES_HOST',
    }),
    'postgres.port': option('postgres.port', '`number`', 'port; selects PostgreSQL', byRule, {
      variable: 'ATHENA_POSTGRES_PORT',
    }),
    'postgres.database': option(
      'postgres.database',
      '`string`',
      'database; selects PostgreSQL',
      text,
      { variable: 'ATHENA_POSTGRES_DB' },
    ),
    'postgres.user': option('postgres.user', '`string`', 'user; selects PostgreSQL', text, {
      variable: 'ATHENA_POSTGRES_USER',
    }),
    'postgres.password': option(
      'postgres.password',
      '`string`',
      'password; never logged; selects PostgreSQL',
      text,
      { variable: 'ATHENA_POSTGRES_PASSWORD' },
    ),
    'postgres.poolMin': option('postgres.poolMin', '`number`', 'minimum pool size', byRule, {
      variable: 'ATHENA_POSTGRES_POOL_MIN',
    }),
    'postgres.poolMax': option('postgres.poolMax', '`number`', 'maximum pool size', byRule, {
      variable: 'ATHENA_POSTGRES_POOL_MAX',
    }),
    'postgres.schema': option(
      'postgres.schema',
      '`string`',
      "schema of Athena's tables, created when missing",
      text,
      { variable: 'ATHENA_POSTGRES_SCHEMA' },
    ),
    'postgres.readReplicas': option(
      'postgres.readReplicas',
      '`string[]`',
      'URLs of read replicas: reads outside transactions go to them, with read-your-writes',
      z.array(text),
      { variable: 'ATHENA_POSTGRES_READ_URL' },
    ),
    'postgres.connectionPooler': option(
      'postgres.connectionPooler',
      "`'session' \\| 'transaction'`",
      'pooling mode of the connection pooler the URLs reach (PgBouncer, Supavisor, RDS Proxy), if any',
      byRule,
      { variable: 'ATHENA_POSTGRES_POOLER' },
    ),
    'postgres.connectionTimeoutMs': option(
      'postgres.connectionTimeoutMs',
      '`number`',
      'how long to wait for a connection, in ms (1–600000)',
      byRule,
      { defaultText: '`5000`' },
    ),
    'pglite.dataDir': option(
      'pglite.dataDir',
      '`string`',
      'the PGlite directory (created when missing), or `memory://`; selects PGlite',
      text,
      { variable: 'ATHENA_PGLITE_PATH' },
    ),
    embeddingDimension: option(
      'embeddingDimension',
      '`number`',
      'vector length of a **new** database; an existing one keeps its own',
      byRule,
      { variable: 'ATHENA_EMBEDDING_DIM' },
    ),
    fallback: option(
      'fallback',
      "`'sqlite' \\| 'none'`",
      'what happens when a backend detected from its settings is unavailable: open SQLite with a warning, or throw',
      byRule,
      { variable: 'ATHENA_FALLBACK' },
    ),
    env: option(
      'env',
      '`Record<string, string \\| undefined>`',
      'the environment the variables are read from',
      z.record(z.string(), z.string().optional()),
      { defaultText: '`process.env`' },
    ),
    logger: option(
      'logger',
      '`{ warn(message, meta?) }`',
      "receives the fallback warning and the PostgreSQL store's warnings",
      z.custom<unknown>(
        (value) =>
          typeof value === 'object' &&
          value !== null &&
          typeof (value as { warn?: unknown }).warn === 'function',
        'must be an object with a warn(message, meta) method',
      ),
      { defaultText: '`console.warn`' },
    ),
    initialize: option(
      'initialize',
      '`boolean`',
      '`false` returns the store unopened (no connection, no migration, no fallback)',
      z.boolean(),
      { defaultText: '`true`' },
    ),
  } satisfies Record<OptionPath, OptionDefinition>),
);
