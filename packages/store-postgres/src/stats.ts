import { CONSOLIDATION_STATES, RECORD_TABLES } from '@athena/core-types';
import type {
  ConsolidationState,
  IndexHealth,
  MigrationStatus,
  RecordTable,
  StoreStats,
} from '@athena/core-types';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from './migrations/index.js';
import { POSTGRES_RECORD_TABLES } from './record-tables.js';
import type { Database } from './schema.js';
import type { Session } from './session.js';

/**
 * The indexes the migrations leave, by name (primary keys and
 * unique constraints aside). The store's tests check this list against a
 * freshly migrated schema, so it cannot drift.
 */
export const EXPECTED_INDEXES: Readonly<
  Record<string, { readonly table: string; readonly kind: string }>
> = Object.freeze({
  memory_vectors_project_id_idx: { table: 'memory_vectors', kind: 'btree' },
  memory_vectors_project_created_idx: { table: 'memory_vectors', kind: 'btree' },
  memory_vectors_superseded_by_idx: { table: 'memory_vectors', kind: 'btree' },
  memory_vectors_tags_idx: { table: 'memory_vectors', kind: 'gin' },
  memory_embeddings_project_idx: { table: 'memory_embeddings', kind: 'btree' },
  memory_relationships_to_idx: { table: 'memory_relationships', kind: 'btree' },
  consolidation_log_memory_idx: { table: 'consolidation_log', kind: 'btree' },
  episodic_events_time_idx: { table: 'episodic_events', kind: 'btree' },
  episodic_events_session_idx: { table: 'episodic_events', kind: 'btree' },
  prospective_goals_project_idx: { table: 'prospective_goals', kind: 'btree' },
  prospective_goals_parent_idx: { table: 'prospective_goals', kind: 'btree' },
  prospective_tasks_project_idx: { table: 'prospective_tasks', kind: 'btree' },
  prospective_tasks_goal_idx: { table: 'prospective_tasks', kind: 'btree' },
  prospective_tasks_parent_idx: { table: 'prospective_tasks', kind: 'btree' },
  code_dependencies_to_idx: { table: 'code_dependencies', kind: 'btree' },
  code_dependencies_project_idx: { table: 'code_dependencies', kind: 'btree' },
  code_metadata_project_qualified_name_idx: { table: 'code_metadata', kind: 'btree' },
  code_unresolved_dependencies_target_idx: { table: 'code_unresolved_dependencies', kind: 'btree' },
  code_unresolved_dependencies_from_idx: { table: 'code_unresolved_dependencies', kind: 'btree' },
  code_unresolved_references_project_idx: { table: 'code_unresolved_references', kind: 'btree' },
  code_unresolved_references_from_idx: { table: 'code_unresolved_references', kind: 'btree' },
  planning_decisions_project_idx: { table: 'planning_decisions', kind: 'btree' },
  planning_scenarios_decision_idx: { table: 'planning_scenarios', kind: 'btree' },
  memory_text_index_project_tsv_idx: { table: 'memory_text_index', kind: 'gin' },
  memory_states_project_state_idx: { table: 'memory_states', kind: 'btree' },
  code_metadata_memory_idx: { table: 'code_metadata', kind: 'btree' },
  consolidation_runs_project_idx: { table: 'consolidation_runs', kind: 'btree' },
  episodic_events_consolidated_into_idx: { table: 'episodic_events', kind: 'btree' },
});

interface CatalogIndex {
  readonly name: string;
  readonly table: string;
  readonly kind: string;
  readonly valid: boolean;
  /** `pg_get_indexdef`: the statement that creates it. */
  readonly definition: string;
}

