import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

/**
 * Where the real-code corpora are: `ATHENA_CORPORA_DIR`, else
 * `<repo root>/../shared/corpora`, else `/work/shared/corpora`; `null` when
 * none holds both tarballs.
 */
export function corporaDir(): string | null {
  const candidates = [
    process.env.ATHENA_CORPORA_DIR,
    join(REPO_ROOT, '..', 'shared', 'corpora'),
    '/work/shared/corpora',
  ].filter((c): c is string => c !== undefined && c !== '');
  return (
    candidates.find(
      (dir) =>
        existsSync(join(dir, 'drizzle-orm.tar.gz')) &&
        existsSync(join(dir, 'athena-python.tar.gz')),
    ) ?? null
  );
}

/** Why the corpus tests cannot run, or null when they can. */
export const corporaUnavailable: string | null =
  corporaDir() === null
    ? 'the real-code corpora were not found (set ATHENA_CORPORA_DIR, or place them in ../shared/corpora)'
    : null;

if (corporaUnavailable !== null && process.env.CI === 'true') {
  throw new Error(`corpus tests cannot run under CI=true: ${corporaUnavailable}`);
}

/** Unpacks members of a corpus tarball into a fresh temporary directory. */
export function unpack(
  tarball: 'drizzle-orm' | 'athena-python',
  members: readonly string[],
): { dir: string; dispose: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `athena-corpus-${tarball}-`));
  execFileSync('tar', [
    'xzf',
    join(corporaDir() as string, `${tarball}.tar.gz`),
    '-C',
    dir,
    ...members,
  ]);
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
