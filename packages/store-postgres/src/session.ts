import { rolledBackInsteadOfCommitted } from '@athena/store-kit';
import { CompiledQuery, sql } from 'kysely';
import type { Compilable, Kysely, QueryResult, RawBuilder } from 'kysely';
import { errorLogFields, isRetryableWrite, isTransient, mapError } from './map-error.js';
import type { ErrorContext } from './map-error.js';
import type { InFlight } from './in-flight.js';
import type { ResolvedOptions } from './options.js';
import type { AnnDefaults } from './ann-settings.js';
import type { FreshStatistics } from './fresh-statistics.js';
import type { ProjectShares } from './project-shares.js';
import type { DirectQuery } from './pool.js';
import type { ReadReplicas } from './replicas.js';
import { withRetry } from './retry.js';
import type { RetryMode } from './retry.js';
import { fromVector } from './rows.js';
import type { Database, TableName } from './schema.js';

/** Carries an error thrown by a caller's transaction callback past the driver-error mapping. */
class CallbackError {
  readonly error: unknown;

  constructor(error: unknown) {
    this.error = error;
  }
}

async function unwrapCallbackError<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    throw error instanceof CallbackError ? error.error : error;
  }
}

/**
 * A statement compiled once: its SQL text, and for `Session.fixed` the role
 * of each bound parameter (`null` for `Session.cached`: positional).
 */
export interface CompiledStatement {
  readonly text: string;
  readonly roles: readonly string[] | null;
}

/** A statement of fixed shape whose parameters are bound by role (see `Session.fixed`). */
export interface FixedStatement<Role extends string> {
  readonly text: string;
  /** The bound parameters, in the statement's order, from a value per role. */
  bind(values: Readonly<Record<Role, unknown>>): unknown[];
}

/** Facts fixed at `init()`: where the tables and the pgvector type live, the dimension, the text config. */
export interface SessionEnv {
  readonly options: ResolvedOptions;
  readonly schema: string;
  /** Schema of the pgvector extension, so `vector` and `<=>` never depend on `search_path`. */
  readonly vectorSchema: string;
  readonly dimension: number;
  readonly textSearchConfig: string;
  /**
   * ANN settings every pooled connection starts with, and whose clients track
   * their session settings (`toKyselyPool`); `null` when unknown (see `PoolHandle`).
   */
  readonly annDefaults: AnnDefaults | null;
  /** Estimated share of the rows of each project, for the ef_search of project-filtered scans. */
  readonly projectShares: ProjectShares;
  /** ANALYZEs tables this store fills faster than autovacuum looks at them. */
  readonly statistics: FreshStatistics;
  /** Fixed-shape statements by name, compiled once (see `Session.cached` and `Session.fixed`). */
  readonly statements: Map<string, CompiledStatement>;
  /** Called after memories were inserted, so a deferred IVFFlat index can be built. */
  readonly afterMemoriesInserted: (session: Session) => Promise<void>;
  /** Operations started outside any transaction and not yet settled: `close()` waits for them. */
  readonly operations: InFlight;
  /** Where reads outside transactions go when `readReplicas` is set; `null` on a replica's own session. */
  readonly replicas: ReadReplicas | null;
}

/** Of a single-statement write (see `Session.write`). */
export interface WriteOptions {
  /**
   * Reads through the store must see this write (read-your-writes, with read
   * replicas); default true. False for bookkeeping no read waits for, such
   * as `recall()`'s access recording.
   */
  readonly readYourWrites?: boolean;
}

/**
 * Where statements run: the pool (each statement its own transaction, with
 * retries) or one connection inside a transaction (no retries: the caller's
 * transaction decides). Repositories get a `Session` and never know which.
 */
export class Session {
  /** Query builder with the schema applied to every table. */
  readonly db: Kysely<Database>;
  /** The same connection without the schema plugin, for raw `sql` that names tables itself. */
  readonly raw: Kysely<Database>;
  readonly env: SessionEnv;
  /** 0 outside a transaction; n inside n nested transactions (n − 1 savepoints). */
  readonly depth: number;
  /** The pool's direct path (see `DirectQuery`); null on a transaction's connection. */
  readonly #direct: DirectQuery | null;

