import type { ReadReplicasHealth, ReplicaState } from '@athena/core-types';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { PG_DRIVER } from './drivers/pg-driver.js';
import { errorLogFields, isTransient } from './map-error.js';
import type { ResolvedOptions, ResolvedReadReplicas } from './options.js';
import { openDatabase } from './pool.js';
import type { DirectQuery } from './pool.js';
import type { PoolHandle } from './pool.js';
import type { Database } from './schema.js';
import { Session } from './session.js';
import type { SessionEnv } from './session.js';

interface Replica {
  readonly label: string;
  readonly pool: PoolHandle;
  readonly db: Kysely<Database>;
  readonly direct: DirectQuery;
  state: ReplicaState;
  /** Replayed position; null before the first check. */
  replayed: bigint | null;
  /** False for a server that is not a standby (a URL of the primary itself): always caught up. */
  inRecovery: boolean;
  lagMs: number | null;
  reads: number;
  checkedAt: Date | null;
  error: string | null;
  /** The check in flight, shared by everyone who wants a fresh one. */
  checking: Promise<void> | null;
}

/** How often a read waiting for its writes to be replayed looks again. */
const POLL_MS = 2;

/**
 * A WAL position (`16/B374D848`) as a number, so positions compare.
 *
 * @example
 * ```ts
 * parseLsn('0/3000060'); // 50331744n
 * ```
 */
export function parseLsn(lsn: string): bigint {
  const [high, low] = lsn.split('/');
  if (high === undefined || low === undefined) throw new Error(`not a WAL position: ${lsn}`);
  return (BigInt(`0x${high}`) << 32n) + BigInt(`0x${low}`);
}

/** `host:port/database` of a URL, without its user and password. */
function labelOf(url: string, index: number): string {
  try {
    const { hostname, port, pathname } = new URL(url);
    return `${hostname}:${port || '5432'}${pathname}`;
  } catch {
    return `replica ${index + 1}`;
  }
}

/**
 * The read replicas of one store: a pool on each, their state kept by a
 * periodic check, and the routing of reads with read-your-writes.
 *
 * Read-your-writes: every write through the store counts; a read that
 * follows writes not yet known to be replayed reads the primary's WAL
 * insert position once (shared by concurrent readers) and goes to a
 * replica that has replayed past it, polling for at most
 * `readYourWritesTimeoutMs`, else to the primary. The store counts writes
 * per instance, not per async context: stronger than the promise, and a
 * read after a write elsewhere in the process waits as well.
 *
 * @example
 * ```ts
 * const replicas = new ReadReplicas(options, primaryDb);
 * replicas.bind(env); // starts the checks
 * await replicas.read((s) => s.db.selectFrom('memories').selectAll().execute(), onPrimary);
 * ```
 */
export class ReadReplicas {
  readonly #policy: ResolvedReadReplicas;
  readonly #options: ResolvedOptions;
  readonly #primary: Kysely<Database>;
  readonly #replicas: Replica[];
  readonly #sessions = new Map<Replica, Session>();
  #timer: NodeJS.Timeout | null = null;
  #next = 0;
  #primaryReads = 0;
  /** Writes counted so far; the schema `init()` made counts as the first. */
  #writes = 1;
  /** The primary's WAL position after `#coveredWrites` writes had completed. */
  #coveredWrites = 0;
  #coveredLsn = 0n;
  #fetching: { readonly writes: number; readonly lsn: Promise<bigint> } | null = null;

