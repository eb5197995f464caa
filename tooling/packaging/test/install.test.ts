import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repositoryRoot, workspacePackages } from '../src/workspace.js';

/**
 * pnpm 10 runs no dependency's install script unless pnpm-workspace.yaml
 * allows it, and records the ones it skipped in `node_modules/.modules.yaml`
 * (`ignoredBuilds`): those are the "Ignored build scripts: esbuild…" box a
 * new user sees after `pnpm install`. Every package with a build script must
 * be decided in pnpm-workspace.yaml (onlyBuiltDependencies or
 * ignoredBuiltDependencies), so the box never shows.
 */
describe('pnpm install', () => {
  it('skipped no build script that pnpm-workspace.yaml has not decided on', () => {
    const modules = JSON.parse(
      readFileSync(join(repositoryRoot, 'node_modules/.modules.yaml'), 'utf8'),
    ) as { ignoredBuilds?: readonly string[]; pendingBuilds?: readonly string[] };
    expect(modules.ignoredBuilds ?? []).toEqual([]);
    expect(modules.pendingBuilds ?? []).toEqual([]);
  });

  // pnpm links a workspace dependency's bin at install time; on a fresh clone
  // its dist/ is not built yet, and install warns "Failed to create bin …
  // ENOENT". Build order for such packages goes in turbo.json instead.
  it('links no workspace bin that a fresh clone has not built (no "Failed to create bin" warning)', () => {
    const packages = workspacePackages();
    const withBin = new Set(
      packages.filter((p) => p.manifest.bin !== undefined).map((p) => p.manifest.name),
    );
    const linking = packages.flatMap((p) =>
      Object.keys({ ...p.manifest.dependencies, ...p.manifest.devDependencies })
        .filter((name) => withBin.has(name))
        .map((name) => `${p.manifest.name} -> ${name}`),
    );
    expect(withBin.size).toBeGreaterThan(0);
    expect(linking).toEqual([]);
  });
});
