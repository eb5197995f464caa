import { SummarizerError, ValidationError } from '@athena/core-types';
import type { SummarizerErrorReason } from '@athena/core-types';
import { z } from 'zod';
import type { ClusterSummary, EpisodeItem, Summarizer, SummaryItem } from './summarizer.js';

/** The part of a fetch `Response` the summarizer reads. */
export interface ChatResponseLike {
  readonly status: number;
  readonly statusText: string;
  /** The response headers; the summarizer reads `retry-after`. */
  readonly headers: {
    /** The value of the header `name` (case-insensitive), or `null`. */
    get(name: string): string | null;
  };
  /** The body, read once. */
  text(): Promise<string>;
}

/** The part of `fetch` the summarizer uses. */
export type ChatFetchLike = (
  url: string,
  init: {
    readonly method: 'POST';
    readonly headers: Record<string, string>;
    readonly body: string;
    readonly signal: AbortSignal;
  },
) => Promise<ChatResponseLike>;

/** Options of {@link OpenAICompatibleSummarizer}. */
export interface OpenAICompatibleSummarizerOptions {
  /** Server root, e.g. `http://127.0.0.1:8081` (llama.cpp), `http://127.0.0.1:11434` (Ollama); a trailing `/v1` is accepted. */
  readonly baseUrl: string;
  /** The `model` field of each request. */
  readonly model: string;
  /** Sent as `Authorization: Bearer …`; never logged nor put in an error. */
  readonly apiKey?: string;
  /** Per attempt, ms; default 30 000. */
  readonly timeoutMs?: number;
  /** Retries after the first attempt on 429, 5xx, network errors and timeouts; default 2. */
  readonly retries?: number;
  /** First backoff delay, doubled on every retry, with jitter; default 500 ms. */
  readonly retryBaseDelayMs?: number;
  /** Longest single wait (also caps `Retry-After`), ms; default 10 000. */
  readonly maxRetryDelayMs?: number;
  /** `max_tokens` of an answer; default 512. */
  readonly maxTokens?: number;
  /**
   * How the answer's shape is requested: `json_schema` (default; llama.cpp,
   * Ollama ≥ 0.5, OpenAI), `json_object`, or `none` (the prompt alone). The
   * answer is checked against the schema in every case.
   */
  readonly responseFormat?: 'json_schema' | 'json_object' | 'none';
  /** Default the global `fetch`. */
  readonly fetch?: ChatFetchLike;
}

/** Defaults of {@link OpenAICompatibleSummarizerOptions}. */
export const SUMMARIZER_DEFAULTS = Object.freeze({
  timeoutMs: 30_000,
  retries: 2,
  retryBaseDelayMs: 500,
  maxRetryDelayMs: 10_000,
  maxTokens: 512,
  responseFormat: 'json_schema' as const,
});

/** Longest summary or lesson accepted, in characters. */
export const MAX_SUMMARY_CHARS = 4_000;

const RELATIONS = ['reinforces', 'extends', 'contradicts'] as const;

const clusterAnswer = z
  .object({
    summary: z.string().trim().min(1).max(MAX_SUMMARY_CHARS),
    relations: z
      .array(z.object({ id: z.number().int(), relation: z.enum(RELATIONS) }).strict())
      .default([]),
  })
  .strict();
const episodeAnswer = z
  .object({ lesson: z.string().trim().min(1).max(MAX_SUMMARY_CHARS) })
  .strict();

const CLUSTER_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['summary', 'relations'],
  properties: {
    summary: { type: 'string', minLength: 1, maxLength: MAX_SUMMARY_CHARS },
    relations: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'relation'],
        properties: { id: { type: 'integer' }, relation: { type: 'string', enum: RELATIONS } },
      },
    },
  },
};
const EPISODE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['lesson'],
  properties: { lesson: { type: 'string', minLength: 1, maxLength: MAX_SUMMARY_CHARS } },
};

