import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { CODE_ENTITY_TYPES, DEPENDENCY_TYPES } from '@athena/core-types';
import { entityLabel } from '@athena/code-graph';
import type { IndexProgress, ProgressListener } from '@athena/code-graph';
import { registerAthenaTool } from '../athena-tool.js';
import type { Session } from '../athena-tool.js';
import { defined, oneOf, TEXT } from '../schemas.js';
import { toolResult } from '../tool-result.js';

const ENTITY_TYPES = z.array(oneOf(CODE_ENTITY_TYPES)).min(1).optional();

const PHASES: readonly IndexProgress['phase'][] = ['scan', 'analyze', 'embed', 'write', 'done'];

/** Steps of one phase on the scale of {@link indexProgress}. */
const PHASE_STEPS = 1000;

/**
 * An index's progress as MCP progress notifications: one rising scale over
 * the phases (each {@link PHASE_STEPS} steps; a run without one of them skips
 * it), sent when the run has moved by 1 % of a phase, and at the end.
 */
function indexProgress(
  send: (progress: number, total: number, message: string) => void,
): ProgressListener {
  const total = (PHASES.length - 1) * PHASE_STEPS;
  let last = Number.NEGATIVE_INFINITY;
  return (p) => {
    // A phase ends one step short of the next, so that only `done` reaches the total.
    const within =
      p.phase === 'done'
        ? 0
        : Math.min(
            Math.floor((PHASE_STEPS * p.filesDone) / Math.max(p.filesTotal, 1)),
            PHASE_STEPS - 1,
          );
    const value = PHASES.indexOf(p.phase) * PHASE_STEPS + within;
    if (value - last < PHASE_STEPS / 100 && !(p.phase === 'done' && value > last)) return;
    last = value;
    send(value, total, `${p.phase}: ${p.filesDone}/${p.filesTotal} files, ${p.entities} entities`);
  };
}

/** index_code, code_impact, code_search: the code graph of @athena/code-graph. */
export function registerCodeTools(session: Session): void {
  registerAthenaTool(
    session,
    'index_code',
    {
      title: 'Index code',
      description:
        'Index (or re-index) the TypeScript, JavaScript and Python source of the project into its code ' +
        'graph: modules, classes, functions, methods and their imports, calls, extends and implements. ' +
        'Incremental: only changed files are read again, so run it again after editing. Needed before ' +
        'code_impact and code_search.',
      inputSchema: {
        root: z
          .string()
          .min(1)
          .optional()
          .describe(
            'Directory to index, absolute or relative to the project path (default the project path).',
          ),
        paths: z
          .array(z.string().min(1))
          .min(1)
          .optional()
          .describe('Only these files or directories under the root.'),
        force: z.boolean().optional().describe('Re-index every file, changed or not.'),
      },
    },
    async (args, { code, project, progress }) => {
      const root =
        args.root === undefined
          ? project.path
          : isAbsolute(args.root)
            ? args.root
            : resolve(project.path, args.root);
      const report = await code.index(project.id, root, {
        ...defined({ paths: args.paths, force: args.force }),
        // stdout is the protocol and stderr the client's log: no progress bar, but
        // progress notifications when the client asked for them.
        progress: progress === null ? false : indexProgress(progress),
      });
      const problems = report.problems
        .slice(0, 10)
        .map(
          (p) => `- ${p.kind}: ${p.path}${p.line === undefined ? '' : `:${p.line}`} ${p.message}`,
        );
      return toolResult(
        [
          `Indexed ${report.root}: ${report.files.indexed} of ${report.files.scanned} files read (${report.files.unchanged} unchanged, ${report.files.removed} removed); ` +
            `entities ${report.entities.created} created, ${report.entities.updated} updated, ${report.entities.removed} removed; ` +
            `${report.edges.written} edges written; ${report.problems.length} problem(s).`,
          ...problems,
          ...(report.problems.length > 10 ? [`- … ${report.problems.length - 10} more`] : []),
        ].join('\n'),
        { project: project.name, report },
      );
    },
  );

  registerAthenaTool(
    session,
    'code_impact',
    {
      title: 'Code impact',
      description:
        'What would a change to this code entity affect? Every entity that depends on it (calls, imports, ' +
        'extends, implements, uses), transitively, each with its depth and one shortest dependency path. ' +
        'Ask before changing a signature or behaviour.',
      inputSchema: {
        entity: TEXT.describe(
          'The entity: file:line (src/db.ts:42), a file path (its module), a qualified name (Reader.run, pkg.mod.f) or a name.',
        ),
        maxDepth: z
          .number()
          .int()
          .min(1)
          .max(50)
          .optional()
          .describe('At most this deep, 1–50 (default 5).'),
        unbounded: z.boolean().optional().describe('No depth limit (overrides maxDepth).'),
        kinds: z
          .array(oneOf(DEPENDENCY_TYPES))
          .min(1)
          .optional()
          .describe('Dependency kinds to follow (default all).'),
        entityTypes: ENTITY_TYPES.describe(
          'Report only these entity types (the walk passes through others).',
        ),
      },
      readOnly: true,
    },
    async (args, { code, project }) => {
      const impacted = await code.impactOf(project.id, args.entity, {
        ...(args.unbounded === true ? { maxDepth: null } : defined({ maxDepth: args.maxDepth })),
        ...defined({ kinds: args.kinds, entityTypes: args.entityTypes }),
      });
      return toolResult(
        impacted.length === 0
          ? `Nothing depends on ${args.entity}.`
          : [
              `${impacted.length} entities depend on ${args.entity}:`,
              ...impacted.map(
                (i) => `- depth ${i.depth}: ${entityLabel(i.entity)} [entity ${i.entity.id}]`,
              ),
            ].join('\n'),
        { project: project.name, entity: args.entity, impacted },
      );
    },
  );

  registerAthenaTool(
    session,
    'code_search',
    {
      title: 'Code search',
      description:
        'Find code in the indexed project by what it does or by names in it: hybrid search over the code ' +
        'graph (signatures, doc comments, source excerpts), each hit with its file and line.',
      inputSchema: {
        query: TEXT.describe('What the code does, or identifiers in it.'),
        limit: z
          .number()
          .int()
          .min(1)
          .max(100)
          .optional()
          .describe('How many results, 1–100 (default 10).'),
        languages: z
          .array(z.enum(['typescript', 'javascript', 'python']))
          .min(1)
          .optional()
          .describe('Only these languages.'),
        entityTypes: ENTITY_TYPES.describe('Only these entity types.'),
      },
      readOnly: true,
    },
    async (args, { code, project }) => {
      const hits = await code.search(project.id, args.query, {
        limit: args.limit ?? 10,
        ...defined({ languages: args.languages, entityTypes: args.entityTypes }),
      });
      return toolResult(
        hits.length === 0
          ? 'No code matches.'
          : hits
              .map(
                (h, i) =>
                  `${i + 1}. ${entityLabel(h.entity)} [entity ${h.entity.id}] score ${h.score.toFixed(3)}${h.entity.signature === null ? '' : `\n   ${h.entity.signature}`}`,
              )
              .join('\n'),
        {
          project: project.name,
          query: args.query,
          hits: hits.map((h) => ({ entity: h.entity, score: h.score })),
        },
      );
    },
  );
}
