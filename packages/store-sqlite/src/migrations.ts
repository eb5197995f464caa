import type { Database } from 'better-sqlite3';
import { binaryQuantizeSql } from './binary-quantization.js';

/** What a migration may need to know about the database it runs on. */
export interface MigrationContext {
  /** The embedding dimension of this database (vec0 needs it at CREATE time). */
  readonly embeddingDimension: number;
}

/** One schema change. Applied once, in its own transaction, in `version` order. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  up(db: Database, context: MigrationContext): void;
}

const CONSOLIDATION_STATES_SQL =
  "'unconsolidated', 'consolidating', 'consolidated', 'labile', 'reconsolidating', 'superseded'";

// Times are INTEGER epoch milliseconds; JSON arrays are TEXT. Cross-project
// references (a parent goal, a memory of a code entity) are checked by the
// repositories, because a foreign key cannot say "in the same project".
const INITIAL_SCHEMA = `
CREATE TABLE athena_meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE projects (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  name             TEXT NOT NULL UNIQUE,
  path             TEXT NOT NULL UNIQUE,
  description      TEXT,
  created_at       INTEGER NOT NULL,
  last_accessed_at INTEGER NOT NULL
);

CREATE TABLE memory_vectors (
  id                  INTEGER PRIMARY KEY AUTOINCREMENT,
  project_id          INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  content             TEXT NOT NULL,
  content_type        TEXT NOT NULL,
  memory_type         TEXT NOT NULL,
  domain              TEXT,
  tags                TEXT NOT NULL DEFAULT '[]',
  embedding           BLOB NOT NULL,
  embedding_model     TEXT,
  access_count        INTEGER NOT NULL DEFAULT 0,
  last_accessed       INTEGER,
  last_retrieved      INTEGER,
  usefulness_score    REAL NOT NULL DEFAULT 0,
  confidence          REAL NOT NULL DEFAULT 1,
  quality_score       REAL GENERATED ALWAYS AS (
    0.5 * usefulness_score + 0.3 * confidence + 0.2 * min(access_count / 100.0, 1.0)
  ) VIRTUAL,
  consolidation_state TEXT NOT NULL DEFAULT 'unconsolidated'
    CHECK (consolidation_state IN (${CONSOLIDATION_STATES_SQL})),
  consolidated_at     INTEGER,
  superseded_by       INTEGER REFERENCES memory_vectors(id) ON DELETE SET NULL,
  claimed_by          TEXT,
  claim_expires_at    INTEGER,
  version             INTEGER NOT NULL DEFAULT 1,
  session_id          TEXT,
  event_type          TEXT,
  code_language       TEXT,
  code_hash           TEXT,
  created_at          INTEGER NOT NULL,
  updated_at          INTEGER NOT NULL
);
CREATE INDEX memory_vectors_project_created ON memory_vectors (project_id, created_at, id);
CREATE INDEX memory_vectors_project_state ON memory_vectors (project_id, consolidation_state, created_at, id);
CREATE INDEX memory_vectors_project_session ON memory_vectors (project_id, session_id);
CREATE INDEX memory_vectors_superseded_by ON memory_vectors (superseded_by) WHERE superseded_by IS NOT NULL;

CREATE VIRTUAL TABLE memory_fts USING fts5(
  content,
  content = 'memory_vectors',
  content_rowid = 'id',
  tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TRIGGER memory_vectors_after_insert AFTER INSERT ON memory_vectors BEGIN
  INSERT INTO memory_fts (rowid, content) VALUES (new.id, new.content);
  INSERT INTO vec_memories (memory_id, project_id, embedding) VALUES (new.id, new.project_id, new.embedding);
END;
CREATE TRIGGER memory_vectors_after_delete AFTER DELETE ON memory_vectors BEGIN
  INSERT INTO memory_fts (memory_fts, rowid, content) VALUES ('delete', old.id, old.content);
  DELETE FROM vec_memories WHERE memory_id = old.id;
END;
CREATE TRIGGER memory_vectors_after_update_content AFTER UPDATE OF content ON memory_vectors BEGIN
  INSERT INTO memory_fts (memory_fts, rowid, content) VALUES ('delete', old.id, old.content);
  INSERT INTO memory_fts (rowid, content) VALUES (new.id, new.content);
END;
CREATE TRIGGER memory_vectors_after_update_embedding AFTER UPDATE OF embedding ON memory_vectors BEGIN
  UPDATE vec_memories SET embedding = new.embedding WHERE memory_id = new.id;
END;

CREATE TABLE memory_relationships (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,
  project_id        INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  from_memory_id    INTEGER NOT NULL REFERENCES memory_vectors(id) ON DELETE CASCADE,
  to_memory_id      INTEGER NOT NULL REFERENCES memory_vectors(id) ON DELETE CASCADE,
  relationship_type TEXT NOT NULL,
  strength          REAL NOT NULL,
  created_at        INTEGER NOT NULL,
  UNIQUE (from_memory_id, to_memory_id, relationship_type)
);
CREATE INDEX memory_relationships_to ON memory_relationships (to_memory_id);
CREATE INDEX memory_relationships_project ON memory_relationships (project_id);

CREATE TABLE consolidation_log (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  memory_id  INTEGER NOT NULL REFERENCES memory_vectors(id) ON DELETE CASCADE,
  from_state TEXT NOT NULL,
  to_state   TEXT NOT NULL,
  reason     TEXT,
  actor      TEXT,
  at         INTEGER NOT NULL
);
CREATE INDEX consolidation_log_memory ON consolidation_log (memory_id, id);
CREATE INDEX consolidation_log_project ON consolidation_log (project_id);

CREATE TABLE episodic_events (
  id                   INTEGER PRIMARY KEY AUTOINCREMENT,
  project_id           INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  session_id           TEXT NOT NULL,
  timestamp            INTEGER NOT NULL,
  duration_ms          INTEGER,
  event_type           TEXT NOT NULL,
  content              TEXT NOT NULL,
  outcome              TEXT,
  context_cwd          TEXT,
  context_files        TEXT NOT NULL DEFAULT '[]',
  context_task         TEXT,
  context_phase        TEXT,
  context_branch       TEXT,
  files_changed        INTEGER NOT NULL DEFAULT 0,
  lines_added          INTEGER NOT NULL DEFAULT 0,
  lines_deleted        INTEGER NOT NULL DEFAULT 0,
  learned              TEXT,
  surprise_score       REAL,
  confidence           REAL NOT NULL DEFAULT 1,
  consolidation_status TEXT NOT NULL DEFAULT 'unconsolidated',
  consolidated_at      INTEGER,
  created_at           INTEGER NOT NULL
);
CREATE INDEX episodic_events_project_time ON episodic_events (project_id, timestamp, id);
CREATE INDEX episodic_events_project_session ON episodic_events (project_id, session_id, timestamp, id);

CREATE TABLE prospective_goals (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  project_id     INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  parent_goal_id INTEGER REFERENCES prospective_goals(id) ON DELETE CASCADE,
  title          TEXT NOT NULL,
  description    TEXT,
  status         TEXT NOT NULL,
  priority       INTEGER NOT NULL,
  progress       REAL NOT NULL DEFAULT 0,
  deadline       INTEGER,
  completed_at   INTEGER,
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL
);
CREATE INDEX prospective_goals_project ON prospective_goals (project_id, priority);
CREATE INDEX prospective_goals_parent ON prospective_goals (parent_goal_id);

CREATE TABLE prospective_tasks (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  project_id     INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  goal_id        INTEGER REFERENCES prospective_goals(id) ON DELETE SET NULL,
  parent_task_id INTEGER REFERENCES prospective_tasks(id) ON DELETE CASCADE,
  title          TEXT NOT NULL,
  description    TEXT,
  status         TEXT NOT NULL,
  priority       INTEGER NOT NULL,
  due_at         INTEGER,
  completed_at   INTEGER,
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL
);
CREATE INDEX prospective_tasks_project ON prospective_tasks (project_id, priority);
CREATE INDEX prospective_tasks_goal ON prospective_tasks (goal_id);
CREATE INDEX prospective_tasks_parent ON prospective_tasks (parent_task_id);

CREATE TABLE code_metadata (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  project_id  INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  file_path   TEXT NOT NULL,
  name        TEXT NOT NULL,
  entity_type TEXT NOT NULL,
  language    TEXT,
  signature   TEXT,
  docstring   TEXT,
  start_line  INTEGER,
  end_line    INTEGER,
  complexity  REAL,
  code_hash   TEXT,
  memory_id   INTEGER REFERENCES memory_vectors(id) ON DELETE SET NULL,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  UNIQUE (project_id, file_path, name, entity_type)
);
CREATE INDEX code_metadata_memory ON code_metadata (memory_id) WHERE memory_id IS NOT NULL;

CREATE TABLE code_dependencies (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  project_id      INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  from_entity_id  INTEGER NOT NULL REFERENCES code_metadata(id) ON DELETE CASCADE,
  to_entity_id    INTEGER NOT NULL REFERENCES code_metadata(id) ON DELETE CASCADE,
  dependency_type TEXT NOT NULL,
  created_at      INTEGER NOT NULL,
  UNIQUE (from_entity_id, to_entity_id, dependency_type)
);
CREATE INDEX code_dependencies_to ON code_dependencies (to_entity_id);
CREATE INDEX code_dependencies_project ON code_dependencies (project_id);

CREATE TABLE planning_decisions (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  project_id       INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  title            TEXT NOT NULL,
  rationale        TEXT,
  alternatives     TEXT NOT NULL DEFAULT '[]',
  status           TEXT NOT NULL DEFAULT 'proposed',
  confidence       REAL NOT NULL,
  validated_at     INTEGER,
  validation_notes TEXT,
  superseded_by    INTEGER REFERENCES planning_decisions(id) ON DELETE SET NULL,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL
);
CREATE INDEX planning_decisions_project ON planning_decisions (project_id);
CREATE INDEX planning_decisions_superseded_by ON planning_decisions (superseded_by) WHERE superseded_by IS NOT NULL;

CREATE TABLE planning_scenarios (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  project_id    INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  decision_id   INTEGER NOT NULL REFERENCES planning_decisions(id) ON DELETE CASCADE,
  scenario_type TEXT NOT NULL,
  description   TEXT NOT NULL,
  probability   REAL NOT NULL,
  impact        TEXT,
  created_at    INTEGER NOT NULL
);
CREATE INDEX planning_scenarios_decision ON planning_scenarios (decision_id);
CREATE INDEX planning_scenarios_project ON planning_scenarios (project_id);
`;

/**
 * Migration 3. A UNIQUE constraint of SQLite cannot be dropped, so
 * `code_metadata` is rebuilt with its new key (project, file, qualified name,
 * type), and `code_dependencies` with it (its foreign keys must name the new
 * table; dropping it first also keeps the old table's drop from cascading).
 * `ALTER TABLE … RENAME` rewrites the references to the renamed table and its
 * `sqlite_sequence` row, so ids keep counting where they were.
 */