const CLUSTER_PROMPT = `You consolidate an AI agent's long-term memory. You receive notes that were found to be about the same thing, each with an id.
Answer with JSON only: {"summary": string, "relations": [{"id": number, "relation": "reinforces" | "extends" | "contradicts"}]}.
- summary: one self-contained note stating what the notes establish, in the notes' language, no longer than the longest note plus what the others add. Do not invent facts.
- relations: one entry per note id: "reinforces" when the note says what the summary says, "extends" when it adds detail, "contradicts" when it disagrees with the summary or with another note.`;

const EPISODE_PROMPT = `You consolidate an AI agent's episodic memory into knowledge. You receive events of one working session on one topic, with their outcomes.
Answer with JSON only: {"lesson": string} — one or two sentences stating what was learned (what works, what fails, and why), reusable in a later session. Do not invent facts.`;

function requireText(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ValidationError(`invalid ${name}: must be a non-empty string`, [
      { path: name, message: 'must be a non-empty string' },
    ]);
  }
  return value.trim();
}

function requireInteger(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ValidationError(`invalid ${name}: must be an integer in ${min}–${max}`, [
      { path: name, message: `must be an integer in ${min}–${max}` },
    ]);
  }
  return value;
}

function resolveEndpoint(baseUrl: unknown): { endpoint: string; safe: string } {
  const text = requireText(baseUrl, 'baseUrl');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ValidationError('invalid baseUrl: must be an http:// or https:// URL', [
      { path: 'baseUrl', message: 'must be an http:// or https:// URL' },
    ]);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username !== '') {
    throw new ValidationError(
      'invalid baseUrl: must be an http:// or https:// URL without credentials',
      [{ path: 'baseUrl', message: 'must be an http:// or https:// URL without credentials' }],
    );
  }
  const path = url.pathname.replace(/\/+$/, '').replace(/\/v1$/, '');
  url.pathname = `${path}/v1/chat/completions`;
  const endpoint = url.toString();
  url.search = '';
  return { endpoint, safe: url.toString() };
}

function parseRetryAfter(headers: ChatResponseLike['headers']): number | null {
  const value = headers.get('retry-after');
  if (value === null) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}

/** Models wrap JSON in Markdown fences now and then; the content inside is what counts. */
function unfence(text: string): string {
  const fenced = /^\s*```(?:json)?\s*([\s\S]*?)\s*```\s*$/i.exec(text);
  return fenced?.[1] ?? text;
}

/**
 * The slow path over the OpenAI chat-completions protocol (`POST
 * /v1/chat/completions`), as served by llama.cpp's `llama-server`, Ollama
 * and OpenAI: asks for a JSON answer (by JSON schema when the server takes
 * one), checks it with zod, and throws a `SummarizerError` when the server
 * fails or the answer is not what was asked — unknown ids, a blank or
 * overlong summary, another shape. 429, 5xx, network errors and timeouts are
 * retried (bounded, exponential backoff with jitter, `Retry-After`
 * honoured); an invalid answer is not (a deterministic model would repeat
 * it).
 *
 * @example
 * ```ts
 * const summarizer = new OpenAICompatibleSummarizer({ baseUrl: 'http://127.0.0.1:8081', model: 'qwen2.5-1.5b-instruct' });
 * const consolidator = createConsolidator({ store, embedder, summarizer });
 * ```
 */
export class OpenAICompatibleSummarizer implements Summarizer {
  readonly modelId: string;
  readonly #endpoint: string;
  readonly #safe: string;
  readonly #apiKey: string | null;
  readonly #timeoutMs: number;
  readonly #retries: number;
  readonly #retryBaseDelayMs: number;
  readonly #maxRetryDelayMs: number;
  readonly #maxTokens: number;
  readonly #responseFormat: 'json_schema' | 'json_object' | 'none';
  readonly #fetch: ChatFetchLike;

