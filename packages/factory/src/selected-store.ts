import type {
  BulkLoadOptions,
  HealthReport,
  MigrationStatus,
  Repositories,
  StatsOptions,
  Store,
  StoreCapabilities,
  StoreStats,
  Transaction,
} from '@athena/core-types';
import type { BackendName } from './config.js';

/** Which backend `createStore()` chose, and why. Never holds secrets. */
export interface BackendSelection {
  readonly backend: BackendName;
  /** Why this backend: the setting that decided, or the fallback reason. */
  readonly reason: string;
  /** Set when PostgreSQL was configured but SQLite is used instead. */
  readonly fallback?: {
    readonly from: 'postgres';
    /** Where PostgreSQL was expected, password redacted. */
    readonly target: string;
    /** Why it could not be used (error code and message). */
    readonly reason: string;
  };
  /** The SQLite file, when the backend is SQLite. */
  readonly sqlitePath?: string;
}

/** A {@link Store} that also tells which backend was selected and why. */
export interface SelectedStore extends Store {
  readonly selection: BackendSelection;
}

/** Delegates the whole Store contract to the chosen backend and adds `selection`. */
export class SelectedStoreImpl implements SelectedStore {
  readonly #store: Store;
  readonly #beforeInit: () => void;
  readonly selection: BackendSelection;

  /** `beforeInit` runs before each `init()` (the SQLite file's directory is created there). */
  constructor(store: Store, selection: BackendSelection, beforeInit: () => void = () => undefined) {
    this.#store = store;
    this.#beforeInit = beforeInit;
    this.selection = Object.freeze({ ...selection });
  }

  get backend(): string {
    return this.#store.backend;
  }
  get capabilities(): StoreCapabilities {
    return this.#store.capabilities;
  }
  get embeddingDimension(): number {
    return this.#store.embeddingDimension;
  }
  get projects(): Repositories['projects'] {
    return this.#store.projects;
  }
  get memories(): Repositories['memories'] {
    return this.#store.memories;
  }
  get search(): Repositories['search'] {
    return this.#store.search;
  }
  get relationships(): Repositories['relationships'] {
    return this.#store.relationships;
  }
  get episodes(): Repositories['episodes'] {
    return this.#store.episodes;
  }
  get goals(): Repositories['goals'] {
    return this.#store.goals;
  }
  get tasks(): Repositories['tasks'] {
    return this.#store.tasks;
  }
  get code(): Repositories['code'] {
    return this.#store.code;
  }
  get decisions(): Repositories['decisions'] {
    return this.#store.decisions;
  }
  get consolidation(): Repositories['consolidation'] {
    return this.#store.consolidation;
  }
  get records(): Repositories['records'] {
    return this.#store.records;
  }
  async init(): Promise<void> {
    this.#beforeInit();
    return this.#store.init();
  }
  close(): Promise<void> {
    return this.#store.close();
  }
  async health(): Promise<HealthReport> {
    const report = await this.#store.health();
    return { ...report, details: { ...report.details, selection: this.selection } };
  }
  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.#store.transaction(fn);
  }
  stats(options?: StatsOptions): Promise<StoreStats> {
    return this.#store.stats(options);
  }
  migrationStatus(): Promise<MigrationStatus> {
    return this.#store.migrationStatus();
  }
  bulkLoad<T>(fn: (tx: Transaction) => Promise<T>, options?: BulkLoadOptions): Promise<T> {
    return this.#store.bulkLoad(fn, options);
  }
}
