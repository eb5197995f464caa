import { binaryQuantizeSql } from '../binary-quantization.js';
import type { Migration, MigrationContext, MigrationDatabase } from './migration.js';

/** Version 2: `memory_bits`, the binary-quantised vectors, kept by the memory triggers. */
export const memoryBits: Migration = Object.freeze({
  version: 2,
  name: 'binary-quantised vectors',
  up(db: MigrationDatabase, { embeddingDimension }: MigrationContext): void {
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
});
