import { DimensionMismatchError, ValidationError } from '../errors.js';
import type { EmbeddingInput } from '../memory.js';
import { LIMITS } from './limits.js';

/**
 * `toEmbedding` for input that is already 32-bit floats: one copy, then a
 * check for NaN, ±Infinity and the all-zero vector, with the same errors.
 */
function checkedCopy(value: Float32Array, path: string): Float32Array {
  const vector = new Float32Array(value);
  for (let i = 0; i < vector.length; i++) {
    const component = vector[i] as number;
    if (!Number.isFinite(component)) {
      throw new ValidationError(
        `invalid ${path}: component ${i} is ${String(component)}, not a finite number`,
        [{ path: `${path}[${i}]`, message: 'must be a finite number' }],
      );
    }
  }
  return checkedLength(vector, path);
}

/**
 * Rejects a vector without a direction (all zeros) or whose length lies
 * outside [{@link LIMITS}.embeddingNormMin, {@link LIMITS}.embeddingNormMax].
 */
function checkedLength(vector: Float32Array, path: string): Float32Array {
  let squares = 0;
  for (const component of vector) squares += component * component;
  if (squares === 0) {
    throw new ValidationError(`invalid ${path}: an all-zero vector has no direction`, [
      { path, message: 'must not be all zeros' },
    ]);
  }
  const length = Math.sqrt(squares);
  if (length < LIMITS.embeddingNormMin || length > LIMITS.embeddingNormMax) {
    const range = `[${LIMITS.embeddingNormMin}, ${LIMITS.embeddingNormMax}]`;
    throw new ValidationError(
      `invalid ${path}: its length ${length.toExponential(2)} is outside ${range}; scale it (cosine similarity ignores length)`,
      [{ path, message: `length must be in ${range}` }],
    );
  }
  return vector;
}

/**
 * Checks a vector and copies it into a `Float32Array`: the right length, every
 * component finite and representable as a 32-bit float, not all zeros (cosine
 * similarity needs a direction), and a Euclidean length within
 * [{@link LIMITS}.embeddingNormMin, {@link LIMITS}.embeddingNormMax].
 *
 * @throws {DimensionMismatchError} when the length differs from `dimension`.
 * @throws {ValidationError} for NaN, ±Infinity, an all-zero vector, a length
 * out of range, or a non-array.
 *
 * @example
 * ```ts
 * const vector = toEmbedding([0.1, 0.2, 0.3], 3);
 * ```
 */
export function toEmbedding(
  value: EmbeddingInput,
  dimension: number,
  path = 'embedding',
): Float32Array {
  if (value === null || typeof value !== 'object' || typeof value.length !== 'number') {
    throw new ValidationError(`invalid ${path}: must be an array of numbers`, [
      { path, message: 'must be an array of numbers' },
    ]);
  }
  if (value.length !== dimension) {
    throw new DimensionMismatchError(dimension, value.length, { details: { path } });
  }
  if (value instanceof Float32Array) return checkedCopy(value, path);
  const vector = new Float32Array(dimension);
  for (let i = 0; i < dimension; i++) {
    const component = value[i];
    if (typeof component !== 'number' || !Number.isFinite(component)) {
      throw new ValidationError(
        `invalid ${path}: component ${i} is ${String(component)}, not a finite number`,
        [{ path: `${path}[${i}]`, message: 'must be a finite number' }],
      );
    }
    const stored = Math.fround(component);
    if (!Number.isFinite(stored)) {
      throw new ValidationError(`invalid ${path}: component ${i} overflows a 32-bit float`, [
        { path: `${path}[${i}]`, message: 'must fit in a 32-bit float' },
      ]);
    }
    vector[i] = stored;
  }
  return checkedLength(vector, path);
}
