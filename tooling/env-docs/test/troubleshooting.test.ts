import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repositoryRoot } from '../src/markdown-files.js';

const root = repositoryRoot();

/**
 * The members of `AthenaErrorCode`, read from its source: the union is a
 * type, with no value to import, and the guide must follow the source.
 */
function errorCodes(): string[] {
  const source = readFileSync(join(root, 'packages/core-types/src/errors.ts'), 'utf8');
  const union = /export type AthenaErrorCode =([^;]*);/.exec(source)?.[1];
  if (union === undefined) throw new Error('no `export type AthenaErrorCode = …;` in errors.ts');
  return [...union.matchAll(/\|\s*'([a-z_]+)'/g)].map(([, code]) => code ?? '');
}

/** The codes the guide has a section for: every `## \`code\`` heading. */
function sections(markdown: string): string[] {
  return [...markdown.matchAll(/^## `([a-z_]+)`$/gm)].map(([, code]) => code ?? '');
}

describe('docs/troubleshooting.md', () => {
  const guide = readFileSync(join(root, 'docs/troubleshooting.md'), 'utf8');

  it('reads the error codes from core-types', () => {
    const codes = errorCodes();
    expect(codes).toContain('validation');
    expect(codes).toContain('backend_unavailable');
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('has a section for every error code, and none for a code that does not exist', () => {
    const codes = errorCodes();
    const documented = sections(guide);
    expect(
      codes.filter((code) => !documented.includes(code)),
      'add a "## `code`" section to docs/troubleshooting.md',
    ).toEqual([]);
    expect(documented.filter((code) => !codes.includes(code))).toEqual([]);
  });

  it('says in every section what the code means and what to do (more than a heading)', () => {
    const bodies = guide.split(/^## /m).slice(1);
    for (const body of bodies.filter((text) => text.startsWith('`'))) {
      const [heading = '', ...rest] = body.split('\n');
      expect(rest.join(' ').trim().length, heading).toBeGreaterThan(200);
    }
  });

  it('notices a missing section', () => {
    const without = guide.replace(/^## `transient`$/m, '## Transient errors');
    expect(errorCodes().filter((code) => !sections(without).includes(code))).toEqual(['transient']);
  });
});
