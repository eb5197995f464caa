import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Absolute path of the repository's root directory. */
export const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** The fields of a package.json the packaging checks read. */
export interface PackageManifest {
  readonly name: string;
  readonly version: string;
  readonly private?: boolean;
  readonly license?: string;
  readonly author?: string;
  readonly homepage?: string;
  readonly keywords?: readonly string[];
  readonly repository?: {
    readonly type?: string;
    readonly url?: string;
    readonly directory?: string;
  };
  readonly bugs?: { readonly url?: string };
  readonly files?: readonly string[];
  readonly bin?: string | Readonly<Record<string, string>>;
  readonly publishConfig?: { readonly access?: string; readonly provenance?: boolean };
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly peerDependencies?: Readonly<Record<string, string>>;
  readonly devDependencies?: Readonly<Record<string, string>>;
}

/** One package of the pnpm workspace. */
export interface WorkspacePackage {
  /** Directory relative to the repository root, with forward slashes: `packages/search`. */
  readonly directory: string;
  readonly manifest: PackageManifest;
}

/**
 * Every package of the workspace, from the `packages` globs of
 * pnpm-workspace.yaml (`dir/*` or a plain directory), sorted by directory.
 *
 * @example
 * ```ts
 * const published = workspacePackages().filter((p) => p.manifest.private !== true);
 * ```
 */
export function workspacePackages(root: string = repositoryRoot): WorkspacePackage[] {
  const workspace = readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8');
  const packagesBlock = /^packages:\n((?:\s+-\s+.+\n)+)/m.exec(workspace)?.[1] ?? '';
  const patterns = [...packagesBlock.matchAll(/^\s+-\s+(\S+)\s*$/gm)].map(
    (match) => match[1] ?? '',
  );
  const directories = patterns.flatMap((pattern) =>
    pattern.endsWith('/*')
      ? readdirSync(join(root, pattern.slice(0, -2)), { withFileTypes: true })
          .filter((entry) => entry.isDirectory())
          .map((entry) => `${pattern.slice(0, -2)}/${entry.name}`)
      : [pattern],
  );
  return directories
    .filter((directory) => existsSync(join(root, directory, 'package.json')))
    .sort()
    .map((directory) => ({
      directory,
      manifest: JSON.parse(
        readFileSync(join(root, directory, 'package.json'), 'utf8'),
      ) as PackageManifest,
    }));
}

/** The packages a release publishes: every workspace package not marked `"private": true`. */
export function publishablePackages(root: string = repositoryRoot): WorkspacePackage[] {
  return workspacePackages(root).filter(
    (workspacePackage) => workspacePackage.manifest.private !== true,
  );
}
