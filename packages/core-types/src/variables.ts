/**
 * Every `ATHENA_*` environment variable, as data: name, aliases, what it
 * means, what it accepts, its default, and the parser that turns its text into
 * a value. Only the factory and the apps read `process.env`, and they read it
 * through {@link findVariable} / {@link readVariable}; packages take options.
 * The variable tables of the READMEs are generated from this registry
 * (`pnpm docs:env`), so documentation and parsing cannot disagree.
 */
import { ValidationError } from './errors.js';
import { hasStrayAt, redactUrl } from './redact-url.js';
import { LIMITS } from './validation/limits.js';

/** The environment to read: `process.env` in an app, any record in a test. */
export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Who reads a variable: `store` (the factory's backend selection),
 * `embedder` (`createEmbedderFromEnv` of `@athena/search`), `summarizer`
 * (`createSummarizerFromEnv` of `@athena/consolidation`), `mcp` (the MCP
 * server, `athena-mcp`), `cli` (the `athena` command), `code` (code indexing
 * in both apps: `athena code index`, the `index_code` tool), `errors` (how
 * every Athena error prints),
 * `tooling` (the repository's benchmark and evaluation scripts).
 */
export type VariableGroup =
  'store' | 'embedder' | 'summarizer' | 'mcp' | 'cli' | 'code' | 'errors' | 'tooling';

/** One environment variable. `T` is its parsed type, `D` its default (`undefined`: none). */
export interface VariableDefinition<T = unknown, D extends T | undefined = T | undefined> {
  readonly name: string;
  /** Older names accepted too (the original Python Athena's), tried in order after `name`. */
  readonly aliases: readonly string[];
  readonly group: VariableGroup;
  /** One line of Markdown: what the variable does. */
  readonly description: string;
  /** What a valid value is, e.g. `an integer in 1–16000`; errors say "must be …". */
  readonly accepts: string;
  /** Inclusive bounds of an integer variable. */
  readonly range?: { readonly min: number; readonly max: number };
  /** The values an enumerated variable accepts (matched case-insensitively). */
  readonly values?: readonly string[];
  /** The value when the variable is unset; `undefined` when there is none. */
  readonly default: D;
  /** The default as the documentation shows it (Markdown), e.g. `` `768` `` or `auto-detect`. */
  readonly defaultText: string;
  /** The value may hold a credential: it is never shown whole, in errors or elsewhere. */
  readonly secret: boolean;
  /** Leading and trailing whitespace belong to the value (prefixes); otherwise it is trimmed. */
  readonly keepWhitespace: boolean;
  /** Parses a non-empty value; `undefined` when it is not acceptable. */
  readonly parse: (raw: string) => T | undefined;
  /** The value as an error message may show it. */
  readonly show: (raw: string) => string;
}

interface BaseSpec {
  readonly name: string;
  readonly aliases?: readonly string[];
  readonly group: VariableGroup;
  readonly description: string;
  readonly secret?: boolean;
}

/** Largest value of `ATHENA_EMBEDDING_DIM`: pgvector's `vector` type limit, the most any backend stores. */
const MAX_EMBEDDING_DIM = 16_000;

function define<T, D extends T | undefined>(
  spec: BaseSpec & {
    readonly accepts: string;
    readonly default: D;
    readonly defaultText: string;
    readonly parse: (raw: string) => T | undefined;
    readonly show?: (raw: string) => string;
    readonly range?: { readonly min: number; readonly max: number };
    readonly values?: readonly string[];
    readonly keepWhitespace?: boolean;
  },
): VariableDefinition<T, D> {
  const secret = spec.secret ?? false;
  return Object.freeze({
    name: spec.name,
    aliases: Object.freeze([...(spec.aliases ?? [])]),
    group: spec.group,
    description: spec.description,
    accepts: spec.accepts,
    ...(spec.range === undefined ? {} : { range: Object.freeze({ ...spec.range }) }),
    ...(spec.values === undefined ? {} : { values: Object.freeze([...spec.values]) }),
    default: spec.default,
    defaultText: spec.defaultText,
    secret,
    keepWhitespace: spec.keepWhitespace ?? false,
    parse: spec.parse,
    show: spec.show ?? (secret ? () => '***' : (raw: string) => JSON.stringify(raw)),
  });
}

function integer<D extends number | undefined>(
  spec: BaseSpec & { readonly min: number; readonly max: number; readonly default: D },
): VariableDefinition<number, D> {
  const { min, max } = spec;
  return define({
    ...spec,
    accepts: `an integer in ${min}–${max}`,
    range: { min, max },
    defaultText: spec.default === undefined ? '—' : `\`${spec.default}\``,
    parse: (raw) => {
      const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
      return Number.isSafeInteger(value) && value >= min && value <= max ? value : undefined;
    },
  });
}

function oneOf<const V extends string, D extends V | undefined>(
  spec: BaseSpec & {
    readonly values: readonly V[];
    /** Other spellings accepted for a value, e.g. `pg` for `postgres`. */
    readonly synonyms?: Readonly<Record<string, V>>;
    readonly default: D;
    readonly defaultText?: string;
  },
): VariableDefinition<V, D> {
  const { values, synonyms = {} } = spec;
  return define({
    ...spec,
    accepts: `one of ${values.join(', ')}`,
    defaultText: spec.defaultText ?? (spec.default === undefined ? '—' : `\`${spec.default}\``),
    parse: (raw) => {
      const lower = raw.toLowerCase();
      const value = synonyms[lower] ?? lower;
      return (values as readonly string[]).includes(value) ? (value as V) : undefined;
    },
  });
}

function text<D extends string | undefined>(
  spec: BaseSpec & {
    readonly default: D;
    readonly defaultText?: string;
    readonly keepWhitespace?: boolean;
    readonly maxLength?: number;
  },
): VariableDefinition<string, D> {
  const maxLength = spec.maxLength ?? Number.POSITIVE_INFINITY;
  return define({
    ...spec,
    accepts:
      spec.maxLength === undefined
        ? 'a text without NUL characters'
        : `a text of at most ${spec.maxLength} characters without NUL`,
    defaultText: spec.defaultText ?? (spec.default === undefined ? '—' : `\`${spec.default}\``),
    parse: (raw) => (raw.includes('\u0000') || raw.length > maxLength ? undefined : raw),
  });
}

/** Longest query or document prefix: an instruction is one sentence. */
const MAX_PREFIX_LENGTH = 1_000;

const POSTGRES_URL_ACCEPTS =
  'a postgres:// or postgresql:// URL with a host, its user and password percent-encoded (`@` as %40, `/` as %2F)';

/** `raw` when it is a URL pg can connect with, else undefined. */
function parsePostgresUrl(raw: string): string | undefined {
  const url = tryUrl(raw);
  if (url === null || (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')) {
    return undefined;
  }
  // A stray `@` after the host: an unencoded password that the driver would cut in two.
  if (hasStrayAt(url)) return undefined;
  return url.hostname === '' && !url.searchParams.has('host') ? undefined : raw;
}

function postgresUrl<D extends string | undefined>(
  spec: BaseSpec & { readonly default: D },
): VariableDefinition<string, D> {
  return define({
    ...spec,
    accepts: POSTGRES_URL_ACCEPTS,
    defaultText: spec.default === undefined ? '—' : `\`${spec.default}\``,
    parse: parsePostgresUrl,
    show: (raw) => JSON.stringify(redactUrl(raw)),
  });
}

/** Comma-separated PostgreSQL URLs (a URL's own commas percent-encoded as %2C). */
function postgresUrls(spec: BaseSpec): VariableDefinition<readonly string[], undefined> {
  const split = (raw: string) => raw.split(',').map((part) => part.trim());
  return define({
    ...spec,
    accepts: `one or more comma-separated URLs, each ${POSTGRES_URL_ACCEPTS}`,
    default: undefined,
    defaultText: '—',
    parse: (raw) => {
      const urls = split(raw).map(parsePostgresUrl);
      return urls.every((url) => url !== undefined) ? Object.freeze(urls) : undefined;
    },
    show: (raw) => JSON.stringify(split(raw).map(redactUrl).join(',')),
  });
}

function httpUrl(spec: BaseSpec): VariableDefinition<string, undefined> {
  return define({
    ...spec,
    // fetch refuses URLs with credentials, and messages would show them.
    accepts: 'an http:// or https:// URL without credentials',
    default: undefined,
    defaultText: '—',
    parse: (raw) => {
      const url = tryUrl(raw);
      if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:')) return undefined;
      return url.username === '' && url.password === '' ? raw : undefined;
    },
    show: (raw) => JSON.stringify(redactUrl(raw)),
  });
}

function tryUrl(raw: string): URL | null {
  try {
    return new URL(raw);
  } catch {
    return null;
  }
}

/** The values a provider's input-type field takes for queries and for documents. */
export interface InputTypeValues {
  readonly query: string;
  readonly document: string;
}

const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The registry: every variable Athena's packages and apps read. Test-only
 * variables of the repository (`ATHENA_TEST_DB`, `ATHENA_TEST_ROLE` of the
 * provisioning script; `ATHENA_TEST_DATABASE_URL` as the test database of
 * every package's tests) are not Athena configuration and stay out, except
 * where a tool honours them as an alias.
 *
 * @example
 * ```ts
 * ATHENA_VARIABLES.ATHENA_EMBEDDING_DIM.range; // { min: 1, max: 16000 }
 * Object.values(ATHENA_VARIABLES).filter((v) => v.group === 'store').map((v) => v.name);
 * ```
 */
export const ATHENA_VARIABLES = Object.freeze({
  ATHENA_DB_TYPE: oneOf({
    name: 'ATHENA_DB_TYPE',
    group: 'store',
    description: '`sqlite`, `postgres` or `pglite` (`postgresql`, `pg`, `sqlite3` accepted)',
    values: ['sqlite', 'postgres', 'pglite'],
    synonyms: { postgresql: 'postgres', pg: 'postgres', sqlite3: 'sqlite' },
    default: undefined,
    defaultText: 'auto-detect',
  }),
  ATHENA_DATABASE_URL: postgresUrl({
    name: 'ATHENA_DATABASE_URL',
    aliases: ['DATABASE_URL'],
    group: 'store',
    description:
      'a `postgres://` or `postgresql://` URL; wins over the discrete settings; shown with its password as `***`',
    secret: true,
    default: undefined,
  }),
  ATHENA_POSTGRES_READ_URL: postgresUrls({
    name: 'ATHENA_POSTGRES_READ_URL',
    group: 'store',
    description:
      'read replicas: comma-separated `postgres://` URLs of hot standbys of the primary; reads outside transactions go to them; does not select PostgreSQL',
    secret: true,
  }),
  ATHENA_POSTGRES_POOLER: oneOf({
    name: 'ATHENA_POSTGRES_POOLER',
    group: 'store',
    description:
      'what the PostgreSQL URLs reach when it is a connection pooler (PgBouncer, Supavisor, RDS Proxy) rather than the server: `session` or `transaction`, its pooling mode; does not select PostgreSQL',
    values: ['session', 'transaction'],
    default: undefined,
    defaultText: 'none (a direct connection)',
  }),
  ATHENA_POSTGRES_HOST: text({
    name: 'ATHENA_POSTGRES_HOST',
    group: 'store',
    description: 'PostgreSQL host',
    default: 'localhost',
  }),
  ATHENA_POSTGRES_PORT: integer({
    name: 'ATHENA_POSTGRES_PORT',
    group: 'store',
    description: 'PostgreSQL port',
    min: 1,
    max: 65_535,
    default: 5432,
  }),
  ATHENA_POSTGRES_DB: text({
    name: 'ATHENA_POSTGRES_DB',
    aliases: ['ATHENA_POSTGRES_DBNAME'],
    group: 'store',
    description: 'database',
    default: 'athena',
  }),
  ATHENA_POSTGRES_USER: text({
    name: 'ATHENA_POSTGRES_USER',
    group: 'store',
    description: 'user',
    default: 'postgres',
  }),
  ATHENA_POSTGRES_PASSWORD: text({
    name: 'ATHENA_POSTGRES_PASSWORD',
    group: 'store',
    description: 'password; never logged, never in errors or health',
    secret: true,
    default: undefined,
  }),
  ATHENA_POSTGRES_POOL_MIN: integer({
    name: 'ATHENA_POSTGRES_POOL_MIN',
    aliases: ['ATHENA_POSTGRES_MIN_SIZE'],
    group: 'store',
    description: 'minimum pool size',
    min: 0,
    max: 1000,
    default: 2,
  }),
  ATHENA_POSTGRES_POOL_MAX: integer({
    name: 'ATHENA_POSTGRES_POOL_MAX',
    aliases: ['ATHENA_POSTGRES_MAX_SIZE'],
    group: 'store',
    description: 'maximum pool size; when unset, 10 or the minimum if that is larger',
    min: 1,
    max: 1000,
    default: 10,
  }),
  ATHENA_POSTGRES_SCHEMA: text({
    name: 'ATHENA_POSTGRES_SCHEMA',
    group: 'store',
    description: "schema of Athena's tables, created when missing; does not select PostgreSQL",
    default: undefined,
    defaultText: '`public`',
  }),
  ATHENA_SQLITE_PATH: text({
    name: 'ATHENA_SQLITE_PATH',
    aliases: ['ATHENA_DB_PATH'],
    group: 'store',
    description: 'SQLite file; its directory is created',
    // The home directory is the factory's to resolve: core-types does no I/O.
    default: undefined,
    defaultText: '`~/.athena/memory.db`',
  }),
  ATHENA_SQLITE_READERS: integer({
    name: 'ATHENA_SQLITE_READERS',
    group: 'store',
    description:
      "reader threads of the SQLite store: searches run on them, on several cores and off the event loop (each costs one caller about 0.3 ms); 0 runs every statement on the store's one connection",
    // The store's MAX_READERS (core-types does not depend on the store).
    min: 0,
    max: 64,
    default: 0,
  }),
  ATHENA_PGLITE_PATH: text({
    name: 'ATHENA_PGLITE_PATH',
    group: 'store',
    description:
      'PGlite database directory (created when missing); setting it selects PGlite. `memory://` keeps the database in memory',
    default: undefined,
    defaultText: '`~/.athena/pglite`',
  }),
  ATHENA_EMBEDDING_DIM: integer({
    name: 'ATHENA_EMBEDDING_DIM',
    group: 'store',
    description:
      'vector length of a **new** database (an existing one keeps its own) and of the embedder; a backend may allow less (SQLite 8192, PostgreSQL 2000)',
    min: 1,
    max: MAX_EMBEDDING_DIM,
    default: 768,
  }),
  ATHENA_FALLBACK: oneOf({
    name: 'ATHENA_FALLBACK',
    group: 'store',
    description:
      '`sqlite` or `none`: what happens when PostgreSQL, detected from its settings, is unavailable (a backend named by `ATHENA_DB_TYPE` never falls back)',
    values: ['sqlite', 'none'],
    default: 'sqlite',
  }),
  ATHENA_EMBEDDER: oneOf({
    name: 'ATHENA_EMBEDDER',
    group: 'embedder',
    description:
      '`hash` (offline, deterministic, lexical) or `openai` (any OpenAI-compatible `/v1/embeddings`: llama.cpp, Ollama, OpenAI); a URL alone does not switch to `openai`',
    values: ['hash', 'openai'],
    default: 'hash',
  }),
  ATHENA_EMBEDDINGS_URL: httpUrl({
    name: 'ATHENA_EMBEDDINGS_URL',
    group: 'embedder',
    description:
      'server root for `openai`, e.g. `http://127.0.0.1:8080` (llama.cpp), `http://127.0.0.1:11434` (Ollama), `https://api.openai.com`',
  }),
  ATHENA_EMBEDDINGS_MODEL: text({
    name: 'ATHENA_EMBEDDINGS_MODEL',
    group: 'embedder',
    description: 'model name for `openai`; chooses the prefix preset and starts the `modelId`',
    default: undefined,
  }),
  ATHENA_EMBEDDINGS_API_KEY: text({
    name: 'ATHENA_EMBEDDINGS_API_KEY',
    group: 'embedder',
    description: 'bearer token for `openai`; optional for local servers; never logged',
    secret: true,
    default: undefined,
  }),
  ATHENA_EMBEDDINGS_PREFIXES: oneOf({
    name: 'ATHENA_EMBEDDINGS_PREFIXES',
    group: 'embedder',
    description:
      '`auto`: the query and document prefixes known for the model (nomic-embed-text, e5, bge-…-en, mxbai-embed-large); `none`: no prefixes',
    values: ['auto', 'none'],
    default: 'auto',
  }),
  ATHENA_EMBEDDINGS_QUERY_PREFIX: text({
    name: 'ATHENA_EMBEDDINGS_QUERY_PREFIX',
    group: 'embedder',
    maxLength: MAX_PREFIX_LENGTH,
    description:
      'text put before every query, e.g. `search_query: ` (spaces kept); replaces the preset’s',
    keepWhitespace: true,
    default: undefined,
    defaultText: 'the preset’s',
  }),
  ATHENA_EMBEDDINGS_DOCUMENT_PREFIX: text({
    name: 'ATHENA_EMBEDDINGS_DOCUMENT_PREFIX',
    group: 'embedder',
    maxLength: MAX_PREFIX_LENGTH,
    description:
      'text put before every stored text, e.g. `search_document: ` (spaces kept); replaces the preset’s',
    keepWhitespace: true,
    default: undefined,
    defaultText: 'the preset’s',
  }),
  ATHENA_EMBEDDINGS_INPUT_TYPE_FIELD: define({
    name: 'ATHENA_EMBEDDINGS_INPUT_TYPE_FIELD',
    group: 'embedder',
    description:
      'request field that tells the provider the input type: `input_type` (Voyage, NVIDIA NIM), `task` (Jina); unset: none is sent',
    accepts: 'a field name (letters, digits, _) other than model and input',
    default: undefined,
    defaultText: '—',
    parse: (raw) => (FIELD_NAME.test(raw) && raw !== 'model' && raw !== 'input' ? raw : undefined),
  }),
  ATHENA_EMBEDDINGS_INPUT_TYPE_VALUES: define<InputTypeValues, InputTypeValues>({
    name: 'ATHENA_EMBEDDINGS_INPUT_TYPE_VALUES',
    group: 'embedder',
    description:
      'that field’s values for a query and a document, comma-separated: `query,passage` (NVIDIA NIM), `retrieval.query,retrieval.passage` (Jina)',
    accepts: 'two non-empty values separated by a comma',
    default: Object.freeze({ query: 'query', document: 'document' }),
    defaultText: '`query,document`',
    parse: (raw) => {
      const parts = raw.split(',').map((part) => part.trim());
      const [query, document] = parts;
      if (parts.length !== 2 || query === undefined || document === undefined) return undefined;
      return query === '' || document === '' ? undefined : Object.freeze({ query, document });
    },
  }),
  ATHENA_LLM_URL: httpUrl({
    name: 'ATHENA_LLM_URL',
    group: 'summarizer',
    description:
      "server root of an OpenAI-compatible `/v1/chat/completions` (llama.cpp, Ollama, OpenAI): the consolidation worker's slow path (summaries, contradictions); unset = heuristic only",
  }),
  ATHENA_LLM_MODEL: text({
    name: 'ATHENA_LLM_MODEL',
    group: 'summarizer',
    description: 'chat model name, required with `ATHENA_LLM_URL`',
    default: undefined,
  }),
  ATHENA_LLM_API_KEY: text({
    name: 'ATHENA_LLM_API_KEY',
    group: 'summarizer',
    description: 'bearer token for `ATHENA_LLM_URL`; optional for local servers; never logged',
    secret: true,
    default: undefined,
  }),
  ATHENA_LLM_TIMEOUT_MS: integer({
    name: 'ATHENA_LLM_TIMEOUT_MS',
    group: 'summarizer',
    description: 'time allowed for one chat completion, per attempt',
    min: 100,
    max: 600_000,
    default: 30_000,
  }),
  ATHENA_MCP_TOKEN: text({
    name: 'ATHENA_MCP_TOKEN',
    group: 'mcp',
    description:
      'bearer token the MCP server requires on every HTTP request (`--http`); mandatory when it listens on a non-loopback address; never logged',
    secret: true,
    maxLength: 4_096,
    default: undefined,
  }),
  ATHENA_SESSION_ID: text({
    name: 'ATHENA_SESSION_ID',
    group: 'cli',
    description: 'session of the events `athena event record` records without `--session`',
    maxLength: LIMITS.shortText,
    default: 'cli',
  }),
  ATHENA_CODE_ANALYSIS_HEAP_MB: integer({
    name: 'ATHENA_CODE_ANALYSIS_HEAP_MB',
    group: 'code',
    description:
      'heap limit in MiB of each worker thread that analyses code (`maxHeapMb` of `@athena/code-graph`); when unset, the code graph’s default, 1024; raise it when indexing fails with “ran out of its … MiB heap”',
    min: 128,
    max: 65_536,
    default: undefined,
  }),
  ATHENA_DEBUG: oneOf({
    name: 'ATHENA_DEBUG',
    group: 'errors',
    description:
      '`1`: an Athena error logged or uncaught prints its stack and causes, not only its one line (`true`, `yes`, `on` accepted; `0` and the like: one line)',
    values: ['0', '1'],
    synonyms: { true: '1', yes: '1', on: '1', false: '0', no: '0', off: '0' },
    default: '0',
  }),
  ATHENA_BENCH_DATABASE_URL: postgresUrl({
    name: 'ATHENA_BENCH_DATABASE_URL',
    aliases: ['ATHENA_TEST_DATABASE_URL'],
    group: 'tooling',
    description:
      'PostgreSQL of `pnpm bench`, and of `pnpm evaluate` when `ATHENA_DATABASE_URL` is unset; the role must be able to create schemas',
    secret: true,
    default: 'postgres://athena@127.0.0.1:5432/athena_test',
  }),
});

/** The name of a registered variable. */
export type AthenaVariableName = keyof typeof ATHENA_VARIABLES;

/** The parsed type of variable `N`. */
export type VariableValue<N extends AthenaVariableName> = Exclude<
  ReturnType<(typeof ATHENA_VARIABLES)[N]['parse']>,
  undefined
>;

/** What {@link readVariable} returns for `N`: its value, or its default (`undefined` if none). */
export type VariableValueOrDefault<N extends AthenaVariableName> =
  VariableValue<N> | (typeof ATHENA_VARIABLES)[N]['default'];

/** A variable found in an environment. */
export interface FoundVariable<N extends AthenaVariableName> {
  /** The registered name. */
  readonly name: N;
  /** The name that supplied the value: `name`, or one of its aliases. */
  readonly source: string;
  readonly value: VariableValue<N>;
}

function definitionOf(name: string): VariableDefinition {
  const variable = (ATHENA_VARIABLES as Record<string, VariableDefinition | undefined>)[name];
  if (variable === undefined) {
    throw new ValidationError(`unknown variable ${name}: it is not in ATHENA_VARIABLES`, [
      { path: 'name', message: 'must be a registered variable' },
    ]);
  }
  return variable;
}

/**
 * Finds a variable (or, failing that, its first set alias) and parses it.
 * Empty values count as unset; values are trimmed unless the variable keeps
 * its whitespace. A value that does not parse throws a `ValidationError`
 * whose message and `issues[0].path` name the variable — or the alias — that
 * supplied it.
 *
 * @example
 * ```ts
 * findVariable({ ATHENA_POSTGRES_MIN_SIZE: '3' }, 'ATHENA_POSTGRES_POOL_MIN');
 * // { name: 'ATHENA_POSTGRES_POOL_MIN', source: 'ATHENA_POSTGRES_MIN_SIZE', value: 3 }
 * ```
 */
export function findVariable<N extends AthenaVariableName>(
  env: Environment,
  name: N,
): FoundVariable<N> | undefined {
  const variable = definitionOf(name);
  for (const source of [variable.name, ...variable.aliases]) {
    const given = env[source];
    if (given === undefined) continue;
    const raw = variable.keepWhitespace ? given : given.trim();
    if (raw === '') continue;
    return { name, source, value: parseVariable(name, raw, source) };
  }
  return undefined;
}

/**
 * The parsed value of a variable, or its default when it is unset
 * (`undefined` for a variable without one). Throws like {@link findVariable}.
 *
 * @example
 * ```ts
 * readVariable({}, 'ATHENA_EMBEDDING_DIM'); // 768
 * readVariable({ ATHENA_DB_TYPE: 'PostgreSQL' }, 'ATHENA_DB_TYPE'); // 'postgres'
 * ```
 */
export function readVariable<N extends AthenaVariableName>(
  env: Environment,
  name: N,
): VariableValueOrDefault<N> {
  const found = findVariable(env, name);
  return found === undefined
    ? (ATHENA_VARIABLES[name].default as VariableValueOrDefault<N>)
    : found.value;
}

/**
 * Parses `raw` by the rule of variable `name`. `source` names the value in an
 * error: the variable (the default), an alias, or an option given in code
 * that follows the same rule (`options.postgres.port`), so a setting is
 * checked by one rule whichever way it arrives.
 *
 * @example
 * ```ts
 * parseVariable('ATHENA_EMBEDDING_DIM', '384'); // 384
 * parseVariable('ATHENA_EMBEDDING_DIM', '0', 'options.embeddingDimension'); // throws ValidationError
 * ```
 */
export function parseVariable<N extends AthenaVariableName>(
  name: N,
  raw: string,
  source: string = name,
): VariableValue<N> {
  const variable = definitionOf(name);
  const value = variable.parse(raw);
  if (value !== undefined) return value as VariableValue<N>;
  const alias = variable.aliases.includes(source) ? ` (alias of ${variable.name})` : '';
  const problem = `must be ${variable.accepts}`;
  throw new ValidationError(
    `invalid ${source}${alias}: ${problem}, got ${variable.show(raw)}`,
    [{ path: source, message: problem }],
    { details: { variable: variable.name, source } },
  );
}
