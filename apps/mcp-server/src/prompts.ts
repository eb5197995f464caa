import { z } from 'zod';
import type { Session } from './athena-tool.js';
import { openTasks, recentDecisions } from './resources.js';
import { decisionLine } from './tools/decision-tools.js';
import { taskLine } from './tools/task-tools.js';
import { clip } from './tool-result.js';

/** Memories the `start_task` prompt brings along. */
const PROMPT_MEMORIES = 8;

/**
 * Two prompts that teach an agent to use memory well: `start_task` brings
 * what the project remembers about a task (memories, open tasks, recent
 * decisions) into the conversation; `wrap_up` asks to save what a session
 * taught before it ends.
 */
export function registerPrompts(session: Session): void {
  session.server.registerPrompt(
    'start_task',
    {
      title: 'Start a task with what the project remembers',
      description:
        'Recalls the memories relevant to a task and lists the open tasks and recent decisions, to read before starting.',
      argsSchema: {
        task: z.string().min(1).describe('The task about to start.'),
        project: z
          .string()
          .min(1)
          .optional()
          .describe('Project id, name or path (default: the workspace).'),
      },
    },
    async ({ task, project: wanted }) => {
      const { store, memory } = await session.services.open();
      const project = await session.projects.resolve(store.projects, wanted);
      const hits = await memory.recall(project.id, task, {
        limit: PROMPT_MEMORIES,
        includeEmbedding: false,
      });
      const tasks = await openTasks(store, project);
      const decisions = (await recentDecisions(store, project)).slice(0, 10);
      const section = (title: string, lines: string[]) =>
        `## ${title}\n${lines.length === 0 ? '(none)' : lines.join('\n')}`;
      const text = [
        `I am about to work on this task in project ${project.name}: ${task}`,
        'Here is what the project remembers. Take it into account, tell me if any of it looks outdated ' +
          '(then `forget` it), and `remember` what you learn that a later session would need.',
        section(
          'Relevant memories',
          hits.map(
            (h) =>
              `- [memory ${h.memory.id}] (${h.memory.memoryType}) ${clip(h.memory.content, 400)}`,
          ),
        ),
        section(
          'Open tasks',
          tasks.map((t) => `- ${taskLine(t)}`),
        ),
        section(
          'Recent decisions',
          decisions.map((d) => `- ${decisionLine(d)}`),
        ),
      ].join('\n\n');
      return { messages: [{ role: 'user', content: { type: 'text', text } }] };
    },
  );

  session.server.registerPrompt(
    'wrap_up',
    {
      title: 'Save what this session taught',
      description: 'Asks to record the session’s lessons, decisions and open work before it ends.',
    },
    () => ({
      messages: [
        {
          role: 'user',
          content: {
            type: 'text',
            text: [
              'Before we stop, save what a later session will need:',
              '1. `remember` each durable lesson, fact or pitfall, one self-contained memory each (type pattern, fact or decision).',
              '2. `record_decision` for each design decision taken, with its rationale and rejected alternatives.',
              '3. `update_task` for the tasks worked on (completed, blocked with the reason), and `create_task` for follow-ups.',
              '4. `record_event` once for the session itself: what was done, its outcome and what was learned.',
              'Do not store secrets, and do not store what the code or the git history already says.',
            ].join('\n'),
          },
        },
      ],
    }),
  );
}
