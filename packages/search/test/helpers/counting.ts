import type { Repositories, Store, Transaction } from '@athena/core-types';
import type { EmbedInputType } from '@athena/core-types';
import type { Embedder } from '../../src/index.js';

const REPOSITORIES = [
  'projects',
  'memories',
  'search',
  'relationships',
  'episodes',
  'goals',
  'tasks',
  'code',
  'decisions',
  'consolidation',
  'records',
] as const satisfies readonly (keyof Repositories)[];

/**
 * Wraps a real store so a test can count repository calls (including those
 * made inside `transaction()`); every call still runs against the database.
 */
export function countingStore(store: Store): { store: Store; calls: string[] } {
  const calls: string[] = [];
  const countMethods = <T extends object>(name: string, repository: T): T =>
    new Proxy(repository, {
      get(target, method) {
        const value: unknown = Reflect.get(target, method);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          calls.push(`${name}.${String(method)}`);
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  const wrap = (repositories: Repositories): Repositories =>
    Object.fromEntries(
      REPOSITORIES.map((name) => [name, countMethods(name, repositories[name])]),
    ) as unknown as Repositories;
  const wrapTransaction = (tx: Transaction): Transaction => ({
    ...wrap(tx),
    transaction: (fn) => tx.transaction((inner) => fn(wrapTransaction(inner))),
  });
  const wrapped: Store = {
    ...wrap(store),
    get backend() {
      return store.backend;
    },
    get capabilities() {
      return store.capabilities;
    },
    get embeddingDimension() {
      return store.embeddingDimension;
    },
    init: () => store.init(),
    close: () => store.close(),
    health: () => store.health(),
    transaction: (fn) => store.transaction((tx) => fn(wrapTransaction(tx))),
    stats: (options) => store.stats(options),
    migrationStatus: () => store.migrationStatus(),
    bulkLoad: (fn, options) => store.bulkLoad((tx) => fn(wrapTransaction(tx)), options),
  };
  return { store: wrapped, calls };
}

/**
 * Wraps a real embedder to record how many texts each call received and the
 * input type it was asked for (`unset` when the caller gave none).
 */
export function countingEmbedder(embedder: Embedder): {
  embedder: Embedder;
  calls: string[];
  inputTypes: (EmbedInputType | 'unset')[];
} {
  const calls: string[] = [];
  const inputTypes: (EmbedInputType | 'unset')[] = [];
  return {
    calls,
    inputTypes,
    embedder: {
      dimension: embedder.dimension,
      modelId: embedder.modelId,
      embed(text, options) {
        calls.push('embed');
        inputTypes.push(options?.inputType ?? 'unset');
        return embedder.embed(text, options);
      },
      embedMany(texts, options) {
        calls.push(`embedMany(${texts.length})`);
        inputTypes.push(options?.inputType ?? 'unset');
        return embedder.embedMany(texts, options);
      },
    },
  };
}
