import { RECORD_BATCH_LIMIT, RECORD_TABLES, ValidationError } from '@athena/core-types';
import type {
  RecordOf,
  RecordTable,
  Repositories,
  SupersedingTable,
  SupersessionLink,
  ValidationIssue,
} from '@athena/core-types';
import { IdMap } from './id-map.js';
import { REFERENCED, REFERENCES, SUPERSEDING } from './references.js';
import { zeroCounts } from './transfer-options.js';
import type { TableCounts, TransferProgress } from './transfer-options.js';

const ENTITY: Readonly<Record<RecordTable, string>> = {
  projects: 'project',
  memories: 'memory',
  relationships: 'relationship',
  transitions: 'transition',
  episodes: 'episode',
  goals: 'goal',
  tasks: 'task',
  codeEntities: 'code entity',
  codeDependencies: 'code dependency',
  unresolvedDependencies: 'unresolved code dependency',
  unresolvedReferences: 'unresolved code reference',
  decisions: 'decision',
  scenarios: 'scenario',
  consolidationRuns: 'consolidation run',
};

function invalid(origin: string, message: string, path = origin): ValidationError {
  return new ValidationError(`${origin}: ${message}`, [{ path, message }]);
}

/**
 * A store's `ValidationError` about `records[index]` of one insert, renamed
 * after where that record came from (`line 12`, `memories 17`), so the user
 * can find it. Other errors pass unchanged.
 */
function withOrigins(error: unknown, table: RecordTable, origins: readonly string[]): unknown {
  if (!(error instanceof ValidationError)) return error;
  const pattern = new RegExp(`${table}\\[(\\d+)\\]`, 'g');
  const index = new RegExp(pattern.source).exec(error.message)?.[1];
  const origin = index === undefined ? undefined : origins[Number(index)];
  if (origin === undefined) return error;
  const issues: ValidationIssue[] = error.issues.map((issue) => ({
    ...issue,
    path: issue.path.replace(pattern, origin),
  }));
  return new ValidationError(`${origin}: ${error.message.replace(pattern, table)}`, issues, {
    cause: error,
  });
}

/** What a loader wrote. */
export interface LoadResult {
  readonly counts: TableCounts;
  /** The new ids of the projects written, in the order written. */
  readonly projectIds: readonly number[];
  /** Old project id → new, name: for the report. */
  readonly projects: readonly {
    readonly name: string;
    readonly sourceId: number;
    readonly targetId: number;
  }[];
}

/**
 * Writes a stream of records, table by table in `RECORD_TABLES` order and
 * by ascending id within a table, into a store inside one transaction:
 * batches of `batchSize` records, one `records.insert()` each; every
 * reference remapped to the new ids; `supersededBy` deferred until its table
 * is complete. Memory: one batch of records, the id maps of referenced tables
 * (runs of consecutive ids, see `IdMap`) and one pair of ids per superseded
 * row.
 *
 * @example
 * ```ts
 * const loader = new Loader(tx, { batchSize: 500, totals, onProgress });
 * for (const memory of memories) await loader.add('memories', memory, `memories ${memory.id}`);
 * const { counts } = await loader.finish();
 * ```
 */
export class Loader {
  readonly #tx: Repositories;
  readonly #batchSize: number;
  readonly #totals: TableCounts;
  readonly #onProgress: (progress: TransferProgress) => void;
  readonly #maps = new Map<RecordTable, IdMap>();
  readonly #lastIds = new Map<RecordTable, number>();
  readonly #written = zeroCounts();
  /** Per superseding table: old id, old `supersededBy`, flattened. */
  readonly #links: Record<SupersedingTable, number[]> = { memories: [], decisions: [] };
  readonly #projects: { name: string; sourceId: number; targetId: number }[] = [];
  #table: RecordTable | null = null;
  #inflight: Promise<void> | null = null;
  #batch: object[] = [];
  #oldIds: number[] = [];
  #origins: string[] = [];

  constructor(
    tx: Repositories,
    options: {
      readonly batchSize: number;
      readonly totals: TableCounts;
      readonly onProgress: (progress: TransferProgress) => void;
    },
  ) {
    this.#tx = tx;
    this.#batchSize = Math.min(options.batchSize, RECORD_BATCH_LIMIT);
    this.#totals = options.totals;
    this.#onProgress = options.onProgress;
  }

