import type { Migration, MigrationDatabase } from './migration.js';

/**
 * For the consolidation worker. `consolidation_runs` keeps one
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

/** Version 5: `consolidation_runs`; episode provenance (`consolidated_into`). */
export const consolidationRuns: Migration = Object.freeze({
  version: 5,
  name: 'consolidation runs, episode provenance',
  up(db: MigrationDatabase): void {
    db.exec(CONSOLIDATION_RUNS);
  },
});
