import { createHash } from 'node:crypto';
import {
  DimensionMismatchError,
  EmbedderError,
  parseVariable,
  resolveInputType,
  ValidationError,
} from '@athena/core-types';
import type {
  Embedder,
  EmbedderErrorReason,
  EmbedInputType,
  EmbedOptions,
  InputTypeValues,
} from '@athena/core-types';
import { presetForModel } from './embedding-presets.js';

/** The part of a fetch `Response` this embedder reads. */
export interface FetchResponseLike {
  readonly status: number;
  readonly statusText: string;
  /** The response headers; the embedder reads `retry-after-ms` and `retry-after`. */
  readonly headers: {
    /** The value of the header `name` (case-insensitive), or `null`. */
    get(name: string): string | null;
  };
  /** The body, read once. */
  text(): Promise<string>;
}

/** The part of `fetch` this embedder uses; pass your own to add a proxy or instrumentation. */
export type FetchLike = (
  url: string,
  init: {
    readonly method: 'POST';
    readonly headers: Record<string, string>;
    readonly body: string;
    readonly signal: AbortSignal;
  },
) => Promise<FetchResponseLike>;

/** Options of {@link OpenAICompatibleEmbedder}. */
export interface OpenAICompatibleEmbedderOptions {
  /**
   * Server root, e.g. `http://127.0.0.1:8080` (llama.cpp), `http://127.0.0.1:11434`
   * (Ollama) or `https://api.openai.com`. A trailing `/v1` is accepted too.
   */
  readonly baseUrl: string;
  /** The `model` field of each request. */
  readonly model: string;
  /** The vector length the model produces; any other length is a `DimensionMismatchError`. */
  readonly dimension: number;
  /** Sent as `Authorization: Bearer …`; never logged nor put in an error. */
  readonly apiKey?: string;
  /**
   * Start of the `modelId` recorded next to stored vectors; default `model`.
   * Change it when the weights change. When queries and documents are told
   * apart (prefixes or an input-type field), a digest of those settings is
   * appended: see {@link OpenAICompatibleEmbedder.modelId}.
   */
  readonly modelId?: string;
  /**
   * `auto` (default): apply the query and document prefixes known for
   * `model` ({@link EMBEDDING_PRESETS}); `none`: no preset. `queryPrefix` and
   * `documentPrefix` override either.
   */
  readonly prefixes?: 'auto' | 'none';
  /** Text put before every query (`inputType: 'query'`); `''` for none. Default: the preset's. */
  readonly queryPrefix?: string;
  /** Text put before every document (`inputType: 'document'`); `''` for none. Default: the preset's. */
  readonly documentPrefix?: string;
  /**
   * A request field that tells the provider the input type, for providers
   * that take one: `input_type` (Voyage; NVIDIA NIM with values
   * `query`/`passage`), `task` (Jina, `retrieval.query`/`retrieval.passage`).
   * Default none.
   */
  readonly inputTypeField?: string;
  /** The values of `inputTypeField`; default `{ query: 'query', document: 'document' }`. */
  readonly inputTypeValues?: InputTypeValues;
  /** Texts per request, 1–2048; default 64. */
  readonly batchSize?: number;
  /** Per attempt, in milliseconds; default 30 000. */
  readonly timeoutMs?: number;
  /** Retries after the first attempt on 429, 5xx, network errors and timeouts; default 3. */
  readonly retries?: number;
  /** First backoff delay, doubled on every retry, with jitter; default 500 ms. */
  readonly retryBaseDelayMs?: number;
  /**
   * Longest single wait, in milliseconds; default 30 000. A `Retry-After`
   * asking for more fails the request rather than hanging.
   */
  readonly maxRetryDelayMs?: number;
  /** Default the global `fetch`. */
  readonly fetch?: FetchLike;
}

/** Defaults of {@link OpenAICompatibleEmbedderOptions}. */
export const OPENAI_COMPATIBLE_DEFAULTS = Object.freeze({
  batchSize: 64,
  timeoutMs: 30_000,
  retries: 3,
  retryBaseDelayMs: 500,
  maxRetryDelayMs: 30_000,
});

/** Largest `batchSize` accepted (OpenAI's per-request input limit). */
export const MAX_EMBEDDING_BATCH = 2048;

