import type { CodeFile } from '../code-files.js';
import type { RawPool } from './raw-sql.js';

/**
 * The hand-written re-index of one file, in one transaction: upsert every
 * entity by its key (always updating: no change detection) in one multi-row
 * statement, delete the entities the file no longer has, replace the file's
 * edges with one INSERT joining each target's key. Unlike the store it keeps
 * no pending edges: an edge to an unindexed target is dropped.
 */
export async function rawReplaceFile(
  pool: RawPool,
  schema: string,
  projectId: number,
  file: CodeFile,
): Promise<number[]> {
  const entities = `${schema}.code_metadata`;
  const client = await pool.connect();
  try {
    await client.query('begin');
    const column = <T>(pick: (e: CodeFile['entities'][number]) => T) => file.entities.map(pick);
    const { rows } = await client.query<{
      id: string;
      qualified_name: string;
      entity_type: string;
    }>({
      name: `code-upsert-${schema}`,
      text: `insert into ${entities} (project_id, file_path, name, qualified_name, entity_type, language,
          signature, start_line, end_line, code_hash)
        select $1, $2, * from unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
          $8::int[], $9::int[], $10::text[])
        on conflict (project_id, file_path, qualified_name, entity_type) do update set
          name = excluded.name, language = excluded.language, signature = excluded.signature,
          start_line = excluded.start_line, end_line = excluded.end_line,
          code_hash = excluded.code_hash, updated_at = now()
        returning id, qualified_name, entity_type`,
      values: [
        projectId,
        file.path,
        column((e) => e.name),
        column((e) => e.qualifiedName ?? e.name),
        column((e) => e.entityType),
        column((e) => e.language ?? null),
        column((e) => e.signature ?? null),
        column((e) => e.startLine ?? null),
        column((e) => e.endLine ?? null),
        column((e) => e.codeHash ?? null),
      ],
    });
    const ids = new Map(rows.map((r) => [`${r.qualified_name}/${r.entity_type}`, Number(r.id)]));
    const all = [...ids.values()];
    await client.query({
      name: `code-vanished-${schema}`,
      text: `delete from ${entities} where project_id = $1 and file_path = $2 and id <> all($3::bigint[])`,
      values: [projectId, file.path, all],
    });
    await client.query({
      name: `code-edges-${schema}`,
      text: `with old as (delete from ${schema}.code_dependencies where from_entity_id = any($2::bigint[]))
        insert into ${schema}.code_dependencies (project_id, from_entity_id, to_entity_id, dependency_type)
        select $1, e.from_id, t.id, e.dependency_type
        from unnest($3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[])
          as e(from_id, dependency_type, file_path, qualified_name, entity_type)
        join ${entities} t on t.project_id = $1 and t.file_path = e.file_path
          and t.qualified_name = e.qualified_name and t.entity_type = e.entity_type
        on conflict do nothing`,
      values: [
        projectId,
        all,
        file.edges.map((e) => ids.get(`${e.from.qualifiedName}/${e.from.entityType ?? ''}`)),
        file.edges.map((e) => e.dependencyType),
        file.edges.map((e) => e.to.filePath ?? file.path),
        file.edges.map((e) => e.to.qualifiedName),
        file.edges.map((e) => e.to.entityType ?? null),
      ],
    });
    await client.query('commit');
    return all;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
