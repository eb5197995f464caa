import { AthenaError } from '@athena/core-types';
import type { AthenaErrorCode } from '@athena/core-types';
import { expect } from 'vitest';

/**
 * Runs `action` and asserts it rejects with an instance of `type` carrying
 * `code`; returns the error for further checks.
 *
 * @example
 * ```ts
 * const error = await expectAthenaError(() => store.projects.touch(999), NotFoundError, 'not_found');
 * ```
 */
export async function expectAthenaError<E extends AthenaError>(
  action: () => Promise<unknown>,
  type: abstract new (...args: never[]) => E,
  code: AthenaErrorCode,
): Promise<E> {
  let outcome: unknown;
  try {
    outcome = await action();
  } catch (error) {
    expect(error, `expected ${type.name} (${code})`).toBeInstanceOf(type);
    expect(error).toBeInstanceOf(AthenaError);
    expect((error as AthenaError).code).toBe(code);
    return error as E;
  }
  return expect.fail(
    `expected ${type.name} (${code}), but the operation resolved with ${String(outcome)}`,
  );
}