/** How an {@link OpenAICompatibleEmbedder} tells queries from documents. */
export interface InputHandling {
  /** The preset the prefixes came from, or `null`. */
  readonly preset: string | null;
  readonly queryPrefix: string;
  readonly documentPrefix: string;
  /** The request field carrying the input type, or `null` when none is sent. */
  readonly inputTypeField: string | null;
  /** The field's values; `null` when no field is sent. */
  readonly inputTypeValues: InputTypeValues | null;
}

interface Settings {
  readonly input: InputHandling;
  readonly endpoint: string;
  /** The endpoint without its query string: safe for messages. */
  readonly safeEndpoint: string;
  readonly model: string;
  readonly apiKey: string | null;
  readonly batchSize: number;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly retryBaseDelayMs: number;
  readonly maxRetryDelayMs: number;
  readonly fetch: FetchLike;
}

type Attempt =
  | { readonly ok: true; readonly vectors: Float32Array[] }
  | {
      readonly ok: false;
      readonly error: EmbedderError;
      readonly retryable: boolean;
      readonly retryAfterMs: number | null;
    };

/**
 * Embeds through the OpenAI embeddings protocol (`POST /v1/embeddings` with
 * `{ model, input: string[] }`), as served by llama.cpp's `llama-server
 * --embeddings`, Ollama and OpenAI. Texts are sent in batches of `batchSize`,
 * one request at a time; results are put back in input order by `index`.
 * 429, 5xx, network errors and timeouts are retried with exponential backoff
 * and jitter, honouring `Retry-After`; other failures throw an
 * `EmbedderError` at once. A vector of the wrong length throws
 * `DimensionMismatchError`.
 *
 * Queries and documents: `embed(text, { inputType })` puts the query or the
 * document prefix before each text and, when `inputTypeField` is set, sends
 * the input type in that field. Known models get their prefixes by default
 * (nomic-embed-text: `search_query: ` / `search_document: `; e5: `query: ` /
 * `passage: `; bge-…-en and mxbai-embed-large: a query instruction).
 *
 * @example
 * ```ts
 * const embedder = new OpenAICompatibleEmbedder({
 *   baseUrl: 'http://127.0.0.1:8080',
 *   model: 'nomic-embed-text-v1.5',
 *   dimension: 768,
 * });
 * embedder.inputHandling.queryPrefix; // 'search_query: '
 * const query = await embedder.embed('How do I run the tests?', { inputType: 'query' });
 * ```
 */
export class OpenAICompatibleEmbedder implements Embedder {
  readonly dimension: number;
  /**
   * `options.modelId ?? model`, followed by `#` and 8 hex digits of a
   * SHA-256 over the prefixes and input-type field whenever any is in use
   * (`nomic-embed-text-v1.5#…`). Vectors embedded with other prefixes live in
   * another space, and recall refuses to compare vectors of different
   * `modelId`s; without prefixes nor field the `modelId` is the bare name, as
   * before prefixes existed.
   */
  readonly modelId: string;
  readonly #settings: Settings;

