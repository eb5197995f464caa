import { SummarizerError, ValidationError } from '@athena/core-types';
import type { Store } from '@athena/core-types';
import { HashingEmbedder } from '@athena/search';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createConsolidator,
  createSummarizerFromEnv,
  OpenAICompatibleSummarizer,
} from '../src/index.js';
import type { ConsolidationLogger } from '../src/index.js';
import { BACKENDS } from './helpers/backends.js';
import type { OpenedStore } from './helpers/backends.js';
import { completion, startChatServer } from './helpers/chat-server.js';
import type { ChatReply, ChatServer } from './helpers/chat-server.js';

const DIMENSION = 256;
const embedder = new HashingEmbedder({ dimension: DIMENSION });
const FAST = { retryBaseDelayMs: 1, maxRetryDelayMs: 50 };

const NOTES = [
  'The staging database is backed up every night at 02:00 UTC',
  'The staging database is backed up every night at 02:00 UTC.',
  'Staging database backups run every night at 02:00 UTC to S3',
  'The staging database is not backed up every night at 02:00 UTC',
];

/** Ids of the notes as stored: the prompt names them `[id n]`. */
function idsIn(prompt: string): number[] {
  return [...prompt.matchAll(/\[id (\d+)\]/g)].map((m) => Number(m[1]));
}

async function seed(store: Store): Promise<{ projectId: number; ids: number[] }> {
  const project = await store.projects.create({ name: 'p', path: '/p' });
  const vectors = await embedder.embedMany(NOTES);
  const ids = await store.memories.storeMany(
    project.id,
    NOTES.map((content, i) => ({ content, embedding: vectors[i] as Float32Array })),
  );
  return { projectId: project.id, ids };
}

function recordingLogger(): ConsolidationLogger & { warnings: string[]; infos: unknown[] } {
  const warnings: string[] = [];
  const infos: unknown[] = [];
  return {
    warnings,
    infos,
    info: (_message, fields) => infos.push(fields),
    warn: (_message, fields) => warnings.push(String(fields['error'])),
  };
}

describe('OpenAICompatibleSummarizer against a local chat-completions server', () => {
  let server: ChatServer | null = null;
  afterEach(async () => {
    await server?.close();
    server = null;
  });

  const items = [
    { id: 1, content: 'Use pnpm' },
    { id: 2, content: 'We use pnpm for installs' },
  ];

  it('sends the model, the notes, a JSON schema and the key; returns the checked answer', async () => {
    server = await startChatServer(() =>
      completion(
        '```json\n{"summary":"The project uses pnpm.","relations":[{"id":1,"relation":"reinforces"},{"id":2,"relation":"extends"}]}\n```',
      ),
    );
    const summarizer = new OpenAICompatibleSummarizer({
      baseUrl: `${server.url}/v1`,
      model: 'tiny-chat',
      apiKey: 'sk-test',
    });
    expect(await summarizer.summarizeCluster(items)).toEqual({
      summary: 'The project uses pnpm.',
      relations: [
        { id: 1, relation: 'reinforces' },
        { id: 2, relation: 'extends' },
      ],
    });
    const [request] = server.requests;
    expect(request?.path).toBe('/v1/chat/completions');
    expect(request?.authorization).toBe('Bearer sk-test');
    expect(request?.body.model).toBe('tiny-chat');
    expect(request?.body.response_format).toMatchObject({ type: 'json_schema' });
    expect(idsIn(request?.body.messages[1]?.content ?? '')).toEqual([1, 2]);
  });

  it.each<[string, ChatReply, string]>([
    ['malformed JSON', completion('{"summary": "unterminated'), 'invalid_answer'],
    ['another shape', completion('{"text":"hello"}'), 'invalid_answer'],
    ['a blank summary', completion('{"summary":"   ","relations":[]}'), 'invalid_answer'],
    [
      'an id that is not a note',
      completion('{"summary":"x","relations":[{"id":99,"relation":"reinforces"}]}'),
      'invalid_answer',
    ],
    ['a body that is not JSON', { status: 200, body: '<html>' }, 'malformed_response'],
    ['HTTP 400', { status: 400, body: '{"error":"bad"}' }, 'http_status'],
  ])('rejects %s with a SummarizerError, without retrying', async (_what, reply, reason) => {
    server = await startChatServer(() => reply);
    const summarizer = new OpenAICompatibleSummarizer({ baseUrl: server.url, model: 'm', ...FAST });
    const error = await summarizer.summarizeCluster(items).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SummarizerError);
    expect((error as SummarizerError).reason).toBe(reason);
    expect(server.requests).toHaveLength(1);
  });

  it('retries 429 and 500 (bounded) and succeeds when the server recovers', async () => {
    server = await startChatServer((_request, index) =>
      index === 0
        ? { status: 429, body: '{}', headers: { 'retry-after': '0' } }
        : index === 1
          ? { status: 500, body: '{}' }
          : completion('{"summary":"ok","relations":[]}'),
    );
    const summarizer = new OpenAICompatibleSummarizer({ baseUrl: server.url, model: 'm', ...FAST });
    expect((await summarizer.summarizeCluster(items)).summary).toBe('ok');
    expect(server.requests).toHaveLength(3);
  });

  it('gives up after the retries: rate limited, then a timeout', async () => {
    server = await startChatServer(() => ({ status: 429, body: '{}' }));
    const limited = new OpenAICompatibleSummarizer({
      baseUrl: server.url,
      model: 'm',
      retries: 2,
      ...FAST,
    });
    await expect(limited.summarizeCluster(items)).rejects.toMatchObject({ reason: 'rate_limited' });
    expect(server.requests).toHaveLength(3);
    await server.close();
    server = await startChatServer(() => ({ hang: true }));
    const slow = new OpenAICompatibleSummarizer({
      baseUrl: server.url,
      model: 'm',
      timeoutMs: 50,
      retries: 1,
      ...FAST,
    });
    await expect(slow.summarizeEpisodes([])).rejects.toMatchObject({
      code: 'summarizer',
      reason: 'timeout',
    });
    expect(server.requests).toHaveLength(2);
  });

  it('rejects bad options with a ValidationError naming them', () => {
    expect(() => new OpenAICompatibleSummarizer({ baseUrl: 'ftp://x', model: 'm' })).toThrow(
      ValidationError,
    );
    expect(() => new OpenAICompatibleSummarizer({ baseUrl: 'http://x', model: ' ' })).toThrow(
      /model/,
    );
    expect(
      () => new OpenAICompatibleSummarizer({ baseUrl: 'http://x', model: 'm', retries: -1 }),
    ).toThrow(/retries/);
  });

  it('createSummarizerFromEnv: none without ATHENA_LLM_URL, the model required with it', () => {
    expect(createSummarizerFromEnv({})).toBeNull();
    expect(() => createSummarizerFromEnv({ ATHENA_LLM_URL: 'http://127.0.0.1:1' })).toThrow(
      /ATHENA_LLM_MODEL/,
    );
    expect(() =>
      createSummarizerFromEnv({ ATHENA_LLM_URL: 'not a url', ATHENA_LLM_MODEL: 'm' }),
    ).toThrow(/ATHENA_LLM_URL/);
    const summarizer = createSummarizerFromEnv({
      ATHENA_LLM_URL: 'http://127.0.0.1:1',
      ATHENA_LLM_MODEL: 'qwen',
      ATHENA_LLM_TIMEOUT_MS: '500',
    });
    expect(summarizer?.modelId).toBe('qwen');
  });
});

