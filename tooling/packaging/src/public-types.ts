import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { declarationImports, packageNameOf } from './declaration-imports.js';
import { repositoryRoot, type PackageManifest } from './workspace.js';

/** How a consumer on Node.js resolves modules (TypeScript's node16/nodenext). */
const RESOLUTION: ts.CompilerOptions = {
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
};

/** One declaration file: its path (inside the package's directory) and its text. */
export interface DeclarationFile {
  readonly path: string;
  readonly text: string;
}

/** Every `.d.ts` and `.d.cts` below a directory (none if it does not exist). */
export function declarationFiles(directory: string): DeclarationFile[] {
  if (!existsSync(directory)) return [];
  return readdirSync(directory, { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.d\.c?ts$/.test(file))
    .map((file) => ({
      path: join(directory, file),
      text: readFileSync(join(directory, file), 'utf8'),
    }));
}

/**
 * What a consumer of a package lacks to read its public types: every package
 * its declarations refer to must be a dependency or peer dependency, and the
 * package TypeScript takes the types from (the package itself, or its
 * `@types/` package) must be one too. Returns one line per problem.
 *
 * @example
 * ```ts
 * undeclaredTypeSources(manifest, declarationFiles('packages/store-sqlite/dist'));
 * // ["… imports 'better-sqlite3', whose types come from @types/better-sqlite3, not a dependency"]
 * ```
 */
export function undeclaredTypeSources(
  manifest: PackageManifest,
  files: readonly DeclarationFile[],
): string[] {
  const declared = { ...manifest.dependencies, ...manifest.peerDependencies };
  const problems = new Set<string>();
  for (const { path, text } of files) {
    const relative = path.startsWith(repositoryRoot) ? path.slice(repositoryRoot.length + 1) : path;
    for (const specifier of declarationImports(text, path)) {
      const name = packageNameOf(specifier);
      if (name === undefined || name === manifest.name) continue;
      if (!(name in declared)) {
        problems.add(
          `${relative} imports '${specifier}', which is not a dependency or peer dependency`,
        );
        continue;
      }
      const mode = path.endsWith('.d.cts') ? ts.ModuleKind.CommonJS : ts.ModuleKind.ESNext;
      const resolved = ts.resolveModuleName(
        specifier,
        path,
        RESOLUTION,
        ts.sys,
        undefined,
        undefined,
        mode,
      );
      const provider = resolved.resolvedModule?.packageId?.name;
      if (provider === undefined) {
        problems.add(`${relative} imports '${specifier}', whose types TypeScript does not find`);
      } else if (provider !== name && !(provider in declared)) {
        problems.add(
          `${relative} imports '${specifier}', whose types come from ${provider}, not a dependency`,
        );
      }
    }
  }
  return [...problems];
}