  constructor(options: OpenAICompatibleEmbedderOptions) {
    const defaults = OPENAI_COMPATIBLE_DEFAULTS;
    const model = requireText(options.model, 'model');
    this.dimension = requireInteger(options.dimension, 'dimension', 1, 65_536);
    const input = resolveInputHandling(model, options);
    const base = options.modelId === undefined ? model : requireText(options.modelId, 'modelId');
    this.modelId = withInputDigest(base, input);
    const { endpoint, safeEndpoint } = resolveEndpoint(options.baseUrl);
    const fetchImpl = options.fetch ?? (globalThis.fetch as unknown as FetchLike | undefined);
    if (fetchImpl === undefined) {
      throw new ValidationError('no fetch implementation: use Node 20+ or pass options.fetch', [
        { path: 'fetch', message: 'required when the global fetch is missing' },
      ]);
    }
    this.#settings = Object.freeze({
      input,
      endpoint,
      safeEndpoint,
      model,
      apiKey: options.apiKey === undefined || options.apiKey === '' ? null : options.apiKey,
      batchSize: requireInteger(
        options.batchSize ?? defaults.batchSize,
        'batchSize',
        1,
        MAX_EMBEDDING_BATCH,
      ),
      timeoutMs: requireInteger(options.timeoutMs ?? defaults.timeoutMs, 'timeoutMs', 1, 3_600_000),
      retries: requireInteger(options.retries ?? defaults.retries, 'retries', 0, 20),
      retryBaseDelayMs: requireInteger(
        options.retryBaseDelayMs ?? defaults.retryBaseDelayMs,
        'retryBaseDelayMs',
        0,
        3_600_000,
      ),
      maxRetryDelayMs: requireInteger(
        options.maxRetryDelayMs ?? defaults.maxRetryDelayMs,
        'maxRetryDelayMs',
        0,
        3_600_000,
      ),
      fetch: fetchImpl,
    });
  }

  /** The prefixes and input-type field this embedder applies. */
  get inputHandling(): InputHandling {
    return this.#settings.input;
  }

  /**
   * Embeds one text (one request), as a document unless `options.inputType`
   * says `query`.
   *
   * @example
   * ```ts
   * const vector = await embedder.embed('pgvector needs CREATE EXTENSION vector');
   * const query = await embedder.embed('which extension?', { inputType: 'query' });
   * ```
   */
  async embed(text: string, options?: EmbedOptions): Promise<Float32Array> {
    const [vector] = await this.embedMany([text], options);
    // embedMany checked the count, so this only satisfies the type checker.
    if (vector === undefined) throw this.#malformed('no vector returned');
    return vector;
  }

  /**
   * Embeds every text in order, `batchSize` texts per request, with the
   * prefix (and field value) of `options.inputType` (default `document`).
   * Blank texts are rejected before any request is sent.
   *
   * @example
   * ```ts
   * const vectors = await embedder.embedMany(['first note', 'second note']);
   * ```
   */
  async embedMany(texts: readonly string[], options?: EmbedOptions): Promise<Float32Array[]> {
    const inputType = resolveInputType(options);
    texts.forEach((text, index) => {
      if (typeof text !== 'string' || text.trim().length === 0) {
        throw new ValidationError(`invalid texts[${index}]: must be a non-blank string`, [
          { path: `texts[${index}]`, message: 'must be a non-blank string' },
        ]);
      }
    });
    const { input, batchSize } = this.#settings;
    const prefix = inputType === 'query' ? input.queryPrefix : input.documentPrefix;
    const vectors: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += batchSize) {
      const batch = texts.slice(start, start + batchSize).map((text) => prefix + text);
      vectors.push(...(await this.#post(batch, inputType)));
    }
    return vectors;
  }

  async #post(batch: readonly string[], inputType: EmbedInputType): Promise<Float32Array[]> {
    const { retries, retryBaseDelayMs, maxRetryDelayMs } = this.#settings;
    for (let attempt = 0; ; attempt++) {
      const result = await this.#attempt(batch, inputType);
      if (result.ok) return result.vectors;
      if (!result.retryable || attempt >= retries) throw result.error;
      if (result.retryAfterMs !== null && result.retryAfterMs > maxRetryDelayMs) {
        throw new EmbedderError(
          result.error.reason,
          `${result.error.message}; the server asked to retry after ${result.retryAfterMs} ms, more than maxRetryDelayMs (${maxRetryDelayMs})`,
          {
            status: result.error.status ?? undefined,
            cause: result.error,
            details: this.#details(),
          },
        );
      }
      const backoff = Math.min(maxRetryDelayMs, retryBaseDelayMs * 2 ** attempt);
      // Equal jitter: at least half the backoff, so retries of many clients spread out.
      const delay = result.retryAfterMs ?? backoff * (0.5 + Math.random() / 2);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  async #attempt(batch: readonly string[], inputType: EmbedInputType): Promise<Attempt> {
    const { endpoint, safeEndpoint, model, apiKey, timeoutMs, input } = this.#settings;
    const body: Record<string, unknown> = { model, input: batch };
    if (input.inputTypeField !== null && input.inputTypeValues !== null) {
      body[input.inputTypeField] = input.inputTypeValues[inputType];
    }
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json',
    };
    if (apiKey !== null) headers.authorization = `Bearer ${apiKey}`;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    let status: number;
    let text: string;
    let response: FetchResponseLike;
    try {
      response = await this.#settings.fetch(endpoint, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
        signal: controller.signal,
      });
      status = response.status;
      text = await response.text();
    } catch (cause) {
      const timedOut = controller.signal.aborted;
      const reason: EmbedderErrorReason = timedOut ? 'timeout' : 'network';
      const what = timedOut ? `no answer within ${timeoutMs} ms` : describeNetworkError(cause);
      return {
        ok: false,
        retryable: true,
        retryAfterMs: null,
        error: new EmbedderError(
          reason,
          `embedding request to ${safeEndpoint} (model ${model}) failed: ${what}`,
          {
            cause,
            details: this.#details(),
          },
        ),
      };
    } finally {
      clearTimeout(timer);
    }

    if (status < 200 || status >= 300) {
      const rateLimited = status === 429;
      return {
        ok: false,
        retryable: rateLimited || status >= 500,
        retryAfterMs: parseRetryAfter(response.headers),
        error: new EmbedderError(
          rateLimited ? 'rate_limited' : 'http_status',
          `embedding request to ${safeEndpoint} (model ${model}) failed: HTTP ${status} ${response.statusText}${this.#snippet(text)}`,
          { status, details: this.#details() },
        ),
      };
    }
    return { ok: true, vectors: this.#parse(text, batch.length) };
  }

  #parse(body: string, expected: number): Float32Array[] {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch (cause) {
      throw this.#malformed(`the body is not JSON${this.#snippet(body)}`, cause);
    }
    const data = isRecord(json) ? json.data : undefined;
    if (!Array.isArray(data)) throw this.#malformed('no `data` array');
    if (data.length !== expected) {
      throw this.#malformed(`${data.length} vectors returned for ${expected} inputs`);
    }
    const withIndex = data.filter((item) => isRecord(item) && item.index !== undefined).length;
    if (withIndex !== 0 && withIndex !== data.length) {
      throw this.#malformed('`index` is present on some items of `data` but not all');
    }
    const vectors = new Array<Float32Array | undefined>(expected).fill(undefined);
    data.forEach((item: unknown, position) => {
      if (!isRecord(item)) throw this.#malformed(`data[${position}] is not an object`);
      const index = withIndex === 0 ? position : item.index;
      if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= expected) {
        throw this.#malformed(
          `data[${position}].index is ${String(index)}, not in 0–${expected - 1}`,
        );
      }
      if (vectors[index] !== undefined) throw this.#malformed(`index ${index} appears twice`);
      vectors[index] = this.#vector(item.embedding, position);
    });
    return vectors as Float32Array[];
  }

  #vector(value: unknown, position: number): Float32Array {
    if (!Array.isArray(value)) throw this.#malformed(`data[${position}].embedding is not an array`);
    if (value.length !== this.dimension) {
      throw new DimensionMismatchError(this.dimension, value.length, {
        details: { ...this.#details(), source: 'embedder' },
      });
    }
    const vector = new Float32Array(value.length);
    value.forEach((component: unknown, i) => {
      if (typeof component !== 'number' || !Number.isFinite(component)) {
        throw this.#malformed(
          `data[${position}].embedding[${i}] is ${JSON.stringify(component)}, not a finite number`,
        );
      }
      vector[i] = component;
    });
    return vector;
  }

  #malformed(what: string, cause?: unknown): EmbedderError {
    const { safeEndpoint, model } = this.#settings;
    return new EmbedderError(
      'malformed_response',
      `embedding response from ${safeEndpoint} (model ${model}) is malformed: ${what}`,
      { cause, details: this.#details() },
    );
  }

  #details(): Record<string, unknown> {
    return { url: this.#settings.safeEndpoint, model: this.#settings.model };
  }

  /** The start of a response body for an error message, with the API key blanked out. */
  #snippet(body: string): string {
    const trimmed = body.trim();
    if (trimmed === '') return '';
    const key = this.#settings.apiKey;
    const safe = key === null ? trimmed : trimmed.split(key).join('[redacted]');
    return `: ${safe.length > 200 ? `${safe.slice(0, 200)}…` : safe}`;
  }
}

