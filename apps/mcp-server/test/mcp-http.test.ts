import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearerTokenCheck, isLoopback } from '../src/bearer-token.js';
import { connectHttp, MAIN, textOf } from './connect.js';

const TOKEN = 'correct-horse-battery-staple-7f3a';
const INITIALIZE = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: {
    protocolVersion: '2025-06-18',
    capabilities: {},
    clientInfo: { name: 'raw', version: '1' },
  },
});

/** Starts the built server with `args`; resolves with its URL once it listens, or its exit. */
function start(
  args: string[],
  env: Record<string, string>,
  cwd: string,
): Promise<{ child: ChildProcess; url: string | null; code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], {
      cwd,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      const url = /listening on (\S+)/.exec(stderr)?.[1];
      if (url !== undefined) resolve({ child, url, code: null, stderr });
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ child, url: null, code, stderr }));
  });
}

function post(url: string, headers: Record<string, string>): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...headers,
    },
    body: INITIALIZE,
  });
}

describe('athena-mcp over Streamable HTTP', () => {
  let root: string;
  let env: Record<string, string>;
  let server: ChildProcess;
  let url: string;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'athena-mcp-http-'));
    mkdirSync(join(root, 'ledgerly'));
    env = {
      ATHENA_DB_TYPE: 'sqlite',
      ATHENA_SQLITE_PATH: join(root, 'memory.db'),
      ATHENA_EMBEDDING_DIM: '32',
    };
    const started = await start(
      ['--http', '--port', '0'],
      { ...env, ATHENA_MCP_TOKEN: TOKEN },
      join(root, 'ledgerly'),
    );
    expect(started.url, started.stderr).not.toBeNull();
    server = started.child;
    url = started.url as string;
  });
  afterAll(() => {
    server?.kill('SIGTERM');
    rmSync(root, { recursive: true, force: true });
  });

  it('serves the SDK client that sends the right token: every session its own, the database shared', async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    const first = await connectHttp(url, TOKEN);
    const second = await connectHttp(url, TOKEN);
    try {
      expect((await first.client.listTools()).tools).toHaveLength(16);
      const saved = await first.call('remember', { content: 'Invoices are numbered per year' });
      expect(textOf(saved)).toMatch(/^Remembered memory \d+ \(fact\) in project ledgerly\.$/);
      const recalled = await second.call('recall', { query: 'invoice numbering' });
      expect(textOf(recalled)).toMatch(/Invoices are numbered per year/);
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('refuses a wrong token and a missing one with 401 before reading the request', async () => {
    await expect(connectHttp(url, 'wrong-token')).rejects.toThrow(/401|unauthorized/i);
    await expect(connectHttp(url)).rejects.toThrow(/401|unauthorized/i);
    for (const headers of [
      {} as Record<string, string>,
      { authorization: 'Bearer wrong' },
      { authorization: `Basic ${TOKEN}` },
      { authorization: `Bearer ${TOKEN}x` },
    ]) {
      const response = await post(url, headers);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(await response.json()).toMatchObject({ error: { message: /unauthorized/ } });
    }
    const right = await post(url, { authorization: `Bearer ${TOKEN}` });
    expect(right.status).toBe(200);
    expect(right.headers.get('mcp-session-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers requests without a session, or to another path, with an error status', async () => {
    const noSession = await fetch(url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${TOKEN}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
    });
    expect(noSession.status).toBe(400);
    const elsewhere = await fetch(url.replace(/\/mcp$/, '/other'), {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(elsewhere.status).toBe(404);
    const badJson = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(badJson.status).toBe(400);
  });

  it('refuses a foreign Host header on loopback (DNS rebinding)', async () => {
    const { port } = new URL(url);
    const status = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port,
            path: '/mcp',
            method: 'POST',
            headers: {
              host,
              authorization: `Bearer ${TOKEN}`,
              'content-type': 'application/json',
              accept: 'application/json, text/event-stream',
            },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end(INITIALIZE);
      });
    expect(await status(`evil.example:${port}`)).toBe(403);
    expect(await status(`localhost:${port}`)).toBe(200);
  });

  it('refuses to listen on a non-loopback address without a token', async () => {
    const refused = await start(['--http', '--port', '0', '--host', '0.0.0.0'], env, root);
    expect(refused.url).toBeNull();
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /refusing to listen on 0\.0\.0\.0 without a token: set ATHENA_MCP_TOKEN/,
    );
  });
});

describe('bearer token check', () => {
  it('accepts exactly the token, whatever the length of the attempt', () => {
    const check = bearerTokenCheck(TOKEN);
    expect(check(`Bearer ${TOKEN}`)).toBe(true);
    expect(check(`bearer   ${TOKEN}`)).toBe(true);
    for (const header of [undefined, '', 'Bearer', `Bearer ${TOKEN.slice(1)}`, 'Bearer x', TOKEN]) {
      expect(check(header)).toBe(false);
    }
  });

  it('knows loopback addresses', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) {
      expect(isLoopback(host)).toBe(true);
    }
    for (const host of ['0.0.0.0', '::', '192.168.1.10', 'example.com']) {
      expect(isLoopback(host)).toBe(false);
    }
  });
});
