import { ValidationError } from '@athena/core-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HashingEmbedder, OpenAICompatibleEmbedder, createEmbedderFromEnv } from '../src/index.js';
import { ok, startEmbeddingsServer } from './helpers/embeddings-server.js';
import type { EmbeddingsServer } from './helpers/embeddings-server.js';

function validationPath(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).issues[0]?.path;
  }
  throw new Error('expected a ValidationError');
}

describe('createEmbedderFromEnv', () => {
  it('defaults to the 768-dimension hashing embedder', () => {
    const embedder = createEmbedderFromEnv({});
    expect(embedder).toBeInstanceOf(HashingEmbedder);
    expect(embedder.modelId).toBe('athena-hash-v2-768');
  });

  it('honours ATHENA_EMBEDDING_DIM, and treats blank values as unset', () => {
    expect(createEmbedderFromEnv({ ATHENA_EMBEDDING_DIM: '384' }).dimension).toBe(384);
    expect(
      createEmbedderFromEnv({ ATHENA_EMBEDDER: ' ', ATHENA_EMBEDDING_DIM: '' }).dimension,
    ).toBe(768);
  });

  it('does not switch to openai just because a URL is set', () => {
    expect(
      createEmbedderFromEnv({ ATHENA_EMBEDDINGS_URL: 'http://127.0.0.1:8080' }),
    ).toBeInstanceOf(HashingEmbedder);
  });

  it('builds an OpenAI-compatible embedder from the ATHENA_EMBEDDINGS_* variables', () => {
    const embedder = createEmbedderFromEnv({
      ATHENA_EMBEDDER: 'OpenAI',
      ATHENA_EMBEDDINGS_URL: 'http://127.0.0.1:11434',
      ATHENA_EMBEDDINGS_MODEL: 'nomic-embed-text',
      ATHENA_EMBEDDINGS_API_KEY: 'sk-x',
      ATHENA_EMBEDDING_DIM: '768',
    });
    expect(embedder).toBeInstanceOf(OpenAICompatibleEmbedder);
    expect(embedder.modelId).toMatch(/^nomic-embed-text#[0-9a-f]{8}$/);
    expect(embedder.dimension).toBe(768);
    expect((embedder as OpenAICompatibleEmbedder).inputHandling).toMatchObject({
      preset: 'nomic-embed-text',
      queryPrefix: 'search_query: ',
      documentPrefix: 'search_document: ',
    });
  });

  it('keeps the bare model name as modelId with ATHENA_EMBEDDINGS_PREFIXES=none', () => {
    const embedder = createEmbedderFromEnv({
      ATHENA_EMBEDDER: 'openai',
      ATHENA_EMBEDDINGS_URL: 'http://127.0.0.1:11434',
      ATHENA_EMBEDDINGS_MODEL: 'nomic-embed-text',
      ATHENA_EMBEDDINGS_PREFIXES: 'None',
    });
    expect(embedder.modelId).toBe('nomic-embed-text');
  });

  it('names the variable in every error', () => {
    const openai = {
      ATHENA_EMBEDDER: 'openai',
      ATHENA_EMBEDDINGS_MODEL: 'm',
      ATHENA_EMBEDDINGS_URL: 'http://x',
    };
    expect(validationPath(() => createEmbedderFromEnv({ ATHENA_EMBEDDER: 'word2vec' }))).toBe(
      'ATHENA_EMBEDDER',
    );
    for (const dim of ['0', '-3', '12.5', 'abc', '16001', '99999999']) {
      expect(validationPath(() => createEmbedderFromEnv({ ATHENA_EMBEDDING_DIM: dim }))).toBe(
        'ATHENA_EMBEDDING_DIM',
      );
    }
    expect(
      validationPath(() => createEmbedderFromEnv({ ...openai, ATHENA_EMBEDDINGS_URL: undefined })),
    ).toBe('ATHENA_EMBEDDINGS_URL');
    expect(
      validationPath(() =>
        createEmbedderFromEnv({ ...openai, ATHENA_EMBEDDINGS_URL: 'localhost:8080' }),
      ),
    ).toBe('ATHENA_EMBEDDINGS_URL');
    expect(
      validationPath(() => createEmbedderFromEnv({ ...openai, ATHENA_EMBEDDINGS_MODEL: '' })),
    ).toBe('ATHENA_EMBEDDINGS_MODEL');
    expect(
      validationPath(() => createEmbedderFromEnv({ ...openai, ATHENA_EMBEDDINGS_PREFIXES: 'on' })),
    ).toBe('ATHENA_EMBEDDINGS_PREFIXES');
    expect(
      validationPath(() =>
        createEmbedderFromEnv({ ...openai, ATHENA_EMBEDDINGS_INPUT_TYPE_FIELD: 'model' }),
      ),
    ).toBe('ATHENA_EMBEDDINGS_INPUT_TYPE_FIELD');
    expect(
      validationPath(() =>
        createEmbedderFromEnv({
          ...openai,
          ATHENA_EMBEDDINGS_INPUT_TYPE_FIELD: 'input_type',
          ATHENA_EMBEDDINGS_INPUT_TYPE_VALUES: 'query',
        }),
      ),
    ).toBe('ATHENA_EMBEDDINGS_INPUT_TYPE_VALUES');
  });

  it('does not read the openai variables for the hashing embedder', () => {
    expect(
      createEmbedderFromEnv({
        ATHENA_EMBEDDINGS_URL: 'not a url',
        ATHENA_EMBEDDINGS_PREFIXES: '?',
      }),
    ).toBeInstanceOf(HashingEmbedder);
  });
});

describe('createEmbedderFromEnv against a local embeddings server', () => {
  let server: EmbeddingsServer;
  beforeAll(async () => {
    server = await startEmbeddingsServer();
  });
  afterAll(() => server.close());

  const base = () => ({
    ATHENA_EMBEDDER: 'openai',
    ATHENA_EMBEDDINGS_URL: server.url,
    ATHENA_EMBEDDING_DIM: '8',
  });

  it('applies the preset of the model: nomic-embed-text gets search_query / search_document', async () => {
    server.respond(ok(8));
    const embedder = createEmbedderFromEnv({
      ...base(),
      ATHENA_EMBEDDINGS_MODEL: 'nomic-embed-text',
    });
    await embedder.embed('where are the tests?', { inputType: 'query' });
    await embedder.embedMany(['tests live in test/'], { inputType: 'document' });
    expect(server.requests.map((r) => r.body.input)).toEqual([
      ['search_query: where are the tests?'],
      ['search_document: tests live in test/'],
    ]);
  });

  it('takes prefixes from the environment with their trailing space, over the preset', async () => {
    server.respond(ok(8));
    const embedder = createEmbedderFromEnv({
      ...base(),
      ATHENA_EMBEDDINGS_MODEL: 'nomic-embed-text',
      ATHENA_EMBEDDINGS_QUERY_PREFIX: 'Instruct: find the passage\nQuery: ',
      ATHENA_EMBEDDINGS_DOCUMENT_PREFIX: 'doc: ',
    });
    await embedder.embed('q', { inputType: 'query' });
    await embedder.embed('d');
    expect(server.requests.map((r) => r.body.input)).toEqual([
      ['Instruct: find the passage\nQuery: q'],
      ['doc: d'],
    ]);
  });

  it('sends the input-type field and values the environment names', async () => {
    server.respond(ok(8));
    const embedder = createEmbedderFromEnv({
      ...base(),
      ATHENA_EMBEDDINGS_MODEL: 'nvidia/nv-embedqa-e5-v5',
      ATHENA_EMBEDDINGS_INPUT_TYPE_FIELD: 'input_type',
      ATHENA_EMBEDDINGS_INPUT_TYPE_VALUES: 'query, passage',
    });
    await embedder.embed('q', { inputType: 'query' });
    await embedder.embed('d', { inputType: 'document' });
    expect(server.requests.map((r) => [r.body.input, r.body.input_type])).toEqual([
      [['q'], 'query'],
      [['d'], 'passage'],
    ]);
  });
});