function resolveInputHandling(
  model: string,
  options: OpenAICompatibleEmbedderOptions,
): InputHandling {
  // Options follow the rules of their variables, named after the option.
  const mode =
    options.prefixes === undefined
      ? 'auto'
      : parseVariable('ATHENA_EMBEDDINGS_PREFIXES', String(options.prefixes), 'prefixes');
  const preset = mode === 'auto' ? presetForModel(model) : null;
  const queryPrefix = prefix(
    options.queryPrefix ?? preset?.queryPrefix ?? '',
    'ATHENA_EMBEDDINGS_QUERY_PREFIX',
    'queryPrefix',
  );
  const documentPrefix = prefix(
    options.documentPrefix ?? preset?.documentPrefix ?? '',
    'ATHENA_EMBEDDINGS_DOCUMENT_PREFIX',
    'documentPrefix',
  );
  // A preset both of whose prefixes are overridden contributes nothing.
  const presetName =
    preset !== null && (options.queryPrefix === undefined || options.documentPrefix === undefined)
      ? preset.name
      : null;
  if (options.inputTypeField === undefined) {
    return Object.freeze({
      preset: presetName,
      queryPrefix,
      documentPrefix,
      inputTypeField: null,
      inputTypeValues: null,
    });
  }
  const field = parseVariable(
    'ATHENA_EMBEDDINGS_INPUT_TYPE_FIELD',
    String(options.inputTypeField),
    'inputTypeField',
  );
  const values = options.inputTypeValues ?? { query: 'query', document: 'document' };
  return Object.freeze({
    preset: presetName,
    queryPrefix,
    documentPrefix,
    inputTypeField: field,
    inputTypeValues: Object.freeze({
      query: requireText(values.query, 'inputTypeValues.query'),
      document: requireText(values.document, 'inputTypeValues.document'),
    }),
  });
}

