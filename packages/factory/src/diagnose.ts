import { isAthenaError } from '@athena/core-types';
import type { IndexHealth, MigrationStatus, ReplicaHealth, Store } from '@athena/core-types';
import { backendOf, resolveConfig } from './config.js';
import type { ResolvedConfig } from './config.js';
import { createStore, fallsBackOn } from './create-store.js';
import type { BackendName, CreateStoreOptions } from './options.js';
import { DEFAULT_BACKEND } from './registry.js';

/** The outcome of one check. */
export type CheckStatus = 'ok' | 'fail';

/** One line of a diagnosis. */
export interface DiagnosticCheck {
  /** What was checked: `backend`, `connection`, `schema`, `pgvector`, `indexes`, `embedder`, … */
  readonly name: string;
  readonly status: CheckStatus;
  /** What was found. */
  readonly detail: string;
  /** How to fix it; present when the check failed. */
  readonly fix?: string;
}

/** What `diagnose()` found. Never contains secrets. */
export interface Diagnosis {
  /** True when no check failed. */
  readonly ok: boolean;
  /** The backend the configuration selects (before any fallback); `null` when it is invalid. */
  readonly backend: BackendName | null;
  readonly checks: readonly DiagnosticCheck[];
}

/** The part of an embedder `diagnose()` tries: one embedding, its length and model. */
export interface DiagnosableEmbedder {
  readonly modelId: string;
  readonly dimension: number;
  /** The vector of `text`, `dimension` numbers long. */
  embed(text: string): Promise<Float32Array>;
}

/** Options of {@link diagnose}: where the store is, as for `createStore()`, plus the embedder. */
export interface DiagnoseOptions extends Omit<CreateStoreOptions, 'initialize'> {
  /**
   * Builds the embedder to try (its errors become a failed check); without
   * it the embedder is not checked.
   */
  readonly embedder?: () => DiagnosableEmbedder;
}

const message = (error: unknown): string =>
  isAthenaError(error) ? `${error.code}: ${error.message}` : String(error);

function connectionFix(config: ResolvedConfig, error: unknown): string {
  const falls =
    !config.explicit &&
    config.type !== DEFAULT_BACKEND.name &&
    config.fallback === 'sqlite' &&
    fallsBackOn(error);
  const fallback = falls
    ? `; meanwhile other commands fall back to ${DEFAULT_BACKEND.label} at ${config.sqlite.path} (ATHENA_FALLBACK=none to fail instead)`
    : '';
  return `${backendOf(config.type).fix(config.settings)}${fallback}`;
}

function schemaCheck(status: MigrationStatus, where: string): DiagnosticCheck {
  if (!status.initialised) {
    return {
      name: 'schema',
      status: 'fail',
      detail: `no Athena schema in ${where}`,
      fix: 'run `athena init` (or any command that opens the store)',
    };
  }
  if (status.currentVersion > status.latestVersion) {
    return {
      name: 'schema',
      status: 'fail',
      detail: `version ${status.currentVersion}, newer than this release (${status.latestVersion})`,
      fix: `upgrade @athena/store-${status.backend}`,
    };
  }
  if (status.pending.length > 0) {
    return {
      name: 'schema',
      status: 'fail',
      detail: `version ${status.currentVersion} of ${status.latestVersion}: ${status.pending.length} migration(s) pending (${status.pending.map((m) => m.name).join(', ')})`,
      fix: 'run `athena migrate` (`--dry-run` lists them first)',
    };
  }
  return { name: 'schema', status: 'ok', detail: `version ${status.currentVersion} (latest)` };
}

function indexFix(index: IndexHealth): string {
  if (!index.present)
    return 'the schema is damaged: restore it, or export, recreate and import the data';
  if (index.kind === 'hnsw' || index.kind === 'ivfflat') {
    return `rebuild it: REINDEX INDEX ${index.name} (or PostgresStore.rebuildVectorIndex())`;
  }
  return 'the index is out of step with memory_vectors: export the data and import it into a new database';
}

function indexChecks(indexes: readonly IndexHealth[]): DiagnosticCheck[] {
  const bad = indexes.filter((index) => !index.present || !index.valid);
  if (bad.length === 0) {
    return [{ name: 'indexes', status: 'ok', detail: `${indexes.length} present and valid` }];
  }
  return bad.map((index) => ({
    name: `index ${index.name}`,
    status: 'fail' as const,
    detail: `${index.kind} on ${index.table}: ${index.problem ?? (index.present ? 'invalid' : 'missing')}`,
    fix: indexFix(index),
  }));
}

function replicaCheck(replica: ReplicaHealth): DiagnosticCheck {
  const name = `read replica ${replica.replica}`;
  const lag = replica.lagMs === null ? 'lag unknown' : `lag ${Math.round(replica.lagMs)} ms`;
  if (replica.state === 'up') {
    return { name, status: 'ok', detail: `up, ${lag}, ${replica.reads} reads served` };
  }
  if (replica.state === 'lagging') {
    return {
      name,
      status: 'fail',
      detail: `lagging (${lag}): out of rotation, reads go to the primary`,
      fix: "check the replica's replay (pg_stat_wal_receiver, its disk and CPU) and the network from the primary",
    };
  }
  return {
    name,
    status: 'fail',
    detail: `down (${replica.error ?? 'unreachable'}): out of rotation, reads go to the primary`,
    fix: 'start the replica, or remove it from ATHENA_POSTGRES_READ_URL',
  };
}

