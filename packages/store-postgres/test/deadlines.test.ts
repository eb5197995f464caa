import { BackendUnavailableError } from '@athena/core-types';
import { afterAll, expect, it } from 'vitest';
import { PostgresStore } from '../src/index.js';
import { faultProxy } from './fault-proxy.js';
import { DATABASE_URL, describePostgres, dropSchema, freshSchema, vector } from './helpers.js';

describePostgres('a server that stops answering', () => {
  const schema = freshSchema();
  afterAll(async () => {
    await dropSchema(schema);
  });

  it('fails each operation and health() within the deadlines, and recovers once it answers again, without reopening', async () => {
    const proxy = await faultProxy(DATABASE_URL);
    const store = new PostgresStore({
      connectionString: proxy.url,
      schema,
      embeddingDimension: 8,
      queryTimeoutMs: 800,
      connectionTimeoutMs: 800,
      retry: { attempts: 2, baseDelayMs: 10, maxDelayMs: 20 },
      logger: { warn: () => undefined },
    });
    try {
      await store.init();
      const project = await store.projects.create({ name: 'frozen', path: '/frozen' });
      await store.memories.store(project.id, { content: 'before', embedding: vector(8, 1) });
      proxy.freeze();
      const timed = async (work: () => Promise<unknown>) => {
        const started = performance.now();
        const outcome: { value?: unknown; error?: unknown } = await work().then(
          (value) => ({ value }),
          (error: unknown) => ({ error }),
        );
        return { ...outcome, ms: performance.now() - started };
      };
      // A read is retried once: two deadlines and a short backoff.
      const read = await timed(() => store.memories.count(project.id));
      expect(read).toMatchObject({ error: expect.any(BackendUnavailableError) });
      expect(read.ms).toBeLessThan(4_000);
      const write = await timed(() =>
        store.memories.store(project.id, { content: 'during', embedding: vector(8, 2) }),
      );
      expect(write).toMatchObject({ error: expect.any(BackendUnavailableError) });
      expect(write.ms).toBeLessThan(4_000);
      const health = await timed(() => store.health());
      expect(health.value).toMatchObject({ ok: false });
      expect(health.ms).toBeLessThan(2_000);

      proxy.thaw();
      await expect
        .poll(() => store.health().then((report) => report.ok), { timeout: 5_000 })
        .toBe(true);
      expect(await store.memories.count(project.id)).toBeGreaterThanOrEqual(1);
    } finally {
      proxy.thaw();
      await store.close();
      await proxy.close();
    }
  });
});
