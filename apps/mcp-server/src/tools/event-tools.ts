import { z } from 'zod';
import { EPISODE_EVENT_TYPES, EPISODE_OUTCOMES } from '@athena/core-types';
import { registerAthenaTool } from '../athena-tool.js';
import type { Session } from '../athena-tool.js';
import { defined, INSTANT, oneOf, TEXT, UNIT } from '../schemas.js';
import { toolResult } from '../tool-result.js';

/** The session of events recorded without `session`. */
const DEFAULT_SESSION = 'mcp';

/** record_event: episodic memory. */
export function registerEventTools(session: Session): void {
  registerAthenaTool(
    session,
    'record_event',
    {
      title: 'Record an event',
      description:
        'Record what just happened in this work session (an action, an error, a test run, a discovery, a ' +
        'conversation turn) with its outcome and what was learned. Events are the raw episodic log that ' +
        'consolidation later turns into memories; record the noteworthy ones, not every keystroke.',
      inputSchema: {
        content: TEXT.describe('What happened, in a sentence or two.'),
        type: oneOf(EPISODE_EVENT_TYPES).describe('The kind of event.'),
        session: z.string().min(1).optional().describe(`Session id (default ${DEFAULT_SESSION}).`),
        outcome: oneOf(EPISODE_OUTCOMES).optional().describe('How it turned out.'),
        files: z.array(z.string().min(1)).optional().describe('Files involved.'),
        learned: z.string().min(1).optional().describe('What was learned, in a sentence.'),
        durationMs: z
          .number()
          .int()
          .min(0)
          .optional()
          .describe('How long it took, in milliseconds.'),
        surprise: UNIT.optional().describe('How unexpected it was, 0–1.'),
        at: INSTANT.optional().describe('When it happened (default now), ISO 8601.'),
      },
    },
    async (args, { store, project }) => {
      const event = await store.episodes.record(project.id, {
        sessionId: args.session ?? DEFAULT_SESSION,
        eventType: args.type,
        content: args.content,
        ...(args.files === undefined ? {} : { context: { files: args.files } }),
        ...defined({
          outcome: args.outcome,
          learned: args.learned,
          durationMs: args.durationMs,
          surpriseScore: args.surprise,
          timestamp: args.at === undefined ? undefined : new Date(args.at),
        }),
      });
      return toolResult(
        `Recorded event ${event.id} (${event.eventType}${event.outcome === null ? '' : `, ${event.outcome}`}) in session ${event.sessionId}.`,
        { project: project.name, event },
      );
    },
  );
}
