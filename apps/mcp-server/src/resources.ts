import { ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ReadResourceResult } from '@modelcontextprotocol/sdk/types.js';
import { ValidationError } from '@athena/core-types';
import type { Decision, Project, Task } from '@athena/core-types';
import type { SelectedStore } from '@athena/factory';
import type { Session } from './athena-tool.js';
import { decisionLine } from './tools/decision-tools.js';
import { taskLine } from './tools/task-tools.js';

/** Statuses of the work still to do. */
const OPEN_STATUSES = ['pending', 'in_progress', 'blocked'] as const;
/** Decisions a `recent decisions` resource shows. */
const RECENT_DECISIONS = 20;

/** The open tasks of a project, highest priority first. */
export function openTasks(store: SelectedStore, project: Project): Promise<Task[]> {
  return store.tasks.list(project.id, { statuses: [...OPEN_STATUSES] });
}

/** The latest decisions of a project, newest first. */
export async function recentDecisions(store: SelectedStore, project: Project): Promise<Decision[]> {
  const all = await store.decisions.list(project.id, {});
  return all.slice(-RECENT_DECISIONS).reverse();
}

function projectVariable(value: string | string[] | undefined): string {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || !/^\d+$/.test(text)) {
    throw new ValidationError('invalid resource: the project must be a project id', [
      { path: 'project', message: 'must be a project id' },
    ]);
  }
  return text;
}

/**
 * The resources: a project's open tasks and its recent decisions, as text
 * (one line each) with the records as JSON beside it. The listing offers the
 * session's own project; any project is readable by its id.
 */
export function registerResources(session: Session): void {
  const resources = [
    {
      name: 'open-tasks',
      path: 'tasks/open',
      title: 'Open tasks',
      description: 'Pending, in-progress and blocked tasks of the project, highest priority first.',
      read: openTasks,
      line: taskLine as (item: Task | Decision) => string,
      empty: 'No open tasks.',
    },
    {
      name: 'recent-decisions',
      path: 'decisions/recent',
      title: 'Recent decisions',
      description: `The ${RECENT_DECISIONS} latest decisions of the project, newest first, with their rationale.`,
      read: recentDecisions,
      line: decisionLine as (item: Task | Decision) => string,
      empty: 'No decisions.',
    },
  ];
  for (const resource of resources) {
    session.server.registerResource(
      resource.name,
      new ResourceTemplate(`athena://projects/{project}/${resource.path}`, {
        list: async () => {
          const { store } = await session.services.open();
          const project = await session.projects.resolve(store.projects, undefined);
          return {
            resources: [
              {
                uri: `athena://projects/${project.id}/${resource.path}`,
                name: `${resource.name} of ${project.name}`,
                title: `${resource.title} of ${project.name}`,
                mimeType: 'text/plain',
              },
            ],
          };
        },
      }),
      { title: resource.title, description: resource.description, mimeType: 'text/plain' },
      async (uri, variables): Promise<ReadResourceResult> => {
        const { store } = await session.services.open();
        const project = await session.projects.resolve(
          store.projects,
          projectVariable(variables['project']),
        );
        const items = await resource.read(store, project);
        return {
          contents: [
            {
              uri: uri.href,
              mimeType: 'text/plain',
              text: items.length === 0 ? resource.empty : items.map(resource.line).join('\n'),
            },
            {
              uri: `${uri.href}.json`,
              mimeType: 'application/json',
              text: JSON.stringify(items),
            },
          ],
        };
      },
    );
  }
}
