/**
 * Table descriptors: how each field of a domain object maps onto a column and
 * which logical kind of value it holds. A backend supplies one {@link Codecs}
 * (how each kind is read from and written to its driver's rows); row mappers,
 * column lists and insert values are derived from descriptor and codecs once,
 * at module load.
 */

/** The value each codec kind stands for in a domain object. */
export interface CodecValues {
  /** The row's own generated id (a `bigint` on PostgreSQL). */
  key: number;
  /** An id referring to another row. */
  ref: number;
  nullableRef: number | null;
  integer: number;
  nullableInteger: number | null;
  real: number;
  nullableReal: number | null;
  /** Text, enums included (their CHECK constraints keep the union). */
  text: string;
  nullableText: string | null;
  instant: Date;
  nullableInstant: Date | null;
  /** A list of strings (SQLite: JSON text; PostgreSQL: `text[]`). */
  textList: readonly string[];
  /** A JSON value (SQLite: JSON text; PostgreSQL: `jsonb`). */
  json: unknown;
  /** An embedding. */
  vector: Float32Array;
  nullableBoolean: boolean | null;
}

/** The logical kind of a column's value. */
export type CodecKind = keyof CodecValues;

type Nullable<X> = [null] extends [X] ? true : false;

/**
 * Whether a field of type `V` can be stored with codec kind `K`: assignable,
 * and nullable exactly when `V` is (`json` holds anything).
 */
type Fits<V, K extends CodecKind> = unknown extends CodecValues[K]
  ? true
  : [V] extends [CodecValues[K]]
    ? [Nullable<V>] extends [Nullable<CodecValues[K]>]
      ? true
      : false
    : false;

/** The codec kinds a field of type `V` may use. */
export type KindFor<V> = { [K in CodecKind]: Fits<V, K> extends true ? K : never }[CodecKind];

/**
 * One field stored in one column: `[column, kind]`, or `[column, kind,
 * 'generated']` for a column the database computes (never inserted).
 */
export type ColumnOf<V> =
  | readonly [column: string, kind: KindFor<V>]
  | readonly [column: string, kind: KindFor<V>, generated: 'generated'];

/** A field holding an object whose own fields are columns of the same row. */
export interface Nested<V> {
  readonly nested: FieldMap<V>;
}

/** Every field of `T` with its column or nested fields. */
export type FieldMap<T> = {
  readonly [F in keyof T]-?: ColumnOf<T[F]> | Nested<T[F]>;
};

declare const DOMAIN: unique symbol;

/**
 * How every field of `T` maps onto its row: a {@link FieldMap} checked by
 * {@link describe}, tagged with `T` (a type only) so the mappers derived from
 * it return `T`. A descriptor that misses a field of `T`, names one `T`
 * lacks, or gives a field a kind its type does not fit fails to typecheck.
 */
export type TableDescriptor<T> = FieldMap<T> & { readonly [DOMAIN]?: T };

/**
 * The descriptor of `T`.
 *
 * @example
 * ```ts
 * const PROJECT = describe<Project>()({
 *   id: ['id', 'key'],
 *   name: ['name', 'text'],
 *   description: ['description', 'nullableText'],
 *   createdAt: ['created_at', 'instant'],
 *   …
 * });
 * ```
 */
export function describe<T>(): (fields: FieldMap<T>) => TableDescriptor<T> {
  return (fields) => fields;
}

/** How a backend reads and writes one codec kind. */
export interface Codec<Context> {
  /** The domain value of a column value as the driver returns it. */
  readonly read: (value: unknown) => unknown;
  /** The bound parameter of a domain value. */
  readonly write: (value: unknown, context: Context) => unknown;
}

/** A backend's codec for every kind; `Context` is what writes need (PostgreSQL: the session). */
export type Codecs<Context = void> = { readonly [K in CodecKind]: Codec<Context> };

/** Reads and writes a value unchanged. */
export const IDENTITY: Codec<unknown> = Object.freeze({
  read: (value: unknown) => value,
  write: (value: unknown) => value,
});

/**
 * The kinds every backend so far reads and writes unchanged: numbers and
 * text (spread into a backend's {@link Codecs}).
 */
export const AS_IS = Object.freeze({
  integer: IDENTITY,
  nullableInteger: IDENTITY,
  real: IDENTITY,
  nullableReal: IDENTITY,
  text: IDENTITY,
  nullableText: IDENTITY,
});

interface FlatColumn {
  /** The path of fields, outermost first. */
  readonly path: readonly string[];
  readonly column: string;
  readonly kind: CodecKind;
  readonly generated: boolean;
}

/** A descriptor entry with its field type erased. */
type AnyEntry = readonly [column: string, kind: CodecKind, generated?: 'generated'] | AnyNested;
interface AnyNested {
  readonly nested: object;
}

function isNested(entry: AnyEntry): entry is AnyNested {
  return !Array.isArray(entry);
}

function entries(descriptor: object): [string, AnyEntry][] {
  return Object.entries(descriptor as Record<string, AnyEntry>);
}