const CODE_KEYS_AND_PENDING_EDGES = `
CREATE TABLE code_metadata_v3 (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  project_id     INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  file_path      TEXT NOT NULL,
  name           TEXT NOT NULL,
  qualified_name TEXT NOT NULL,
  entity_type    TEXT NOT NULL,
  language       TEXT,
  signature      TEXT,
  docstring      TEXT,
  start_line     INTEGER,
  end_line       INTEGER,
  complexity     REAL,
  code_hash      TEXT,
  memory_id      INTEGER REFERENCES memory_vectors(id) ON DELETE SET NULL,
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL,
  UNIQUE (project_id, file_path, qualified_name, entity_type)
);
INSERT INTO code_metadata_v3 (id, project_id, file_path, name, qualified_name, entity_type, language,
  signature, docstring, start_line, end_line, complexity, code_hash, memory_id, created_at, updated_at)
SELECT id, project_id, file_path, name, name, entity_type, language,
  signature, docstring, start_line, end_line, complexity, code_hash, memory_id, created_at, updated_at
FROM code_metadata;

CREATE TABLE code_dependencies_v3 (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  project_id      INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  from_entity_id  INTEGER NOT NULL REFERENCES code_metadata_v3(id) ON DELETE CASCADE,
  to_entity_id    INTEGER NOT NULL REFERENCES code_metadata_v3(id) ON DELETE CASCADE,
  dependency_type TEXT NOT NULL,
  created_at      INTEGER NOT NULL,
  UNIQUE (from_entity_id, to_entity_id, dependency_type)
);
INSERT INTO code_dependencies_v3 SELECT * FROM code_dependencies;

DELETE FROM sqlite_sequence WHERE name IN ('code_metadata_v3', 'code_dependencies_v3');
INSERT INTO sqlite_sequence (name, seq)
SELECT name || '_v3', seq FROM sqlite_sequence WHERE name IN ('code_metadata', 'code_dependencies');

DROP TABLE code_dependencies;
DROP TABLE code_metadata;
ALTER TABLE code_metadata_v3 RENAME TO code_metadata;
ALTER TABLE code_dependencies_v3 RENAME TO code_dependencies;

CREATE INDEX code_metadata_memory ON code_metadata (memory_id) WHERE memory_id IS NOT NULL;
CREATE INDEX code_metadata_project_qualified_name ON code_metadata (project_id, qualified_name);
CREATE INDEX code_dependencies_to ON code_dependencies (to_entity_id);
CREATE INDEX code_dependencies_project ON code_dependencies (project_id);

CREATE TABLE code_unresolved_dependencies (
  id                    INTEGER PRIMARY KEY AUTOINCREMENT,
  project_id            INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  from_entity_id        INTEGER NOT NULL REFERENCES code_metadata(id) ON DELETE CASCADE,
  dependency_type       TEXT NOT NULL,
  target_qualified_name TEXT NOT NULL,
  target_file_path      TEXT,
  target_entity_type    TEXT,
  created_at            INTEGER NOT NULL
);
CREATE INDEX code_unresolved_dependencies_target
  ON code_unresolved_dependencies (project_id, target_qualified_name);
CREATE INDEX code_unresolved_dependencies_from ON code_unresolved_dependencies (from_entity_id);

UPDATE episodic_events SET event_type = 'tool_execution' WHERE event_type = 'tool_call';
`;

