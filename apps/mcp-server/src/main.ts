/**
 * `athena-mcp`: Athena for agents over the Model Context Protocol. Thin:
 * every tool calls a package (@athena/search, the store's repositories,
 * @athena/code-graph); this file only picks the transport.
 */
import { Command, InvalidArgumentError } from 'commander';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { readVariable } from '@athena/core-types';
import { AthenaServices } from './athena-services.js';
import { createAthenaServer } from './create-athena-server.js';
import { portOf, startHttpServer } from './http-server.js';
import { VERSION } from './version.js';

function port(value: string): number {
  const number = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(number) || number > 65_535) {
    throw new InvalidArgumentError('must be a port number in 0–65535');
  }
  return number;
}

const program = new Command('athena-mcp')
  .description(
    'Athena memory as an MCP server: stdio by default, Streamable HTTP with --http. The database comes from ' +
      'ATHENA_* variables; the project from the client’s roots or the working directory.',
  )
  .version(VERSION)
  .option('--http', 'serve Streamable HTTP at /mcp instead of stdio')
  .option('--port <port>', 'HTTP port (0: any free port)', port, 8765)
  .option(
    '--host <host>',
    'HTTP address; other than loopback only with ATHENA_MCP_TOKEN',
    '127.0.0.1',
  )
  .showSuggestionAfterError();

async function main(): Promise<void> {
  program.parse();
  const options = program.opts<{ http?: boolean; port: number; host: string }>();
  const services = new AthenaServices();
  const cwd = process.cwd();
  let stop: () => Promise<void>;
  if (options.http === true) {
    const server = await startHttpServer(services, {
      host: options.host,
      port: options.port,
      token: readVariable(process.env, 'ATHENA_MCP_TOKEN'),
      cwd,
    });
    process.stderr.write(
      `athena-mcp: listening on http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${portOf(server)}/mcp\n`,
    );
    stop = () => new Promise((resolve) => server.close(() => resolve()));
  } else {
    const server = createAthenaServer(services, cwd);
    await server.connect(new StdioServerTransport());
    stop = () => server.close();
    // The client closing stdin ends the session, and the process with it.
    process.stdin.on('end', () => void shutdown());
  }
  let stopping = false;
  async function shutdown(): Promise<void> {
    if (stopping) return;
    stopping = true;
    await stop().catch(() => undefined);
    await services.close();
    process.exit(0);
  }
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
}

main().catch((error: unknown) => {
  process.stderr.write(`athena-mcp: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
