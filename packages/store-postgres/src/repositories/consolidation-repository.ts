import {
  NotFoundError,
  StorageError,
  assertLiveSuccessor,
  assertTransition,
} from '@athena/core-types';
import type {
  ConsolidationRun,
  ConsolidationState,
  Memory,
  TransitionLogEntry,
} from '@athena/core-types';
import type { ConsolidationBackend, ParsedArgument } from '@athena/store-kit';
import { sql } from 'kysely';
import { consolidationLockKey } from '../advisory-lock.js';
import { runRow } from '../record-tables.js';
import { toMemory, toNumber, toRun, toTransition } from '../rows.js';
import type { MemoryRow } from '../rows.js';
import { memoryColumns, memorySelection } from '../sql/search-sql.js';
import type { Session } from '../session.js';

/** A claim made by `transitionMany()` to `consolidating` lapses like a default claim. */
const TRANSITION_LEASE_MS = 300_000;

/**
 * The consolidation state machine over `memory_vectors`, behind the kit's
 * validating front, logged in `consolidation_log`.
 */
export class PostgresConsolidationRepository implements ConsolidationBackend {
  readonly #session: () => Session;

  constructor(session: () => Session) {
    this.#session = session;
  }

  /**
   * Moves a memory to `to` when the state machine allows it, under a row lock, and logs it.
   */
  async transition(
    project: number,
    id: number,
    target: ConsolidationState,
    { reason, actor, supersededBy, at }: ParsedArgument<ConsolidationBackend, 'transition', 3>,
  ): Promise<Memory> {
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
        const successor = (await successorsOf(s, project, [supersededBy])).get(supersededBy);
        assertLiveSuccessor(id, { id: supersededBy, ...(successor as Successor) });
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

  /**
   * Locks the memories (`FOR UPDATE`), checks every change in order against
   * the state machine, then writes the final state of each memory in one
   * UPDATE and every change to the log in one INSERT.
   */
  async transitionMany(
    project: number,
    parsed: ParsedArgument<ConsolidationBackend, 'transitionMany', 1>,
  ): Promise<number> {
    if (parsed.changes.length === 0) return 0;
    const { actor, reason, at } = parsed;
    return this.#session().atomic({ operation: 'transition memories' }, async (s) => {
      const ids = [...new Set(parsed.changes.map((c) => c.memoryId))];
      const rows = await s.db
        .selectFrom('memory_vectors')
        .select(['id', 'consolidation_state'])
        .where('project_id', '=', project)
        .where(sql<boolean>`id = any(${ids}::bigint[])`)
        .orderBy('id')
        .forUpdate()
        .execute();
      const state = new Map(
        rows.map((row) => [toNumber(row.id), row.consolidation_state as ConsolidationState]),
      );
      const targets = [
        ...new Set(
          parsed.changes.flatMap((c) => (c.supersededBy === null ? [] : [c.supersededBy])),
        ),
      ];
      const successors = await successorsOf(s, project, targets);
      const log: { id: number; from: ConsolidationState; to: ConsolidationState }[] = [];
      const final = new Map<
        number,
        { to: ConsolidationState; supersededBy: number | null; consolidated: boolean }
      >();
      for (const change of parsed.changes) {
        const from = state.get(change.memoryId);
        if (from === undefined)
          throw new NotFoundError('memory', change.memoryId, { details: { projectId: project } });
        assertTransition(from, change.to, { memoryId: change.memoryId });
        if (change.supersededBy !== null) {
          // As it stands after the earlier changes of this call.
          const read = successors.get(change.supersededBy) as Successor;
          assertLiveSuccessor(change.memoryId, {
            id: change.supersededBy,
            state: state.get(change.supersededBy) ?? read.state,
            supersededBy: final.get(change.supersededBy)?.supersededBy ?? read.supersededBy,
          });
        }
        state.set(change.memoryId, change.to);
        log.push({ id: change.memoryId, from, to: change.to });
        const before = final.get(change.memoryId);
        final.set(change.memoryId, {
          to: change.to,
          supersededBy: change.supersededBy ?? before?.supersededBy ?? null,
          consolidated: change.to === 'consolidated' || (before?.consolidated ?? false),
        });
      }
      const entries = [...final.entries()];
      const expires = new Date(at.getTime() + TRANSITION_LEASE_MS);
      await sql`
        update ${s.table('memory_vectors')} m set
          consolidation_state = f.state,
          consolidated_at = case when f.consolidated then ${at}::timestamptz else m.consolidated_at end,
          superseded_by = coalesce(f.superseded_by, m.superseded_by),
          claimed_by = case when f.state = 'consolidating' then ${actor}::text else null end,
          claim_expires_at = case when f.state = 'consolidating' then ${expires}::timestamptz else null end
        from unnest(
          ${entries.map(([id]) => id)}::bigint[],
          ${entries.map(([, f]) => f.to)}::text[],
          ${entries.map(([, f]) => f.supersededBy)}::bigint[],
          ${entries.map(([, f]) => f.consolidated)}::boolean[]
        ) as f(id, state, superseded_by, consolidated)
        where m.id = f.id`.execute(s.raw);
      await sql`
        insert into ${s.table('consolidation_log')} (project_id, memory_id, from_state, to_state, reason, actor, at)
        select ${project}, l.id, l.from_state, l.to_state, ${reason}::text, ${actor}::text, ${at}::timestamptz
        from unnest(
          ${log.map((l) => l.id)}::bigint[],
          ${log.map((l) => l.from)}::text[],
          ${log.map((l) => l.to)}::text[]
        ) with ordinality as l(id, from_state, to_state, n)
        order by l.n`.execute(s.raw);
      return log.length;
    });
  }

  /**
   * A transaction-level advisory lock on the project's key: released by
   * COMMIT or ROLLBACK (or the server, when the connection dies), and other
   * projects never wait on it.
   */
  async lock(project: number): Promise<void> {
    const session = this.#session();
    if (session.depth === 0) {
      throw new StorageError('consolidation.lock() must be called inside store.transaction()');
    }
    await session.write({ operation: 'lock project for consolidation' }, async (s) => {
      const key = consolidationLockKey(s.env.schema, project);
      await sql`select pg_advisory_xact_lock(hashtext(${key}))`.execute(s.raw);
    });
  }

  async recordRun(
    project: number,
    parsed: ParsedArgument<ConsolidationBackend, 'recordRun', 1>,
  ): Promise<ConsolidationRun> {
    return this.#session().write(
      { operation: 'record consolidation run', notFound: { entity: 'project', id: project } },
      async (s) => {
        const row = await s.db
          .insertInto('consolidation_runs')
          .values(runRow({ ...parsed, projectId: project }, s) as never)
          .returningAll()
          .executeTakeFirstOrThrow();
        return toRun(row);
      },
    );
  }

  async listRuns(
    project: number,
    { limit, before }: ParsedArgument<ConsolidationBackend, 'listRuns', 1>,
  ): Promise<ConsolidationRun[]> {
    return this.#session().read({ operation: 'list consolidation runs' }, async (s) => {
      let query = s.db
        .selectFrom('consolidation_runs')
        .selectAll()
        .where('project_id', '=', project);
      if (before !== undefined) query = query.where('id', '<', before);
      const rows = await query.orderBy('id', 'desc').limit(limit).execute();
      return rows.map(toRun);
    });
  }

  async history(project: number, id: number): Promise<TransitionLogEntry[]> {
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

  async logPosition(project: number): Promise<number> {
    return this.#session().read({ operation: 'transition log position' }, async (s) => {
      const row = await s.db
        .selectFrom('consolidation_log')
        .select((eb) => eb.fn.max('id').as('position'))
        .where('project_id', '=', project)
        .executeTakeFirst();
      return row?.position === null || row?.position === undefined ? 0 : toNumber(row.position);
    });
  }

  /**
   * Reads the entries after `position` through the log's primary key (ids
   * only grow), keeping the project's.
   */
  async changedSince(
    project: number,
    parsed: ParsedArgument<ConsolidationBackend, 'changedSince', 1>,
  ): Promise<number[]> {
    return this.#session().read({ operation: 'transitions since' }, async (s) => {
      let query = s.db
        .selectFrom('consolidation_log')
        .select('memory_id')
        .distinct()
        .where('id', '>', parsed.position)
        .where('project_id', '=', project);
      if (parsed.states !== null) query = query.where('to_state', 'in', parsed.states);
      const rows = await query.orderBy('memory_id').execute();
      return rows.map((row) => toNumber(row.memory_id));
    });
  }

  /**
   * Claims up to `limit` unconsolidated memories, oldest first, in one
   * statement. `FOR UPDATE SKIP LOCKED` lets concurrent workers claim
   * disjoint batches without waiting on each other.
   */
  async claimBatch(
    project: number,
    { worker, limit, leaseMs, now }: ParsedArgument<ConsolidationBackend, 'claimBatch', 1>,
  ): Promise<Memory[]> {
    const expires = new Date(now.getTime() + leaseMs);
    return this.#session().write({ operation: 'claim batch' }, async (s) => {
      const table = s.table('memory_vectors');
      // Found through the narrow state mirror in creation order; each memory
      // row is then read and locked by primary key (the state re-checked on
      // it, the truth), so a claim never scans the vector table.
      const { rows } = await sql<MemoryRow>`
        with picked as (
          select m.id from ${s.table('memory_states')} st
          join ${table} m on m.id = st.memory_id
          where st.project_id = ${project} and st.state = 'unconsolidated'
            and m.consolidation_state = 'unconsolidated'
            and not exists (
              select 1 from ${s.table('code_metadata')} e where e.memory_id = st.memory_id)
          order by st.created_at, st.memory_id
          limit ${limit}
          for update of m skip locked
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

  async releaseExpired(project: number, at: Date): Promise<number> {
    return this.#session().write({ operation: 'release expired claims' }, async (s) => {
      const table = s.table('memory_vectors');
      const { rows } = await sql<{ n: string }>`
        with released as (
          update ${table}
          set consolidation_state = 'unconsolidated', claimed_by = null, claim_expires_at = null
          where id in (
              select memory_id from ${s.table('memory_states')}
              where project_id = ${project} and state = 'consolidating')
            and project_id = ${project} and consolidation_state = 'consolidating' and claim_expires_at <= ${at}
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

  async labilize(project: number, wanted: readonly number[], when: Date): Promise<number[]> {
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
   */
  async reconsolidationWindow(
    project: number,
    { windowMinutes, now }: ParsedArgument<ConsolidationBackend, 'reconsolidationWindow', 1>,
  ): Promise<Memory[]> {
    const since = new Date(now.getTime() - windowMinutes * 60_000);
    return this.#session().read({ operation: 'reconsolidation window' }, async (s) => {
      const rows = await s.db
        .selectFrom('memory_vectors')
        .select(memorySelection(s))
        .where('project_id', '=', project)
        .where('consolidation_state', '=', 'labile')
        .where('id', 'in', (eb) =>
          eb
            .selectFrom('memory_states')
            .select('memory_id')
            .where('project_id', '=', project)
            .where('state', '=', 'labile'),
        )
        .where('last_retrieved', '>=', since)
        .where('last_retrieved', '<=', now)
        .orderBy('last_retrieved', 'desc')
        .orderBy('id', 'asc')
        .execute();
      return rows.map(toMemory);
    });
  }
}

