import type { Migration, MigrationDatabase } from './migration.js';

/**
 * How many memories each project holds, kept by triggers on `memory_bits`
 * (which holds one row per memory). Semantic search sizes its
 * binary-quantised candidate set by it; counting the project's rows per
 * search would cost about as much as the search's Hamming scan.
 */
const PROJECT_MEMORY_COUNTS = `
CREATE TABLE project_memory_counts (
  project_id INTEGER PRIMARY KEY REFERENCES projects(id) ON DELETE CASCADE,
  memories   INTEGER NOT NULL
);

INSERT INTO project_memory_counts (project_id, memories)
SELECT project_id, count(*) FROM memory_bits GROUP BY project_id;

CREATE TRIGGER memory_bits_count_insert AFTER INSERT ON memory_bits BEGIN
  INSERT INTO project_memory_counts (project_id, memories) VALUES (new.project_id, 1)
  ON CONFLICT (project_id) DO UPDATE SET memories = memories + 1;
END;

CREATE TRIGGER memory_bits_count_delete AFTER DELETE ON memory_bits BEGIN
  UPDATE project_memory_counts SET memories = memories - 1 WHERE project_id = old.project_id;
END;
`;

/** Version 7: `project_memory_counts`, the number of memories per project. */
export const projectMemoryCounts: Migration = Object.freeze({
  version: 7,
  name: 'project memory counts',
  up(db: MigrationDatabase): void {
    db.exec(PROJECT_MEMORY_COUNTS);
  },
});
