import { z } from 'zod';
import { CONTENT_TYPES, MEMORY_TYPES, NotFoundError } from '@athena/core-types';
import type { MemoryFilters, MemoryWithoutEmbedding } from '@athena/core-types';
import { withoutEmbedding } from '@athena/search';
import { registerAthenaTool } from '../athena-tool.js';
import type { Session } from '../athena-tool.js';
import { defined, ID, oneOf, TEXT, UNIT } from '../schemas.js';
import { clip, toolResult } from '../tool-result.js';

const FILTERS = {
  types: z.array(oneOf(MEMORY_TYPES)).min(1).optional().describe('Only these memory types.'),
  domains: z.array(z.string().min(1)).min(1).optional().describe('Only these domains.'),
  tags: z.array(z.string().min(1)).min(1).optional().describe('Only memories with all these tags.'),
};

function filtersOf(args: {
  types?: MemoryFilters['memoryTypes'];
  domains?: readonly string[];
  tags?: readonly string[];
}): MemoryFilters {
  return defined({ memoryTypes: args.types, domains: args.domains, tags: args.tags });
}

/** One line per hit: rank, id, score, type, domain, content. */
function hitLines(
  hits: readonly { memory: MemoryWithoutEmbedding; score: number }[],
  empty: string,
): string {
  if (hits.length === 0) return empty;
  return hits
    .map(
      ({ memory, score }, i) =>
        `${i + 1}. [memory ${memory.id}] (${memory.memoryType}${memory.domain === null ? '' : `, ${memory.domain}`}, score ${score.toFixed(3)}) ${clip(memory.content, 400)}`,
    )
    .join('\n');
}

/** remember, recall, search, forget. */
export function registerMemoryTools(session: Session): void {
  registerAthenaTool(
    session,
    'remember',
    {
      title: 'Remember',
      description:
        'Store one durable memory in the project so that a later session can recall it: a fact, a decision and ' +
        'its reason, a pattern that worked, a pitfall, a preference. Write it self-contained (it will be read ' +
        "without today's context), one idea per memory. Returns the new memory id.",
      inputSchema: {
        content: TEXT.describe('The memory, self-contained, in one to a few sentences.'),
        type: oneOf(MEMORY_TYPES).optional().describe('What kind of memory (default fact).'),
        contentType: oneOf(CONTENT_TYPES)
          .optional()
          .describe('Format of the content (default text).'),
        domain: z
          .string()
          .min(1)
          .optional()
          .describe('Area it belongs to, e.g. payments, testing.'),
        tags: z.array(z.string().min(1)).optional().describe('Keywords to filter by later.'),
        sessionId: z.string().min(1).optional().describe('The session it comes from.'),
        confidence: UNIT.optional().describe('How sure you are, 0–1 (default 1).'),
        usefulness: UNIT.optional().describe('How useful it is expected to be, 0–1 (default 0).'),
      },
    },
    async (args, { memory, project }) => {
      const saved = await memory.remember(
        project.id,
        args.content,
        defined({
          memoryType: args.type,
          contentType: args.contentType,
          domain: args.domain,
          tags: args.tags,
          sessionId: args.sessionId,
          confidence: args.confidence,
          usefulnessScore: args.usefulness,
        }),
      );
      return toolResult(
        `Remembered memory ${saved.id} (${saved.memoryType}) in project ${project.name}.`,
        { project: project.name, memory: withoutEmbedding(saved) },
      );
    },
  );

  registerAthenaTool(
    session,
    'recall',
    {
      title: 'Recall',
      description:
        'Recall what the project remembers about a question or a task, before you act on it: hybrid ' +
        '(semantic + keyword) search over the memories, best first. Marks the memories as used (that keeps ' +
        'useful memories alive). Use `search` instead to look without side effects.',
      inputSchema: {
        query: TEXT.describe('What you want to know, in natural language or keywords.'),
        limit: z
          .number()
          .int()
          .min(1)
          .max(100)
          .optional()
          .describe('How many memories, 1–100 (default 5).'),
        ...FILTERS,
      },
      readOnly: false,
    },
    async (args, { memory, project }) => {
      const hits = await memory.recall(project.id, args.query, {
        limit: args.limit ?? 5,
        includeEmbedding: false,
        filters: filtersOf(args),
      });
      return toolResult(hitLines(hits, 'No memory matches.'), {
        project: project.name,
        query: args.query,
        hits: hits.map((hit) => ({ memory: hit.memory, score: hit.score, explain: hit.explain })),
      });
    },
  );

  registerAthenaTool(
    session,
    'search',
    {
      title: 'Search memories',
      description:
        "Look through the project's memories without side effects: `keyword` for exact words (error " +
        'codes, names), `semantic` for meaning, `hybrid` (default) for both.',
      inputSchema: {
        query: TEXT.describe('The words or the meaning to look for.'),
        mode: z
          .enum(['semantic', 'keyword', 'hybrid'])
          .optional()
          .describe('Which search (default hybrid).'),
        limit: z
          .number()
          .int()
          .min(1)
          .max(100)
          .optional()
          .describe('How many results, 1–100 (default 10).'),
        ...FILTERS,
      },
      readOnly: true,
    },
    async (args, { memory, project }) => {
      const mode = args.mode ?? 'hybrid';
      const hits = await memory.search(project.id, args.query, {
        mode,
        limit: args.limit ?? 10,
        includeEmbedding: false,
        filters: filtersOf(args),
      });
      return toolResult(hitLines(hits, 'No memory matches.'), {
        project: project.name,
        query: args.query,
        mode,
        hits: hits.map((hit) => ({ memory: hit.memory, score: hit.score })),
      });
    },
  );

  registerAthenaTool(
    session,
    'forget',
    {
      title: 'Forget',
      description:
        'Delete a memory that is wrong or obsolete, by its id (from recall or search), with its links and history.',
      inputSchema: { id: ID.describe('The memory id.') },
      destructive: true,
    },
    async (args, { memory, project }) => {
      if (!(await memory.forget(project.id, args.id))) {
        throw new NotFoundError('memory', args.id, { details: { project: project.name } });
      }
      return toolResult(`Forgot memory ${args.id}.`, {
        project: project.name,
        id: args.id,
        forgotten: true,
      });
    },
  );
}
