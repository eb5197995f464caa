import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { DimensionMismatchError, EmbedderError, ValidationError } from '@athena/core-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenAICompatibleEmbedder, createEmbedderFromEnv } from '../src/index.js';
import type { OpenAICompatibleEmbedderOptions } from '../src/index.js';
import { fakeVector, json, ok, startEmbeddingsServer } from './helpers/embeddings-server.js';
import type { EmbeddingsServer } from './helpers/embeddings-server.js';

const DIM = 8;
const API_KEY = 'sk-test-SECRET-4242';

let server: EmbeddingsServer;
beforeAll(async () => {
  server = await startEmbeddingsServer();
});
afterAll(() => server.close());

function embedder(
  options: Partial<OpenAICompatibleEmbedderOptions> = {},
): OpenAICompatibleEmbedder {
  return new OpenAICompatibleEmbedder({
    baseUrl: server.url,
    model: 'test-model',
    dimension: DIM,
    retryBaseDelayMs: 5,
    ...options,
  });
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('OpenAICompatibleEmbedder', () => {
  it('posts {model, input} to /v1/embeddings and returns Float32Arrays', async () => {
    server.respond(ok(DIM));
    const vectors = await embedder().embedMany(['alpha', 'beta gamma']);
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/v1/embeddings');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.body).toEqual({ model: 'test-model', input: ['alpha', 'beta gamma'] });
    expect(vectors.map((v) => v instanceof Float32Array)).toEqual([true, true]);
    expect([...(vectors[1] ?? [])]).toEqual(fakeVector('beta gamma', DIM));
  });

  it('accepts a base URL that already ends in /v1/ and exposes dimension and modelId', async () => {
    server.respond(ok(DIM));
    const e = embedder({ baseUrl: `${server.url}/v1/`, modelId: 'test-model@q8' });
    await e.embed('x');
    expect(server.requests[0]?.url).toBe('/v1/embeddings');
    expect(e.dimension).toBe(DIM);
    expect(e.modelId).toBe('test-model@q8');
    expect(embedder().modelId).toBe('test-model');
  });

  it('sends the API key as a Bearer token, and no authorization header without one', async () => {
    server.respond(ok(DIM));
    await embedder({ apiKey: API_KEY }).embed('with key');
    await embedder().embed('without key');
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(server.requests[1]?.headers.authorization).toBeUndefined();
  });

  it('batches: 5 texts with batchSize 2 make 3 requests of 2, 2 and 1, results in input order', async () => {
    server.respond(ok(DIM, true));
    const texts = ['a', 'bb', 'ccc', 'dddd', 'eeeee'];
    const vectors = await embedder({ batchSize: 2 }).embedMany(texts);
    expect(server.requests.map((r) => r.body.input)).toEqual([
      ['a', 'bb'],
      ['ccc', 'dddd'],
      ['eeeee'],
    ]);
    expect(vectors.map((v) => [...v])).toEqual(texts.map((t) => fakeVector(t, DIM)));
  });

  it('sends nothing for an empty list, and rejects a blank text before any request', async () => {
    server.respond(ok(DIM));
    await expect(embedder().embedMany([])).resolves.toEqual([]);
    const error = await failure(embedder().embedMany(['fine', '   ']));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues[0]?.path).toBe('texts[1]');
    expect(server.requests).toHaveLength(0);
  });

  it('reorders results by index', async () => {
    server.respond((request, response) => {
      const input = request.body.input as string[];
      json(response, 200, {
        data: [
          { index: 2, embedding: fakeVector(input[2] ?? '', DIM) },
          { index: 0, embedding: fakeVector(input[0] ?? '', DIM) },
          { index: 1, embedding: fakeVector(input[1] ?? '', DIM) },
        ],
      });
    });
    const vectors = await embedder().embedMany(['x', 'yy', 'zzz']);
    expect(vectors.map((v) => v[0])).toEqual([2, 3, 4]);
  });

  it('waits as long as Retry-After asks on 429, then succeeds', async () => {
    server.respond((request, response, n) => {
      if (n === 1) json(response, 429, { error: 'slow down' }, { 'retry-after': '1' });
      else ok(DIM)(request, response, n);
    });
    const started = Date.now();
    const vector = await embedder({ retryBaseDelayMs: 1 }).embed('rate limited');
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(server.requests).toHaveLength(2);
    expect(vector).toHaveLength(DIM);
  });

  it('fails at once when Retry-After exceeds maxRetryDelayMs', async () => {
    server.respond((_request, response) => json(response, 429, {}, { 'retry-after': '120' }));
    const started = Date.now();
    const error = await failure(embedder({ maxRetryDelayMs: 1000 }).embed('x'));
    expect(Date.now() - started).toBeLessThan(900);
    expect(error).toBeInstanceOf(EmbedderError);
    expect((error as EmbedderError).reason).toBe('rate_limited');
    expect((error as EmbedderError).status).toBe(429);
    expect(server.requests).toHaveLength(1);
  });

  it('retries a 500 and succeeds on the next attempt', async () => {
    server.respond((request, response, n) => {
      if (n === 1) json(response, 500, { error: 'boom' });
      else ok(DIM)(request, response, n);
    });
    await expect(embedder().embed('flaky')).resolves.toHaveLength(DIM);
    expect(server.requests).toHaveLength(2);
  });

  it('gives up after `retries` retries of a 503, with the status', async () => {
    server.respond((_request, response) => json(response, 503, { error: 'overloaded' }));
    const error = await failure(embedder({ retries: 2 }).embed('down'));
    expect(server.requests).toHaveLength(3);
    expect(error).toBeInstanceOf(EmbedderError);
    expect((error as EmbedderError).code).toBe('embedder');
    expect((error as EmbedderError).reason).toBe('http_status');
    expect((error as EmbedderError).status).toBe(503);
    expect((error as Error).message).toContain('HTTP 503');
  });

  it('does not retry a 401, and never puts the API key in the error', async () => {
    server.respond((request, response) =>
      json(response, 401, { error: `invalid key ${String(request.headers.authorization)}` }),
    );
    const error = await failure(embedder({ apiKey: API_KEY }).embed('x'));
    expect(server.requests).toHaveLength(1);
    expect(error).toBeInstanceOf(EmbedderError);
    expect((error as EmbedderError).status).toBe(401);
    expect((error as Error).message).toContain('[redacted]');
    expect(
      JSON.stringify({
        message: (error as Error).message,
        details: (error as EmbedderError).details,
      }),
    ).not.toContain(API_KEY);
  });

  it.each([
    ['malformed JSON', 'this is not json', /not JSON/],
    ['no data array', JSON.stringify({ object: 'list' }), /no `data` array/],
    [
      'a wrong count',
      JSON.stringify({ data: [{ index: 0, embedding: fakeVector('a', DIM) }] }),
      /1 vectors returned for 2 inputs/,
    ],
    [
      'a non-numeric component',
      JSON.stringify({
        data: [
          { index: 0, embedding: fakeVector('a', DIM) },
          { index: 1, embedding: [...fakeVector('b', DIM).slice(1), 'x'] },
        ],
      }),
      /data\[1\]\.embedding\[7\] is "x"/,
    ],
    [
      'a duplicated index',
      JSON.stringify({
        data: [
          { index: 0, embedding: fakeVector('a', DIM) },
          { index: 0, embedding: fakeVector('b', DIM) },
        ],
      }),
      /index 0 appears twice/,
    ],
  ])(
    'rejects %s with a malformed_response EmbedderError, without retrying',
    async (_name, body, message) => {
      server.respond((_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(body);
      });
      const error = await failure(embedder().embedMany(['a', 'b']));
      expect(error).toBeInstanceOf(EmbedderError);
      expect((error as EmbedderError).reason).toBe('malformed_response');
      expect((error as Error).message).toMatch(message);
      expect(server.requests).toHaveLength(1);
    },
  );

  it('rejects vectors of another length with DimensionMismatchError', async () => {
    server.respond(ok(DIM + 4));
    const error = await failure(embedder().embed('x'));
    expect(error).toBeInstanceOf(DimensionMismatchError);
    expect((error as DimensionMismatchError).expected).toBe(DIM);
    expect((error as DimensionMismatchError).actual).toBe(DIM + 4);
  });

  it('aborts a request that outlives timeoutMs, and retries timeouts', async () => {
    server.respond((request, response, n) => {
      setTimeout(() => {
        if (!response.destroyed) ok(DIM)(request, response, n);
      }, 400);
    });
    const started = Date.now();
    const error = await failure(embedder({ timeoutMs: 100, retries: 1 }).embed('slow'));
    expect(Date.now() - started).toBeLessThan(390);
    expect(error).toBeInstanceOf(EmbedderError);
    expect((error as EmbedderError).reason).toBe('timeout');
    expect((error as Error).message).toContain('no answer within 100 ms');
    expect(server.requests).toHaveLength(2);
  });

  it('reports an unreachable server as a network error after retrying', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const error = await failure(
      embedder({ baseUrl: `http://127.0.0.1:${port}`, retries: 1 }).embed('x'),
    );
    expect(error).toBeInstanceOf(EmbedderError);
    expect((error as EmbedderError).reason).toBe('network');
    expect((error as Error).message).toContain('ECONNREFUSED');
  });

  it('validates its options, naming the field', () => {
    const bad: [Partial<OpenAICompatibleEmbedderOptions>, string][] = [
      [{ baseUrl: 'not a url' }, 'baseUrl'],
      [{ baseUrl: 'ftp://example.com' }, 'baseUrl'],
      [{ baseUrl: `http://user:${API_KEY}@127.0.0.1:1` }, 'baseUrl'],
      [{ model: ' ' }, 'model'],
      [{ dimension: 0 }, 'dimension'],
      [{ batchSize: 0 }, 'batchSize'],
      [{ timeoutMs: 1.5 }, 'timeoutMs'],
      [{ retries: -1 }, 'retries'],
    ];
    for (const [options, path] of bad) {
      let error: unknown;
      try {
        embedder(options);
      } catch (caught) {
        error = caught;
      }
      expect(error, path).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues[0]?.path).toBe(path);
      expect((error as Error).message).not.toContain(API_KEY);
    }
  });
});

