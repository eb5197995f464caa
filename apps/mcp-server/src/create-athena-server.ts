import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { AthenaServices } from './athena-services.js';
import type { Session } from './athena-tool.js';
import { ProjectSource } from './project-source.js';
import { registerPrompts } from './prompts.js';
import { registerResources } from './resources.js';
import { registerCodeTools } from './tools/code-tools.js';
import { registerConsolidateTool } from './tools/consolidate-tool.js';
import { registerDecisionTools } from './tools/decision-tools.js';
import { registerEventTools } from './tools/event-tools.js';
import { registerGoalTools } from './tools/goal-tools.js';
import { registerMemoryTools } from './tools/memory-tools.js';
import { registerStatsTool } from './tools/stats-tool.js';
import { registerTaskTools } from './tools/task-tools.js';
import { VERSION } from './version.js';

/** What the model reads about the server as a whole when it connects. */
const INSTRUCTIONS = [
  'Athena is long-term memory for this project, kept across sessions.',
  'At the start of a task: `recall` what the project knows about it and `list_tasks` for open work.',
  'While working: `remember` durable lessons, facts and pitfalls (one self-contained idea each), ',
  '`record_decision` for design decisions with their rationale, `create_task`/`update_task` for work ',
  'that outlives the session, `record_event` for noteworthy events. `forget` what turns out wrong.',
  'For code: `index_code` once (and again after edits), then `code_impact` before changing an entity ',
  'and `code_search` to find code by what it does.',
  '`consolidate` merges duplicates and turns events into lessons (usually a background worker does it).',
  'Every tool works in the project of your workspace root unless you pass `project`.',
].join('\n');

/**
 * One MCP server (one session): every tool, resource and prompt, over the
 * shared `services`, with its own project source (the client's roots, else
 * `cwd`).
 *
 * @example
 * ```ts
 * const services = new AthenaServices();
 * await createAthenaServer(services, process.cwd()).connect(new StdioServerTransport());
 * ```
 */
export function createAthenaServer(services: AthenaServices, cwd: string): McpServer {
  const server = new McpServer(
    { name: 'athena', title: 'Athena memory', version: VERSION },
    { instructions: INSTRUCTIONS, capabilities: { logging: {} } },
  );
  const session: Session = { server, services, projects: new ProjectSource(server.server, cwd) };
  registerMemoryTools(session);
  registerEventTools(session);
  registerGoalTools(session);
  registerTaskTools(session);
  registerDecisionTools(session);
  registerStatsTool(session);
  registerCodeTools(session);
  registerConsolidateTool(session);
  registerResources(session);
  registerPrompts(session);
  return server;
}
