import type { CodeEntity } from '@athena/core-types';

/**
 * An entity in one line, as people and models read it and as
 * {@link CodeGraph.find} accepts it back (`file:line`): `src/db.ts:42 method Db.select`.
 *
 * @example
 * ```ts
 * for (const hit of await graph.impactOf(project.id, 'Db.select')) console.log(entityLabel(hit.entity));
 * ```
 */
export function entityLabel(
  entity: Pick<CodeEntity, 'filePath' | 'startLine' | 'entityType' | 'qualifiedName'>,
): string {
  return `${entity.filePath}:${entity.startLine ?? '?'} ${entity.entityType} ${entity.qualifiedName}`;
}
