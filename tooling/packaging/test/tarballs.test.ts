import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markdownLinks, worksOnRegistryPage } from '../src/readme-links.js';
import { publishablePackages, repositoryRoot } from '../src/workspace.js';

const packages = publishablePackages();
const destination = mkdtempSync(join(tmpdir(), 'athena-tarballs-'));

/** The packed file `path` (below `package/`) of `name`'s tarball. */
function packedFile(name: string, version: string, path: string): string {
  const tarball = join(destination, `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`);
  return execFileSync('tar', ['-xzOf', tarball, `package/${path}`], { encoding: 'utf8' });
}

beforeAll(() => {
  // Every package once, as a release packs it (the script checks entry points and workspace: ranges).
  execFileSync('bash', ['tooling/scripts/release-pack.sh', destination], {
    cwd: repositoryRoot,
    encoding: 'utf8',
  });
});
afterAll(() => rmSync(destination, { recursive: true, force: true }));

describe('markdownLinks', () => {
  it('finds links, images, definitions and HTML attributes, not code', () => {
    const markdown = [
      'See [the CLI](../../apps/cli/README.md) and ![logo](docs/logo.png).',
      '',
      '[ref]: ../factory/README.md',
      '',
      '<a href="#install">install</a> `[not](a-link.md)`',
      '',
      '```md',
      '[also not](inside-code.md)',
      '```',
    ].join('\n');
    expect(markdownLinks(markdown)).toEqual([
      '../../apps/cli/README.md',
      'docs/logo.png',
      '../factory/README.md',
      '#install',
    ]);
    expect(worksOnRegistryPage('https://github.com/athena-memory/athena/blob/main/README.md')).toBe(
      true,
    );
    expect(worksOnRegistryPage('#install')).toBe(true);
    expect(worksOnRegistryPage('../../README.md')).toBe(false);
  });
});

describe.each(packages.map((p) => [p.manifest.name, p] as const))(
  'the tarball of %s',
  (name, { manifest }) => {
    it('holds the LICENSE of the repository and a README', () => {
      expect(packedFile(name, manifest.version, 'LICENSE')).toBe(
        readFileSync(join(repositoryRoot, 'LICENSE'), 'utf8'),
      );
      expect(packedFile(name, manifest.version, 'README.md')).toMatch(/^# /);
    });

    it('has a README whose links work on the registry page, with an install line', () => {
      const readme = packedFile(name, manifest.version, 'README.md');
      expect(markdownLinks(readme).filter((url) => !worksOnRegistryPage(url))).toEqual([]);
      const escaped = name.replace('/', '\\/');
      expect(readme).toMatch(new RegExp(`^npm install (-g |-D )?(\\S+ )*${escaped}(\\s|$)`, 'm'));
    });
  },
);