async function storeChecks(store: Store, where: string): Promise<DiagnosticCheck[]> {
  const checks: DiagnosticCheck[] = [];
  const health = await store.health();
  checks.push(
    health.ok
      ? {
          name: 'connection',
          status: 'ok',
          detail: `${where}, round trip ${health.latencyMs.toFixed(1)} ms, ${health.embeddingDimension} dimensions`,
        }
      : {
          name: 'connection',
          status: 'fail',
          detail: health.error ?? 'unhealthy',
          fix: 'see the error',
        },
  );
  if (!health.ok) return checks;
  for (const [name, version] of Object.entries(health.versions ?? {})) {
    checks.push({ name, status: 'ok', detail: version });
  }
  if (health.pool !== undefined) {
    const { total, idle, waiting, max } = health.pool;
    checks.push({
      name: 'pool',
      status: 'ok',
      detail: `${total ?? '?'} open (${idle ?? '?'} idle, ${waiting ?? '?'} waiting)${max === null ? ', pool owned by the caller' : `, at most ${max}`}`,
    });
  }
  for (const replica of health.readReplicas?.replicas ?? []) checks.push(replicaCheck(replica));
  const stats = await store.stats();
  checks.push(...indexChecks(stats.indexes));
  return checks;
}

async function embedderChecks(
  build: () => DiagnosableEmbedder,
  store: Store | null,
): Promise<DiagnosticCheck[]> {
  let embedder: DiagnosableEmbedder;
  try {
    embedder = build();
  } catch (error) {
    return [
      {
        name: 'embedder',
        status: 'fail',
        detail: message(error),
        fix: 'correct ATHENA_EMBEDDER / ATHENA_EMBEDDINGS_* (see @athena/search)',
      },
    ];
  }
  const started = performance.now();
  let vector: Float32Array;
  try {
    vector = await embedder.embed('athena doctor');
  } catch (error) {
    return [
      {
        name: 'embedder',
        status: 'fail',
        detail: `${embedder.modelId}: ${message(error)}`,
        fix: 'start the embeddings server (ATHENA_EMBEDDINGS_URL), or set ATHENA_EMBEDDER=hash to work offline',
      },
    ];
  }
  const elapsed = performance.now() - started;
  const checks: DiagnosticCheck[] = [
    {
      name: 'embedder',
      status: 'ok',
      detail: `${embedder.modelId} answered in ${elapsed.toFixed(1)} ms (${vector.length} dimensions)`,
    },
  ];
  if (store === null) return checks;
  const dimension = store.embeddingDimension;
  if (vector.length !== dimension) {
    checks.push({
      name: 'embedding dimension',
      status: 'fail',
      detail: `the embedder returns ${vector.length} dimensions, the database stores ${dimension}`,
      fix: `set ATHENA_EMBEDDING_DIM=${dimension} with a model of that size, or use a database created for this model`,
    });
    return checks;
  }
  const others = (await store.stats()).embeddingModels.filter(
    (entry) => entry.model !== null && entry.model !== embedder.modelId,
  );
  checks.push(
    others.length === 0
      ? {
          name: 'embedding model',
          status: 'ok',
          detail: `every stored vector is ${embedder.modelId} or unlabelled`,
        }
      : {
          name: 'embedding model',
          status: 'fail',
          detail: `${others.reduce((sum, entry) => sum + entry.memories, 0)} memories were embedded with ${others.map((entry) => entry.model).join(', ')}, not ${embedder.modelId}: recall refuses them`,
          fix: 're-embed them (AthenaMemory.reembed) or configure the model that produced them',
        },
  );
  return checks;
}

/**
 * Checks the configured setup end to end and says what to fix: which backend
 * the environment selects and why, whether it can be reached, the schema
 * version, engine and extension versions, the pool, every index, and
 * whether the embedder answers with vectors that fit the database. Applies
 * no migration: with migrations pending it reports them and leaves the
 * database alone. Never throws for a failed check; closes what it opens.
 *
 * @example
 * ```ts
 * const diagnosis = await diagnose({ embedder: () => createEmbedderFromEnv() });
 * for (const check of diagnosis.checks) console.log(check.status, check.name, check.detail);
 * ```
 */
export async function diagnose(options: DiagnoseOptions = {}): Promise<Diagnosis> {
  const { embedder, ...storeOptions } = options;
  let config: ResolvedConfig;
  try {
    config = resolveConfig(storeOptions);
  } catch (error) {
    return {
      ok: false,
      backend: null,
      checks: [
        {
          name: 'configuration',
          status: 'fail',
          detail: message(error),
          fix: 'correct the variable or option named above',
        },
      ],
    };
  }
  const where = config.target;
  const checks: DiagnosticCheck[] = [
    { name: 'backend', status: 'ok', detail: `${config.type} (${config.reason})` },
  ];
  const store = await createStore({ ...storeOptions, initialize: false });
  let opened: Store | null = null;
  try {
    let status: MigrationStatus | null = null;
    try {
      status = await store.migrationStatus();
    } catch (error) {
      checks.push({
        name: 'connection',
        status: 'fail',
        detail: `${where}: ${message(error)}`,
        fix: connectionFix(config, error),
      });
    }
    if (status !== null) {
      const schema = schemaCheck(status, where);
      checks.push(schema);
      if (schema.status === 'ok') {
        try {
          await store.init();
          opened = store;
          checks.push(...(await storeChecks(store, where)));
        } catch (error) {
          checks.push({
            name: 'connection',
            status: 'fail',
            detail: message(error),
            fix: connectionFix(config, error),
          });
        }
      }
    }
    if (embedder !== undefined) checks.push(...(await embedderChecks(embedder, opened)));
  } finally {
    await store.close();
  }
  return { ok: checks.every((check) => check.status !== 'fail'), backend: config.type, checks };
}
