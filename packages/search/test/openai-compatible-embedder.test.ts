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

const liveUrl = process.env.ATHENA_EMBEDDINGS_URL;

describe.skipIf(liveUrl === undefined || liveUrl === '')(
  'live embeddings server (runs only when ATHENA_EMBEDDINGS_URL is set)',
  () => {
    it('embeds with the configured model: related sentences are closer than unrelated ones', async () => {
      const live = createEmbedderFromEnv({ ...process.env, ATHENA_EMBEDDER: 'openai' });
      const [cat, kitten, tax] = await live.embedMany([
        'The cat sat on the mat.',
        'A kitten is sitting on a rug.',
        'Quarterly tax filings are due next week.',
      ]);
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
      expect(cosine(cat as Float32Array, kitten as Float32Array)).toBeGreaterThan(
        cosine(cat as Float32Array, tax as Float32Array),
      );
    });
  },
);