describe.each(BACKENDS)('the slow path of the worker on $name', (backend) => {
  let opened: OpenedStore;
  let server: ChatServer | null = null;
  beforeEach(async () => {
    opened = await backend.open(DIMENSION);
  });
  afterEach(async () => {
    await server?.close();
    server = null;
    await opened.dispose();
  });

  it('stores the summary as the representative and links a contradiction the model reports', async () => {
    const { store } = opened;
    const { projectId, ids } = await seed(store);
    server = await startChatServer((request) => {
      const [a, b, c, d] = idsIn(request.body.messages[1]?.content ?? '');
      return completion(
        JSON.stringify({
          summary: 'The staging database is backed up nightly at 02:00 UTC to S3.',
          relations: [
            { id: a, relation: 'reinforces' },
            { id: b, relation: 'reinforces' },
            { id: c, relation: 'extends' },
            { id: d, relation: 'contradicts' },
          ].filter((r) => r.id !== undefined),
        }),
      );
    });
    const consolidator = createConsolidator({
      store,
      embedder,
      summarizer: new OpenAICompatibleSummarizer({ baseUrl: server.url, model: 'm', ...FAST }),
      options: { workerId: 'slow', similarityThreshold: 0.6, duplicateThreshold: 0.9 },
    });
    const run = await consolidator.run({ projectId });
    expect(run).toMatchObject({ claimed: 4, clusters: 1, created: 1, fallbacks: 0, errors: 0 });
    const summary = (
      await store.memories.list(projectId, { filters: { consolidationStates: ['consolidated'] } })
    ).items.find((m) => !ids.includes(m.id));
    expect(summary?.content).toBe('The staging database is backed up nightly at 02:00 UTC to S3.');
    expect(summary?.embeddingModel).toBe(embedder.modelId);
    const links = await store.relationships.list(projectId, summary?.id ?? 0, {
      direction: 'incoming',
    });
    const negated = ids[3] as number;
    expect(links.find((l) => l.fromMemoryId === negated)?.relationshipType).toBe('contradicts');
    const stored = await store.memories.getMany(projectId, ids);
    expect(stored[3]?.consolidationState).toBe('consolidated');
    expect(stored.filter((m) => m.consolidationState === 'superseded').length).toBe(run.superseded);
  });

  it.each<[string, ChatReply]>([
    ['malformed JSON', completion('{"summary": ')],
    ['HTTP 500 every time', { status: 500, body: 'oops' }],
    ['a timeout', { hang: true }],
  ])('falls back to the heuristic on %s, and says so', async (_what, reply) => {
    const { store } = opened;
    const { projectId, ids } = await seed(store);
    server = await startChatServer(() => reply);
    const logger = recordingLogger();
    const consolidator = createConsolidator({
      store,
      embedder,
      summarizer: new OpenAICompatibleSummarizer({
        baseUrl: server.url,
        model: 'm',
        timeoutMs: 100,
        retries: 1,
        ...FAST,
      }),
      options: { workerId: 'fallback', logger },
    });
    const run = await consolidator.run({ projectId });
    expect(run).toMatchObject({ claimed: 4, created: 1, fallbacks: 1, errors: 0 });
    expect(logger.warnings).toHaveLength(1);
    expect(logger.infos).toHaveLength(1);
    const stored = await store.memories.getMany(projectId, ids);
    // The heuristic: the first note represents; its exact copy is superseded; the negated one contradicts.
    expect(stored.map((m) => m.consolidationState)).toEqual([
      'consolidated',
      'superseded',
      expect.stringMatching(/^(consolidated|superseded)$/),
      'consolidated',
    ]);
    expect(stored[1]?.supersededBy).toBe(ids[0]);
    const contradiction = await store.relationships.list(projectId, ids[3] as number, {
      direction: 'outgoing',
    });
    expect(contradiction.map((l) => [l.toMemoryId, l.relationshipType])).toEqual([
      [ids[0], 'contradicts'],
    ]);
  });
});