  constructor(options: OpenAICompatibleSummarizerOptions) {
    const d = SUMMARIZER_DEFAULTS;
    this.modelId = requireText(options.model, 'model');
    const { endpoint, safe } = resolveEndpoint(options.baseUrl);
    this.#endpoint = endpoint;
    this.#safe = safe;
    this.#apiKey = options.apiKey === undefined || options.apiKey === '' ? null : options.apiKey;
    this.#timeoutMs = requireInteger(options.timeoutMs ?? d.timeoutMs, 'timeoutMs', 1, 3_600_000);
    this.#retries = requireInteger(options.retries ?? d.retries, 'retries', 0, 10);
    this.#retryBaseDelayMs = requireInteger(
      options.retryBaseDelayMs ?? d.retryBaseDelayMs,
      'retryBaseDelayMs',
      0,
      600_000,
    );
    this.#maxRetryDelayMs = requireInteger(
      options.maxRetryDelayMs ?? d.maxRetryDelayMs,
      'maxRetryDelayMs',
      0,
      600_000,
    );
    this.#maxTokens = requireInteger(options.maxTokens ?? d.maxTokens, 'maxTokens', 16, 32_768);
    const format = options.responseFormat ?? d.responseFormat;
    if (!['json_schema', 'json_object', 'none'].includes(format)) {
      throw new ValidationError(
        'invalid responseFormat: must be json_schema, json_object or none',
        [{ path: 'responseFormat', message: 'must be json_schema, json_object or none' }],
      );
    }
    this.#responseFormat = format;
    const fetchImpl = options.fetch ?? (globalThis.fetch as unknown as ChatFetchLike | undefined);
    if (fetchImpl === undefined) {
      throw new ValidationError('no fetch implementation: use Node 20+ or pass options.fetch', [
        { path: 'fetch', message: 'required when the global fetch is missing' },
      ]);
    }
    this.#fetch = fetchImpl;
  }

  /**
   * @example
   * ```ts
   * const { summary, relations } = await summarizer.summarizeCluster([{ id: 1, content: 'Use pnpm' }, { id: 2, content: 'Never use pnpm' }]);
   * ```
   */
  async summarizeCluster(items: readonly SummaryItem[]): Promise<ClusterSummary> {
    const user = items.map((item) => `[id ${item.id}] ${item.content}`).join('\n');
    const answer = await this.#complete(CLUSTER_PROMPT, user, 'cluster_summary', CLUSTER_SCHEMA);
    const parsed = this.#check(clusterAnswer, answer);
    const known = new Set(items.map((item) => item.id));
    const unknown = parsed.relations.find((r) => !known.has(r.id));
    if (unknown !== undefined) {
      throw this.#invalid(`the answer names id ${unknown.id}, which is not one of the notes`);
    }
    const longest = Math.max(...items.map((item) => item.content.length));
    const total = items.reduce((sum, item) => sum + item.content.length, 0);
    if (parsed.summary.length > Math.max(2 * total, longest + 200)) {
      throw this.#invalid(
        `the summary has ${parsed.summary.length} characters for ${total} characters of notes`,
      );
    }
    return { summary: parsed.summary, relations: parsed.relations };
  }

  /**
   * @example
   * ```ts
   * const lesson = await summarizer.summarizeEpisodes(events);
   * ```
   */
  async summarizeEpisodes(events: readonly EpisodeItem[]): Promise<string> {
    const user = events
      .map(
        (e) =>
          `- [${e.eventType}${e.outcome === null ? '' : `, ${e.outcome}`}] ${e.content}${
            e.learned === null ? '' : ` (learned: ${e.learned})`
          }`,
      )
      .join('\n');
    const answer = await this.#complete(EPISODE_PROMPT, user, 'episode_lesson', EPISODE_SCHEMA);
    return this.#check(episodeAnswer, answer).lesson;
  }

  #check<S extends z.ZodType>(schema: S, content: string): z.output<S> {
    let json: unknown;
    try {
      json = JSON.parse(unfence(content));
    } catch (cause) {
      throw this.#invalid(
        `the answer is not JSON: ${JSON.stringify(content.slice(0, 120))}`,
        cause,
      );
    }
    const result = schema.safeParse(json);
    if (!result.success) {
      const issues = result.error.issues
        .map((i) => `${i.path.join('.') || '(answer)'}: ${i.message}`)
        .join('; ');
      throw this.#invalid(`the answer does not match the schema: ${issues}`, result.error);
    }
    return result.data;
  }

  #invalid(message: string, cause?: unknown): SummarizerError {
    return new SummarizerError('invalid_answer', `${this.#where()}: ${message}`, {
      ...(cause === undefined ? {} : { cause }),
      details: { endpoint: this.#safe, model: this.modelId },
    });
  }

  #where(): string {
    return `chat completion from ${this.#safe} (model ${this.modelId})`;
  }

  async #complete(
    system: string,
    user: string,
    schemaName: string,
    schema: Record<string, unknown>,
  ): Promise<string> {
    const body: Record<string, unknown> = {
      model: this.modelId,
      messages: [
        { role: 'system', content: system },
        { role: 'user', content: user },
      ],
      temperature: 0,
      max_tokens: this.#maxTokens,
    };
    if (this.#responseFormat === 'json_schema') {
      body['response_format'] = {
        type: 'json_schema',
        json_schema: { name: schemaName, strict: true, schema },
      };
    } else if (this.#responseFormat === 'json_object') {
      body['response_format'] = { type: 'json_object' };
    }
    const payload = JSON.stringify(body);
    for (let attempt = 0; ; attempt++) {
      const result = await this.#attempt(payload);
      if (result.ok) return result.content;
      if (!result.retryable || attempt >= this.#retries) throw result.error;
      const backoff = Math.min(this.#maxRetryDelayMs, this.#retryBaseDelayMs * 2 ** attempt);
      if (result.retryAfterMs !== null && result.retryAfterMs > this.#maxRetryDelayMs) {
        throw result.error;
      }
      const delay = result.retryAfterMs ?? backoff * (0.5 + Math.random() / 2);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  async #attempt(
    payload: string,
  ): Promise<
    | { ok: true; content: string }
    | { ok: false; error: SummarizerError; retryable: boolean; retryAfterMs: number | null }
  > {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json',
    };
    if (this.#apiKey !== null) headers['authorization'] = `Bearer ${this.#apiKey}`;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.#timeoutMs);
    const details = { endpoint: this.#safe, model: this.modelId };
    let response: ChatResponseLike;
    let text: string;
    try {
      response = await this.#fetch(this.#endpoint, {
        method: 'POST',
        headers,
        body: payload,
        signal: controller.signal,
      });
      text = await response.text();
    } catch (cause) {
      const timedOut = controller.signal.aborted;
      const reason: SummarizerErrorReason = timedOut ? 'timeout' : 'network';
      const what = timedOut
        ? `no answer within ${this.#timeoutMs} ms`
        : cause instanceof Error
          ? cause.message
          : String(cause);
      return {
        ok: false,
        retryable: true,
        retryAfterMs: null,
        error: new SummarizerError(reason, `${this.#where()} failed: ${what}`, { cause, details }),
      };
    } finally {
      clearTimeout(timer);
    }
    const status = response.status;
    if (status < 200 || status >= 300) {
      const rateLimited = status === 429;
      return {
        ok: false,
        retryable: rateLimited || status >= 500,
        retryAfterMs: parseRetryAfter(response.headers),
        error: new SummarizerError(
          rateLimited ? 'rate_limited' : 'http_status',
          `${this.#where()} failed: HTTP ${status} ${response.statusText}`,
          { status, details },
        ),
      };
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (cause) {
      return {
        ok: false,
        retryable: false,
        retryAfterMs: null,
        error: new SummarizerError('malformed_response', `${this.#where()}: the body is not JSON`, {
          cause,
          details,
        }),
      };
    }
    const content = (json as { choices?: { message?: { content?: unknown } }[] }).choices?.[0]
      ?.message?.content;
    if (typeof content !== 'string') {
      return {
        ok: false,
        retryable: false,
        retryAfterMs: null,
        error: new SummarizerError(
          'malformed_response',
          `${this.#where()}: no choices[0].message.content in the response`,
          { details },
        ),
      };
    }
    return { ok: true, content };
  }
}
