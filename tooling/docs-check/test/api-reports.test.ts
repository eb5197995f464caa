import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkApiReports, findPublishedPackages } from '../src/api-reports.js';

let root: string;

function writeDeclarations(text: string): void {
  writeFileSync(join(root, 'packages/widget/dist/index.d.ts'), text);
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'athena-api-report-test-'));
  for (const [name, manifest] of [
    ['widget', { name: '@athena/widget', version: '1.0.0', types: './dist/index.d.ts' }],
    ['internal', { name: '@athena/internal', private: true, types: './dist/index.d.ts' }],
  ] as const) {
    mkdirSync(join(root, 'packages', name, 'dist'), { recursive: true });
    writeFileSync(join(root, 'packages', name, 'package.json'), JSON.stringify(manifest));
  }
  writeDeclarations(
    '/** Adds two numbers. */\nexport declare function add(a: number, b: number): number;\n',
  );
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('API reports', () => {
  it('finds only the published packages', () => {
    expect(findPublishedPackages(root).map((pkg) => pkg.name)).toEqual(['@athena/widget']);
  });

  // Three API Extractor runs: about 1 s on an idle machine, several under a loaded CI runner.
  it(
    'writes the report locally, then fails in CI mode when the API changes, without writing',
    {
      timeout: 30_000,
    },
    () => {
      const packages = findPublishedPackages(root);
      const report = join(root, 'packages/widget/etc/widget.api.md');

      const lines: string[] = [];
      const log = (line: string): void => {
        lines.push(line);
      };
      const [created] = checkApiReports(packages, { ci: false, log });
      expect(created).toMatchObject({ name: '@athena/widget', report, changed: true, errors: 0 });
      expect(readFileSync(report, 'utf8')).toContain(
        'export function add(a: number, b: number): number;',
      );

      expect(checkApiReports(packages, { ci: true, log })[0]).toMatchObject({
        changed: false,
        errors: 0,
      });

      writeDeclarations(
        '/** Adds two numbers. */\nexport declare function add(a: number, b: number, c?: number): number;\n',
      );
      lines.length = 0;
      expect(checkApiReports(packages, { ci: true, log })[0]).toMatchObject({ changed: true });
      expect(lines.join('\n')).toContain('@athena/widget: You have changed the API signature');
      expect(readFileSync(report, 'utf8')).not.toContain('c?: number');
      expect(existsSync(join(root, 'packages/widget/api-extractor.json'))).toBe(false);
    },
  );
});
