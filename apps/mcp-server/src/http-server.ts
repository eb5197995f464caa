import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { ValidationError } from '@athena/core-types';
import type { AthenaServices } from './athena-services.js';
import { bearerTokenCheck, isLoopback } from './bearer-token.js';
import { createAthenaServer } from './create-athena-server.js';

/** Options of {@link startHttpServer}. */
export interface HttpServerOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** Required on every request when set; mandatory on a non-loopback host. */
  readonly token: string | undefined;
  readonly cwd: string;
}

/** Largest request body: an MCP message with a long memory is far below. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;
/** The endpoint, as in the MCP specification's examples. */
const ENDPOINT = '/mcp';

function reply(res: ServerResponse, status: number, message: string, headers = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new RangeError('request body too large');
    chunks.push(chunk as Buffer);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

/**
 * Serves MCP over Streamable HTTP at `/mcp`: one MCP server per session
 * (`Mcp-Session-Id`), all sharing `services`. Refuses to start on a
 * non-loopback host without a token; with a token, every request must carry
 * `Authorization: Bearer <token>` (401 otherwise, before anything is read).
 *
 * @example
 * ```ts
 * const http = await startHttpServer(services, { host: '127.0.0.1', port: 8765, token, cwd });
 * ```
 */
export async function startHttpServer(
  services: AthenaServices,
  options: HttpServerOptions,
): Promise<Server> {
  if (options.token === undefined && !isLoopback(options.host)) {
    throw new ValidationError(
      `refusing to listen on ${options.host} without a token: set ATHENA_MCP_TOKEN, or listen on 127.0.0.1`,
      [{ path: '--host', message: 'a non-loopback host needs ATHENA_MCP_TOKEN' }],
    );
  }
  const authorized = options.token === undefined ? null : bearerTokenCheck(options.token);
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  // On loopback, a web page could reach the server through DNS rebinding
  // (evil.example resolving to 127.0.0.1): only this machine's own names are
  // accepted as Host. Filled in once the port is known.
  let allowedHosts: string[] | null = null;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (authorized !== null && !authorized(req.headers.authorization)) {
      reply(res, 401, 'unauthorized: a valid bearer token is required', {
        'www-authenticate': 'Bearer realm="athena-mcp"',
      });
      return;
    }
    if (new URL(req.url ?? '/', 'http://localhost').pathname !== ENDPOINT) {
      reply(res, 404, `not found: the MCP endpoint is ${ENDPOINT}`);
      return;
    }
    const sessionId = req.headers['mcp-session-id'];
    const existing = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
    if (req.method !== 'POST') {
      if (existing === undefined) {
        reply(res, 400, 'bad request: unknown or missing Mcp-Session-Id');
        return;
      }
      await existing.handleRequest(req, res);
      return;
    }
    let body: unknown;
    try {
      body = await readJson(req);
    } catch (error) {
      reply(res, 400, `bad request: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    if (existing !== undefined) {
      await existing.handleRequest(req, res, body);
      return;
    }
    if (sessionId !== undefined || !isInitializeRequest(body)) {
      reply(res, 400, 'bad request: unknown or missing Mcp-Session-Id');
      return;
    }
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      ...(allowedHosts === null ? {} : { enableDnsRebindingProtection: true, allowedHosts }),
      onsessioninitialized: (id) => {
        sessions.set(id, transport);
      },
    });
    transport.onclose = () => {
      if (transport.sessionId !== undefined) sessions.delete(transport.sessionId);
    };
    await createAthenaServer(services, options.cwd).connect(transport);
    await transport.handleRequest(req, res, body);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      process.stderr.write(
        `athena-mcp: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      if (!res.headersSent) reply(res, 500, 'internal error');
    });
  });
  server.on('close', () => {
    for (const transport of sessions.values()) void transport.close();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  if (isLoopback(options.host)) {
    const port = portOf(server);
    allowedHosts = ['127.0.0.1', 'localhost', '[::1]', options.host].map((h) => `${h}:${port}`);
  }
  return server;
}

/** The port a started server listens on. */
export function portOf(server: Server): number {
  return (server.address() as AddressInfo).port;
}
