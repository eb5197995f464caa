import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repositoryRoot } from '../src/workspace.js';

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
});
