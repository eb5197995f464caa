import type { CodeEntity, CodeEntityType, ImpactedEntity } from './code.js';

/** One entity a walk over the code graph reached: its depth and the entity it was reached from. */
export interface ReachedEntity {
  readonly entity: CodeEntity;
  readonly depth: number;
  /** The entity one step closer to the start (the start itself at depth 1). */
  readonly parentId: number;
}

/**
 * Turns the rows of a breadth-first walk (each entity once, with the entity
 * it was reached from) into results with one shortest path each, keeping
 * only `entityTypes` when given — paths still run through the others. Every
 * backend walks inside its database and shares this last step, so two
 * backends can never report different paths for one graph.
 *
 * @example
 * ```ts
 * const impacted = withPaths(start.id, rows, null); // rows: { entity, depth, parentId }, by depth then id
 * impacted[0]?.path; // [start.id, …, impacted[0].entity.id]
 * ```
 */
export function withPaths(
  startId: number,
  reached: readonly ReachedEntity[],
  entityTypes: readonly CodeEntityType[] | null,
): ImpactedEntity[] {
  const paths = new Map<number, readonly number[]>([[startId, [startId]]]);
  // By depth, so a parent's path (one level closer) is always known first.
  const byDepth = [...reached].sort((a, b) => a.depth - b.depth);
  for (const r of byDepth) {
    paths.set(r.entity.id, [...(paths.get(r.parentId) ?? [startId]), r.entity.id]);
  }
  const wanted = entityTypes === null ? null : new Set<string>(entityTypes);
  return reached
    .filter((r) => wanted === null || wanted.has(r.entity.entityType))
    .map((r) => ({
      entity: r.entity,
      depth: r.depth,
      path: paths.get(r.entity.id) as readonly number[],
    }));
}