/**
 * Migration 4, for the code graph. `exported` says whether an entity is
 * visible outside its module (NULL: the indexer did not say).
 * `code_unresolved_references` holds what an indexer saw but could not
 * resolve (a call through an untyped value, a missing module): kept as
 * written and never matched by name, unlike the pending edges, so nothing is
 * guessed. It goes with its source entity.
 */
const CODE_GRAPH = `
ALTER TABLE code_metadata ADD COLUMN exported INTEGER CHECK (exported IN (0, 1));

CREATE TABLE code_unresolved_references (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  project_id      INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  from_entity_id  INTEGER NOT NULL REFERENCES code_metadata(id) ON DELETE CASCADE,
  dependency_type TEXT NOT NULL,
  target          TEXT NOT NULL,
  line            INTEGER,
  created_at      INTEGER NOT NULL
);
CREATE INDEX code_unresolved_references_project ON code_unresolved_references (project_id, id);
CREATE INDEX code_unresolved_references_from ON code_unresolved_references (from_entity_id);
`;

/**
 * Migration 5, for the consolidation worker. `consolidation_runs` keeps one
 * record per pass (phase durations as a JSON object); `consolidated_into`
 * is the provenance of an episodic event: the memory it became.
 */
const CONSOLIDATION_RUNS = `
CREATE TABLE consolidation_runs (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  project_id  INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  worker_id   TEXT NOT NULL,
  started_at  INTEGER NOT NULL,
  finished_at INTEGER NOT NULL,
  claimed     INTEGER NOT NULL,
  clusters    INTEGER NOT NULL,
  created     INTEGER NOT NULL,
  superseded  INTEGER NOT NULL,
  linked      INTEGER NOT NULL,
  episodes    INTEGER NOT NULL,
  released    INTEGER NOT NULL,
  closed      INTEGER NOT NULL,
  fallbacks   INTEGER NOT NULL,
  errors      INTEGER NOT NULL,
  error       TEXT,
  phases      TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX consolidation_runs_project ON consolidation_runs (project_id, id);

ALTER TABLE episodic_events ADD COLUMN consolidated_into INTEGER
  REFERENCES memory_vectors(id) ON DELETE SET NULL;
CREATE INDEX episodic_events_consolidated_into ON episodic_events (consolidated_into)
  WHERE consolidated_into IS NOT NULL;
`;

