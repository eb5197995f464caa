import { sql } from 'kysely';
import type { Migration, MigrationContext } from './migration.js';

/**
 * Takes `consolidation_state` off every index of `memory_vectors`, so a
 * state change is a HOT update: the new row version stays on its page
 * (fillfactor 50, migration 2) and no index gets a new entry — above all not
 * the HNSW graph, ~1.5 ms per entry at 768 dimensions. Before, every claim
 * and every settle rewrote each memory's entry in every index twice per pass
 * (9 % of a pass's row updates were HOT with the index, 91 % without; 10K
 * benchmark: a claim of 100 took 652 ms, their transition 554 ms).
 *
 * What the dropped `(project_id, consolidation_state)` index answered moves
 * to a narrow mirror, `memory_states(memory_id, project_id, state,
 * created_at)`, indexed by `(project_id, state, created_at, memory_id)`:
 * claims in creation order, expired leases, labile memories, the per-state
 * counts of `stats()` and the exact neighbour search over few consolidated
 * memories read it, and touch `memory_vectors` only by primary key.
 * `memory_vectors.consolidation_state` stays the truth; triggers keep the
 * mirror equal to it: one statement-level trigger per INSERT, a row trigger
 * only for updates that change the state, the project or the creation time
 * (access statistics, scores and content never fire it); deletes cascade.
 *
 * Also indexes `code_metadata.memory_id`: a claim skips memories owned by a
 * code entity, and deleting a memory looks its entity up by it.
 */
async function up(ctx: MigrationContext): Promise<void> {
  const memories = ctx.table('memory_vectors');
  const states = ctx.table('memory_states');
  const insertFn = sql.id(ctx.schema, 'memory_states_insert');
  const updateFn = sql.id(ctx.schema, 'memory_states_update');
  const statements = [
    sql`create table ${states} (
      memory_id bigint primary key references ${memories} (id) on delete cascade,
      project_id bigint not null,
      state text not null,
      created_at timestamptz not null
    )`,
    sql`insert into ${states} (memory_id, project_id, state, created_at)
      select id, project_id, consolidation_state, created_at from ${memories}`,
    sql`create index memory_states_project_state_idx
      on ${states} (project_id, state, created_at, memory_id)`,
    sql`create function ${insertFn}() returns trigger language plpgsql as $$
      begin
        insert into ${states} (memory_id, project_id, state, created_at)
          select id, project_id, consolidation_state, created_at from inserted_memories;
        return null;
      end
    $$`,
    sql`create trigger memory_states_insert after insert on ${memories}
      referencing new table as inserted_memories
      for each statement execute function ${insertFn}()`,
    sql`create function ${updateFn}() returns trigger language plpgsql as $$
      begin
        update ${states}
          set project_id = new.project_id, state = new.consolidation_state, created_at = new.created_at
          where memory_id = new.id;
        return null;
      end
    $$`,
    sql`create trigger memory_states_update
      after update of consolidation_state, project_id, created_at on ${memories}
      for each row
      when (old.consolidation_state is distinct from new.consolidation_state
        or old.project_id is distinct from new.project_id
        or old.created_at is distinct from new.created_at)
      execute function ${updateFn}()`,
    sql`drop index ${sql.id(ctx.schema, 'memory_vectors_project_state_idx')}`,
    sql`create index code_metadata_memory_idx on ${ctx.table('code_metadata')} (memory_id)`,
    sql`analyze ${states}`,
  ];
  for (const statement of statements) await statement.execute(ctx.db);
}

/** Version 8: the narrow state mirror `memory_states`; state changes become HOT updates. */
export const memoryStates: Migration = Object.freeze({
  version: 8,
  name: 'memory-states',
  up,
});
