import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { CodeGraph } from '@athena/code-graph';
import type { Consolidator } from '@athena/consolidation';
import type { Project } from '@athena/core-types';
import type { SelectedStore } from '@athena/factory';
import type { AthenaMemory } from '@athena/search';
import type { AthenaServices } from './athena-services.js';
import type { ProjectSource } from './project-source.js';
import { toolError } from './tool-result.js';

/** One MCP session: its server, the shared services, its own project source. */
export interface Session {
  readonly server: McpServer;
  readonly services: AthenaServices;
  readonly projects: ProjectSource;
}

/** What a tool's body works with: the opened services and the call's project. */
export interface CallContext {
  readonly store: SelectedStore;
  readonly memory: AthenaMemory;
  readonly code: CodeGraph;
  /** The consolidation worker, made on first use. */
  readonly consolidator: () => Consolidator;
  readonly project: Project;
  /**
   * Sends an MCP progress notification (`progress` of `total`, and a
   * message) when the client asked for them with a progress token, else null.
   */
  readonly progress: ((progress: number, total: number, message: string) => void) | null;
}

/** The `project` argument every tool takes. */
export const PROJECT_ARGUMENT = z
  .string()
  .min(1)
  .optional()
  .describe(
    'Project to work in: its id, its name, or an absolute path (a path is created on first use). ' +
      'Omit it to use the project of your workspace root.',
  );

/** How a tool is described to the model. */
export interface AthenaToolConfig<Shape extends z.ZodRawShape> {
  readonly title: string;
  readonly description: string;
  readonly inputSchema: Shape;
  /** The tool changes nothing. */
  readonly readOnly?: boolean;
  /** The tool deletes something. */
  readonly destructive?: boolean;
}

/**
 * Registers a tool whose body runs in the call's project: the arguments
 * are checked against `inputSchema` (plus `project`) by the SDK, every
 * error the body throws becomes an MCP tool error with the typed error's
 * code and message, and nothing ever takes the server down.
 *
 * @example
 * ```ts
 * registerAthenaTool(session, 'forget', { title: 'Forget', description: '…', inputSchema: { id: z.number() } },
 *   async ({ id }, { memory, project }) => toolResult(`Forgot ${id}`, { id, forgotten: await memory.forget(project.id, id) }));
 * ```
 */
export function registerAthenaTool<Shape extends z.ZodRawShape>(
  session: Session,
  name: string,
  config: AthenaToolConfig<Shape>,
  run: (args: z.infer<z.ZodObject<Shape>>, context: CallContext) => Promise<CallToolResult>,
): void {
  const inputSchema: z.ZodRawShape = { ...config.inputSchema, project: PROJECT_ARGUMENT };
  session.server.registerTool(
    name,
    {
      title: config.title,
      description: config.description,
      inputSchema,
      annotations: {
        title: config.title,
        readOnlyHint: config.readOnly === true,
        destructiveHint: config.destructive === true,
        openWorldHint: false,
      },
    },
    async (args, extra) => {
      const token = extra._meta?.progressToken;
      // Notifications go out in order, all before the result (the client stops listening then).
      let sent = Promise.resolve();
      const progress =
        token === undefined
          ? null
          : (value: number, total: number, message: string) => {
              sent = sent
                .then(() =>
                  extra.sendNotification({
                    method: 'notifications/progress',
                    params: { progressToken: token, progress: value, total, message },
                  }),
                )
                // A client that went away misses its progress; the call goes on.
                .catch(() => {});
            };
      try {
        const { store, memory, code } = await session.services.open();
        const project = await session.projects.resolve(
          store.projects,
          args['project'] as string | undefined,
        );
        return await run(args as z.infer<z.ZodObject<Shape>>, {
          store,
          memory,
          code,
          consolidator: () => session.services.consolidator(store),
          project,
          progress,
        });
      } catch (error) {
        return toolError(error);
      } finally {
        await sent;
      }
    },
  );
}
