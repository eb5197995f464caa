import type { Memory, Relationship, Store } from '@athena/core-types';
import { expect } from 'vitest';

/** A unit vector along `axis`, mixed with `other` so that its cosine to `axis` is `cos`. */
export function vectorAt(dimension: number, axis: number, cos = 1, other = axis + 1): number[] {
  const vector = new Array<number>(dimension).fill(0);
  vector[axis] = cos;
  if (cos < 1) vector[other] = Math.sqrt(1 - cos * cos);
  return vector;
}

/** The members of one labelled group, by kind. */
export interface Group {
  readonly ids: number[];
}

/**
 * Stores `groups` groups of four memories each, interleaved (copy 0 of
 * every group, then copy 1, …) so that batches mix groups: a base note, an
 * identical text, a near duplicate (cosine 0.96) and a related note (cosine
 * 0.85). Groups are orthogonal to each other.
 */
export async function seedGroups(
  store: Store,
  projectId: number,
  groups: number,
  dimension: number,
): Promise<Group[]> {
  if (2 * groups + 1 > dimension) throw new Error('dimension too small for the groups');
  const kinds = [
    (g: number) => ({
      content: `Fact ${g}: the service ${g} listens on port ${8000 + g}`,
      embedding: vectorAt(dimension, 2 * g),
    }),
    (g: number) => ({
      content: `fact ${g}: The service ${g} listens on port ${8000 + g}.`,
      embedding: vectorAt(dimension, 2 * g),
    }),
    (g: number) => ({
      content: `Service ${g} is listening on port ${8000 + g}`,
      embedding: vectorAt(dimension, 2 * g, 0.96),
    }),
    (g: number) => ({
      content: `Service ${g} also exposes metrics next to port ${8000 + g} for scraping`,
      embedding: vectorAt(dimension, 2 * g, 0.85),
    }),
  ];
  const result: Group[] = Array.from({ length: groups }, () => ({ ids: [] }));
  for (const kind of kinds) {
    const ids = await store.memories.storeMany(
      projectId,
      Array.from({ length: groups }, (_, g) => kind(g)),
    );
    ids.forEach((id, g) => result[g]?.ids.push(id));
  }
  return result;
}

/**
 * Asserts what must hold after consolidation, whatever the interleaving:
 * every memory left `consolidating`/`unconsolidated` is none; each group has
 * exactly one representative — a consolidated memory (a member, or a
 * summary of the slow path) every other member of the group points to,
 * directly, by `supersededBy` or by one link — which itself points nowhere
 * and represents no other group; and
 * each memory was settled exactly once (one move out of `consolidating`
 * that was not a release).
 */
export async function expectOneRepresentativePerGroup(
  store: Store,
  projectId: number,
  groups: readonly Group[],
): Promise<void> {
  const groupOf = new Map<number, number>();
  groups.forEach((group, g) => group.ids.forEach((id) => groupOf.set(id, g)));
  const all = await store.memories.getMany(projectId, [...groupOf.keys()]);
  expect(all).toHaveLength(groupOf.size);
  const byId = new Map<number, Memory>(all.map((m) => [m.id, m]));
  const claimed = new Set<number>();
  for (const [g, group] of groups.entries()) {
    const outgoing = new Map<number, Relationship[]>();
    for (const id of group.ids) {
      outgoing.set(id, await store.relationships.list(projectId, id, { direction: 'outgoing' }));
    }
    const targets = new Set<number>();
    for (const id of group.ids) {
      const memory = byId.get(id) as Memory;
      if (memory.supersededBy !== null) targets.add(memory.supersededBy);
      for (const link of outgoing.get(id) ?? []) targets.add(link.toMemoryId);
    }
    expect([...targets], `representatives of group ${g}`).toHaveLength(1);
    const rep = [...targets][0] as number;
    // A representative outside the group is a summary written by the slow path: one group's only.
    expect(claimed.has(rep), `representative ${rep} shared by groups`).toBe(false);
    claimed.add(rep);
    const representative = byId.get(rep) ?? (await store.memories.get(projectId, rep));
    expect(representative?.consolidationState).toBe('consolidated');
    expect(await store.relationships.list(projectId, rep, { direction: 'outgoing' })).toEqual([]);
    for (const id of group.ids) {
      if (id === rep) continue;
      const memory = byId.get(id) as Memory;
      const links = outgoing.get(id) ?? [];
      if (memory.consolidationState === 'superseded') {
        expect(memory.supersededBy).toBe(rep);
        expect(links).toEqual([]);
      } else {
        expect(memory.consolidationState, `memory ${id}`).toBe('consolidated');
        expect(links.map((l) => l.toMemoryId)).toEqual([rep]);
      }
    }
  }
  for (const id of groupOf.keys()) {
    const history = await store.consolidation.history(projectId, id);
    const settled = history.filter(
      (h) => h.fromState === 'consolidating' && h.toState !== 'unconsolidated',
    );
    expect(settled, `settles of memory ${id}`).toHaveLength(1);
  }
}
