import {
  DimensionMismatchError,
  EmbeddingModelMismatchError,
  ValidationError,
} from '@athena/core-types';
import type { Store } from '@athena/core-types';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AthenaMemory, HashingEmbedder, OpenAICompatibleEmbedder } from '../src/index.js';
import type { Embedder, OpenAICompatibleEmbedderOptions } from '../src/index.js';
import { countingEmbedder, countingStore } from './helpers/counting.js';
import { BACKENDS } from './helpers/backends.js';
import { ok, startEmbeddingsServer } from './helpers/embeddings-server.js';
import type { EmbeddingsServer } from './helpers/embeddings-server.js';

const DIM = 64;
const DAY = 86_400_000;

describe.each(BACKENDS)('on $name', (backend) => {
  let db: Store;
  let dispose: () => Promise<void>;
  let projectId: number;
  const hashing = new HashingEmbedder({ dimension: DIM });

  beforeEach(async () => {
    ({ store: db, dispose } = await backend.open(DIM));
    projectId = (await db.projects.create({ name: 'demo', path: '/src/demo' })).id;
  });

  afterEach(async () => {
    await dispose();
  });

  function service(store: Store = db, embedder: Embedder = hashing) {
    return new AthenaMemory({ store, embedder });
  }

  async function consolidate(memoryId: number): Promise<void> {
    await db.consolidation.transition(projectId, memoryId, 'consolidating', { actor: 'test' });
    await db.consolidation.transition(projectId, memoryId, 'consolidated', { actor: 'test' });
  }

  describe('AthenaMemory.remember', () => {
    it('embeds and stores with the metadata and embeddingModel = embedder.modelId', async () => {
      const saved = await service().remember(projectId, 'The test database is athena_test', {
        memoryType: 'context',
        domain: 'testing',
        tags: ['db', 'ci'],
        sessionId: 'session-1',
        usefulnessScore: 0.4,
      });
      const stored = await db.memories.get(projectId, saved.id);
      expect(stored).toMatchObject({
        content: 'The test database is athena_test',
        memoryType: 'context',
        domain: 'testing',
        tags: ['db', 'ci'],
        sessionId: 'session-1',
        usefulnessScore: 0.4,
        embeddingModel: 'athena-hash-v2-64',
        consolidationState: 'unconsolidated',
      });
      const expected = await hashing.embed('The test database is athena_test');
      expect([...(stored?.embedding ?? [])]).toEqual([...expected]);
    });

    it('refuses an embedder whose dimension differs from the database, before writing', async () => {
      const wrong = service(db, new HashingEmbedder({ dimension: 32 }));
      await expect(wrong.remember(projectId, 'x')).rejects.toBeInstanceOf(DimensionMismatchError);
      await expect(wrong.recall(projectId, 'x')).rejects.toBeInstanceOf(DimensionMismatchError);
      expect(await db.memories.count(projectId)).toBe(0);
    });
  });

  describe('AthenaMemory.rememberMany', () => {
    it('embeds with one embedMany and stores with one storeMany, ids in input order', async () => {
      const counted = countingStore(db);
      const embedder = countingEmbedder(hashing);
      const items = [
        { content: 'Use pnpm for every install', memoryType: 'decision' as const },
        { content: 'Node 20 is the minimum runtime', domain: 'runtime' },
        { content: 'Run the linter before committing', tags: ['workflow'] },
        { content: 'SQLite is the default backend' },
        { content: 'PostgreSQL needs pgvector 0.8' },
      ];
      const ids = await service(counted.store, embedder.embedder).rememberMany(projectId, items);
      expect(embedder.calls).toEqual(['embedMany(5)']);
      expect(embedder.inputTypes).toEqual(['document']);
      expect(counted.calls).toEqual(['memories.storeMany']);
      const stored = await db.memories.getMany(projectId, ids);
      expect(stored.map((m) => m.content)).toEqual(items.map((item) => item.content));
      expect(stored.map((m) => m.embeddingModel)).toEqual(Array(5).fill(hashing.modelId));
      expect(stored[0]?.memoryType).toBe('decision');
      expect(stored[1]?.domain).toBe('runtime');
      expect(stored[2]?.tags).toEqual(['workflow']);
    });

    it('stores all or nothing: one invalid item rejects the whole call', async () => {
      await expect(
        service().rememberMany(projectId, [
          { content: 'fine' },
          { content: 'bad domain', domain: '' },
        ]),
      ).rejects.toBeInstanceOf(ValidationError);
      expect(await db.memories.count(projectId)).toBe(0);
      await expect(service().rememberMany(projectId, [])).resolves.toEqual([]);
    });
  });

  describe('AthenaMemory.recall', () => {
    it('finds the relevant memory first, with a score breakdown and an explanation', async () => {
      const memory = service();
      await memory.rememberMany(projectId, [
        { content: 'Database migrations are versioned and run at startup' },
        { content: 'The cat likes to sleep on the keyboard' },
        { content: 'Deploys go out every Tuesday afternoon' },
      ]);
      const hits = await memory.recall(projectId, 'how are database migrations versioned?', {
        limit: 2,
      });
      expect(hits).toHaveLength(2);
      const [top] = hits;
      expect(top?.memory.content).toBe('Database migrations are versioned and run at startup');
      expect(top?.breakdown.semanticRank).toBe(1);
      expect(top?.breakdown.keywordRank).toBe(1);
      expect(top?.breakdown.rerank).toBeNull();
      expect(top?.score).toBe(top?.breakdown.fused);
      expect(top?.explain).toMatch(/^#1 memory \d+ \(fact\) score /);
      // The top of both legs normalises to 1 in each: 0.7·1 + 0.3·1.
      expect(top?.breakdown).toMatchObject({ semanticNormalized: 1, keywordNormalized: 1 });
      expect(top?.score).toBeCloseTo(1, 10);
      expect(top?.explain).toMatch(/semantic: similarity [\d.]+, rank 1, normalised 1\n/);
      expect(top?.explain).toMatch(/keyword: score [\d.]+, rank 1, normalised 1\n/);
      expect(top?.explain).toContain(
        'fused (weighted, legs min–max normalised): 0.7·semantic 1 + 0.3·keyword 1 = 1',
      );
      expect(hits[0]?.score).toBeGreaterThanOrEqual(hits[1]?.score ?? Number.POSITIVE_INFINITY);
    });

    it('recalls with a passage beyond the search text limits: keywords of its start, the embedding of all', async () => {
      const memory = service();
      await memory.rememberMany(projectId, [
        { content: 'Database migrations are versioned and run at startup' },
        { content: 'The kiwi mascot appears on the release notes' },
      ]);
      const filler = Array.from({ length: 120 }, (_, i) => `filler${i}`).join(' ');
      const passage = `database migrations ${filler} kiwi mascot`;
      const hits = await memory.recall(projectId, passage, { limit: 2 });
      const byContent = new Map(hits.map((hit) => [hit.memory.content, hit.breakdown]));
      // The first words are matched as keywords; the last 56 are past the cut.
      expect(
        byContent.get('Database migrations are versioned and run at startup')?.keywordRank,
      ).toBe(1);
      expect(byContent.get('The kiwi mascot appears on the release notes')?.keywordRank).toBeNull();
      const searched = await memory.search(projectId, passage, { mode: 'keyword' });
      expect(searched.map((hit) => hit.memory.content)).toEqual([
        'Database migrations are versioned and run at startup',
      ]);
    });

    it('leaves the vectors out with includeEmbedding: false, and still records the access', async () => {
      const memory = service();
      const saved = await memory.remember(projectId, 'Migrations run at startup, versioned');
      const [bare] = await memory.recall(projectId, 'versioned migrations', {
        includeEmbedding: false,
      });
      expect(bare?.memory.id).toBe(saved.id);
      expect(bare !== undefined && 'embedding' in bare.memory).toBe(false);
      expect(bare?.explain).toMatch(/^#1 memory \d+/);
      expect((await db.memories.get(projectId, saved.id))?.accessCount).toBe(1);
      const [full] = await memory.recall(projectId, 'versioned migrations');
      expect(full?.memory.embedding).toEqual(saved.embedding);
    });

    it('explains reciprocal rank fusion', async () => {
      const memory = service();
      await memory.remember(projectId, 'Reciprocal rank fusion merges ranked lists');
      const [hit] = await memory.recall(projectId, 'rank fusion', { fusion: 'rrf' });
      expect(hit?.explain).toContain('fused (rrf, k=60): 1/(60+1) + 1/(60+1) = ');
      expect(hit?.score).toBeCloseTo(2 / 61, 10);
    });

    it('records each access once per recall, with one recordAccess and one labilize call', async () => {
      const counted = countingStore(db);
      const memory = service(counted.store);
      const [a = 0, b = 0] = await memory.rememberMany(projectId, [
        { content: 'The build uses turborepo pipelines' },
        { content: 'Bananas are rich in potassium' },
      ]);
      counted.calls.length = 0;
      const now = new Date('2026-01-02T03:04:05.000Z');
      const hits = await memory.recall(projectId, 'turborepo build pipelines', { limit: 1, now });
      expect(hits.map((h) => h.memory.id)).toEqual([a]);
      expect(counted.calls).toEqual([
        'search.hybrid',
        'memories.recordAccess',
        'consolidation.labilize',
      ]);
      await memory.recall(projectId, 'turborepo build pipelines', { limit: 1 });
      const [first, second] = await db.memories.getMany(projectId, [a, b]);
      expect(first?.accessCount).toBe(2);
      expect(first?.lastRetrieved).toBeInstanceOf(Date);
      expect(second?.accessCount).toBe(0);
      expect(second?.lastRetrieved).toBeNull();
    });

    it('makes a consolidated memory labile, once', async () => {
      const memory = service();
      const saved = await memory.remember(projectId, 'Hybrid search fuses keyword and vector legs');
      await consolidate(saved.id);
      const [hit] = await memory.recall(projectId, 'hybrid search legs');
      expect(hit?.memory.id).toBe(saved.id);
      expect(hit?.labilized).toBe(true);
      expect((await db.memories.get(projectId, saved.id))?.consolidationState).toBe('labile');
      const history = await db.consolidation.history(projectId, saved.id);
      expect(history.at(-1)).toMatchObject({
        fromState: 'consolidated',
        toState: 'labile',
        actor: 'recall',
      });
      const [again] = await memory.recall(projectId, 'hybrid search legs');
      expect(again?.labilized).toBe(false);
      expect((await db.consolidation.reconsolidationWindow(projectId)).map((m) => m.id)).toEqual([
        saved.id,
      ]);
    });

    it('leaves unconsolidated memories unconsolidated and records nothing when nothing matches', async () => {
      const counted = countingStore(db);
      const memory = service(counted.store);
      const saved = await memory.remember(projectId, 'Fresh memories must be findable');
      const [hit] = await memory.recall(projectId, 'fresh findable memories');
      expect(hit?.labilized).toBe(false);
      expect((await db.memories.get(projectId, saved.id))?.consolidationState).toBe(
        'unconsolidated',
      );
      counted.calls.length = 0;
      const none = await memory.recall(projectId, 'fresh', { filters: { domains: ['nowhere'] } });
      expect(none).toEqual([]);
      expect(counted.calls).toEqual(['search.hybrid']);
    });

    it('applies filters: memory type, domain, tags', async () => {
      const memory = service();
      await memory.rememberMany(projectId, [
        {
          content: 'cache invalidation rule one',
          memoryType: 'pattern',
          domain: 'backend',
          tags: ['cache'],
        },
        {
          content: 'cache invalidation rule two',
          memoryType: 'fact',
          domain: 'backend',
          tags: ['cache', 'hot'],
        },
        {
          content: 'cache invalidation rule three',
          memoryType: 'fact',
          domain: 'frontend',
          tags: ['cache'],
        },
      ]);
      const contents = async (filters: Parameters<AthenaMemory['recall']>[2]) =>
        (await memory.recall(projectId, 'cache invalidation rule', filters))
          .map((h) => h.memory.content)
          .sort();
      expect(await contents({ filters: { memoryTypes: ['pattern'] } })).toEqual([
        'cache invalidation rule one',
      ]);
      expect(await contents({ filters: { domains: ['frontend'] } })).toEqual([
        'cache invalidation rule three',
      ]);
      expect(await contents({ filters: { tags: ['cache', 'hot'] } })).toEqual([
        'cache invalidation rule two',
      ]);
      expect(await contents({ filters: { domains: ['backend'], memoryTypes: ['fact'] } })).toEqual([
        'cache invalidation rule two',
      ]);
    });

    it('re-ranks by recency and usefulness when asked, and explains it', async () => {
      const now = new Date('2026-06-01T00:00:00.000Z');
      const memory = service();
      const [old = 0, fresh = 0] = await memory.rememberMany(projectId, [
        {
          content: 'Deploy with a blue green switch',
          createdAt: new Date(now.getTime() - 365 * DAY),
        },
        {
          content: 'Deploy with a blue green switch',
          createdAt: new Date(now.getTime() - 1 * DAY),
        },
      ]);
      const plain = await memory.recall(projectId, 'blue green deploy', { now, rerank: false });
      expect(plain[0]?.breakdown.fused).toBeCloseTo(plain[1]?.breakdown.fused ?? -1, 6);

      const hits = await memory.recall(projectId, 'blue green deploy', {
        now,
        rerank: { recencyWeight: 0.3 },
      });
      expect(hits.map((h) => h.memory.id)).toEqual([fresh, old]);
      const terms = hits[0]?.breakdown.rerank;
      expect(terms?.recency).toBeCloseTo(2 ** (-1 / 30), 6);
      expect(terms?.relevance).toBeCloseTo(1, 6);
      expect(hits[0]?.score).toBeCloseTo(0.7 * 1 + 0.3 * 2 ** (-1 / 30), 5);
      expect(hits[1]?.breakdown.rerank?.recency).toBeLessThan(0.001);
      expect(hits[0]?.explain).toMatch(
        /rerank: 0\.7·relevance 1 \(fused \/ best fused\) \+ 0\.3·recency [\d.]+ \(age 1\.0 d, half-life 30 d\)/,
      );

      const useful = new AthenaMemory({
        store: db,
        embedder: hashing,
        rerank: { usefulnessWeight: 0.2 },
      });
      await db.memories.update(projectId, old, { usefulnessScore: 1 });
      const byUse = await useful.recall(projectId, 'blue green deploy', { now });
      expect(byUse.map((h) => h.memory.id)).toEqual([old, fresh]);
    });

    it('rejects bad re-ranking settings and bad options before embedding', async () => {
      expect(
        () =>
          new AthenaMemory({
            store: db,
            embedder: hashing,
            rerank: { recencyWeight: 0.6, usefulnessWeight: 0.4 },
          }),
      ).toThrow(ValidationError);
      const embedder = countingEmbedder(hashing);
      await expect(
        service(db, embedder.embedder).recall(projectId, 'x', { limit: 0 }),
      ).rejects.toBeInstanceOf(ValidationError);
      await expect(
        service(db, embedder.embedder).recall(projectId, 'x', { rerank: { halfLifeDays: 0 } }),
      ).rejects.toBeInstanceOf(ValidationError);
      expect(embedder.calls).toEqual([]);
    });

    it('refuses to compare vectors of another model, records nothing, and reembed() fixes it', async () => {
      const memory = service();
      const foreign = await db.memories.store(projectId, {
        content: 'Vectors from another model live here',
        embedding: await hashing.embed('Vectors from another model live here'),
        embeddingModel: 'text-embedding-3-small',
      });
      const unknown = await db.memories.store(projectId, {
        content: 'A vector of unknown origin',
        embedding: await hashing.embed('A vector of unknown origin'),
      });
      const error = await memory.recall(projectId, 'vectors from another model').then(
        () => null,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(EmbeddingModelMismatchError);
      const mismatch = error as EmbeddingModelMismatchError;
      expect(mismatch.code).toBe('embedding_model_mismatch');
      expect(mismatch.expected).toBe(hashing.modelId);
      expect(mismatch.found).toEqual(['text-embedding-3-small']);
      expect(mismatch.memoryIds).toEqual([foreign.id]);
      expect(mismatch.message).toContain('reembed(');
      expect((await db.memories.get(projectId, foreign.id))?.accessCount).toBe(0);
      await expect(
        memory.search(projectId, 'another model', { mode: 'semantic' }),
      ).rejects.toBeInstanceOf(EmbeddingModelMismatchError);
      // The keyword leg compares no vectors, so it still works.
      await expect(
        memory.search(projectId, 'another model', { mode: 'keyword' }),
      ).resolves.toHaveLength(1);

      const report = await memory.reembed(projectId, { batchSize: 1 });
      expect(report).toEqual({ scanned: 2, reembedded: 2 });
      const fixed = await db.memories.getMany(projectId, [foreign.id, unknown.id]);
      expect(fixed.map((m) => m.embeddingModel)).toEqual([hashing.modelId, hashing.modelId]);
      expect(fixed[0]?.version).toBe(2);
      const [hit] = await memory.recall(projectId, 'vectors from another model');
      expect(hit?.memory.id).toBe(foreign.id);
      expect(await memory.reembed(projectId)).toEqual({ scanned: 2, reembedded: 0 });
      expect(await memory.reembed(projectId, { force: true })).toEqual({
        scanned: 2,
        reembedded: 2,
      });
    });

    it("reembed() writes the new embedder's vectors, page by page", async () => {
      const counted = countingStore(db);
      const other = new HashingEmbedder({ dimension: DIM });
      const renamed = { ...countingEmbedder(other).embedder, modelId: 'athena-hash-v0' };
      const old = service(db, renamed);
      await old.rememberMany(projectId, [
        { content: 'one' },
        { content: 'two' },
        { content: 'three' },
      ]);
      const embedder = countingEmbedder(hashing);
      const report = await service(counted.store, embedder.embedder).reembed(projectId, {
        batchSize: 2,
      });
      expect(report).toEqual({ scanned: 3, reembedded: 3 });
      expect(embedder.calls).toEqual(['embedMany(2)', 'embedMany(1)']);
      expect(embedder.inputTypes).toEqual(['document', 'document']);
      expect(counted.calls.filter((c) => c === 'memories.list')).toHaveLength(2);
      const page = await db.memories.list(projectId, { order: 'asc' });
      expect(page.items.map((m) => m.embeddingModel)).toEqual(Array(3).fill(hashing.modelId));
      expect([...(page.items[2]?.embedding ?? [])]).toEqual([...(await hashing.embed('three'))]);
      await expect(service().reembed(projectId, { batchSize: 0 })).rejects.toBeInstanceOf(
        ValidationError,
      );
    });
  });

  describe('AthenaMemory.search', () => {
    it('runs one leg or the hybrid without recording access', async () => {
      const memory = service();
      const saved = await memory.remember(
        projectId,
        'ECONNREFUSED means the server is not listening',
      );
      await consolidate(saved.id);
      const keyword = await memory.search(projectId, 'ECONNREFUSED', { mode: 'keyword' });
      expect(keyword[0]?.breakdown.semantic).toBeNull();
      expect(keyword[0]?.explain).toContain('keyword: score');
      expect(keyword[0]?.explain).not.toContain('semantic');
      const semantic = await memory.search(projectId, 'server not listening', {
        mode: 'semantic',
        limit: 1,
      });
      expect(semantic[0]?.breakdown.keyword).toBeNull();
      expect(semantic[0]?.explain).toContain('semantic: similarity');
      const hybrid = await memory.search(projectId, 'server not listening');
      expect(hybrid[0]?.explain).toContain('fused (weighted, legs min–max normalised): ');
      const after = await db.memories.get(projectId, saved.id);
      expect(after?.accessCount).toBe(0);
      expect(after?.consolidationState).toBe('consolidated');
    });

    it('passes includeEmbedding to the store in every mode', async () => {
      const memory = service();
      const saved = await memory.remember(projectId, 'Redis failover crashes BullMQ workers');
      for (const mode of ['semantic', 'keyword', 'hybrid'] as const) {
        const [bare] = await memory.search(projectId, 'BullMQ workers', {
          mode,
          includeEmbedding: false,
        });
        expect(bare?.memory.id, mode).toBe(saved.id);
        expect(bare !== undefined && 'embedding' in bare.memory, mode).toBe(false);
        const [full] = await memory.search(projectId, 'BullMQ workers', { mode });
        expect(full?.memory.embedding, mode).toEqual(saved.embedding);
      }
    });
  });

  describe('superseded memories', () => {
    /** `count` memories about invoices; all but the last superseded by it. */
    async function supersededCrowd(count: number): Promise<{ ids: number[]; successor: number }> {
      const ids = await service().rememberMany(
        projectId,
        Array.from({ length: count }, (_, i) => ({
          content: `Invoice numbers are sequential per tenant, note ${i}`,
        })),
      );
      const successor = ids[count - 1] as number;
      await db.consolidation.transitionMany(
        projectId,
        ids.slice(0, -1).map((memoryId) => ({
          memoryId,
          to: 'superseded' as const,
          supersededBy: successor,
        })),
        { actor: 'test' },
      );
      return { ids, successor };
    }

    it('are left out of recall and of search in every mode, unless states are asked for', async () => {
      const memory = service();
      const { ids, successor } = await supersededCrowd(3);
      const other = await memory.remember(projectId, 'Invoices are sent as PDF attachments');
      const hits = await memory.recall(projectId, 'invoice numbers per tenant', { limit: 5 });
      expect(hits.map((h) => h.memory.id).sort()).toEqual([successor, other.id].sort());
      for (const mode of ['semantic', 'keyword', 'hybrid'] as const) {
        const found = await memory.search(projectId, 'invoice numbers per tenant', { mode });
        expect(found.map((h) => h.memory.id).sort(), mode).toEqual([successor, other.id].sort());
        const history = await memory.search(projectId, 'invoice numbers per tenant', {
          mode,
          filters: { consolidationStates: ['superseded'] },
        });
        expect(history.map((h) => h.memory.id).sort(), mode).toEqual(ids.slice(0, -1).sort());
      }
    });

    it('still fill the limit when superseded ones crowd the top results', async () => {
      const memory = service();
      const { successor } = await supersededCrowd(30);
      const others = await memory.rememberMany(
        projectId,
        Array.from({ length: 4 }, (_, i) => ({
          content: `Tenant ${i} invoices are archived yearly`,
        })),
      );
      for (const mode of ['semantic', 'keyword', 'hybrid'] as const) {
        const found = await memory.search(projectId, 'invoice numbers sequential per tenant note', {
          mode,
          limit: 5,
        });
        expect(found.map((h) => h.memory.id).sort(), mode).toEqual([successor, ...others].sort());
      }
      const recalled = await memory.recall(
        projectId,
        'invoice numbers sequential per tenant note',
        {
          limit: 5,
        },
      );
      expect(recalled.map((h) => h.memory.id).sort()).toEqual([successor, ...others].sort());
    });

    it('do not change the scores of the live results', async () => {
      const memory = service();
      await supersededCrowd(3);
      // More memories than a two-result search's 40 candidates per leg, so a
      // wider candidate pool would change the min–max normalisation.
      await memory.rememberMany(
        projectId,
        Array.from({ length: 60 }, (_, i) => ({
          content: `Tenant ${i} pays invoice ${i * 7} by ${i % 2 === 0 ? 'bank transfer' : 'card'}`,
        })),
      );
      const query = 'invoice numbers per tenant';
      // The store's search with the candidates of a two-result search (max(4·2, 40)), superseded rows dropped.
      const embedding = await hashing.embed(query, { inputType: 'query' });
      const direct = (
        await db.search.hybrid(projectId, { embedding, text: query }, { limit: 20, candidates: 40 })
      )
        .filter((h) => h.memory.consolidationState !== 'superseded')
        .slice(0, 2);
      const found = await memory.search(projectId, query, { limit: 2 });
      expect(found.map((h) => [h.memory.id, h.score])).toEqual(
        direct.map((h) => [h.memory.id, h.score]),
      );
    });
  });

  describe('input types', () => {
    it('embeds stored text as documents and search text as queries', async () => {
      const embedder = countingEmbedder(hashing);
      const memory = service(db, embedder.embedder);
      await memory.remember(projectId, 'Migrations run at startup');
      await memory.rememberMany(projectId, [{ content: 'Use pnpm' }, { content: 'Node 20' }]);
      expect(embedder.inputTypes).toEqual(['document', 'document']);
      embedder.inputTypes.length = 0;

      await memory.recall(projectId, 'when do migrations run?');
      await memory.search(projectId, 'migrations', { mode: 'semantic' });
      await memory.search(projectId, 'migrations', { mode: 'hybrid' });
      await memory.search(projectId, 'migrations');
      await memory.search(projectId, 'migrations', { mode: 'keyword' });
      expect(embedder.inputTypes).toEqual(['query', 'query', 'query', 'query']);
      embedder.inputTypes.length = 0;

      await memory.reembed(projectId, { force: true });
      expect(embedder.inputTypes).toEqual(['document']);
    });
  });

  describe('with an embedder that prefixes queries and documents', () => {
    let server: EmbeddingsServer;
    beforeAll(async () => {
      server = await startEmbeddingsServer();
    });
    afterAll(() => server.close());

    const nomic = (options: Partial<OpenAICompatibleEmbedderOptions> = {}) =>
      new OpenAICompatibleEmbedder({
        baseUrl: server.url,
        model: 'nomic-embed-text-v1.5',
        dimension: DIM,
        ...options,
      });

    it('sends search_document: for remember and search_query: for recall, end to end', async () => {
      server.respond(ok(DIM));
      const embedder = nomic();
      const memory = service(db, embedder);
      const saved = await memory.remember(projectId, 'Migrations run at startup');
      await memory.rememberMany(projectId, [{ content: 'Use pnpm' }]);
      const hits = await memory.recall(projectId, 'migrations');
      expect(server.requests.map((r) => r.body.input)).toEqual([
        ['search_document: Migrations run at startup'],
        ['search_document: Use pnpm'],
        ['search_query: migrations'],
      ]);
      expect((await db.memories.get(projectId, saved.id))?.embeddingModel).toBe(embedder.modelId);
      expect(hits.map((hit) => hit.memory.id)).toContain(saved.id);
    });

    it('never mixes vectors embedded before prefixes with prefixed ones; reembed() moves them over', async () => {
      server.respond(ok(DIM));
      // A database filled before prefixes existed: raw text, modelId = the bare model name.
      const before = nomic({ prefixes: 'none' });
      expect(before.modelId).toBe('nomic-embed-text-v1.5');
      const [old] = await service(db, before).rememberMany(projectId, [
        { content: 'Migrations run at startup' },
      ]);
      const memory = service(db, nomic());
      await expect(memory.recall(projectId, 'migrations')).rejects.toBeInstanceOf(
        EmbeddingModelMismatchError,
      );
      expect((await db.memories.get(projectId, old ?? 0))?.accessCount).toBe(0);

      server.respond(ok(DIM));
      expect(await memory.reembed(projectId)).toEqual({ scanned: 1, reembedded: 1 });
      expect(server.requests.map((r) => r.body.input)).toEqual([
        ['search_document: Migrations run at startup'],
      ]);
      const [hit] = await memory.recall(projectId, 'migrations');
      expect(hit?.memory.id).toBe(old);
    });
  });

  describe('AthenaMemory.forget', () => {
    it('deletes a memory and reports whether it existed', async () => {
      const memory = service();
      const saved = await memory.remember(projectId, 'Temporary note');
      expect(await memory.forget(projectId, saved.id)).toBe(true);
      expect(await memory.forget(projectId, saved.id)).toBe(false);
      expect(await db.memories.get(projectId, saved.id)).toBeNull();
    });
  });
});