  constructor(options: ResolvedOptions, primary: Kysely<Database>) {
    const policy = options.readReplicas;
    if (policy === null) throw new Error('unreachable: ReadReplicas without readReplicas');
    this.#policy = policy;
    this.#options = options;
    this.#primary = primary;
    this.#replicas = policy.urls.map((url, index) => {
      const label = labelOf(url, index);
      const pool = PG_DRIVER.openPool(
        { ...options, connection: { connectionString: url } },
        (error) =>
          options.logger.warn('PostgreSQL read replica connection error', {
            replica: label,
            ...errorLogFields(error),
          }),
      );
      const { db, direct } = openDatabase(pool, options);
      return {
        label,
        pool,
        db,
        direct,
        state: 'up',
        replayed: null,
        inRecovery: true,
        lagMs: null,
        reads: 0,
        checkedAt: null,
        error: null,
        checking: null,
      };
    });
  }

  /** Gives each replica a session on the store's facts and starts the periodic checks. */
  bind(env: SessionEnv): void {
    const replicaEnv: SessionEnv = { ...env, replicas: null };
    for (const replica of this.#replicas)
      this.#sessions.set(replica, new Session(replica.db, replicaEnv, 0, replica.direct));
    this.#timer = setInterval(() => void this.#checkAll(), this.#policy.checkIntervalMs);
    this.#timer.unref();
    void this.#checkAll();
  }

  /** A write through the store completed (or may have): later reads must see it. */
  noteWrite(): void {
    this.#writes += 1;
  }

  /**
   * Runs `fn` on a replica that is up and has replayed this store's writes;
   * else, or when the replica fails with a transient error (the replica is
   * then taken out of rotation unless the error was a recovery conflict),
   * runs `primary`. Any other error is the caller's.
   */
  async read<T>(fn: (session: Session) => Promise<T>, primary: () => Promise<T>): Promise<T> {
    let replica: Replica | null;
    try {
      replica = await this.#choose();
    } catch {
      replica = null;
    }
    const session = replica === null ? undefined : this.#sessions.get(replica);
    if (replica === null || session === undefined) {
      this.#primaryReads += 1;
      return primary();
    }
    try {
      const result = await fn(session);
      replica.reads += 1;
      return result;
    } catch (error) {
      if (!isTransient(error)) throw error;
      // A query cancelled for a conflict with recovery says nothing about the replica's health.
      const code = errorLogFields(error).code;
      if (code !== '40001' && code !== '40P01') this.#setState(replica, 'down', error);
      this.#primaryReads += 1;
      return primary();
    }
  }

  /** Each replica's state, checked now, and its lag in bytes behind the primary. */
  async report(): Promise<ReadReplicasHealth> {
    await this.#checkAll();
    let primaryLsn: bigint | null = null;
    try {
      primaryLsn = await this.#primaryLsn();
    } catch {
      // The primary's own health line says why.
    }
    return {
      primaryReads: this.#primaryReads,
      replicas: this.#replicas.map((replica) => ({
        replica: replica.label,
        state: replica.state,
        lagMs: replica.state === 'down' ? null : replica.lagMs,
        lagBytes:
          replica.state === 'down' || primaryLsn === null
            ? null
            : !replica.inRecovery
              ? 0
              : replica.replayed === null
                ? null
                : Math.max(0, Number(primaryLsn - replica.replayed)),
        replayLsn: replica.inRecovery ? formatLsn(replica.replayed) : null,
        reads: replica.reads,
        checkedAt: replica.checkedAt?.toISOString() ?? null,
        ...(replica.error === null ? {} : { error: replica.error }),
      })),
    };
  }

  /** Stops the checks and closes every replica's pool. */
  async close(): Promise<void> {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    await Promise.all(
      this.#replicas.map(async (replica) => {
        await replica.checking?.catch(() => undefined);
        await replica.db.destroy().catch(() => undefined);
        await replica.pool.release().catch(() => undefined);
      }),
    );
  }

  async #choose(): Promise<Replica | null> {
    const up = this.#replicas.filter((replica) => replica.state === 'up');
    if (up.length === 0) return null;
    const needed = await this.#needed();
    const start = this.#next++ % up.length;
    const order = [...up.slice(start), ...up.slice(0, start)];
    const caughtUp = (replica: Replica) =>
      replica.state === 'up' &&
      (!replica.inRecovery || (replica.replayed !== null && replica.replayed >= needed));
    const ready = order.find(caughtUp);
    if (ready !== undefined) return ready;
    const deadline = performance.now() + this.#policy.readYourWritesTimeoutMs;
    while (performance.now() < deadline) {
      for (const replica of order) {
        await this.#check(replica);
        if (caughtUp(replica)) return replica;
      }
      const left = deadline - performance.now();
      if (left > 0) await sleep(Math.min(POLL_MS, left));
    }
    return null;
  }

  /** The WAL position a replica must have replayed for this store's completed writes. */
  async #needed(): Promise<bigint> {
    const writes = this.#writes;
    if (writes === this.#coveredWrites) return this.#coveredLsn;
    // A read in flight for as many writes answers for this one too.
    const fetching = this.#fetching;
    if (fetching !== null && fetching.writes >= writes) return fetching.lsn;
    const lsn = this.#primaryLsn().then((value) => {
      if (writes > this.#coveredWrites) {
        this.#coveredWrites = writes;
        this.#coveredLsn = value;
      }
      return value;
    });
    const entry = { writes, lsn };
    this.#fetching = entry;
    return lsn.finally(() => {
      if (this.#fetching === entry) this.#fetching = null;
    });
  }

  async #primaryLsn(): Promise<bigint> {
    const { rows } = await sql<{
      lsn: string;
    }>`select cast(pg_current_wal_insert_lsn() as text) as lsn`.execute(this.#primary);
    const lsn = rows[0]?.lsn;
    if (lsn === undefined) throw new Error('pg_current_wal_insert_lsn() returned no row');
    return parseLsn(lsn);
  }

  async #checkAll(): Promise<void> {
    await Promise.all(this.#replicas.map((replica) => this.#check(replica)));
  }

  /** Reads the replica's replay position and lag, and sets its state from them. */
  #check(replica: Replica): Promise<void> {
    replica.checking ??= this.#readState(replica).finally(() => {
      replica.checking = null;
    });
    return replica.checking;
  }

  async #readState(replica: Replica): Promise<void> {
    try {
      const { rows } = await sql<{
        recovery: boolean;
        replayed: string | null;
        lag_ms: number | null;
      }>`select pg_is_in_recovery() as recovery,
          cast(pg_last_wal_replay_lsn() as text) as replayed,
          case when not pg_is_in_recovery() or pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() then 0
            else cast(extract(epoch from clock_timestamp() - pg_last_xact_replay_timestamp()) * 1000 as float8)
          end as lag_ms`.execute(replica.db);
      const row = rows[0];
      if (row === undefined) throw new Error('the replica check returned no row');
      replica.inRecovery = row.recovery;
      replica.replayed = row.replayed === null ? null : parseLsn(row.replayed);
      replica.lagMs = row.lag_ms === null ? null : Math.max(0, row.lag_ms);
      replica.checkedAt = new Date();
      const lagging = replica.lagMs !== null && replica.lagMs > this.#policy.maxLagMs;
      this.#setState(replica, lagging ? 'lagging' : 'up', null);
    } catch (error) {
      replica.checkedAt = new Date();
      this.#setState(replica, 'down', error);
    }
  }

  #setState(replica: Replica, state: ReplicaState, error: unknown): void {
    const before = replica.state;
    replica.state = state;
    replica.error = state === 'down' ? errorLogFields(error).error : null;
    if (before === state) return;
    const { logger } = this.#options;
    if (state === 'up') {
      logger.warn('PostgreSQL read replica back in rotation', { replica: replica.label });
      return;
    }
    logger.warn('PostgreSQL read replica out of rotation', {
      replica: replica.label,
      state,
      ...(state === 'lagging' ? { lagMs: replica.lagMs } : errorLogFields(error)),
    });
  }
}

function formatLsn(lsn: bigint | null): string | null {
  if (lsn === null) return null;
  return `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffffffffn).toString(16).toUpperCase()}`;
}