/** Every index of the schema's tables, from the catalog. */
export async function catalogIndexes(
  db: Kysely<Database>,
  schema: string,
): Promise<CatalogIndex[]> {
  const { rows } = await sql<CatalogIndex>`
    select c.relname as name, t.relname as table, am.amname as kind,
           (i.indisvalid and i.indisready) as valid, pg_get_indexdef(i.indexrelid) as definition
    from pg_index i
    join pg_class c on c.oid = i.indexrelid
    join pg_am am on am.oid = c.relam
    join pg_class t on t.oid = i.indrelid
    join pg_namespace n on n.oid = t.relnamespace
    where n.nspname = ${schema}
    order by t.relname, c.relname`.execute(db);
  return rows;
}

/** The ANN index the store's options call for (`null` for `type: 'none'`). */
export interface ExpectedVectorIndex {
  readonly name: string;
  readonly kind: 'hnsw' | 'ivfflat';
  /** IVFFlat: the index is only built once this many memories exist. */
  readonly minRows: number;
}

/**
 * Index health: every expected index (the migrations', the configured ANN
 * index, the keyword table), then any other ANN index found (project
 * graphs).
 */
async function indexHealth(
  s: Session,
  vectorIndex: ExpectedVectorIndex | null,
  memories: number,
): Promise<IndexHealth[]> {
  const found = await catalogIndexes(s.raw, s.env.schema);
  const byName = new Map(found.map((index) => [index.name, index]));
  const expected: [string, string, string][] = Object.entries(EXPECTED_INDEXES).map(
    ([name, { table, kind }]) => [name, table, kind],
  );
  if (vectorIndex !== null && memories >= vectorIndex.minRows) {
    expected.push([vectorIndex.name, 'memory_embeddings', vectorIndex.kind]);
  }
  const health: IndexHealth[] = expected.map(([name, table, kind]) => {
    const index = byName.get(name);
    if (index === undefined)
      return { name, table, kind, present: false, valid: false, problem: 'missing' };
    return index.valid
      ? { name, table, kind: index.kind, present: true, valid: true }
      : {
          name,
          table,
          kind: index.kind,
          present: true,
          valid: false,
          problem: 'invalid (an interrupted build): rebuild it',
        };
  });
  for (const index of found) {
    if (expected.some(([name]) => name === index.name)) continue;
    if (index.kind !== 'hnsw' && index.kind !== 'ivfflat') continue;
    health.push({
      name: index.name,
      table: index.table,
      kind: index.kind,
      present: true,
      valid: index.valid,
      ...(index.valid ? {} : { problem: 'invalid (an interrupted build): rebuild it' }),
    });
  }
  // The narrow tables beside the memories, one row per memory each: the vectors, and
  // the two the triggers keep.
  for (const [mirror, kind] of [
    ['memory_embeddings', 'vector table'],
    ['memory_text_index', 'keyword table'],
    ['memory_states', 'state mirror'],
  ] as const) {
    const { rows } = await sql<{ n: string }>`select count(*) as n from ${s.table(mirror)}`.execute(
      s.raw,
    );
    const entries = Number(rows[0]?.n ?? 0);
    const entry = { name: mirror, table: 'memory_vectors', kind, present: true };
    health.push(
      entries === memories
        ? { ...entry, valid: true }
        : { ...entry, valid: false, problem: `${entries} entries for ${memories} memories` },
    );
  }
  return health;
}

/**
 * Everything `store.stats()` reports, read in one transaction so the figures
 * agree with each other.
 *
 * @example
 * ```ts
 * const stats = await postgresStats(session, { backend: 'postgres', schemaVersion: 4, vectorIndex, projectId: null });
 * ```
 */