  constructor(
    raw: Kysely<Database>,
    env: SessionEnv,
    depth: number,
    direct: DirectQuery | null = null,
  ) {
    this.raw = raw;
    this.db = raw.withSchema(env.schema);
    this.env = env;
    this.depth = depth;
    this.#direct = direct;
  }

  /**
   * Runs one compiled statement: on the pool's direct path outside a
   * transaction, which skips the query builder's executor (3–5 µs of its
   * own per get under load, plus promise hops; docs/tuning.md), else
   * through the builder on the transaction's connection.
   */
  execute<R>(text: string, parameters: readonly unknown[]): Promise<QueryResult<R>> {
    if (this.#direct !== null) return this.#direct<R>(text, parameters);
    return this.raw.executeQuery<R>(CompiledQuery.raw(text, [...parameters]));
  }

  /** A schema-qualified table for raw SQL. */
  table(name: TableName): RawBuilder<unknown> {
    return sql.table(`${this.env.schema}.${name}`);
  }

  /** The qualified `vector` type. */
  get vectorType(): RawBuilder<unknown> {
    return sql`${sql.id(this.env.vectorSchema)}.vector`;
  }

  /** A bound vector parameter cast to `vector`. */
  vector(embedding: Float32Array): RawBuilder<string> {
    return sql<string>`cast(${fromVector(embedding)} as ${this.vectorType})`;
  }

  /** `vector_send(value)`: a vector in pgvector's binary form, as `bytea` (see `toVector`). */
  vectorSend(value: RawBuilder<unknown>): RawBuilder<Buffer> {
    return sql<Buffer>`${sql.id(this.env.vectorSchema)}.vector_send(${value})`;
  }

  /** `left <=> right`, cosine distance, with the operator qualified by pgvector's schema. */
  cosineDistance(left: RawBuilder<unknown>, right: RawBuilder<unknown>): RawBuilder<number> {
    return sql<number>`${left} operator(${sql.id(this.env.vectorSchema)}.<=>) ${right}`;
  }

  /**
   * The cosine distance the configured ANN index orders by: between
   * `halfvec(dimension)` casts of both sides, normalised first, for a
   * half-precision index (the expression the index is built on, so the
   * planner matches it), else {@link cosineDistance}. Only for ORDER BY …
   * LIMIT: the distance a search returns, filters on and re-sorts by is the
   * full-precision one.
   */
  annDistance(left: RawBuilder<unknown>, right: RawBuilder<unknown>): RawBuilder<number> {
    if (!this.#halfPrecisionIndex) return this.cosineDistance(left, right);
    const vectorSchema = sql.id(this.env.vectorSchema);
    const half = (value: RawBuilder<unknown>) =>
      sql`cast(${vectorSchema}.l2_normalize(${value}) as ${vectorSchema}.halfvec(${sql.lit(this.env.dimension)}))`;
    return this.cosineDistance(half(left), half(right));
  }

  /**
   * How many candidates an ANN scan for the top `limit` takes: `limit`, or
   * twice that for a half-precision index, so that rescoring at full
   * precision can bring back a neighbour whose 16-bit distance ranked it
   * just below the cut.
   */
  annCandidates(limit: number): RawBuilder<number> {
    return this.#halfPrecisionIndex ? sql<number>`2 * ${limit}` : sql<number>`${limit}`;
  }

  /** Whether the configured ANN index is over halfvec casts (`vectorIndex.precision: 'half'`). */
  get #halfPrecisionIndex(): boolean {
    const index = this.env.options.vectorIndex;
    return index.type !== 'none' && index.precision === 'half';
  }

  /** The configured text-search configuration, as a bound `regconfig`. */
  get tsConfig(): RawBuilder<unknown> {
    return sql`cast(${this.env.textSearchConfig} as regconfig)`;
  }

  /**
   * Runs a statement whose SQL text depends on nothing but the store (schema,
   * pgvector schema): built and compiled once under `name`, then executed
   * with `parameters`, in the order the built query binds them. Saves the
   * query builder's work on the hottest point operations.
   */
  cached<R>(
    name: string,
    build: (session: Session) => Compilable<R>,
    parameters: readonly unknown[],
  ): Promise<QueryResult<R>> {
    let statement = this.env.statements.get(name);
    if (statement === undefined) {
      statement = { text: build(this).compile().sql, roles: null };
      this.env.statements.set(name, statement);
    }
    return this.execute<R>(statement.text, parameters);
  }

  /**
   * Like `cached`, for a statement whose parameters repeat or whose order the
   * builder decides: compiled once from `build()` with `sentinels` as values,
   * each bound parameter's role read off that compilation (a value equal to a
   * sentinel, by `Object.is`, or a Buffer: the `vector` role). A role the
   * builder bound several times is bound once (`$n` reused; see
   * `bindEachRoleOnce`).
   */
  fixed<Role extends string>(
    name: string,
    sentinels: Readonly<Record<Role, unknown>>,
    build: () => RawBuilder<unknown>,
  ): FixedStatement<Role | 'vector'> {
    let statement = this.env.statements.get(name);
    if (statement === undefined) {
      const compiled = build().compile(this.raw);
      const entries = Object.entries(sentinels);
      const roles = compiled.parameters.map((value) => {
        if (Buffer.isBuffer(value)) return 'vector';
        const found = entries.find(([, sentinel]) => Object.is(sentinel, value));
        if (found === undefined)
          throw new Error(`statement ${name}: unknown parameter ${String(value)}`);
        return found[0];
      });
      statement = bindEachRoleOnce(name, compiled.sql, roles);
      this.env.statements.set(name, statement);
    }
    const { text, roles } = statement;
    if (roles === null) throw new Error(`statement ${name} was compiled by cached()`);
    return {
      text,
      bind: (values) => roles.map((role) => (values as Record<string, unknown>)[role]),
    };
  }

  /**
   * Runs a read: retried on any transient failure outside a transaction.
   * Outside a transaction, with read replicas, `fn` gets a session on a
   * replica that has replayed this store's writes, or on the primary when
   * none is up and caught up in time or the replica fails.
   */
  read<T>(context: ErrorContext, fn: (session: Session) => Promise<T>): Promise<T> {
    return this.#run('read', context, fn);
  }

  /** Runs a single-statement write: retried only when it certainly did not apply. */
  write<T>(
    context: ErrorContext,
    fn: (session: Session) => Promise<T>,
    options: WriteOptions = {},
  ): Promise<T> {
    return this.#run(options.readYourWrites === false ? 'bookkeeping' : 'write', context, fn);
  }

  /**
   * Runs `fn` atomically: a new transaction on one connection, or a savepoint
   * when already inside one. Commit on success; roll back and rethrow on
   * failure. A whole top-level transaction that failed before committing is
   * retried as a write. Errors thrown by `fn` are mapped with `context`
   * unless `passThrough` (the caller's own callback: its errors are its own).
   */
  atomic<T>(
    context: ErrorContext,
    fn: (session: Session) => Promise<T>,
    passThrough = false,
  ): Promise<T> {
    const run = async (session: Session): Promise<T> => {
      try {
        return await fn(session);
      } catch (error) {
        // Before COMMIT: the transaction is rolled back, nothing of it applied.
        throw passThrough
          ? new CallbackError(error)
          : mapError(error, { ...context, write: true, notApplied: true });
      }
    };
    if (this.depth > 0) return unwrapCallbackError(this.#savepoint(context, run));
    const leave = this.env.operations.enter();
    let committing = false;
    const attempt = () =>
      this.#guard(
        // A COMMIT that broke may have applied; anything before it did not.
        () => ({ ...context, write: true, notApplied: !committing }),
        () =>
          this.raw.connection().execute(async (connection) => {
            committing = false;
            const session = new Session(connection, this.env, 1);
            await sql`begin`.execute(connection);
            let result: T;
            try {
              result = await run(session);
            } catch (error) {
              await sql`rollback`.execute(connection).catch(() => undefined);
              throw error;
            }
            committing = true;
            const { rows } = await sql<{ command?: string }>`commit`.execute(connection);
            // PostgreSQL answers COMMIT with ROLLBACK when a statement failed earlier and
            // the callback swallowed its error: nothing was saved, so say so.
            if (rows[0]?.command === 'ROLLBACK')
              throw rolledBackInsteadOfCommitted(context.operation);
            return result;
          }),
      );
    // Before COMMIT a failed transaction rolled back, so any transient failure
    // can be retried; a COMMIT that broke may have applied.
    const retryable = (error: unknown) => {
      const cause = error instanceof CallbackError ? error.error : error;
      return committing ? isRetryableWrite(cause) : isTransient(cause);
    };
    return unwrapCallbackError(
      withRetry(attempt, this.env.options.retry, retryable, (error, n) =>
        this.#logRetry(context, error, n),
      ).finally(() => {
        this.env.replicas?.noteWrite();
        leave();
      }),
    );
  }

  async #savepoint<T>(context: ErrorContext, run: (session: Session) => Promise<T>): Promise<T> {
    const name = sql.id(`athena_sp_${this.depth}`);
    const session = new Session(this.raw, this.env, this.depth + 1);
    await this.#guard(context, () => sql`savepoint ${name}`.execute(this.raw));
    let result: T;
    try {
      result = await run(session);
    } catch (error) {
      await sql`rollback to savepoint ${name}`.execute(this.raw).catch(() => undefined);
      throw error;
    }
    try {
      await sql`release savepoint ${name}`.execute(this.raw);
    } catch (error) {
      // A statement inside failed and the callback swallowed it: undo the
      // savepoint, which leaves the outer transaction usable, and say so.
      const mapped = mapError(error, context);
      if (mapped.details['rollbackOnly'] !== true) throw mapped;
      await sql`rollback to savepoint ${name}`.execute(this.raw);
      throw rolledBackInsteadOfCommitted(context.operation, mapped);
    }
    return result;
  }

