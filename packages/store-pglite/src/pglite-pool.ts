import type { PGlite, Results } from '@electric-sql/pglite';
import { parseTimestamptz, TIMESTAMPTZ_OID } from '@athena/store-postgres';
import type { PoolClientLike, PoolLike, QueryResultLike } from '@athena/store-postgres';

/** PostgreSQL's type ids of `bytea` and `bytea[]`. */
const BYTEA = 17;
const BYTEA_ARRAY = 1001;

/** Instants parsed as the PostgreSQL store's pg pool parses them (see `parseTimestamptz`). */
const QUERY_OPTIONS = { parsers: { [TIMESTAMPTZ_OID]: (text: string) => parseTimestamptz(text) } };

/**
 * One bound parameter as PGlite can send it. PGlite sends every parameter in
 * text form, typed by the server; the PostgreSQL store binds a vector as
 * pgvector's binary form in a Buffer (what `vector_recv` reads, see its
 * `fromVector`) and binds no other Buffer, so a Buffer becomes the vector's
 * text literal. The floats round-trip exactly: each float32 prints as the
 * shortest decimal of its double, which parses back to the same float32.
 */
function parameter(value: unknown): unknown {
  if (!Buffer.isBuffer(value)) return value;
  const dimension = value.readUInt16BE(0);
  const parts = new Array<string>(dimension);
  for (let i = 0; i < dimension; i++) parts[i] = String(value.readFloatBE(4 + 4 * i));
  return `[${parts.join(',')}]`;
}

const asBuffer = (value: unknown): unknown =>
  value instanceof Uint8Array
    ? Buffer.from(value.buffer, value.byteOffset, value.byteLength)
    : value;

/**
 * A PGlite result as `pg` returns one: `bytea` values as Buffers (PGlite
 * returns plain Uint8Arrays; the store decodes some with Buffer methods).
 */
function toResult(result: Results): QueryResultLike {
  const binary = result.fields.filter(
    (field) => field.dataTypeID === BYTEA || field.dataTypeID === BYTEA_ARRAY,
  );
  if (binary.length > 0) {
    for (const row of result.rows as Record<string, unknown>[]) {
      for (const { name } of binary) {
        const value = row[name];
        row[name] = Array.isArray(value) ? value.map(asBuffer) : asBuffer(value);
      }
    }
  }
  return {
    rows: result.rows,
    rowCount: result.affectedRows ?? result.rows.length,
    ...(result.command === undefined ? {} : { command: result.command }),
  } as QueryResultLike;
}

async function run(
  db: PGlite,
  text: string,
  values?: readonly unknown[],
): Promise<QueryResultLike> {
  if (values === undefined || values.length === 0) {
    // The simple protocol: a migration is several statements in one text.
    const results = await db.exec(text, QUERY_OPTIONS);
    const last = results.at(-1);
    return last === undefined ? { rows: [], rowCount: 0 } : toResult(last);
  }
  return toResult(await db.query(text, values.map(parameter), QUERY_OPTIONS));
}

/**
 * PGlite as the one-connection pool the PostgreSQL store runs on. PGlite is
 * a single PostgreSQL session, so a transaction's statements must not
 * interleave with anyone else's: `connect()` hands the session to one caller
 * at a time (the others queue, in order) until it is released.
 */
export class PglitePool implements PoolLike {
  readonly #open: () => Promise<PGlite>;
  #db: Promise<PGlite> | null = null;
  #busy = false;
  readonly #queue: (() => void)[] = [];

  /** `open` is called on the first `connect()`, once. */
  constructor(open: () => Promise<PGlite>) {
    this.#open = open;
  }

  /** The database, if it was opened. */
  get opened(): Promise<PGlite> | null {
    return this.#db;
  }

  get totalCount(): number {
    return 1;
  }
  get idleCount(): number {
    return this.#busy ? 0 : 1;
  }
  get waitingCount(): number {
    return this.#queue.length;
  }

  async connect(): Promise<PoolClientLike> {
    this.#db ??= this.#open();
    const db = await this.#db;
    if (this.#busy) await new Promise<void>((resolve) => this.#queue.push(resolve));
    this.#busy = true;
    let released = false;
    return {
      query: (text, values) => run(db, text, values),
      release: () => {
        if (released) return;
        released = true;
        const next = this.#queue.shift();
        if (next === undefined) this.#busy = false;
        else next();
      },
    };
  }

  async query(text: string, values?: unknown[]): Promise<QueryResultLike> {
    const client = await this.connect();
    try {
      return await client.query(text, values);
    } finally {
      client.release();
    }
  }
}
