import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { closedPort, tempDir } from './helpers.js';

const entry = fileURLToPath(new URL('../dist/index.cjs', import.meta.url));

/**
 * Runs `createStore` in a fresh Node process through the published CommonJS
 * entry and returns the driver packages that process loaded.
 */
function driversLoadedBy(options: object): string[] {
  const script = `
    const { createStore } = require(${JSON.stringify(entry)});
    createStore(${JSON.stringify(options)}).then(async (store) => {
      const loaded = Object.keys(require.cache)
        .map((file) => /node_modules\\/(pg|pg-pool|pgvector|kysely|better-sqlite3|sqlite-vec)\\//.exec(file)?.[1])
        .filter(Boolean);
      await store.close();
      process.stdout.write(JSON.stringify({ backend: store.backend, loaded: [...new Set(loaded)].sort() }));
    });`;
  const out = execFileSync(process.execPath, ['-e', script], {
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] },
  });
  const result = JSON.parse(out) as { backend: string; loaded: string[] };
  return result.loaded;
}

describe('lazy backend loading', () => {
  it('an application on SQLite never loads pg, pgvector or kysely', () => {
    const { dir, cleanup } = tempDir();
    try {
      const loaded = driversLoadedBy({
        env: {},
        sqlite: { path: `${dir}/m.db` },
        embeddingDimension: 4,
      });
      expect(loaded).toContain('better-sqlite3');
      expect(
        loaded.filter((name) => ['pg', 'pg-pool', 'pgvector', 'kysely'].includes(name)),
      ).toEqual([]);
    } finally {
      cleanup();
    }
  });

  it('an application on PostgreSQL (here: failing over is disabled) never loads better-sqlite3', async () => {
    const port = await closedPort();
    const script = `
      const { createStore } = require(${JSON.stringify(entry)});
      createStore({ env: { ATHENA_DATABASE_URL: 'postgres://x@127.0.0.1:${port}/db', ATHENA_FALLBACK: 'none' } })
        .catch(() => {
          const loaded = Object.keys(require.cache).filter((f) => /node_modules\\/(better-sqlite3|sqlite-vec)\\//.test(f));
          const pgLoaded = Object.keys(require.cache).some((f) => /node_modules\\/pg\\//.test(f));
          process.stdout.write(JSON.stringify({ loaded, pgLoaded }));
        });`;
    const out = execFileSync(process.execPath, ['-e', script], {
      encoding: 'utf8',
      env: { PATH: process.env['PATH'] },
    });
    expect(JSON.parse(out)).toEqual({ loaded: [], pgLoaded: true });
  });
});
