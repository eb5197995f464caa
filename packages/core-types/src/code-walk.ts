import type { CodeEntity, CodeEntityType, ImpactedEntity } from './code.js';

/** One entity a walk over the code graph reached, at its shortest depth from the start. */
export interface ReachedEntity {
  readonly entity: CodeEntity;
  readonly depth: number;
}

/** An edge of the walk: `parent` is one step closer to the start than `child`. */
export interface WalkStep {
  readonly child: number;
  readonly parent: number;
}

/**
 * Turns a breadth-first walk (each entity once, at its shortest depth, by
 * depth then id) and the edges between the reached entities into results
 * with one shortest path each: every entity's parent is the smallest-id
 * entity one level closer with an edge to it. Keeps only `entityTypes` when
 * given — paths still run through the others. Every backend walks inside its
 * database and shares this last step, so two backends never report different
 * paths for one graph.
 *
 * @example
 * ```ts
 * const impacted = withPaths(start.id, reached, steps, null);
 * impacted[0]?.path; // [start.id, …, impacted[0].entity.id]
 * ```
 */
export function withPaths(
  startId: number,
  reached: readonly ReachedEntity[],
  steps: readonly WalkStep[],
  entityTypes: readonly CodeEntityType[] | null,
): ImpactedEntity[] {
  const depth = new Map<number, number>([[startId, 0]]);
  for (const r of reached) depth.set(r.entity.id, r.depth);
  const parent = new Map<number, number>();
  for (const { child, parent: candidate } of steps) {
    const childDepth = depth.get(child);
    if (childDepth === undefined || depth.get(candidate) !== childDepth - 1) continue;
    const known = parent.get(child);
    if (known === undefined || candidate < known) parent.set(child, candidate);
  }
  const paths = new Map<number, readonly number[]>([[startId, [startId]]]);
  // By depth, so a parent's path (one level closer) is always known first.
  for (const r of [...reached].sort((a, b) => a.depth - b.depth)) {
    const from = paths.get(parent.get(r.entity.id) ?? startId) ?? [startId];
    paths.set(r.entity.id, [...from, r.entity.id]);
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
