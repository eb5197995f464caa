import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { publishablePackages, repositoryRoot, workspacePackages } from '../src/workspace.js';

const script = join(repositoryRoot, 'tooling/scripts/release-dry-run.sh');

function dryRun(checkout?: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('bash', checkout === undefined ? [script] : [script, checkout], {
    cwd: repositoryRoot,
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** What `changeset version` would change in a checkout: versions, changesets, changelogs. */
function releaseState(): string {
  return JSON.stringify({
    versions: workspacePackages().map((p) => `${p.manifest.name}@${p.manifest.version}`),
    changesets: spawnSync('ls', ['.changeset'], { cwd: repositoryRoot, encoding: 'utf8' }).stdout,
    changelogs: workspacePackages().filter((p) =>
      existsSync(join(repositoryRoot, p.directory, 'CHANGELOG.md')),
    ).length,
  });
}

describe('pnpm release:dry-run', () => {
  it('prints name@version of every publishable package and leaves the checkout as it was', () => {
    const before = releaseState();
    const { status, stdout, stderr } = dryRun();
    expect(status, stderr).toBe(0);
    const listed = [...stdout.matchAll(/^ {2}(@athena\/[\w-]+)@(\d+\.\d+\.\d+)$/gm)].map(
      (match) => match[1],
    );
    expect(listed.sort()).toEqual(
      publishablePackages()
        .map((p) => p.manifest.name)
        .sort(),
    );
    expect(stdout).not.toMatch(
      /@athena\/(demo|bench|test-postgres|tsconfig|env-docs|reliability)@/,
    );
    expect(releaseState()).toBe(before);
  });

  it('gives no package a major version that no changeset asks for', () => {
    // changesets bumps a major whenever a peer dependency's new version leaves
    // the dependent's range (the stores for @athena/factory): the factory's
    // peer ranges and `onlyUpdatePeerDependentsWhenOutOfRange` keep it in step.
    const { status, stdout, stderr } = dryRun();
    expect(status, stderr).toBe(0);
    const majors = new Set(
      spawnSync('sh', ['-c', "cat .changeset/*.md | grep -E \"^'@athena/[^']+': major\""], {
        cwd: repositoryRoot,
        encoding: 'utf8',
      })
        .stdout.split('\n')
        .filter(Boolean)
        .map((line) => line.split("'")[1]),
    );
    const current = new Map(
      publishablePackages().map((p) => [p.manifest.name, p.manifest.version]),
    );
    const unasked = [...stdout.matchAll(/^ {2}(@athena\/[\w-]+)@(\d+)\.\d+\.\d+$/gm)]
      .filter(([, name = '', major]) => {
        const oldMajor = Number((current.get(name) ?? '0').split('.')[0]);
        return Number(major) > oldMajor && !majors.has(name);
      })
      .map(([line]) => line.trim());
    expect(unasked).toEqual([]);
  });

  describe('on a checkout with a broken release', () => {
    // The committed files only: no dist, so nothing can pack.
    const checkout = mkdtempSync(join(tmpdir(), 'athena-release-'));
    const files = spawnSync('git', ['ls-files', '-z'], { cwd: repositoryRoot, encoding: 'utf8' });
    spawnSync('sh', ['-c', `tar --null -T - -cf - | tar -xf - -C '${checkout}'`], {
      cwd: repositoryRoot,
      input: files.stdout,
    });
    spawnSync('git', ['init', '-q'], { cwd: checkout });
    spawnSync('git', ['add', '-A'], { cwd: checkout });
    afterAll(() => rmSync(checkout, { recursive: true, force: true }));

    it('fails on a malformed changeset, naming it', () => {
      const broken = join(checkout, '.changeset/broken-frontmatter.md');
      writeFileSync(broken, "---\n'@athena/search: patch\n---\n\nAn unclosed quote.\n");
      try {
        const { status, stderr, stdout } = dryRun(checkout);
        expect(status).not.toBe(0);
        expect(stderr + stdout).toContain('could not parse changeset');
        expect(stdout).not.toContain('Would publish');
      } finally {
        unlinkSync(broken);
      }
    });

    it('fails when a package cannot pack what its package.json names', () => {
      expect(readFileSync(join(checkout, 'packages/search/package.json'), 'utf8')).toContain(
        '"types"',
      );
      const { status, stderr } = dryRun(checkout);
      expect(status).not.toBe(0);
      expect(stderr).toMatch(
        /@athena\/search: \.\/dist\/index\.d\.ts \(named in package\.json\) is missing/,
      );
    });
  });
});
