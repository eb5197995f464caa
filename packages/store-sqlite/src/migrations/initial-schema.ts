import type { Migration, MigrationContext, MigrationDatabase } from './migration.js';

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

/** Version 1: every table, index and trigger of the first release. */
export const initialSchema: Migration = Object.freeze({
  version: 1,
  name: 'initial schema',
  up(db: MigrationDatabase, { embeddingDimension }: MigrationContext): void {
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
});
