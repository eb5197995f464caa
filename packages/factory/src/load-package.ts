import { BackendUnavailableError } from '@athena/core-types';

/**
 * Imports a backend's store package, or throws `BackendUnavailableError`
 * saying how to install it.
 */
export async function loadPackage<T>(
  backend: string,
  packageName: string,
  importer: () => Promise<T>,
): Promise<T> {
  try {
    return await importer();
  } catch (cause) {
    throw new BackendUnavailableError(
      `the ${backend} backend cannot be loaded (${packageName}): install it with \`pnpm add ${packageName}\``,
      { cause, details: { backend } },
    );
  }
}
