import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PgliteStore, openPglite } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'athena-pglite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('PgliteStore', () => {
  it('keeps its data in its directory across close and reopen, and closes the PGlite it opened', async () => {
    const dataDir = join(dir, 'a', 'b');
    const first = new PgliteStore({ dataDir, embeddingDimension: 3 });
    await first.init();
    const project = await first.projects.create({ name: 'p', path: '/p' });
    // float32 values that print with many digits: they must come back bit for bit
    const embedding = new Float32Array([0.1, -1 / 3, 1.2345678e-7]);
    const stored = await first.memories.store(project.id, { content: 'persisted', embedding });
    await first.close();

    const again = new PgliteStore({ dataDir });
    await again.init();
    expect(again.embeddingDimension).toBe(3);
    const read = await again.memories.get(project.id, stored.id);
    expect(read?.content).toBe('persisted');
    expect(Array.from(read?.embedding ?? [])).toEqual(Array.from(embedding));
    const [hit] = await again.search.semantic(project.id, embedding, { limit: 1 });
    expect(hit?.memory.id).toBe(stored.id);
    expect(hit?.score).toBeCloseTo(1, 6);
    await again.close();
    await again.close();
  });

  it('leaves a PGlite it was given open, for the other stores on it', async () => {
    const db = await openPglite();
    try {
      const one = new PgliteStore({ pglite: db, schema: 'one', embeddingDimension: 2 });
      const two = new PgliteStore({ pglite: db, schema: 'two', embeddingDimension: 2 });
      await one.init();
      await two.init();
      await one.projects.create({ name: 'only-in-one', path: '/one' });
      await one.close();
      expect(db.closed).toBe(false);
      expect((await two.projects.list()).map((p) => p.name)).toEqual([]);
      await two.close();
      const { rows } = await db.query<{ n: number }>('select count(*)::int as n from one.projects');
      expect(rows[0]?.n).toBe(1);
    } finally {
      await db.close();
    }
  });

  it('reports itself as pglite, with one session and no concurrent writers', async () => {
    const store = new PgliteStore({ embeddingDimension: 2 });
    await store.init();
    try {
      const health = await store.health();
      expect(health).toMatchObject({ ok: true, backend: 'pglite' });
      expect(health.versions?.['postgresql']).toMatch(/^18\./);
      expect(store.capabilities.concurrentWriters).toBe(false);
      expect(store.capabilities.savepoints).toBe(true);
      expect((await store.stats()).indexes.every((index) => index.present && index.valid)).toBe(
        true,
      );
    } finally {
      await store.close();
    }
  });
});
