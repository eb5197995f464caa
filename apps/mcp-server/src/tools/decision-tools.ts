import { z } from 'zod';
import type { Decision } from '@athena/core-types';
import { registerAthenaTool } from '../athena-tool.js';
import type { Session } from '../athena-tool.js';
import { defined, TEXT, UNIT } from '../schemas.js';
import { clip, toolResult } from '../tool-result.js';

/** A decision in one line, as the tools and resources print it. */
export function decisionLine(decision: Decision): string {
  return `[decision ${decision.id}] ${clip(decision.title, 120)} (${decision.status}, confidence ${decision.confidence.toFixed(2)})${decision.rationale === null ? '' : `: ${clip(decision.rationale, 200)}`}`;
}

/** record_decision. */
export function registerDecisionTools(session: Session): void {
  registerAthenaTool(
    session,
    'record_decision',
    {
      title: 'Record a decision',
      description:
        'Record a design or planning decision with its rationale and the alternatives that were rejected, ' +
        'so that later sessions do not reopen it without reason. It starts as proposed.',
      inputSchema: {
        title: TEXT.describe(
          'The decision, e.g. "Use PostgreSQL advisory locks for the scheduler".',
        ),
        rationale: z.string().min(1).optional().describe('Why.'),
        alternatives: z
          .array(z.string().min(1))
          .optional()
          .describe('Options considered and rejected.'),
        confidence: UNIT.optional().describe('How sure, 0–1 (default 0.5).'),
      },
    },
    async (args, { store, project }) => {
      const decision = await store.decisions.create(project.id, {
        title: args.title,
        ...defined({
          rationale: args.rationale,
          alternatives: args.alternatives,
          confidence: args.confidence,
        }),
      });
      return toolResult(`Recorded ${decisionLine(decision)}.`, { project: project.name, decision });
    },
  );
}
