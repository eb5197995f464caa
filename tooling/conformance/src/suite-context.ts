import type { Project, Store, StoreCapabilities } from '@athena/core-types';
import { afterAll, beforeAll, it } from 'vitest';
import type { ConformanceOptions } from './conformance-options.js';

/** The capability flags a test can be gated on. */
export type BooleanCapability = {
  [K in keyof StoreCapabilities]: StoreCapabilities[K] extends boolean ? K : never;
}[keyof StoreCapabilities];

/**
 * What every area of the suite receives: the store of its describe block
 * (created and initialised in `beforeAll`, destroyed in `afterAll`) and a
 * helper that makes a fresh project in it, so tests never see each other's
 * rows.
 */
export interface SuiteContext {
  /** What the backend passed to `createConformanceSuite`. */
  readonly options: ConformanceOptions;
  /** The embedding dimension of `store()`. */
  readonly dimension: number;
  /** The store of the enclosing describe block; valid inside tests and hooks. */
  store(): Store;
  /** A new, empty project in `store()`. */
  project(label?: string): Promise<Project>;
  /** Registers another store (with its own hooks) in the describe block being collected. */
  useStore(dimension: number): SuiteContext;
  /** A separate, initialised store the caller must pass to `destroyStore`. */
  openStore(dimension: number): Promise<Store>;
  /** A separate store the caller must initialise (or not) and destroy. */
  createStore(dimension: number): Promise<Store>;
  destroyStore(store: Store): Promise<void>;
  /**
   * A test that only runs when the backend declares `flag`. The reason for a
   * skip is part of the title: fixed when `ConformanceOptions.capabilities`
   * declares the flag, otherwise read from the store when the test runs.
   */
  itRequires(flag: BooleanCapability, title: string, fn: (store: Store) => Promise<void>): void;
}

const RUN_ID = Math.random().toString(36).slice(2, 8);
let projectCounter = 0;

/**
 * Registers `beforeAll`/`afterAll` hooks for one store in the describe block
 * being collected and returns the context its tests use.
 *
 * @example
 * ```ts
 * describe('memories', () => {
 *   const ctx = useStore(options, 8);
 *   it('stores', async () => { const project = await ctx.project(); ... });
 * });
 * ```
 */
export function useStore(options: ConformanceOptions, dimension: number): SuiteContext {
  let current: Store | undefined;

  const createStore = async (dim: number): Promise<Store> =>
    await options.createStore({ embeddingDimension: dim });
  const destroyStore = async (store: Store): Promise<void> => {
    if (options.destroyStore) await options.destroyStore(store);
    else await store.close();
  };
  const openStore = async (dim: number): Promise<Store> => {
    const store = await createStore(dim);
    await store.init();
    return store;
  };

  beforeAll(async () => {
    current = await openStore(dimension);
  });
  afterAll(async () => {
    if (current) await destroyStore(current);
    current = undefined;
  });

  const context: SuiteContext = {
    options,
    dimension,
    store() {
      if (!current)
        throw new Error('the conformance store is only available inside tests and hooks');
      return current;
    },
    async project(label = 'project') {
      projectCounter += 1;
      const slug = `${label}-${projectCounter}-${RUN_ID}`;
      return context.store().projects.create({ name: slug, path: `/conformance/${slug}` });
    },
    useStore: (dim) => useStore(options, dim),
    openStore,
    createStore,
    destroyStore,
    itRequires(flag, title, fn) {
      const declared = options.capabilities?.[flag];
      if (declared !== undefined) {
        it.skipIf(!declared)(
          declared ? title : `${title} [skipped: backend declares ${flag}=false]`,
          () => fn(context.store()),
        );
        return;
      }
      it(`${title} [requires ${flag}; skipped when the backend declares ${flag}=false]`, async (test) => {
        const store = context.store();
        if (!store.capabilities[flag]) test.skip(`backend declares ${flag}=false`);
        await fn(store);
      });
    },
  };
  return context;
}
