/**
 * `pnpm docs`: the HTML API reference of every published package, from its
 * TSDoc, into docs/api/ (TypeDoc, typedoc.json at the root).
 *
 * `pnpm docs:check`: the checks of the documentation, all of them reported
 * before the exit status says whether one failed:
 * - TypeDoc's validation: every export documented, every `{@link}` resolving,
 *   no exported API using a type the package does not export;
 * - each package's public-API report (`etc/<name>.api.md`): regenerated
 *   locally, a difference fails with `--ci` (or when `CI` is set);
 * - every relative link and `#anchor` in the repository's Markdown.
 * The packages must be built (the root scripts build them first).
 */
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkApiReports, findPublishedPackages } from './api-reports.js';
import { checkMarkdownLinks, findMarkdownFiles } from './markdown-links.js';
import { runTypedoc } from './typedoc.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));

async function check(ci: boolean): Promise<boolean> {
  const started = Date.now();
  // TypeDoc runs in its own process while API Extractor runs in this one: 2 cores.
  const typedocRun = runTypedoc(root, ['--emit', 'none']);

  const packages = findPublishedPackages(root);
  const reports = checkApiReports(packages, { ci, log: (line) => console.warn(line) });
  const changed = reports.filter((report) => report.changed || report.errors > 0);
  for (const report of changed) {
    const path = relative(root, report.report);
    console.error(
      report.errors > 0
        ? `API report: ${report.name}: ${report.errors} errors`
        : ci
          ? `API report: ${path} does not match ${report.name}'s API: run pnpm docs:check and commit it`
          : `API report: ${path} updated: commit it with the change`,
    );
  }

  const problems = checkMarkdownLinks(root, findMarkdownFiles(root));
  for (const problem of problems) {
    console.error(`${problem.file}:${problem.line}: ${problem.url}: ${problem.reason}`);
  }

  const apiPassed = (await typedocRun).passed;
  const reportsPassed = ci ? changed.length === 0 : changed.every((report) => report.errors === 0);
  console.warn(
    [
      `TypeDoc validation ${apiPassed ? 'passed' : 'FAILED'}`,
      `API reports of ${packages.length} packages ${reportsPassed ? 'match' : 'FAILED'}`,
      `${problems.length} broken links`,
      `${((Date.now() - started) / 1000).toFixed(1)} s`,
    ].join('; '),
  );
  return apiPassed && reportsPassed && problems.length === 0;
}

const [command, ...flags] = process.argv.slice(2);
if (command === 'docs') {
  process.exitCode = (await runTypedoc(root, [])).passed ? 0 : 1;
} else if (command === 'check') {
  const ci = flags.includes('--ci') || (process.env.CI !== undefined && process.env.CI !== '');
  process.exitCode = (await check(ci)) ? 0 : 1;
} else {
  console.error('usage: tsx src/main.ts docs | check [--ci]');
  process.exitCode = 2;
}
