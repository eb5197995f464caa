import { ValidationError } from '@athena/core-types';
import { describe, expect, it } from 'vitest';
import { HashingEmbedder, OpenAICompatibleEmbedder, createEmbedderFromEnv } from '../src/index.js';

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
    expect(embedder.modelId).toBe('nomic-embed-text');
    expect(embedder.dimension).toBe(768);
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
    for (const dim of ['0', '-3', '12.5', 'abc', '99999999']) {
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
  });
});
