import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { declarationImports, packageNameOf } from '../src/declaration-imports.js';
import { declarationFiles, undeclaredTypeSources } from '../src/public-types.js';
import { publishablePackages, repositoryRoot, workspacePackages } from '../src/workspace.js';

describe('declarationImports', () => {
  it('finds every form of reference a declaration file can make, and none in comments', () => {
    const text = [
      '/// <reference types="node" />',
      "import { Database } from 'better-sqlite3';",
      "import type * as k from 'kysely/helpers/postgres';",
      "export { z } from 'zod';",
      "export * from './local.js';",
      "import pg = require('pg');",
      "type Pool = import('@scope/pool/sub').Pool;",
      "declare module '@athena/core-types' { interface Backends { x: 1 } }",
      "/** @example import { SqliteStore } from '@athena/store-sqlite'; */",
      "// import 'vitest';",
      'declare const s: string;',
    ].join('\n');
    expect(declarationImports(text, 'index.d.ts')).toEqual([
      './local.js',
      '@athena/core-types',
      '@scope/pool/sub',
      'better-sqlite3',
      'kysely/helpers/postgres',
      'node',
      'pg',
      'zod',
    ]);
  });

  it('names the package of a specifier, and none for paths and built-ins', () => {
    expect(packageNameOf('kysely/helpers/postgres')).toBe('kysely');
    expect(packageNameOf('@scope/pool/sub')).toBe('@scope/pool');
    expect(packageNameOf('./local.js')).toBeUndefined();
    expect(packageNameOf('node:stream')).toBeUndefined();
    expect(packageNameOf('stream')).toBeUndefined();
  });
});

describe('undeclaredTypeSources', () => {
  // store-sqlite as released before: a public type from better-sqlite3, whose
  // types are @types/better-sqlite3, a devDependency the consumer never gets.
  const sqlite = workspacePackages().find((p) => p.directory === 'packages/store-sqlite');
  if (sqlite === undefined) throw new Error('packages/store-sqlite is not in the workspace');
  const path = join(repositoryRoot, sqlite.directory, 'dist/index.d.ts');
  const text =
    "import { Database } from 'better-sqlite3';\nexport declare function up(db: Database): void;";
  const released = {
    ...sqlite.manifest,
    dependencies: { ...sqlite.manifest.dependencies, 'better-sqlite3': '^12.4.1' },
    devDependencies: { '@types/better-sqlite3': '^7.6.13' },
  };

  it('reports a type whose declarations come from a devDependency', () => {
    expect(undeclaredTypeSources(released, [{ path, text }])).toEqual([
      "packages/store-sqlite/dist/index.d.ts imports 'better-sqlite3', whose types come from @types/better-sqlite3, not a dependency",
    ]);
  });

  it('reports a package that is not declared at all, and accepts one whose @types is a dependency', () => {
    const undeclared = { ...released, dependencies: {} };
    expect(undeclaredTypeSources(undeclared, [{ path, text }])).toEqual([
      "packages/store-sqlite/dist/index.d.ts imports 'better-sqlite3', which is not a dependency or peer dependency",
    ]);
    const typed = {
      ...released,
      dependencies: { ...released.dependencies, '@types/better-sqlite3': '^7.6.13' },
    };
    expect(undeclaredTypeSources(typed, [{ path, text }])).toEqual([]);
  });
});

describe('public types of every publishable package', () => {
  const packages = publishablePackages();

  it('every library publishes declaration files', () => {
    const libraries = packages.filter((p) => 'types' in p.manifest);
    expect(libraries.length).toBeGreaterThan(0);
    for (const { directory } of libraries) {
      expect(declarationFiles(join(repositoryRoot, directory, 'dist')), directory).not.toEqual([]);
    }
  });

  it.each(packages.map((p) => [p.manifest.name, p] as const))(
    '%s refers only to packages its consumer gets, with their types',
    (_name, { directory, manifest }) => {
      const files = declarationFiles(join(repositoryRoot, directory, 'dist'));
      expect(undeclaredTypeSources(manifest, files)).toEqual([]);
    },
  );
});
