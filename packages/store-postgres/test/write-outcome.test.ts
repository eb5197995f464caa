import { BackendUnavailableError } from '@athena/core-types';
import { afterAll, afterEach, beforeEach, expect, it } from 'vitest';
import { PostgresStore } from '../src/index.js';
import { faultProxy } from './fault-proxy.js';
import type { FaultProxy } from './fault-proxy.js';
import {
  DATABASE_URL,
  adminQuery,
  describePostgres,
  dropSchema,
  freshSchema,
  vector,
} from './helpers.js';

/**
 * What a caller learns when the connection dies during a write: whether the
 * write may have taken effect (`details.mayHaveApplied`), so that running it
 * again cannot silently duplicate it.
 */
describePostgres('the outcome of a write whose connection broke', () => {
  const schema = freshSchema();
  let proxy: FaultProxy;
  let store: PostgresStore;
  let projectId: number;

  beforeEach(async () => {
    proxy = await faultProxy(DATABASE_URL);
    store = new PostgresStore({
      connectionString: proxy.url,
      schema,
      embeddingDimension: 8,
      retry: { attempts: 2, baseDelayMs: 10, maxDelayMs: 20 },
      logger: { warn: () => undefined },
    });
    await store.init();
    const project = await store.projects.create({
      name: `p${Date.now()}`,
      path: `/p${Date.now()}`,
    });
    projectId = project.id;
  });

  afterEach(async () => {
    await store.close();
    await proxy.close();
  });

  afterAll(async () => {
    await dropSchema(schema);
  });

  const count = async (content: string) =>
    Number(
      (
        await adminQuery<{ n: string }>(
          `select count(*) as n from "${schema}".memory_vectors where content = $1`,
          [content],
        )
      )[0]?.n,
    );
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => {
        throw new Error('the write succeeded');
      },
      (error: unknown) => error,
    );

  it('a statement cut off after it was sent: BackendUnavailableError, may have applied (and did)', async () => {
    proxy.cutAfter(/insert into .*memory_vectors/i);
    const error = await failure(
      store.memories.store(projectId, { content: 'cut after sending', embedding: vector(8, 1) }),
    );
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect((error as BackendUnavailableError).details).toMatchObject({ mayHaveApplied: true });
    // The caller was right not to assume otherwise: the server ran it, once (no retry).
    await expect.poll(() => count('cut after sending')).toBe(1);
  });

  it('a refused connection: BackendUnavailableError, certainly not applied', async () => {
    await proxy.refuse();
    // Let the pool see its idle connections die, so the write needs a new one.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const error = await failure(
      store.memories.store(projectId, { content: 'never sent', embedding: vector(8, 2) }),
    );
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect((error as BackendUnavailableError).details).toMatchObject({ mayHaveApplied: false });
    expect(await count('never sent')).toBe(0);
  });

  it('a transaction cut off before COMMIT is retried; one cut off at COMMIT may have applied', async () => {
    proxy.cutAfter(/insert into .*memory_vectors/i);
    await store.transaction(async (tx) => {
      await tx.memories.store(projectId, { content: 'retried whole', embedding: vector(8, 3) });
    });
    expect(await count('retried whole')).toBe(1);

    // The Query message COMMIT itself (type, length, text).
    proxy.cutAfter(/^Q[\s\S]{4}commit\0/);
    const error = await failure(
      store.transaction(async (tx) => {
        await tx.memories.store(projectId, { content: 'cut at the end', embedding: vector(8, 4) });
      }),
    );
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect((error as BackendUnavailableError).details).toMatchObject({ mayHaveApplied: true });
    await expect.poll(() => count('cut at the end')).toBe(1);
  });

  it('a read cut off says nothing about applying: it is retried', async () => {
    await store.memories.store(projectId, { content: 'read me', embedding: vector(8, 5) });
    proxy.cutAfter(/select .*memory_vectors/i);
    expect(await store.memories.count(projectId)).toBe(1);
  });
});
