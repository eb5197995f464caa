import type { Command } from 'commander';
import { CODE_ENTITY_TYPES, DEPENDENCY_TYPES } from '@athena/core-types';
import type { CodeEntityType, DependencyType, ImpactedEntity } from '@athena/core-types';
import { entityLabel } from '@athena/code-graph';
import type { CodeSearchHit, IndexReport } from '@athena/code-graph';
import { integerIn, list, listOf } from '../parse.js';
import { action } from '../run.js';
import { renderFields, renderTable } from '../table.js';

/** What `athena code impact` reports. */
export interface ImpactResult {
  readonly entity: string;
  readonly impacted: readonly ImpactedEntity[];
}

/** What `athena code search` reports. */
export interface CodeSearchResult {
  readonly query: string;
  readonly hits: readonly CodeSearchHit[];
}

function reportFields(report: IndexReport): string {
  return renderFields([
    ['root', report.root],
    [
      'files',
      `${report.files.scanned} scanned, ${report.files.indexed} indexed, ${report.files.unchanged} unchanged, ${report.files.removed} removed`,
    ],
    [
      'entities',
      `${report.entities.created} created, ${report.entities.updated} updated, ${report.entities.unchanged} unchanged, ${report.entities.removed} removed`,
    ],
    ['edges', `${report.edges.written} written, ${report.edges.pending} pending`],
    [
      'references',
      `${report.unresolvedReferences} unresolved, ${report.externalReferences} external`,
    ],
    ['time', `${(report.timings.total / 1000).toFixed(1)} s`],
    ['problems', String(report.problems.length)],
  ]);
}

/** `athena code index|impact|search`: the code graph of @athena/code-graph. */
export function registerCodeCommands(program: Command): void {
  const code = program
    .command('code')
    .description(
      'the code graph: index TypeScript, JavaScript and Python, ask what a change impacts',
    );

  code
    .command('index')
    .description(
      'index the source files under a directory (default: the project directory) into the project; ' +
        'incremental: only changed files are read again',
    )
    .argument('[root]', 'the directory to index (default: the project path)')
    .option(
      '--paths <paths>',
      'only these files or directories under the root, comma-separated',
      list,
    )
    .option('--force', 're-index every file, changed or not')
    .option('--max-file-bytes <n>', 'skip larger files', integerIn(1, 2 ** 31 - 1))
    .action(
      action(
        async (
          ctx,
          root: string | undefined,
          options: { paths?: string[]; force?: boolean; maxFileBytes?: number },
        ) => {
          const project = await ctx.project();
          const report = await (
            await ctx.codeGraph()
          ).index(project.id, root === undefined ? project.path : root, {
            ...(options.paths === undefined ? {} : { paths: options.paths }),
            ...(options.force === undefined ? {} : { force: options.force }),
            ...(options.maxFileBytes === undefined ? {} : { maxFileBytes: options.maxFileBytes }),
            progress: ctx.options.json === true ? false : 'auto',
          });
          ctx.print({
            result: report,
            human: (r) =>
              [
                reportFields(r),
                ...r.problems
                  .slice(0, 20)
                  .map(
                    (p) =>
                      `${p.kind}: ${p.path}${p.line === undefined ? '' : `:${p.line}`} ${p.message}`,
                  ),
                ...(r.problems.length > 20 ? [`… ${r.problems.length - 20} more (--json)`] : []),
              ].join('\n'),
          });
        },
      ),
    );

  code
    .command('impact')
    .description(
      'every entity that depends on an entity, transitively, with its depth and one shortest path',
    )
    .argument('<entity>', 'file:line, a file path, a qualified name (Reader.run) or a name')
    .option('--depth <n>', 'at most this deep, 1–50 (default 5)', integerIn(1, 50))
    .option('--unbounded', 'no depth limit')
    .option(
      '--kinds <kinds>',
      `dependency kinds to follow (${DEPENDENCY_TYPES.join(', ')})`,
      listOf(DEPENDENCY_TYPES),
    )
    .option(
      '--types <types>',
      `report only these entity types (${CODE_ENTITY_TYPES.join(', ')})`,
      listOf(CODE_ENTITY_TYPES),
    )
    .action(
      action(
        async (
          ctx,
          entity: string,
          options: { depth?: number; unbounded?: boolean; kinds?: string[]; types?: string[] },
        ) => {
          const project = await ctx.project();
          const impacted = await (
            await ctx.codeGraph()
          ).impactOf(project.id, entity, {
            ...(options.unbounded === true
              ? { maxDepth: null }
              : options.depth === undefined
                ? {}
                : { maxDepth: options.depth }),
            ...(options.kinds === undefined ? {} : { kinds: options.kinds as DependencyType[] }),
            ...(options.types === undefined
              ? {}
              : { entityTypes: options.types as CodeEntityType[] }),
          });
          ctx.print<ImpactResult>({
            result: { entity, impacted },
            human: (r) =>
              r.impacted.length === 0
                ? `Nothing depends on ${r.entity}.`
                : renderTable(r.impacted, [
                    { header: 'depth', value: (i) => String(i.depth), align: 'right' },
                    { header: 'id', value: (i) => String(i.entity.id), align: 'right' },
                    { header: 'entity', value: (i) => entityLabel(i.entity), max: 100 },
                  ]),
          });
        },
      ),
    );

  code
    .command('search')
    .description('semantic (hybrid) search over the indexed code only, each hit with its entity')
    .argument('<query...>', 'what the code does, or names in it')
    .option('--limit <n>', 'results, 1–1000', integerIn(1, 1000), 10)
    .option(
      '--languages <languages>',
      'only these languages (typescript, javascript, python)',
      list,
    )
    .option(
      '--types <types>',
      `only these entity types (${CODE_ENTITY_TYPES.join(', ')})`,
      listOf(CODE_ENTITY_TYPES),
    )
    .action(
      action(
        async (
          ctx,
          words: string[],
          options: { limit: number; languages?: string[]; types?: string[] },
        ) => {
          const query = words.join(' ');
          const project = await ctx.project();
          const hits = await (
            await ctx.codeGraph()
          ).search(project.id, query, {
            limit: options.limit,
            ...(options.languages === undefined ? {} : { languages: options.languages }),
            ...(options.types === undefined
              ? {}
              : { entityTypes: options.types as CodeEntityType[] }),
          });
          ctx.print<CodeSearchResult>({
            result: { query, hits },
            human: (r) =>
              r.hits.length === 0
                ? 'No code matches.'
                : renderTable(r.hits, [
                    { header: 'score', value: (h) => h.score.toFixed(4), align: 'right' },
                    { header: 'id', value: (h) => String(h.entity.id), align: 'right' },
                    { header: 'entity', value: (h) => entityLabel(h.entity), max: 100 },
                  ]),
          });
        },
      ),
    );
}
