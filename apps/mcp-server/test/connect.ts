import { fileURLToPath, pathToFileURL } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ListRootsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

/** The built server, as `npx athena-mcp` runs it. */
export const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

/** A connected SDK client, and how to end it. */
export interface Connected {
  readonly client: Client;
  /** What the server wrote to stderr so far. */
  stderr(): string;
  /** One tool call; fails the test when the result is not an object. */
  call(name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
  close(): Promise<void>;
}

function wrap(client: Client, stderr: () => string, close: () => Promise<void>): Connected {
  return {
    client,
    stderr,
    call: async (name, args = {}) =>
      (await client.callTool({ name, arguments: args })) as CallToolResult,
    close,
  };
}

/**
 * Spawns `node dist/main.js` with exactly `env` (plus PATH and HOME) in
 * `cwd`, and connects the SDK's own `Client` to it over stdio; `roots` makes
 * the client announce roots and answer `roots/list` with them.
 */
export async function connectStdio(options: {
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  readonly roots?: readonly string[];
}): Promise<Connected & { setRoots(dirs: readonly string[]): Promise<void> }> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [MAIN],
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...options.env },
    cwd: options.cwd,
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const client = new Client(
    { name: 'athena-test', version: '1.0.0' },
    { capabilities: options.roots === undefined ? {} : { roots: { listChanged: true } } },
  );
  const asRoots = (dirs: readonly string[]) =>
    dirs.map((dir) => ({ uri: pathToFileURL(dir).href, name: dir }));
  let roots = asRoots(options.roots ?? []);
  if (options.roots !== undefined) {
    client.setRequestHandler(ListRootsRequestSchema, () => ({ roots }));
  }
  await client.connect(transport);
  return {
    ...wrap(
      client,
      () => stderr,
      () => client.close(),
    ),
    // Changes the client's roots and tells the server, as an editor does when a folder is opened.
    setRoots: async (dirs) => {
      roots = asRoots(dirs);
      await client.sendRootsListChanged();
    },
  };
}

/** Connects the SDK's `Client` over Streamable HTTP, with `token` as bearer when given. */
export async function connectHttp(url: string, token?: string): Promise<Connected> {
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    ...(token === undefined
      ? {}
      : { requestInit: { headers: { authorization: `Bearer ${token}` } } }),
  });
  const client = new Client({ name: 'athena-test', version: '1.0.0' });
  await client.connect(transport);
  return wrap(
    client,
    () => '',
    () => client.close(),
  );
}

/** The text of a tool result's first content block. */
export function textOf(result: CallToolResult): string {
  const first = result.content[0];
  return first?.type === 'text' ? first.text : '';
}
