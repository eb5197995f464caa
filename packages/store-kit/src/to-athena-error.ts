import {
  BackendUnavailableError,
  ConflictError,
  NotFoundError,
  StorageError,
  TransientError,
  ValidationError,
} from '@athena/core-types';
import type { AthenaError } from '@athena/core-types';
import type { ClassifiedDriverError, DriverErrorContext } from './driver-error.js';
import { rollbackOnlyError } from './rollback-only.js';

/**
 * The one mapping from a classified driver error to Athena's typed error,
 * with the driver's error as `cause`:
 *
 * | kind                                                          | error                                                  |
 * | ------------------------------------------------------------- | ------------------------------------------------------ |
 * | `unique_violation`                                            | `ConflictError`                                        |
 * | `foreign_key_violation`                                       | `NotFoundError` (the context's entity, or `referenced row`) |
 * | `check_violation`, `not_null_violation`, `invalid_value`      | `ValidationError`: the input must change               |
 * | `concurrency_conflict`                                        | `TransientError`: retry                                |
 * | `unavailable`                                                 | `BackendUnavailableError`                              |
 * | `rollback_only`                                               | `StorageError` ({@link rollbackOnlyError})             |
 *
 * For a write (`context.write`), the `TransientError` and the
 * `BackendUnavailableError` carry `details.mayHaveApplied`: `false` when the
 * classifier or the caller knows the statement took no effect, else `true`.
 * | `other`                                                       | `StorageError`                                         |
 *
 * @example
 * ```ts
 * throw toAthenaError(error, classifyDriverError(error), { operation: 'store memory' });
 * ```
 */
export function toAthenaError(
  cause: unknown,
  classified: ClassifiedDriverError,
  context: DriverErrorContext = {},
): AthenaError {
  const { kind, backend, detail } = classified;
  const prefix = context.operation === undefined ? '' : `${context.operation}: `;
  const mayHaveApplied =
    context.write === true && (kind === 'unavailable' || kind === 'concurrency_conflict')
      ? { mayHaveApplied: context.notApplied !== true && classified.notApplied !== true }
      : {};
  const options = {
    cause,
    details: {
      ...(context.operation === undefined ? {} : { operation: context.operation }),
      ...classified.details,
      ...mayHaveApplied,
    },
  };
  switch (kind) {
    case 'unique_violation':
      return new ConflictError(context.conflict ?? `${prefix}already exists: ${detail}`, options);
    case 'foreign_key_violation':
      return context.notFound === undefined
        ? new NotFoundError('referenced row', null, options)
        : new NotFoundError(context.notFound.entity, context.notFound.id, options);
    case 'check_violation':
    case 'not_null_violation':
    case 'invalid_value':
      return new ValidationError(`${prefix}rejected by ${backend}: ${detail}`, [], options);
    case 'concurrency_conflict':
      return new TransientError(
        `${prefix}another ${backend} transaction holds a lock or conflicts; retry (${detail})`,
        options,
      );
    case 'unavailable':
      return new BackendUnavailableError(`${prefix}${backend} is unavailable (${detail})`, options);
    case 'rollback_only':
      return rollbackOnlyError(cause, context.operation, options.details);
    case 'other':
      return new StorageError(`${prefix}${backend} failed: ${detail}`, options);
  }
}
