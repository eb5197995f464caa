import {
  NotFoundError,
  assertTransition,
  parseClaimBatch,
  parseConsolidationState,
  parseId,
  parseIds,
  parseInstant,
  parseReconsolidationWindow,
  parseTransitionOptions,
} from '@athena/core-types';
import type {
  ClaimBatchOptions,
  ConsolidationRepository,
  ConsolidationState,
  Memory,
  ReconsolidationWindowOptions,
  TransitionLogEntry,
  TransitionOptions,
} from '@athena/core-types';
import { sql } from 'kysely';
import { assertInProject } from './relationship-repository.js';
import { toMemory, toNumber, toTransition } from './rows.js';
import type { MemoryRow } from './rows.js';
import { memoryColumns, memorySelection } from './search-sql.js';
import type { Session } from './session.js';

/** The consolidation state machine over `memory_vectors`, logged in `consolidation_log`. */
export class PostgresConsolidationRepository implements ConsolidationRepository {
  readonly #session: () => Session;

  constructor(session: () => Session) {
    this.#session = session;
  }

  /**
   * Moves a memory to `to` when the state machine allows it, under a row lock, and logs it.
   *
   * @example
   * ```ts
   * await store.consolidation.transition(project.id, memory.id, 'consolidated', { actor: 'worker-1' });
   * ```
   */
  async transition(
    projectId: number,
    memoryId: number,
    to: ConsolidationState,
    options?: TransitionOptions,
  ): Promise<Memory> {
    const project = parseId(projectId, 'projectId');
    const id = parseId(memoryId, 'memoryId');
    const target = parseConsolidationState(to);
    const { reason, actor, supersededBy, at } = parseTransitionOptions(options, target, id);
    return this.#session().atomic({ operation: 'transition memory' }, async (s) => {
      const current = await s.db
        .selectFrom('memory_vectors')
        .select('consolidation_state')
        .where('project_id', '=', project)
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst();
      if (current === undefined)
        throw new NotFoundError('memory', id, { details: { projectId: project } });
      const from = current.consolidation_state as ConsolidationState;
      assertTransition(from, target, { memoryId: id });
      if (supersededBy !== undefined) {
        await assertInProject(s, 'memory_vectors', 'memory', project, [supersededBy]);
      }
      const row = await s.db
        .updateTable('memory_vectors')
        .set({
          consolidation_state: target,
          ...(target === 'consolidated' ? { consolidated_at: at } : {}),
          ...(from === 'consolidating' ? { claimed_by: null, claim_expires_at: null } : {}),
          ...(target === 'superseded' && supersededBy !== undefined
            ? { superseded_by: supersededBy }
            : {}),
        })
        .where('id', '=', id)
        .returning(memorySelection(s))
        .executeTakeFirstOrThrow();
      await s.db
        .insertInto('consolidation_log')
        .values({
          project_id: project,
          memory_id: id,
          from_state: from,
          to_state: target,
          reason,
          actor,
          at,
        })
        .execute();
      return toMemory(row);
    });
  }

  async history(projectId: number, memoryId: number): Promise<TransitionLogEntry[]> {
    const project = parseId(projectId, 'projectId');
    const id = parseId(memoryId, 'memoryId');
    return this.#session().read({ operation: 'transition history' }, async (s) => {
      const rows = await s.db
        .selectFrom('consolidation_log')
        .selectAll()
        .where('project_id', '=', project)
        .where('memory_id', '=', id)
        // Append order: an entry recorded with a back-dated `at` still comes last.
        .orderBy('id')
        .execute();
      return rows.map(toTransition);
    });
  }

  /**
   * Claims up to `limit` unconsolidated memories, oldest first, in one
   * statement. `FOR UPDATE SKIP LOCKED` lets concurrent workers claim
   * disjoint batches without waiting on each other.
   *
   * @example
   * ```ts
   * const batch = await store.consolidation.claimBatch(project.id, { worker: 'w1', limit: 20 });
   * ```
   */
  async claimBatch(projectId: number, options: ClaimBatchOptions): Promise<Memory[]> {
    const project = parseId(projectId, 'projectId');
    const { worker, limit, leaseMs, now } = parseClaimBatch(options);
    const expires = new Date(now.getTime() + leaseMs);
    return this.#session().write({ operation: 'claim batch' }, async (s) => {
      const table = s.table('memory_vectors');
      const { rows } = await sql<MemoryRow>`
        with picked as (
          select id from ${table}
          where project_id = ${project} and consolidation_state = 'unconsolidated'
          order by created_at, id
          limit ${limit}
          for update skip locked
        ),
        claimed as (
          update ${table} m
          set consolidation_state = 'consolidating', claimed_by = ${worker}, claim_expires_at = ${expires}
          from picked where m.id = picked.id
          returning ${memoryColumns(s, 'm')}
        ),
        logged as (
          insert into ${s.table('consolidation_log')} (project_id, memory_id, from_state, to_state, reason, actor, at)
          select project_id, id, 'unconsolidated', 'consolidating', 'claimed', ${worker}, ${now} from claimed
        )
        select * from claimed order by created_at, id`.execute(s.raw);
      return rows.map(toMemory);
    });
  }

  async releaseExpired(projectId: number, now?: Date): Promise<number> {
    const project = parseId(projectId, 'projectId');
    const at = parseInstant(now, 'now');
    return this.#session().write({ operation: 'release expired claims' }, async (s) => {
      const table = s.table('memory_vectors');
      const { rows } = await sql<{ n: string }>`
        with released as (
          update ${table}
          set consolidation_state = 'unconsolidated', claimed_by = null, claim_expires_at = null
          where project_id = ${project} and consolidation_state = 'consolidating' and claim_expires_at <= ${at}
          returning project_id, id
        ),
        logged as (
          insert into ${s.table('consolidation_log')} (project_id, memory_id, from_state, to_state, reason, actor, at)
          select project_id, id, 'consolidating', 'unconsolidated', 'claim expired', null, ${at} from released
        )
        select count(*) as n from released`.execute(s.raw);
      return toNumber(rows[0]?.n ?? 0);
    });
  }

  async labilize(projectId: number, ids: readonly number[], at?: Date): Promise<number[]> {
    const project = parseId(projectId, 'projectId');
    const wanted = parseIds(ids, 'ids');
    const when = parseInstant(at);
    if (wanted.length === 0) return [];
    return this.#session().write({ operation: 'labilize memories' }, async (s) => {
      const table = s.table('memory_vectors');
      const { rows } = await sql<{ id: string }>`
        with changed as (
          update ${table}
          set consolidation_state = 'labile'
          where project_id = ${project} and consolidation_state = 'consolidated' and id = any(${wanted}::bigint[])
          returning project_id, id
        ),
        logged as (
          insert into ${s.table('consolidation_log')} (project_id, memory_id, from_state, to_state, reason, actor, at)
          select project_id, id, 'consolidated', 'labile', 'retrieved', 'recall', ${when} from changed
        )
        select id from changed`.execute(s.raw);
      const changed = new Set(rows.map((row) => toNumber(row.id)));
      return wanted.filter((id) => changed.has(id));
    });
  }

  /**
   * Labile memories retrieved within the window, most recently retrieved first.
   *
   * @example
   * ```ts
   * const open = await store.consolidation.reconsolidationWindow(project.id, { windowMinutes: 30 });
   * ```
   */
  async reconsolidationWindow(
    projectId: number,
    options?: ReconsolidationWindowOptions,
  ): Promise<Memory[]> {
    const project = parseId(projectId, 'projectId');
    const { windowMinutes, now } = parseReconsolidationWindow(options);
    const since = new Date(now.getTime() - windowMinutes * 60_000);
    return this.#session().read({ operation: 'reconsolidation window' }, async (s) => {
      const rows = await s.db
        .selectFrom('memory_vectors')
        .select(memorySelection(s))
        .where('project_id', '=', project)
        .where('consolidation_state', '=', 'labile')
        .where('last_retrieved', '>=', since)
        .where('last_retrieved', '<=', now)
        .orderBy('last_retrieved', 'desc')
        .orderBy('id', 'desc')
        .execute();
      return rows.map(toMemory);
    });
  }
}
