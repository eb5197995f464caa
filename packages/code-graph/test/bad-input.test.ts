import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HashingEmbedder } from '@athena/search';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CodeGraph, scanSourceFiles } from '../src/index.js';
import type { IndexProgress } from '../src/index.js';
import { BACKENDS } from './helpers/backends.js';

const DIMENSION = 32;

/** A directory with one good file and one of every kind of bad input. */
function badTree(): { parent: string; root: string } {
  const parent = mkdtempSync(join(tmpdir(), 'athena-code-graph-bad-'));
  const root = join(parent, 'repo');
  mkdirSync(join(root, 'sub'), { recursive: true });
  mkdirSync(join(parent, 'elsewhere'));
  writeFileSync(join(parent, 'elsewhere', 'secret.ts'), 'export const secret = 1;\n');
  writeFileSync(join(root, 'good.ts'), 'export function ok(): number {\n  return 1;\n}\n');
  writeFileSync(join(root, 'binary.ts'), Buffer.from([0x65, 0x78, 0x00, 0x01, 0x02]));
  writeFileSync(
    join(root, 'latin1.py'),
    Buffer.from([0x78, 0x20, 0x3d, 0x20, 0x27, 0xe9, 0x27, 0x0a]),
  );
  writeFileSync(join(root, 'big.py'), `x = "${'a'.repeat(3000)}"\n`);
  writeFileSync(
    join(root, 'broken.ts'),
    'export function fine(): number {\n  return 2;\n}\n\nexport function broken( {\n',
  );
  symlinkSync('..', join(root, 'sub', 'back'));
  symlinkSync(join(parent, 'elsewhere'), join(root, 'outside'));
  symlinkSync('missing.ts', join(root, 'dangling.ts'));
  symlinkSync('loop-b.ts', join(root, 'loop-a.ts'));
  symlinkSync('loop-a.ts', join(root, 'loop-b.ts'));
  return { parent, root };
}

describe('bad input', () => {
  let tree: { parent: string; root: string };
  beforeAll(() => {
    tree = badTree();
  });
  afterAll(() => rmSync(tree.parent, { recursive: true, force: true }));

  it('the scan reports each bad file once, by kind, and keeps the good ones', () => {
    const scan = scanSourceFiles(tree.root, {
      extensions: new Set(['.ts', '.py']),
      maxFileBytes: 2_000,
      paths: ['.', '../elsewhere'],
    });
    expect(scan.files.map((f) => f.path)).toEqual(['broken.ts', 'good.ts']);
    expect(scan.problems.map((p) => `${p.kind} ${p.path}`).sort()).toEqual(
      [
        'binary binary.ts',
        'binary latin1.py',
        'too_large big.py',
        'symlink_loop sub/back',
        'outside_root outside',
        'outside_root ../elsewhere',
        'unreadable dangling.ts',
        'symlink_loop loop-a.ts',
        'symlink_loop loop-b.ts',
      ].sort(),
    );
  });

  for (const backend of BACKENDS) {
    it(`indexing goes on past every bad file on ${backend.name}, and a syntax error keeps what parses`, async () => {
      const { store, dispose } = await backend.open(DIMENSION);
      try {
        const graph = new CodeGraph({
          store,
          embedder: new HashingEmbedder({ dimension: DIMENSION }),
        });
        const project = await store.projects.create({ name: 'bad', path: tree.root });
        const updates: IndexProgress[] = [];
        const report = await graph.index(project.id, tree.root, {
          progress: (update) => updates.push(update),
          maxFileBytes: 2_000,
        });
        // The programmatic progress: every phase, files counted up to the total. Two files are
        // less than a batch: the first index embeds them once the analyses are done.
        expect([...new Set(updates.map((u) => u.phase))]).toEqual([
          'scan',
          'analyze',
          'embed',
          'write',
          'done',
        ]);
        expect(updates.filter((u) => u.phase === 'embed').at(-1)).toMatchObject({
          filesDone: 2,
          filesTotal: 2,
        });
        expect(updates.filter((u) => u.phase === 'analyze').at(-1)).toMatchObject({
          filesDone: 2,
          filesTotal: 2,
          entities: 5,
        });
        expect(updates.filter((u) => u.phase === 'write').at(-1)).toMatchObject({
          filesDone: 2,
          filesTotal: 2,
        });
        expect(report.files).toMatchObject({ scanned: 2, indexed: 2 });
        expect(report.problems.map((p) => `${p.kind} ${p.path}`)).toContain('syntax broken.ts');
        expect(report.problems.find((p) => p.kind === 'syntax')?.line).toBe(6);
        expect(report.problems).toHaveLength(9);
        const names = (await store.code.findEntities(project.id)).map(
          (e) => `${e.filePath}:${e.qualifiedName}`,
        );
        expect(names).toEqual(
          expect.arrayContaining([
            'broken.ts:broken',
            'broken.ts:fine',
            'good.ts:ok',
            'good.ts:good',
          ]),
        );
        // Nothing was indexed outside the root.
        expect(names.some((n) => n.includes('secret'))).toBe(false);
        await expect(graph.index(project.id, tree.root, { batchSize: 0 })).rejects.toMatchObject({
          code: 'validation',
        });
        await expect(
          graph.index(project.id, tree.root, { embedAhead: -1, progress: false }),
        ).rejects.toThrow('invalid options.embedAhead: must be an integer ≥ 0');
        await expect(graph.index(9_999_999, tree.root, { progress: false })).rejects.toMatchObject({
          code: 'not_found',
        });
      } finally {
        await dispose();
      }
    });
  }
});
