import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the test server does with one request: answer, or hold it past the client's timeout. */
export type ChatReply =
  | { readonly status: number; readonly body: string; readonly headers?: Record<string, string> }
  | { readonly hang: true };

/** A request the server received. */
export interface ChatRequest {
  readonly path: string;
  readonly authorization: string | undefined;
  readonly body: {
    model: string;
    messages: { role: string; content: string }[];
    response_format?: unknown;
  };
}

/** A local HTTP server speaking `/v1/chat/completions`, scripted per request. */
export interface ChatServer {
  readonly url: string;
  readonly requests: ChatRequest[];
  close(): Promise<void>;
}

/** A chat-completions response whose message content is `content`. */
export function completion(content: string): ChatReply {
  return {
    status: 200,
    body: JSON.stringify({
      id: 'chatcmpl-test',
      object: 'chat.completion',
      choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    }),
  };
}

/**
 * Starts the server on a free port; `reply` decides each answer from the
 * request (and how many came before it).
 *
 * @example
 * ```ts
 * const server = await startChatServer(() => completion('{"summary":"x","relations":[]}'));
 * ```
 */
export async function startChatServer(
  reply: (request: ChatRequest, index: number) => ChatReply,
): Promise<ChatServer> {
  const requests: ChatRequest[] = [];
  const held: ServerResponse[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      raw += chunk;
    });
    req.on('end', () => {
      const request: ChatRequest = {
        path: req.url ?? '',
        authorization: req.headers.authorization,
        body: JSON.parse(raw) as ChatRequest['body'],
      };
      requests.push(request);
      const answer = reply(request, requests.length - 1);
      if ('hang' in answer) {
        held.push(res);
        return;
      }
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: async () => {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
