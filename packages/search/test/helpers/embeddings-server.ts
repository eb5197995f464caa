import { createServer } from 'node:http';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request the fake server received. */
export interface ReceivedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  /** `model` and `input`, and any other field the client sent (e.g. `input_type`). */
  readonly body: { model?: unknown; input?: unknown; [field: string]: unknown };
}

/** Answers one request; `n` counts requests from 1. */
export type Responder = (request: ReceivedRequest, response: ServerResponse, n: number) => void;

/** A real HTTP server on 127.0.0.1 speaking the OpenAI embeddings protocol, with a swappable responder. */
export interface EmbeddingsServer {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  respond(responder: Responder): void;
  close(): Promise<void>;
}

/** A deterministic vector for `text`: component i = ((len + i) mod 7) + 1. */
export function fakeVector(text: string, dimension: number): number[] {
  return Array.from({ length: dimension }, (_, i) => ((text.length + i) % 7) + 1);
}

/** A well-behaved responder; `reverse` returns items in reverse order with their `index`. */
export function ok(dimension: number, reverse = false): Responder {
  return (request, response) => {
    const input = request.body.input as string[];
    const data = input.map((text, index) => ({
      object: 'embedding',
      index,
      embedding: fakeVector(text, dimension),
    }));
    json(response, 200, {
      object: 'list',
      data: reverse ? data.reverse() : data,
      model: request.body.model,
    });
  };
}

export function json(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

export async function startEmbeddingsServer(): Promise<EmbeddingsServer> {
  const requests: ReceivedRequest[] = [];
  let responder: Responder = (_request, response) => json(response, 500, { error: 'no responder' });
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const request: ReceivedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: text === '' ? {} : (JSON.parse(text) as ReceivedRequest['body']),
      };
      requests.push(request);
      responder(request, res, requests.length);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    respond(next) {
      responder = next;
      requests.length = 0;
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}
