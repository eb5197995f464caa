import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { publishablePackages, repositoryRoot, workspacePackages } from '../src/workspace.js';

const root = JSON.parse(readFileSync(join(repositoryRoot, 'package.json'), 'utf8')) as {
  repository: { url: string };
};
/** The repository's address, defined once in the root package.json: `https://github.com/owner/name`. */
const repository = root.repository.url.replace(/^git\+/, '').replace(/\.git$/, '');
const license = readFileSync(join(repositoryRoot, 'LICENSE'), 'utf8');

describe('which packages are published', () => {
  it('only the libraries, the two apps and the conformance suite; everything else is private', () => {
    const published = publishablePackages().map((p) => p.directory);
    const libraries = workspacePackages()
      .map((p) => p.directory)
      .filter((directory) => directory.startsWith('packages/'));
    expect(published.sort()).toEqual(
      [...libraries, 'apps/cli', 'apps/mcp-server', 'tooling/conformance'].sort(),
    );
    const privateOnes = workspacePackages().filter((p) => !published.includes(p.directory));
    expect(privateOnes.map((p) => p.directory)).toEqual(
      expect.arrayContaining(['apps/demo', 'bench', 'tooling/test-postgres', 'tooling/tsconfig']),
    );
    for (const { directory, manifest } of privateOnes)
      expect(manifest.private, directory).toBe(true);
  });
});

describe.each(publishablePackages().map((p) => [p.manifest.name, p] as const))(
  '%s',
  (_name, { directory, manifest }) => {
    it('names the repository with its own directory, its homepage, issues, author and keywords', () => {
      expect(repository).toBe('https://github.com/athena-memory/athena');
      expect(manifest.repository).toEqual({ type: 'git', url: root.repository.url, directory });
      expect(manifest.homepage).toBe(`${repository}/tree/main/${directory}#readme`);
      expect(manifest.bugs).toEqual({ url: `${repository}/issues` });
      expect(manifest.author).toBe('The Athena authors');
      expect(manifest.license).toBe('MIT');
      expect(manifest.keywords).toContain('athena');
      expect(manifest.keywords?.length).toBeGreaterThanOrEqual(3);
    });

    it('publishes publicly with provenance, and ships LICENSE and README.md', () => {
      expect(manifest.publishConfig).toMatchObject({ access: 'public', provenance: true });
      expect(manifest.files).toEqual(expect.arrayContaining(['dist', 'README.md', 'LICENSE']));
      // Its own copy, so any packer (npm, pnpm, a bare tar of the directory) includes it.
      expect(readFileSync(join(repositoryRoot, directory, 'LICENSE'), 'utf8')).toBe(license);
      expect(existsSync(join(repositoryRoot, directory, 'README.md'))).toBe(true);
    });
  },
);
