import { z } from 'zod';
import type { ConsolidationRun } from '@athena/core-types';
import { registerAthenaTool } from '../athena-tool.js';
import type { Session } from '../athena-tool.js';
import { defined } from '../schemas.js';
import { toolResult } from '../tool-result.js';

/** One line of what a pass did, for the model. */
function summary(projectName: string, run: ConsolidationRun): string {
  const ms = run.finishedAt.getTime() - run.startedAt.getTime();
  const parts = [
    `${run.claimed} memories claimed into ${run.clusters} clusters`,
    `${run.created} consolidated memories created`,
    `${run.superseded} duplicates superseded`,
    `${run.linked} linked`,
    `${run.episodes} episodes turned into lessons`,
    `${run.closed} reconsolidation windows closed`,
  ];
  if (run.fallbacks > 0) parts.push(`${run.fallbacks} summaries fell back to the heuristic`);
  const errors =
    run.errors === 0 ? '' : ` ${run.errors} error(s): ${run.error ?? 'see the run record'}.`;
  return `Consolidated project ${projectName} in ${ms} ms (run ${run.id}): ${parts.join(', ')}.${errors}`;
}

/** consolidate: one pass of @athena/consolidation over the call's project. */
export function registerConsolidateTool(session: Session): void {
  registerAthenaTool(
    session,
    'consolidate',
    {
      title: 'Consolidate memory',
      description:
        'Consolidate the project now: new memories are clustered with what the project already knows, ' +
        'near-duplicates are superseded by one representative (their text stays in its history), related ' +
        'memories are linked, and recorded events become lessons. A background worker usually does this; ' +
        'call it after remembering many things, before a recall-heavy task. Returns the run record.',
      inputSchema: {
        maxBatches: z
          .number()
          .int()
          .min(1)
          .max(1000)
          .optional()
          .describe('At most this many batches of 100 memories (default: until none is left).'),
      },
    },
    async (args, { consolidator, project }) => {
      const run = await consolidator().run({
        projectId: project.id,
        ...defined({ maxBatches: args.maxBatches }),
      });
      return toolResult(summary(project.name, run), { project: project.name, run });
    },
  );
}
