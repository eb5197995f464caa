import type { Store } from '@athena/core-types';

/** Time spent in one store operation, summed over its calls. */
export interface OperationTime {
  readonly calls: number;
  readonly ms: number;
}

/**
 * Wraps a store so that every repository call (`memories.getMany`,
 * `search.neighbours`, …), also inside transactions, is timed; the worker
 * under measurement is unchanged and sees the same contract. Nested time
 * is counted twice: `transaction` includes the calls made inside it.
 *
 * @example
 * ```ts
 * const { store: timed, times } = timedStore(store);
 * await createConsolidator({ store: timed, embedder }).run({ projectId });
 * console.log(times.get('search.neighbours'));
 * ```
 */
export function timedStore(store: Store): { store: Store; times: Map<string, OperationTime> } {
  const times = new Map<string, OperationTime>();
  const add = (name: string, ms: number) => {
    const time = times.get(name) ?? { calls: 0, ms: 0 };
    times.set(name, { calls: time.calls + 1, ms: time.ms + ms });
  };
  const timed = async <T>(name: string, call: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await call();
    } finally {
      add(name, performance.now() - started);
    }
  };
  // Reflect.get without the proxy as receiver: the stores keep state in #private fields.
  const wrapRepository = (name: string, repository: object): object =>
    new Proxy(
      {},
      {
        get(_, key) {
          const target = repository;
          const value: unknown = Reflect.get(target, key);
          if (typeof value !== 'function' || typeof key !== 'string') return value;
          return (...args: unknown[]) =>
            timed(`${name}.${key}`, () =>
              (value as (...a: unknown[]) => Promise<unknown>).apply(target, args),
            );
        },
      },
    );
  // The proxy's own target is an empty object: a transaction's repositories are frozen data
  // properties, which a proxy of that object itself would have to return unchanged.
  const wrap = <T extends object>(repositories: T): T =>
    new Proxy({} as T, {
      get(_, key) {
        const target = repositories;
        const value: unknown = Reflect.get(target, key);
        if (key === 'transaction' && typeof value === 'function') {
          return (fn: (tx: object) => Promise<unknown>) =>
            timed('transaction', () =>
              (value as (f: (tx: object) => Promise<unknown>) => Promise<unknown>).call(
                target,
                (tx: object) => fn(wrap(tx)),
              ),
            );
        }
        if (
          typeof key === 'string' &&
          typeof value === 'object' &&
          value !== null &&
          key !== 'capabilities'
        )
          return wrapRepository(key, value);
        return typeof value === 'function'
          ? (value as (...a: unknown[]) => unknown).bind(target)
          : value;
      },
    });
  return { store: wrap(store), times };
}
