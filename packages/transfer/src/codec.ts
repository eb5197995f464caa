import { ValidationError } from '@athena/core-types';
import type { RecordOf, RecordTable } from '@athena/core-types';
import { DATE_FIELDS } from './references.js';

/**
 * A vector as base64 of its little-endian 32-bit floats: exact (no decimal
 * round trip) and a third the size of JSON numbers.
 *
 * @example
 * ```ts
 * encodeVector(new Float32Array([1, 0.5])); // 'AACAPwAAAD8='
 * ```
 */
export function encodeVector(vector: Float32Array): string {
  const bytes = Buffer.allocUnsafe(vector.length * 4);
  for (let i = 0; i < vector.length; i++) bytes.writeFloatLE(vector[i] as number, i * 4);
  return bytes.toString('base64');
}

/** The inverse of {@link encodeVector}; a `ValidationError` naming `path` for anything else. */
export function decodeVector(value: unknown, path: string): Float32Array {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'base64') : null;
  if (bytes === null || bytes.length % 4 !== 0 || bytes.length === 0) {
    throw new ValidationError(`invalid ${path}: must be base64 of little-endian float32 values`, [
      { path, message: 'must be base64 of little-endian float32 values' },
    ]);
  }
  const vector = new Float32Array(bytes.length / 4);
  for (let i = 0; i < vector.length; i++) vector[i] = bytes.readFloatLE(i * 4);
  return vector;
}

/**
 * A record as JSON: instants as ISO 8601 strings (what `JSON.stringify` makes
 * of a `Date`), a memory's embedding as base64 (see {@link encodeVector}).
 *
 * @example
 * ```ts
 * const line = JSON.stringify({ table: 'memories', record: encodeRecord('memories', memory) });
 * ```
 */
export function encodeRecord<T extends RecordTable>(table: T, record: RecordOf<T>): object {
  if (table !== 'memories') return record;
  const memory = record as RecordOf<'memories'>;
  return { ...memory, embedding: encodeVector(memory.embedding) };
}

/**
 * The inverse of {@link encodeRecord}: ISO strings back to `Date`s, the
 * embedding back to a `Float32Array`. Everything else is left for the
 * store's validation of `records.insert()`, so a malformed value is refused
 * with the same typed errors either way.
 */
export function decodeRecord<T extends RecordTable>(
  table: T,
  value: unknown,
  path: string,
): RecordOf<T> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ValidationError(`invalid ${path}: must be an object`, [
      { path, message: 'must be an object' },
    ]);
  }
  const record: Record<string, unknown> = { ...value };
  for (const field of DATE_FIELDS[table]) {
    const instant = record[field];
    if (typeof instant === 'string') record[field] = new Date(instant);
  }
  if (table === 'memories')
    record['embedding'] = decodeVector(record['embedding'], `${path}.embedding`);
  return record as unknown as RecordOf<T>;
}
