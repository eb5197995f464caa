import type { Migration, MigrationDatabase } from './migration.js';

/**
 * A UNIQUE constraint of SQLite cannot be dropped, so
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

/** Version 3: code entities keyed by qualified name; pending code edges; `tool_execution` events. */
export const codeKeys: Migration = Object.freeze({
  version: 3,
  name: 'qualified code names, pending code edges, event vocabulary',
  up(db: MigrationDatabase): void {
    db.exec(CODE_KEYS_AND_PENDING_EDGES);
  },
});