/**
 * Every schema change, oldest first. Append only: a released migration is
 * never edited, because databases in the field have already applied it.
 */
export const MIGRATIONS: readonly Migration[] = Object.freeze([
  {
    version: 1,
    name: 'initial schema',
    up(db: Database, { embeddingDimension }: MigrationContext): void {
      // The vector table comes first: the memory triggers refer to it.
      db.exec(
        `CREATE VIRTUAL TABLE vec_memories USING vec0(
           memory_id INTEGER PRIMARY KEY,
           project_id INTEGER PARTITION KEY,
           embedding float[${embeddingDimension}] distance_metric=cosine
         )`,
      );
      db.exec(INITIAL_SCHEMA);
      db.prepare('INSERT INTO athena_meta (key, value) VALUES (?, ?)').run(
        'embedding_dimension',
        String(embeddingDimension),
      );
    },
  },
  {
    version: 2,
    name: 'binary-quantised vectors',
    up(db: Database, { embeddingDimension }: MigrationContext): void {
      // One sign bit per dimension, clustered by project: a project's
      // candidates are one contiguous range, about 1/32 of the float
      // vectors' bytes. A plain table rather than a vec0 bit column, because
      // vec0's KNN selects its top k in O(rows · k) and so costs more than
      // this scan for the few hundred candidates a re-score needs.
      const bits = (vector: string) => binaryQuantizeSql(vector, embeddingDimension);
      db.exec(`
        CREATE TABLE memory_bits (
          project_id INTEGER NOT NULL,
          memory_id  INTEGER NOT NULL,
          bits       BLOB NOT NULL,
          PRIMARY KEY (project_id, memory_id)
        ) WITHOUT ROWID;

        INSERT INTO memory_bits (project_id, memory_id, bits)
        SELECT project_id, id, ${bits('embedding')} FROM memory_vectors ORDER BY project_id, id;

        DROP TRIGGER memory_vectors_after_insert;
        CREATE TRIGGER memory_vectors_after_insert AFTER INSERT ON memory_vectors BEGIN
          INSERT INTO memory_fts (rowid, content) VALUES (new.id, new.content);
          INSERT INTO vec_memories (memory_id, project_id, embedding) VALUES (new.id, new.project_id, new.embedding);
          INSERT INTO memory_bits (project_id, memory_id, bits) VALUES (new.project_id, new.id, ${bits('new.embedding')});
        END;
        DROP TRIGGER memory_vectors_after_delete;
        CREATE TRIGGER memory_vectors_after_delete AFTER DELETE ON memory_vectors BEGIN
          INSERT INTO memory_fts (memory_fts, rowid, content) VALUES ('delete', old.id, old.content);
          DELETE FROM vec_memories WHERE memory_id = old.id;
          DELETE FROM memory_bits WHERE project_id = old.project_id AND memory_id = old.id;
        END;
        DROP TRIGGER memory_vectors_after_update_embedding;
        CREATE TRIGGER memory_vectors_after_update_embedding AFTER UPDATE OF embedding ON memory_vectors BEGIN
          UPDATE vec_memories SET embedding = new.embedding WHERE memory_id = new.id;
          UPDATE memory_bits SET bits = ${bits('new.embedding')}
          WHERE project_id = new.project_id AND memory_id = new.id;
        END;
      `);
    },
  },
  {
    version: 3,
    name: 'qualified code names, pending code edges, event vocabulary',
    up(db: Database): void {
      db.exec(CODE_KEYS_AND_PENDING_EDGES);
    },
  },
  {
    version: 4,
    name: 'code graph: exported entities, unresolved references',
    up(db: Database): void {
      db.exec(CODE_GRAPH);
    },
  },
  {
    version: 5,
    name: 'consolidation runs, episode provenance',
    up(db: Database): void {
      db.exec(CONSOLIDATION_RUNS);
    },
  },
]);

/** The schema version this package writes. */
export const SCHEMA_VERSION = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);
