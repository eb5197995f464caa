import { ValidationError, parseId } from '@athena/core-types';
import { describe, expect, it } from 'vitest';
import { GoalFront, front } from '../src/index.js';
import type { BackendOf, GoalBackend, Parsers } from '../src/index.js';

interface Counter {
  add(projectId: number, amount: number, note?: string): Promise<string>;
  embed(values: readonly number[]): Promise<number>;
}

const COUNTER_PARSERS = {
  add: (_, projectId, amount, note) =>
    [parseId(projectId, 'projectId'), parseId(amount, 'amount'), note ?? 'none'] as const,
  embed: (context, values) => {
    if (values.length !== context.embeddingDimension) {
      throw new ValidationError(`expected ${context.embeddingDimension} values`, []);
    }
    return [values.length] as const;
  },
} satisfies Parsers<Counter>;

const CounterFront = front<Counter>()(COUNTER_PARSERS);

/** A backend that records what it received. */
function recordingBackend() {
  const calls: unknown[][] = [];
  const backend: BackendOf<Counter, typeof COUNTER_PARSERS> = {
    async add(...args) {
      calls.push(args);
      return `${args[0]}:${args[1]}:${args[2]}`;
    },
    async embed(...args) {
      calls.push(args);
      return args[0];
    },
  };
  return { backend, calls };
}

describe('front', () => {
  it('hands the backend the parsed arguments, defaults included', async () => {
    const { backend, calls } = recordingBackend();
    const counter = new CounterFront(backend, { embeddingDimension: 2 });
    await expect(counter.add(1, 2)).resolves.toBe('1:2:none');
    await expect(counter.add(1, 2, 'n')).resolves.toBe('1:2:n');
    expect(calls).toEqual([
      [1, 2, 'none'],
      [1, 2, 'n'],
    ]);
  });

  it('rejects (never throws synchronously) on bad input and calls nothing', async () => {
    const { backend, calls } = recordingBackend();
    const counter = new CounterFront(backend, { embeddingDimension: 2 });
    let promise: Promise<unknown> = Promise.resolve();
    expect(() => {
      promise = counter.add(1, -3);
    }).not.toThrow();
    const error = await promise.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toMatch(/amount/);
    expect(calls).toEqual([]);
  });

  it('checks arguments in order: the first bad one is the one named', async () => {
    const { backend } = recordingBackend();
    const counter = new CounterFront(backend, { embeddingDimension: 2 });
    await expect(counter.add(0, -1)).rejects.toThrow(/projectId/);
  });

  it('reads the context when the parser runs, not when the front is built', async () => {
    const { backend } = recordingBackend();
    const context = { embeddingDimension: 2 };
    const counter = new CounterFront(backend, context);
    await expect(counter.embed([1, 2])).resolves.toBe(2);
    context.embeddingDimension = 3;
    await expect(counter.embed([1, 2])).rejects.toThrow(/expected 3 values/);
  });

  it("passes the backend's own rejection through unchanged", async () => {
    const failure = new Error('backend failed');
    const backend: GoalBackend = {
      create: () => Promise.reject(failure),
      get: () => Promise.resolve(null),
      update: () => Promise.reject(failure),
      list: () => Promise.resolve([]),
      subgoals: () => Promise.resolve([]),
      delete: () => Promise.resolve(false),
    };
    const goals = new GoalFront(backend, { embeddingDimension: 2 });
    await expect(goals.create(1, { title: 'ship' })).rejects.toBe(failure);
    await expect(goals.create(1, { title: 'ship', unknown: 1 } as never)).rejects.toThrow(
      ValidationError,
    );
  });
});
