import { BackendUnavailableError, isAthenaError } from '@athena/core-types';

const NOT_FOUND_CODES = new Set(['ERR_MODULE_NOT_FOUND', 'MODULE_NOT_FOUND']);

function isMissing(cause: unknown, packageName: string): boolean {
  if (!(cause instanceof Error)) return false;
  const { code } = cause as { code?: unknown };
  return (
    typeof code === 'string' && NOT_FOUND_CODES.has(code) && cause.message.includes(packageName)
  );
}

/**
 * Imports a backend's store package, or throws `BackendUnavailableError`:
 * with `details.notInstalled` when the package itself is missing (the fix is
 * to install it), without when it is there but fails to load (a native
 * module built for another Node, say).
 */
export async function loadPackage<T>(
  backend: string,
  packageName: string,
  importer: () => Promise<T>,
): Promise<T> {
  try {
    return await importer();
  } catch (cause) {
    if (isMissing(cause, packageName)) {
      throw new BackendUnavailableError(
        `${packageName} is not installed: npm install ${packageName} (or pnpm add ${packageName})`,
        { cause, details: { backend, notInstalled: packageName } },
      );
    }
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new BackendUnavailableError(
      `the ${backend} backend cannot be loaded (${packageName}): ${reason}`,
      { cause, details: { backend } },
    );
  }
}

/** Whether `error` says a backend's package is not installed (see {@link loadPackage}). */
export const isNotInstalled = (error: unknown): error is BackendUnavailableError =>
  isAthenaError(error) &&
  error.code === 'backend_unavailable' &&
  typeof error.details['notInstalled'] === 'string';
