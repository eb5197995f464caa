import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { connectStdio, textOf } from './connect.js';

it('a database that cannot be reached is a tool error on every call, never a crash', async () => {
  const cwd = mkdtempSync(join(tmpdir(), 'athena-mcp-down-'));
  const mcp = await connectStdio({
    cwd,
    env: {
      // A port nothing listens on, and no fall-back to SQLite.
      ATHENA_DATABASE_URL: 'postgres://athena@127.0.0.1:9/athena',
      ATHENA_FALLBACK: 'none',
    },
  });
  try {
    for (let attempt = 0; attempt < 2; attempt++) {
      const result = await mcp.call('remember', { content: 'lost' });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(/^backend_unavailable: /);
      expect(result.structuredContent).toMatchObject({ error: { code: 'backend_unavailable' } });
    }
    expect((await mcp.client.listTools()).tools.length).toBeGreaterThan(0);
  } finally {
    await mcp.close();
    rmSync(cwd, { recursive: true, force: true });
  }
});