export async function postgresStats(
  s: Session,
  context: {
    /** The store's `backend` (a store on the same SQL may name itself otherwise). */
    readonly backend: string;
    readonly schemaVersion: number;
    readonly vectorIndex: ExpectedVectorIndex | null;
    readonly projectId: number | null;
  },
): Promise<StoreStats> {
  const { projectId } = context;
  const scope = (table: RecordTable) =>
    projectId === null
      ? sql<boolean>`true`
      : sql<boolean>`${sql.ref(table === 'projects' ? 'id' : 'project_id')} = ${projectId}`;
  const countColumns = RECORD_TABLES.map(
    (table) =>
      sql`(select count(*) from ${s.table(POSTGRES_RECORD_TABLES[table].sqlTable)} where ${scope(table)}) as ${sql.id(table)}`,
  );
  const { rows: countRows } = await sql<Record<RecordTable, string> & { all_memories: string }>`
    select ${sql.join(countColumns)},
      (select count(*) from ${s.table('memory_vectors')}) as all_memories`.execute(s.raw);
  const first = countRows[0];
  const counts = Object.fromEntries(
    RECORD_TABLES.map((table) => [table, Number(first?.[table] ?? 0)]),
  ) as Record<RecordTable, number>;
  const memoriesByState = Object.fromEntries(
    CONSOLIDATION_STATES.map((state) => [state, 0]),
  ) as Record<ConsolidationState, number>;
  const { rows: states } = await sql<{ state: ConsolidationState; n: string }>`
    select state, count(*) as n from ${s.table('memory_states')}
    where ${scope('memories')} group by state`.execute(s.raw);
  for (const { state, n } of states) memoriesByState[state] = Number(n);
  const episodesByStatus = { unconsolidated: 0, consolidated: 0 };
  const { rows: statuses } = await sql<{ status: 'unconsolidated' | 'consolidated'; n: string }>`
    select consolidation_status as status, count(*) as n from ${s.table('episodic_events')}
    where ${scope('episodes')} group by consolidation_status`.execute(s.raw);
  for (const { status, n } of statuses) episodesByStatus[status] = Number(n);
  const { rows: models } = await sql<{ model: string | null; n: string }>`
    select embedding_model as model, count(*) as n from ${s.table('memory_vectors')}
    where ${scope('memories')} group by embedding_model order by n desc, model`.execute(s.raw);
  const { rows: size } = await sql<{ bytes: string | null }>`
    select sum(pg_total_relation_size(c.oid)) as bytes
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = ${s.env.schema} and c.relkind in ('r', 'm')`.execute(s.raw);
  return {
    backend: context.backend,
    schemaVersion: context.schemaVersion,
    embeddingDimension: s.env.dimension,
    projectId,
    counts,
    memoriesByState,
    episodesByStatus,
    embeddingModels: models.map((row) => ({ model: row.model, memories: Number(row.n) })),
    sizeBytes: Number(size[0]?.bytes ?? 0),
    indexes: await indexHealth(s, context.vectorIndex, Number(first?.all_memories ?? 0)),
  };
}

/**
 * Which migrations the schema has applied and which `init()` would apply;
 * reads only (a missing schema or migration table is "not initialised").
 *
 * @example
 * ```ts
 * const { pending } = await readMigrationStatus(db, 'public', 'postgres');
 * ```
 */
export async function readMigrationStatus(
  db: Kysely<Database>,
  schema: string,
  backend: string,
): Promise<MigrationStatus> {
  const { rows: exists } = await sql<{ found: boolean }>`
    select to_regclass(${`${schema}.athena_migrations`}) is not null as found`.execute(db);
  const applied =
    exists[0]?.found === true
      ? await db
          .withSchema(schema)
          .selectFrom('athena_migrations')
          .select(['version', 'name', 'applied_at'])
          .orderBy('version')
          .execute()
      : [];
  const done = new Set(applied.map((row) => row.version));
  return {
    backend,
    initialised: applied.length > 0,
    currentVersion: Math.max(0, ...done),
    latestVersion: LATEST_SCHEMA_VERSION,
    applied: applied.map((row) => ({
      version: row.version,
      name: row.name,
      appliedAt: row.applied_at,
    })),
    pending: MIGRATIONS.filter((migration) => !done.has(migration.version)).map(
      ({ version, name }) => ({ version, name }),
    ),
  };
}
