import type BetterSqlite3 from 'better-sqlite3';
import type { CodeFile } from '../code-files.js';

/**
 * The hand-written re-index of one file: upsert every entity by its key
 * (always updating: no change detection), delete the entities the file no
 * longer has, replace the file's edges by joining each target's key. Unlike
 * the store it keeps no pending edges: an edge to an unindexed target is
 * dropped.
 */
export function rawFileIndexer(
  conn: BetterSqlite3.Database,
  projectId: number,
): (file: CodeFile) => number[] {
  const upsert = conn
    .prepare(
      `INSERT INTO code_metadata (project_id, file_path, name, qualified_name, entity_type, language,
         signature, start_line, end_line, code_hash, created_at, updated_at)
       VALUES (@projectId, @filePath, @name, @qualifiedName, @entityType, @language, @signature,
         @startLine, @endLine, @codeHash, @now, @now)
       ON CONFLICT (project_id, file_path, qualified_name, entity_type) DO UPDATE SET
         name = excluded.name, language = excluded.language, signature = excluded.signature,
         start_line = excluded.start_line, end_line = excluded.end_line,
         code_hash = excluded.code_hash, updated_at = excluded.updated_at
       RETURNING id`,
    )
    .pluck();
  const vanished = conn.prepare(
    `DELETE FROM code_metadata WHERE project_id = ? AND file_path = ?
       AND id NOT IN (SELECT value FROM json_each(?))`,
  );
  const dropEdges = conn.prepare(
    'DELETE FROM code_dependencies WHERE from_entity_id IN (SELECT value FROM json_each(?))',
  );
  const edge = conn.prepare(
    `INSERT OR IGNORE INTO code_dependencies (project_id, from_entity_id, to_entity_id, dependency_type, created_at)
     SELECT @projectId, @fromId, id, @dependencyType, @now FROM code_metadata
     WHERE project_id = @projectId AND file_path = @filePath AND qualified_name = @qualifiedName
       AND entity_type = @entityType`,
  );
  return conn.transaction((file: CodeFile) => {
    const now = Date.now();
    const ids = new Map<string, number>();
    for (const e of file.entities) {
      const qualifiedName = e.qualifiedName ?? e.name;
      const id = upsert.get({
        projectId,
        filePath: file.path,
        name: e.name,
        qualifiedName,
        entityType: e.entityType,
        language: e.language ?? null,
        signature: e.signature ?? null,
        startLine: e.startLine ?? null,
        endLine: e.endLine ?? null,
        codeHash: e.codeHash ?? null,
        now,
      }) as number;
      ids.set(`${qualifiedName}/${e.entityType}`, id);
    }
    const all = JSON.stringify([...ids.values()]);
    vanished.run(projectId, file.path, all);
    dropEdges.run(all);
    for (const e of file.edges) {
      edge.run({
        projectId,
        fromId: ids.get(`${e.from.qualifiedName}/${e.from.entityType ?? ''}`),
        dependencyType: e.dependencyType,
        now,
        filePath: e.to.filePath ?? file.path,
        qualifiedName: e.to.qualifiedName,
        entityType: e.to.entityType ?? null,
      });
    }
    return [...ids.values()];
  });
}
