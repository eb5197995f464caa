import {
  assertLiveSuccessor,
  assertTransition,
  NotFoundError,
  StorageError,
} from '@athena/core-types';
import type {
  ConsolidationRun,
  ConsolidationState,
  Memory,
  TransitionLogEntry,
} from '@athena/core-types';
import type { ConsolidationBackend, ParsedArgument } from '@athena/store-kit';
import type { Connection } from '../connection.js';
import { RUN_COLUMNS, runValues } from '../record-tables.js';
import { toMemory, toRun, toTransition } from '../rows.js';
import type { MemoryRow, RunRow, TransitionRow } from '../rows.js';
import type { Session } from '../session.js';
import { findMemory } from './memory-repository.js';

/** A claim made by `transition()` rather than `claimBatch()` lapses like a default claim. */
const DEFAULT_LEASE_MS = 300_000;

const LOG_MANY = `
INSERT INTO consolidation_log (project_id, memory_id, from_state, to_state, reason, actor, at)
SELECT @projectId, value, @from, @to, @reason, @actor, @at FROM json_each(@ids)`;

function logMany(
  c: Connection,
  entry: {
    projectId: number;
    ids: readonly number[];
    from: ConsolidationState;
    to: ConsolidationState;
    reason: string | null;
    actor: string | null;
    at: number;
  },
): void {
  if (entry.ids.length === 0) return;
  c.statement(LOG_MANY).run({ ...entry, ids: JSON.stringify(entry.ids) });
}

/**
 * The consolidation state machine on SQLite, behind the kit's validating
 * front, every change logged in `consolidation_log`.
 */
export class SqliteConsolidationRepository implements ConsolidationBackend {
  readonly #session: Session;

  constructor(session: Session) {
    this.#session = session;
  }

