import net from 'node:net';

/**
 * A TCP proxy between the store and the test server that breaks connections
 * on cue, to show what a caller learns when a connection dies at a given
 * moment — without touching the shared server.
 */
export interface FaultProxy {
  /** `postgres://…` of the proxy, for the store. */
  readonly url: string;
  /**
   * The next message from the client whose text matches is forwarded to the
   * server, and then the client's connection is cut before any answer: the
   * server runs the statement, the client never learns its outcome.
   */
  cutAfter(pattern: RegExp): void;
  /**
   * Stops passing bytes either way, on open and new connections alike, as a
   * frozen server (SIGSTOP) or a network dropping packets would, until `thaw()`.
   */
  freeze(): void;
  thaw(): void;
  /** Cuts every connection and refuses new ones (`ECONNREFUSED`) until `accept()`. */
  refuse(): Promise<void>;
  accept(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts a proxy on a free loopback port in front of `target` (a URL whose
 * host and port are used; the rest is kept for the proxy's own URL).
 *
 * @example
 * ```ts
 * const proxy = await faultProxy(DATABASE_URL);
 * proxy.cutAfter(/insert into/i);
 * ```
 */
export async function faultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  const sockets = new Set<net.Socket>();
  let cut: RegExp | null = null;
  let frozen = false;
  let port = 0;
  const handle = (client: net.Socket) => {
    const server = net.connect(Number(upstream.port || 5432), upstream.hostname);
    sockets.add(client).add(server);
    if (frozen) {
      client.pause();
      server.pause();
    }
    const drop = () => {
      client.destroy();
      server.destroy();
      sockets.delete(client);
      sockets.delete(server);
    };
    client.on('data', (chunk) => {
      const pattern = cut;
      server.write(chunk);
      if (pattern !== null && pattern.test(chunk.toString('latin1'))) {
        cut = null;
        // The server's answer is swallowed; the client is cut off once the
        // statement has had time to reach the server (and the server's side
        // closes with it, when the client's does).
        server.removeAllListeners('data');
        server.resume();
        setTimeout(() => client.destroy(), 50);
      }
    });
    server.on('data', (chunk) => client.write(chunk));
    client.on('close', drop).on('error', drop);
    server.on('close', drop).on('error', drop);
  };
  let listener = net.createServer(handle);
  const listen = () =>
    new Promise<void>((resolve) => listener.listen(port, '127.0.0.1', () => resolve()));
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      listener.close(() => resolve());
    });
  await listen();
  port = (listener.address() as net.AddressInfo).port;
  const url = new URL(target);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return {
    url: url.toString(),
    cutAfter: (pattern) => {
      cut = pattern;
    },
    freeze: () => {
      frozen = true;
      for (const socket of sockets) socket.pause();
    },
    thaw: () => {
      frozen = false;
      for (const socket of sockets) socket.resume();
    },
    refuse: stop,
    accept: async () => {
      listener = net.createServer(handle);
      await listen();
    },
    close: stop,
  };
}
