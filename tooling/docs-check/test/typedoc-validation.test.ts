import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTypedoc } from '../src/typedoc.js';

const repositoryConfig = fileURLToPath(new URL('../../../typedoc.json', import.meta.url));
let root: string;

/** A one-package workspace checked with the repository's own typedoc.json. */
function workspace(declarations: string): void {
  const config = JSON.parse(readFileSync(repositoryConfig, 'utf8'));
  config.packagesRequiringDocumentation = ['@fixture/widget'];
  config.packageOptions.tsconfig = '../../tsconfig.api.json';
  writeFileSync(join(root, 'typedoc.json'), JSON.stringify(config));
  writeFileSync(
    join(root, 'tsconfig.api.json'),
    JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'NodeNext', strict: true, skipLibCheck: true },
      include: ['packages/*/dist/index.d.ts'],
    }),
  );
  mkdirSync(join(root, 'packages/widget/dist'), { recursive: true });
  writeFileSync(
    join(root, 'packages/widget/package.json'),
    JSON.stringify({ name: '@fixture/widget', version: '1.0.0', types: './dist/index.d.ts' }),
  );
  writeFileSync(join(root, 'packages/widget/dist/index.d.ts'), declarations);
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'athena-typedoc-test-'));
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

// A TypeDoc run of a one-file package: about 2 s on an idle machine, more under load.
describe('typedoc.json validation', { timeout: 60_000 }, () => {
  it('fails on an undocumented export, an unexported type in the API and a broken link', async () => {
    workspace(
      [
        // As tsup bundles it: declarations, then one export list.
        'interface Hidden { readonly size: number }',
        '/** Makes a widget; see {@link Gadget}. */',
        'declare function makeWidget(options: Hidden): void;',
        '/** Exported, so the package documents it. */',
        'declare const DOCUMENTED: number;',
        'declare const UNDOCUMENTED: number;',
        'export { DOCUMENTED, UNDOCUMENTED, makeWidget };',
        '',
      ].join('\n'),
    );
    const { passed, output } = await runTypedoc(root, ['--emit', 'none'], { capture: true });
    expect(passed).toBe(false);
    expect(output).toMatch(
      /UNDOCUMENTED \(Variable\), defined in .*, does not have any documentation/,
    );
    expect(output).not.toMatch(/\bDOCUMENTED \(Variable\)/);
    expect(output).toMatch(/Hidden, defined in .*, is referenced by makeWidget/);
    expect(output).toContain('Failed to resolve link to "Gadget"');
  });
});