  async transition(
    project: number,
    id: number,
    target: ConsolidationState,
    { reason, actor, supersededBy, at }: ParsedArgument<ConsolidationBackend, 'transition', 3>,
  ): Promise<Memory> {
    return this.#session.run((c) =>
      c.atomic(() => {
        const current = findMemory(c, project, id);
        if (current === undefined) throw new NotFoundError('memory', id);
        const from = current.consolidation_state as ConsolidationState;
        assertTransition(from, target, { memoryId: id });
        if (supersededBy !== undefined) checkSuccessor(c, project, id, supersededBy);
        const when = at.getTime();
        const row = c
          .statement<[Record<string, unknown>], MemoryRow>(
            `UPDATE memory_vectors SET
               consolidation_state = @to,
               consolidated_at = CASE WHEN @to = 'consolidated' THEN @at ELSE consolidated_at END,
               superseded_by = CASE WHEN @to = 'superseded' THEN @supersededBy ELSE superseded_by END,
               claimed_by = CASE WHEN @to = 'consolidating' THEN @actor ELSE NULL END,
               claim_expires_at = CASE WHEN @to = 'consolidating' THEN @expires ELSE NULL END,
               updated_at = @at
             WHERE id = @id RETURNING *`,
          )
          .get({
            id,
            to: target,
            at: when,
            supersededBy: supersededBy ?? null,
            actor,
            expires: when + DEFAULT_LEASE_MS,
          });
        logMany(c, { projectId: project, ids: [id], from, to: target, reason, actor, at: when });
        return toMemory(row as MemoryRow);
      }),
    );
  }

  /**
   * Every change in order, in one IMMEDIATE transaction (or the caller's),
   * through prepared statements: SQLite runs in-process, so a statement per
   * change costs microseconds.
   */
  async transitionMany(
    project: number,
    parsed: ParsedArgument<ConsolidationBackend, 'transitionMany', 1>,
  ): Promise<number> {
    if (parsed.changes.length === 0) return 0;
    const when = parsed.at.getTime();
    return this.#session.run((c) =>
      c.atomic(() => {
        const update = c.statement<[Record<string, unknown>]>(
          `UPDATE memory_vectors SET
             consolidation_state = @to,
             consolidated_at = CASE WHEN @to = 'consolidated' THEN @at ELSE consolidated_at END,
             superseded_by = CASE WHEN @to = 'superseded' THEN @supersededBy ELSE superseded_by END,
             claimed_by = CASE WHEN @to = 'consolidating' THEN @actor ELSE NULL END,
             claim_expires_at = CASE WHEN @to = 'consolidating' THEN @expires ELSE NULL END,
             updated_at = @at
           WHERE id = @id`,
        );
        const log = c.statement(
          `INSERT INTO consolidation_log (project_id, memory_id, from_state, to_state, reason, actor, at)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        );
        for (const change of parsed.changes) {
          const current = findMemory(c, project, change.memoryId);
          if (current === undefined) throw new NotFoundError('memory', change.memoryId);
          const from = current.consolidation_state as ConsolidationState;
          assertTransition(from, change.to, { memoryId: change.memoryId });
          if (change.supersededBy !== null) {
            // Read after the earlier changes of this call: superseding a
            // memory by one superseded a moment ago is refused like any other.
            checkSuccessor(c, project, change.memoryId, change.supersededBy);
          }
          update.run({
            id: change.memoryId,
            to: change.to,
            at: when,
            supersededBy: change.supersededBy,
            actor: parsed.actor,
            expires: when + DEFAULT_LEASE_MS,
          });
          log.run(project, change.memoryId, from, change.to, parsed.reason, parsed.actor, when);
        }
        return parsed.changes.length;
      }),
    );
  }

  /**
   * Nothing to take: a transaction on SQLite is `BEGIN IMMEDIATE`, which
   * holds the database's single write lock (across processes) until it ends.
   */
  async lock(): Promise<void> {
    return this.#session.run((c) => {
      if (!c.db.inTransaction) {
        throw new StorageError('consolidation.lock() must be called inside store.transaction()');
      }
    });
  }

  async recordRun(
    project: number,
    parsed: ParsedArgument<ConsolidationBackend, 'recordRun', 1>,
  ): Promise<ConsolidationRun> {
    return this.#session.run((c) => {
      if (c.statement('SELECT 1 FROM projects WHERE id = ?').get(project) === undefined) {
        throw new NotFoundError('project', project);
      }
      const row = c
        .statement<unknown[], RunRow>(
          `INSERT INTO consolidation_runs (${RUN_COLUMNS.join(', ')})
           VALUES (${RUN_COLUMNS.map(() => '?').join(', ')}) RETURNING *`,
        )
        .get(...runValues({ ...parsed, projectId: project }));
      return toRun(row as RunRow);
    });
  }

  async listRuns(
    project: number,
    { limit, before }: ParsedArgument<ConsolidationBackend, 'listRuns', 1>,
  ): Promise<ConsolidationRun[]> {
    return this.#session.run((c) =>
      c
        .statement<unknown[], RunRow>(
          `SELECT * FROM consolidation_runs WHERE project_id = ? AND id < ?
           ORDER BY id DESC LIMIT ?`,
        )
        .all(project, before ?? Number.MAX_SAFE_INTEGER, limit)
        .map(toRun),
    );
  }

  async history(project: number, id: number): Promise<TransitionLogEntry[]> {
    return this.#session.run((c) =>
      c
        .statement<unknown[], TransitionRow>(
          'SELECT * FROM consolidation_log WHERE project_id = ? AND memory_id = ? ORDER BY id',
        )
        .all(project, id)
        .map(toTransition),
    );
  }

  async logPosition(project: number): Promise<number> {
    return this.#session.run(
      (c) =>
        c
          .column<number>('SELECT coalesce(max(id), 0) FROM consolidation_log WHERE project_id = ?')
          .get(project) ?? 0,
    );
  }

  /**
   * The log's project index holds the entry id (the rowid), so this reads
   * only the entries after `position`.
   */
  async changedSince(
    project: number,
    parsed: ParsedArgument<ConsolidationBackend, 'changedSince', 1>,
  ): Promise<number[]> {
    return this.#session.run((c) =>
      c
        .column<number>(
          `SELECT DISTINCT memory_id FROM consolidation_log
           WHERE project_id = @project AND id > @position
             AND (@states IS NULL OR to_state IN (SELECT value FROM json_each(@states)))
           ORDER BY memory_id`,
        )
        .all({
          project,
          position: parsed.position,
          states: parsed.states === null ? null : JSON.stringify(parsed.states),
        }),
    );
  }

  /**
   * Claims the oldest unconsolidated memories in one IMMEDIATE transaction:
   * SQLite has a single writer, so two claims can never pick the same row.
   * A code entity's memory is never claimed (the code graph owns it).
   */
  async claimBatch(
    project: number,
    { worker, limit, leaseMs, now }: ParsedArgument<ConsolidationBackend, 'claimBatch', 1>,
  ): Promise<Memory[]> {
    const at = now.getTime();
    return this.#session.run((c) =>
      c.atomic(() => {
        const rows = c
          .statement<[Record<string, unknown>], MemoryRow>(
            `UPDATE memory_vectors SET
               consolidation_state = 'consolidating',
               claimed_by = @worker,
               claim_expires_at = @expires,
               updated_at = @at
             WHERE id IN (
               SELECT id FROM memory_vectors
               WHERE project_id = @projectId AND consolidation_state = 'unconsolidated'
                 AND NOT EXISTS (SELECT 1 FROM code_metadata e WHERE e.memory_id = memory_vectors.id)
               ORDER BY created_at, id LIMIT @limit)
             RETURNING *`,
          )
          .all({ projectId: project, worker, expires: at + leaseMs, at, limit });
        rows.sort((a, b) => a.created_at - b.created_at || a.id - b.id);
        logMany(c, {
          projectId: project,
          ids: rows.map((row) => row.id),
          from: 'unconsolidated',
          to: 'consolidating',
          reason: 'claimed',
          actor: worker,
          at,
        });
        return rows.map(toMemory);
      }),
    );
  }

  async releaseExpired(project: number, now: Date): Promise<number> {
    const at = now.getTime();
    return this.#session.run((c) =>
      c.atomic(() => {
        const ids = c
          .column(
            `UPDATE memory_vectors SET
               consolidation_state = 'unconsolidated', claimed_by = NULL, claim_expires_at = NULL,
               updated_at = @at
             WHERE project_id = @projectId AND consolidation_state = 'consolidating'
               AND claim_expires_at <= @at
             RETURNING id`,
          )
          .all({ projectId: project, at }) as number[];
        logMany(c, {
          projectId: project,
          ids,
          from: 'consolidating',
          to: 'unconsolidated',
          reason: 'claim expired',
          actor: null,
          at,
        });
        return ids.length;
      }),
    );
  }

  async labilize(project: number, wanted: readonly number[], at: Date): Promise<number[]> {
    const when = at.getTime();
    if (wanted.length === 0) return [];
    return this.#session.run((c) =>
      c.atomic(() => {
        const changed = new Set(
          c
            .column(
              `UPDATE memory_vectors SET consolidation_state = 'labile', updated_at = @at
               WHERE project_id = @projectId AND consolidation_state = 'consolidated'
                 AND id IN (SELECT value FROM json_each(@ids))
               RETURNING id`,
            )
            .all({ projectId: project, at: when, ids: JSON.stringify(wanted) }) as number[],
        );
        const result = wanted.filter((id) => changed.has(id));
        logMany(c, {
          projectId: project,
          ids: result,
          from: 'consolidated',
          to: 'labile',
          reason: 'retrieved',
          actor: 'recall',
          at: when,
        });
        return result;
      }),
    );
  }

  async reconsolidationWindow(
    project: number,
    { windowMinutes, now }: ParsedArgument<ConsolidationBackend, 'reconsolidationWindow', 1>,
  ): Promise<Memory[]> {
    const until = now.getTime();
    const since = until - windowMinutes * 60_000;
    return this.#session.run((c) =>
      c
        .statement<unknown[], MemoryRow>(
          `SELECT * FROM memory_vectors
           WHERE project_id = ? AND consolidation_state = 'labile'
             AND last_retrieved >= ? AND last_retrieved <= ?
           ORDER BY last_retrieved DESC, id`,
        )
        .all(project, since, until)
        .map(toMemory),
    );
  }
}

/** The memory `memoryId` is to be superseded by: in the project, and not superseded itself. */
function checkSuccessor(
  c: Connection,
  projectId: number,
  memoryId: number,
  successor: number,
): void {
  const row = findMemory(c, projectId, successor);
  if (row === undefined) throw new NotFoundError('memory', successor);
  assertLiveSuccessor(memoryId, {
    id: successor,
    state: row.consolidation_state as ConsolidationState,
    supersededBy: row.superseded_by,
  });
}