describe('OpenAICompatibleEmbedder: queries and documents', () => {
  const texts = (n = 0) => server.requests[n]?.body.input;

  it('sends raw text for a model without a preset, and keeps the bare modelId', async () => {
    server.respond(ok(DIM));
    const e = embedder();
    await e.embed('how?', { inputType: 'query' });
    await e.embed('because.', { inputType: 'document' });
    expect([texts(0), texts(1)]).toEqual([['how?'], ['because.']]);
    expect(e.modelId).toBe('test-model');
    expect(e.inputHandling).toEqual({
      preset: null,
      queryPrefix: '',
      documentPrefix: '',
      inputTypeField: null,
      inputTypeValues: null,
    });
  });

  it.each([
    ['nomic-embed-text-v1.5', 'nomic-embed-text', 'search_query: ', 'search_document: '],
    ['nomic-embed-text:latest', 'nomic-embed-text', 'search_query: ', 'search_document: '],
    ['intfloat/e5-large-v2', 'e5', 'query: ', 'passage: '],
    ['multilingual-e5-small', 'e5', 'query: ', 'passage: '],
    [
      'BAAI/bge-small-en-v1.5',
      'bge-en',
      'Represent this sentence for searching relevant passages: ',
      '',
    ],
    ['bge-large:335m', 'bge-en', 'Represent this sentence for searching relevant passages: ', ''],
    [
      'mxbai-embed-large',
      'mxbai-embed-large',
      'Represent this sentence for searching relevant passages: ',
      '',
    ],
  ])(
    'prefixes %s with the %s preset: queries and documents differ',
    async (model, preset, queryPrefix, documentPrefix) => {
      server.respond(ok(DIM));
      const e = embedder({ model });
      await e.embedMany(['how do I run tests?'], { inputType: 'query' });
      await e.embedMany(['run pnpm test', 'use vitest'], { inputType: 'document' });
      await e.embed('default is a document');
      expect(texts(0)).toEqual([`${queryPrefix}how do I run tests?`]);
      expect(texts(1)).toEqual([`${documentPrefix}run pnpm test`, `${documentPrefix}use vitest`]);
      expect(texts(2)).toEqual([`${documentPrefix}default is a document`]);
      expect(server.requests.map((r) => r.body.model)).toEqual([model, model, model]);
      expect(e.inputHandling.preset).toBe(preset);
      expect(e.modelId).toMatch(
        new RegExp(`^${model.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}#[0-9a-f]{8}$`),
      );
    },
  );

  it('leaves models without a fixed prefix alone: bge-m3, e5 instruct variants', () => {
    for (const model of [
      'bge-m3',
      'multilingual-e5-large-instruct',
      'intfloat/e5-mistral-7b-instruct',
    ]) {
      expect(embedder({ model }).inputHandling.preset, model).toBeNull();
      expect(embedder({ model }).modelId, model).toBe(model);
    }
  });

  it('lets explicit prefixes override the preset, one side or both, and prefixes: none disable it', async () => {
    server.respond(ok(DIM));
    const noQuery = embedder({ model: 'nomic-embed-text-v1.5', queryPrefix: '' });
    await noQuery.embed('q', { inputType: 'query' });
    await noQuery.embed('d');
    expect([texts(0), texts(1)]).toEqual([['q'], ['search_document: d']]);
    expect(noQuery.inputHandling.preset).toBe('nomic-embed-text');

    const custom = embedder({
      model: 'nomic-embed-text-v1.5',
      queryPrefix: 'Q: ',
      documentPrefix: 'D: ',
    });
    expect(custom.inputHandling).toMatchObject({
      preset: null,
      queryPrefix: 'Q: ',
      documentPrefix: 'D: ',
    });

    const none = embedder({ model: 'nomic-embed-text-v1.5', prefixes: 'none' });
    await none.embed('q', { inputType: 'query' });
    expect(texts(2)).toEqual(['q']);
    expect(none.modelId).toBe('nomic-embed-text-v1.5');

    const onlyQuery = embedder({ prefixes: 'none', queryPrefix: 'query: ' });
    await onlyQuery.embedMany(['d1'], { inputType: 'document' });
    await onlyQuery.embedMany(['q1'], { inputType: 'query' });
    expect([texts(3), texts(4)]).toEqual([['d1'], ['query: q1']]);
  });

  it('records the prefixes in the modelId: the same settings give the same id, other settings another', () => {
    const nomic = embedder({ model: 'nomic-embed-text-v1.5' });
    const again = embedder({ model: 'nomic-embed-text-v1.5' });
    const bare = embedder({ model: 'nomic-embed-text-v1.5', prefixes: 'none' });
    const other = embedder({ model: 'nomic-embed-text-v1.5', documentPrefix: '' });
    const swapped = embedder({
      model: 'nomic-embed-text-v1.5',
      queryPrefix: 'search_document: ',
      documentPrefix: 'search_query: ',
    });
    const field = embedder({ model: 'nomic-embed-text-v1.5', inputTypeField: 'input_type' });
    expect(nomic.modelId).toBe(again.modelId);
    const ids = [nomic, bare, other, swapped, field].map((e) => e.modelId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(bare.modelId).toBe('nomic-embed-text-v1.5');
    // An explicit modelId is the start of the id; the digest still follows.
    expect(embedder({ model: 'nomic-embed-text-v1.5', modelId: 'nomic@q8' }).modelId).toBe(
      `nomic@q8#${nomic.modelId.split('#')[1]}`,
    );
  });

  it('sends the input type in a provider field when asked: input_type with default values', async () => {
    server.respond(ok(DIM));
    const voyage = embedder({ model: 'voyage-3', inputTypeField: 'input_type' });
    await voyage.embedMany(['q1', 'q2'], { inputType: 'query' });
    await voyage.embedMany(['d1']);
    expect(server.requests[0]?.body).toEqual({
      model: 'voyage-3',
      input: ['q1', 'q2'],
      input_type: 'query',
    });
    expect(server.requests[1]?.body).toEqual({
      model: 'voyage-3',
      input: ['d1'],
      input_type: 'document',
    });
    expect(voyage.modelId).toMatch(/^voyage-3#[0-9a-f]{8}$/);
  });

  it('maps the input type to the provider’s own values, in every batch', async () => {
    server.respond(ok(DIM));
    const jina = embedder({
      model: 'jina-embeddings-v3',
      inputTypeField: 'task',
      inputTypeValues: { query: 'retrieval.query', document: 'retrieval.passage' },
      batchSize: 1,
    });
    await jina.embedMany(['a', 'b'], { inputType: 'document' });
    await jina.embed('q', { inputType: 'query' });
    expect(server.requests.map((r) => r.body.task)).toEqual([
      'retrieval.passage',
      'retrieval.passage',
      'retrieval.query',
    ]);
  });

  it('rejects an unknown inputType before any request', async () => {
    server.respond(ok(DIM));
    const error = await failure(
      embedder().embed('x', { inputType: 'passage' as unknown as 'query' }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues[0]?.path).toBe('options.inputType');
    expect(server.requests).toHaveLength(0);
  });

  it('validates the prefix and input-type options, naming the option', () => {
    const bad: [Partial<OpenAICompatibleEmbedderOptions>, string][] = [
      [{ prefixes: 'sometimes' as 'auto' }, 'prefixes'],
      [{ queryPrefix: 'x'.repeat(1001) }, 'queryPrefix'],
      [{ documentPrefix: 'nul\u0000' }, 'documentPrefix'],
      [{ inputTypeField: 'input' }, 'inputTypeField'],
      [{ inputTypeField: 'input-type' }, 'inputTypeField'],
      [
        { inputTypeField: 'task', inputTypeValues: { query: '', document: 'd' } },
        'inputTypeValues.query',
      ],
    ];
    for (const [options, path] of bad) {
      let error: unknown;
      try {
        embedder(options);
      } catch (caught) {
        error = caught;
      }
      expect(error, path).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues[0]?.path, path).toBe(path);
    }
  });
});

const liveUrl = process.env.ATHENA_EMBEDDINGS_URL;

describe.skipIf(liveUrl === undefined || liveUrl === '')(
  'live embeddings server (runs only when ATHENA_EMBEDDINGS_URL is set)',
  () => {
    it('embeds with the configured model: a query is closer to the related passage than to an unrelated one', async () => {
      const live = createEmbedderFromEnv({ ...process.env, ATHENA_EMBEDDER: 'openai' });
      const cat = await live.embed('Where did the cat sit?', { inputType: 'query' });
      const [kitten, tax] = await live.embedMany(
        ['A kitten is sitting on a rug.', 'Quarterly tax filings are due next week.'],
        { inputType: 'document' },
      );
      const cosine = (a: Float32Array, b: Float32Array) => {
        let dot = 0;
        let na = 0;
        let nb = 0;
        a.forEach((x, i) => {
          const y = b[i] ?? 0;
          dot += x * y;
          na += x * x;
          nb += y * y;
        });
        return dot / Math.sqrt(na * nb);
      };
      expect(cat).toHaveLength(live.dimension);
      expect(cosine(cat, kitten as Float32Array)).toBeGreaterThan(cosine(cat, tax as Float32Array));
    });
  },
);