function prefix(
  value: unknown,
  variable: 'ATHENA_EMBEDDINGS_QUERY_PREFIX' | 'ATHENA_EMBEDDINGS_DOCUMENT_PREFIX',
  path: string,
): string {
  if (typeof value !== 'string') {
    throw new ValidationError(`invalid ${path}: must be a string`, [
      { path, message: 'must be a string' },
    ]);
  }
  return value === '' ? value : parseVariable(variable, value, path);
}

/** `base`, plus a digest of the input handling when queries and documents are embedded differently. */
function withInputDigest(base: string, input: InputHandling): string {
  const { queryPrefix, documentPrefix, inputTypeField, inputTypeValues } = input;
  if (queryPrefix === '' && documentPrefix === '' && inputTypeField === null) return base;
  const canonical = JSON.stringify([
    queryPrefix,
    documentPrefix,
    inputTypeField,
    inputTypeValues?.query ?? null,
    inputTypeValues?.document ?? null,
  ]);
  return `${base}#${createHash('sha256').update(canonical).digest('hex').slice(0, 8)}`;
}

function resolveEndpoint(baseUrl: unknown): { endpoint: string; safeEndpoint: string } {
  let url: URL;
  try {
    url = new URL(typeof baseUrl === 'string' ? baseUrl : '');
  } catch (cause) {
    throw new ValidationError(
      `invalid baseUrl: ${JSON.stringify(baseUrl)} is not a URL`,
      [{ path: 'baseUrl', message: 'must be an http(s) URL' }],
      { cause },
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ValidationError(
      `invalid baseUrl: the protocol must be http or https, not ${url.protocol}`,
      [{ path: 'baseUrl', message: 'must be an http(s) URL' }],
    );
  }
  if (url.username !== '' || url.password !== '') {
    // fetch refuses such URLs, and error messages would show the secret.
    throw new ValidationError(
      'invalid baseUrl: it must not contain credentials; pass apiKey instead',
      [{ path: 'baseUrl', message: 'must not contain credentials' }],
    );
  }
  const root = url.pathname.replace(/\/+$/, '').replace(/\/v1$/, '');
  url.pathname = `${root}/v1/embeddings`;
  const safe = new URL(url.href);
  safe.search = '';
  return { endpoint: url.href, safeEndpoint: safe.href };
}

/** Milliseconds to wait from `retry-after-ms` (OpenAI) or `Retry-After` (seconds or an HTTP date). */
function parseRetryAfter(headers: FetchResponseLike['headers']): number | null {
  const ms = headers.get('retry-after-ms');
  if (ms !== null && /^\d+(\.\d+)?$/.test(ms.trim())) return Number(ms);
  const value = headers.get('retry-after')?.trim();
  if (value === undefined || value === '') return null;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

function describeNetworkError(cause: unknown): string {
  const inner = cause instanceof Error && cause.cause instanceof Error ? cause.cause : cause;
  return inner instanceof Error ? inner.message : String(inner);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requireText(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ValidationError(`invalid ${path}: must be a non-empty string`, [
      { path, message: 'must be a non-empty string' },
    ]);
  }
  return value;
}

function requireInteger(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ValidationError(
      `invalid ${path}: must be an integer in ${min}–${max}, got ${String(value)}`,
      [{ path, message: `must be an integer in ${min}–${max}` }],
    );
  }
  return value;
}