  #run<T>(
    kind: RetryMode | 'bookkeeping',
    context: ErrorContext,
    fn: (session: Session) => Promise<T>,
  ): Promise<T> {
    if (this.depth > 0) return this.#guard(context, () => fn(this));
    const leave = this.env.operations.enter();
    const mode: RetryMode = kind === 'read' ? 'read' : 'write';
    const onPrimary = () =>
      withRetry(
        () => fn(this),
        this.env.options.retry,
        mode,
        (error, n) => this.#logRetry(context, error, n),
      );
    const { replicas } = this.env;
    return this.#guard(
      { ...context, write: mode === 'write' },
      replicas === null || kind !== 'read' ? onPrimary : () => replicas.read(fn, onPrimary),
    ).finally(() => {
      // Counted even when it failed: a write whose outcome is unknown may have applied.
      if (kind === 'write') replicas?.noteWrite();
      leave();
    });
  }

  async #guard<T>(context: ErrorContext | (() => ErrorContext), fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof CallbackError) throw error;
      throw mapError(error, typeof context === 'function' ? context() : context);
    }
  }

  #logRetry(context: ErrorContext, error: unknown, attempt: number): void {
    this.env.options.logger.warn('retrying after a transient PostgreSQL failure', {
      operation: context.operation,
      attempt,
      // A transaction's callback failed: log what it threw, not the wrapper.
      ...errorLogFields(error instanceof CallbackError ? error.error : error),
    });
  }
}

/**
 * `text` with every placeholder of a role that occurs several times replaced
 * by that role's first one, and the placeholders renumbered densely: the
 * query vector of a hybrid search goes over the wire and through
 * `vector_recv` once instead of three times, and the planner sees one
 * expression where it saw three (0.16–0.57 ms of a ~2 ms hybrid search at
 * 10K memories, three interleaved runs). Kysely numbers one placeholder per interpolation and writes
 * no other `$<digits>` into these statements; a mismatch is a bug, thrown.
 */
export function bindEachRoleOnce(
  name: string,
  text: string,
  roles: readonly string[],
): CompiledStatement {
  const unique = [...new Set(roles)];
  let seen = 0;
  const rewritten = text.replace(/\$(\d+)/g, (_, digits: string) => {
    const role = roles[Number(digits) - 1];
    if (role === undefined) throw new Error(`statement ${name}: no parameter $${digits}`);
    seen += 1;
    return `$${unique.indexOf(role) + 1}`;
  });
  if (seen !== roles.length) {
    throw new Error(`statement ${name}: ${seen} placeholders for ${roles.length} parameters`);
  }
  return { text: rewritten, roles: unique };
}