/** A memory another one is to be superseded by, as read. */
interface Successor {
  readonly state: ConsolidationState;
  readonly supersededBy: number | null;
}

/**
 * The memories others are to be superseded by, read under a share lock so
 * that no concurrent transaction supersedes one of them before this one
 * commits (the foreign key's own check locks the row only at the update,
 * after this check; two transactions superseding each other's memory must
 * not both pass it).
 *
 * @throws {NotFoundError} for an id that is not a memory of the project.
 */
async function successorsOf(
  s: Session,
  projectId: number,
  ids: readonly number[],
): Promise<Map<number, Successor>> {
  if (ids.length === 0) return new Map();
  const rows = await s.db
    .selectFrom('memory_vectors')
    .select(['id', 'consolidation_state', 'superseded_by'])
    .where('project_id', '=', projectId)
    .where(sql<boolean>`id = any(${[...ids]}::bigint[])`)
    .orderBy('id')
    .forShare()
    .execute();
  const found = new Map(
    rows.map((row) => [
      toNumber(row.id),
      {
        state: row.consolidation_state as ConsolidationState,
        supersededBy: row.superseded_by === null ? null : toNumber(row.superseded_by),
      },
    ]),
  );
  const missing = ids.find((id) => !found.has(id));
  if (missing !== undefined) throw new NotFoundError('memory', missing, { details: { projectId } });
  return found;
}
