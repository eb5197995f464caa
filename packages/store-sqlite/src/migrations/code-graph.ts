import type { Migration, MigrationDatabase } from './migration.js';

/**
 * For the code graph. `exported` says whether an entity is
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

/** Version 4: exported code entities; unresolved references. */
export const codeGraph: Migration = Object.freeze({
  version: 4,
  name: 'code graph: exported entities, unresolved references',
  up(db: MigrationDatabase): void {
    db.exec(CODE_GRAPH);
  },
});