function flatten(descriptor: object, prefix: readonly string[] = []): FlatColumn[] {
  const columns: FlatColumn[] = [];
  for (const [field, entry] of entries(descriptor)) {
    const path = [...prefix, field];
    if (isNested(entry)) columns.push(...flatten(entry.nested, path));
    else {
      const [column, kind, generated] = entry;
      columns.push({ path, column, kind, generated: generated === 'generated' || kind === 'key' });
    }
  }
  return columns;
}

/** Options of {@link columnsOf}. */
export interface ColumnsOptions<T> {
  /** Top-level fields left out (the embedding of a memory read without it). */
  readonly omit?: readonly (keyof T & string)[];
  /** Only the columns an INSERT writes: neither the key nor generated columns. */
  readonly insert?: boolean;
}

/** The descriptor's column names in its field order. */
export function columnsOf<T>(
  descriptor: TableDescriptor<T>,
  options: ColumnsOptions<T> = {},
): readonly string[] {
  const omit = new Set<string>(options.omit ?? []);
  return Object.freeze(
    flatten(descriptor)
      .filter((c) => !omit.has(c.path[0] as string) && !(options.insert === true && c.generated))
      .map((c) => c.column),
  );
}

/** One field of a compiled reader: its column (null: a nested object read from the whole row) and conversion (null: none). */
interface ReadSlot {
  readonly field: string;
  readonly column: string | null;
  readonly read: ((value: unknown) => unknown) | null;
}

function readSlots(descriptor: object, codecs: Codecs<never>, omit: ReadonlySet<string>) {
  const slots: ReadSlot[] = [];
  for (const [field, entry] of entries(descriptor)) {
    if (omit.has(field)) continue;
    if (isNested(entry)) {
      slots.push({ field, column: null, read: compileReader(entry.nested, codecs, new Set()) });
    } else {
      const read = codecs[entry[1]].read;
      slots.push({ field, column: entry[0], read: read === IDENTITY.read ? null : read });
    }
  }
  return slots;
}

function compileReader(
  descriptor: object,
  codecs: Codecs<never>,
  omit: ReadonlySet<string>,
): (row: unknown) => unknown {
  const slots = readSlots(descriptor, codecs, omit);
  const fields = slots.map((slot) => slot.field);
  const columns = slots.map((slot) => slot.column);
  const reads = slots.map((slot) => slot.read);
  const count = slots.length;
  // Every result starts as a copy of this object: all its properties exist
  // from the start, in field order, so the loop only overwrites them and
  // every result shares one hidden class.
  const template: Record<string, unknown> = Object.fromEntries(
    fields.map((field) => [field, null]),
  );
  return (row) => {
    const source = row as Record<string, unknown>;
    const out = { ...template };
    for (let i = 0; i < count; i++) {
      const read = reads[i] as ((value: unknown) => unknown) | null;
      const column = columns[i] as string | null;
      out[fields[i] as string] =
        column === null
          ? (read as (value: unknown) => unknown)(source)
          : read === null
            ? source[column]
            : read(source[column]);
    }
    return out;
  };
}

/**
 * The row → domain mapper of a descriptor with a backend's codecs, the
 * fields in `omit` left out. Built once; per row it is one loop over the
 * precomputed columns and conversions (a column read as is skips the call).
 */
export function rowReader<T>(
  descriptor: TableDescriptor<T>,
  codecs: Codecs<never>,
): (row: object) => T;
export function rowReader<T, const O extends keyof T & string>(
  descriptor: TableDescriptor<T>,
  codecs: Codecs<never>,
  omit: readonly O[],
): (row: object) => Omit<T, O>;
export function rowReader<T>(
  descriptor: TableDescriptor<T>,
  codecs: Codecs<never>,
  omit: readonly string[] = [],
): (row: object) => unknown {
  return compileReader(descriptor, codecs, new Set(omit));
}

/**
 * The insert values of a record, in {@link columnsOf}`(descriptor, { insert:
 * true })` order: every column but the key and generated ones, each through
 * its codec.
 */
export function insertValues<T, Context>(
  descriptor: TableDescriptor<T>,
  codecs: Codecs<Context>,
): (record: object, context: Context) => unknown[] {
  const writers = flatten(descriptor)
    .filter((c) => !c.generated)
    .map(({ kind, path }) => {
      const { write } = codecs[kind];
      const [outer, ...inner] = path as [string, ...string[]];
      if (inner.length === 0)
        return (record: Record<string, unknown>, context: Context) => write(record[outer], context);
      return (record: Record<string, unknown>, context: Context) => {
        let value = record[outer];
        for (const field of inner) value = (value as Record<string, unknown>)[field];
        return write(value, context);
      };
    });
  const count = writers.length;
  return (record, context) => {
    const values = new Array<unknown>(count);
    for (let i = 0; i < count; i++)
      values[i] = (writers[i] as (r: Record<string, unknown>, c: Context) => unknown)(
        record as Record<string, unknown>,
        context,
      );
    return values;
  };
}