  /**
   * Adds one record of `table`; `origin` names it in errors (`line 12`).
   * Throws `ValidationError` for a table out of order, an id not above the
   * previous one, or a reference to a record that did not come before.
   */
  async add<T extends RecordTable>(table: T, record: RecordOf<T>, origin: string): Promise<void> {
    if (table !== this.#table) await this.#enter(table, origin);
    const fields = record as unknown as Record<string, unknown>;
    const id = fields['id'];
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 1) {
      throw invalid(origin, `${table} record needs a positive integer id`, `${origin}.id`);
    }
    const previous = this.#lastIds.get(table) ?? 0;
    if (id <= previous) {
      throw invalid(origin, `${table} ids must ascend: ${id} follows ${previous}`, `${origin}.id`);
    }
    this.#lastIds.set(table, id);
    const out: Record<string, unknown> = { ...fields };
    if (table !== 'projects') {
      out['projectId'] = await this.#resolve('projects', fields['projectId'], origin, 'projectId');
    }
    for (const reference of REFERENCES[table]) {
      const value = fields[reference.field];
      if (value !== null) {
        out[reference.field] = await this.#resolve(reference.table, value, origin, reference.field);
      }
    }
    if ((SUPERSEDING as readonly string[]).includes(table)) {
      const superseded = fields['supersededBy'];
      if (superseded !== null && superseded !== undefined) {
        if (typeof superseded !== 'number') {
          throw invalid(origin, 'supersededBy must be an id or null', `${origin}.supersededBy`);
        }
        this.#links[table as SupersedingTable].push(id, superseded);
      }
      out['supersededBy'] = null;
    }
    if (table === 'projects') {
      this.#projects.push({ name: String(fields['name']), sourceId: id, targetId: 0 });
    }
    this.#batch.push(out);
    this.#oldIds.push(id);
    this.#origins.push(origin);
    if (this.#batch.length >= this.#batchSize) await this.flush();
  }

  /**
   * Starts writing the records added so far, after the previous write
   * finished: one insert is in flight while the caller reads and prepares
   * the next batch (the target's round trip overlaps the source's reads).
   */
  async flush(): Promise<void> {
    await this.#settle();
    const table = this.#table;
    if (table === null || this.#batch.length === 0) return;
    const batch = this.#batch;
    const oldIds = this.#oldIds;
    const origins = this.#origins;
    this.#batch = [];
    this.#oldIds = [];
    this.#origins = [];
    // The batch's projects are the last ones added (for their new ids).
    const firstProject = this.#projects.length - batch.length;
    const inflight = this.#tx.records
      .insert(table, batch as RecordOf<typeof table>[])
      .then((ids) => this.#inserted(table, oldIds, ids, firstProject))
      .catch((error: unknown) => {
        throw withOrigins(error, table, origins);
      });
    // Awaited by the next #settle(); handled now so a failure while the caller
    // prepares the next batch is not an unhandled rejection.
    inflight.catch(() => undefined);
    this.#inflight = inflight;
  }

  /** Waits for the write in flight, if any; rethrows its failure. */
  async #settle(): Promise<void> {
    const inflight = this.#inflight;
    this.#inflight = null;
    if (inflight !== null) await inflight;
  }

  #inserted(
    table: RecordTable,
    oldIds: readonly number[],
    ids: readonly number[],
    firstProject: number,
  ): void {
    if (REFERENCED.has(table)) {
      let map = this.#maps.get(table);
      if (map === undefined) {
        map = new IdMap();
        this.#maps.set(table, map);
      }
      for (let i = 0; i < ids.length; i++) map.append(oldIds[i] as number, ids[i] as number);
    }
    if (table === 'projects') {
      ids.forEach((id, i) => {
        const project = this.#projects[firstProject + i];
        if (project !== undefined) project.targetId = id;
      });
    }
    this.#written[table] += ids.length;
    this.#onProgress({
      phase: 'write',
      table,
      done: this.#written[table],
      total: this.#totals[table],
    });
  }

  /** Writes the rest, links supersession, and says what was written. */
  async finish(): Promise<LoadResult> {
    await this.flush();
    await this.#settle();
    for (const table of SUPERSEDING) await this.#link(table);
    return {
      counts: { ...this.#written },
      projectIds: this.#projects.map((project) => project.targetId),
      projects: this.#projects.map((project) => ({ ...project })),
    };
  }

  async #enter(table: RecordTable, origin: string): Promise<void> {
    const current = this.#table === null ? -1 : RECORD_TABLES.indexOf(this.#table);
    const next = RECORD_TABLES.indexOf(table);
    if (next < current) {
      throw invalid(
        origin,
        `${table} records must come before ${this.#table ?? ''} records (order: ${RECORD_TABLES.join(', ')})`,
      );
    }
    await this.flush();
    await this.#settle();
    this.#table = table;
  }

  async #resolve(
    table: RecordTable,
    value: unknown,
    origin: string,
    field: string,
  ): Promise<number> {
    if (typeof value !== 'number') {
      throw invalid(origin, `${field} must be an id`, `${origin}.${field}`);
    }
    let id = this.#maps.get(table)?.get(value);
    // A parent goal or task may still wait in the current batch.
    if (id === undefined && table === this.#table) {
      await this.flush();
      await this.#settle();
      id = this.#maps.get(table)?.get(value);
    }
    if (id === undefined) {
      throw invalid(
        origin,
        `${field} ${value} names no ${ENTITY[table]} that came before it`,
        `${origin}.${field}`,
      );
    }
    return id;
  }

  async #link(table: SupersedingTable): Promise<void> {
    const pairs = this.#links[table];
    const map = this.#maps.get(table);
    for (let start = 0; start < pairs.length; start += 2 * RECORD_BATCH_LIMIT) {
      const links: SupersessionLink[] = [];
      for (let i = start; i < Math.min(pairs.length, start + 2 * RECORD_BATCH_LIMIT); i += 2) {
        const oldId = pairs[i] as number;
        const oldBy = pairs[i + 1] as number;
        const id = map?.get(oldId);
        const supersededBy = map?.get(oldBy);
        if (id === undefined || supersededBy === undefined) {
          throw invalid(
            `${table} ${oldId}`,
            `supersededBy ${oldBy} names no ${ENTITY[table]} of the transfer`,
          );
        }
        links.push({ id, supersededBy });
      }
      await this.#tx.records.linkSupersession(table, links);
    }
  }
}
