import type { Neighbour } from '@athena/core-types';
import { cosine } from './cosine.js';

/** A memory as clustering sees it. */
export interface PlanMemory {
  readonly id: number;
  readonly content: string;
  readonly embedding: Float32Array;
}

/** A group of memories that will end with one consolidated representative. */
export interface PlannedCluster {
  /** The already-consolidated memory the batch members join, or `null` for a new cluster. */
  readonly existing: PlanMemory | null;
  /**
   * Batch members, oldest first. In a new cluster the first is the
   * representative (the medoid: the member most similar to the others).
   */
  readonly members: readonly PlanMemory[];
}

/** What {@link planClusters} needs besides the batch. */
export interface PlanInput {
  /** The claimed batch, oldest first. */
  readonly batch: readonly PlanMemory[];
  /**
   * For each batch member, its consolidated neighbours (ids of `existing`)
   * at or above the similarity threshold, most similar first.
   */
  readonly existingNeighbours: ReadonlyMap<number, readonly Neighbour[]>;
  /** Consolidated memories by id. */
  readonly existing: ReadonlyMap<number, PlanMemory>;
  readonly similarityThreshold: number;
  readonly minClusterSize: number;
}

/** Signature of a cluster's membership, to reuse a summary when the plan is redone. */
export function clusterKey(cluster: PlannedCluster): string {
  const members = cluster.members.map((m) => m.id).sort((a, b) => a - b);
  return `${cluster.existing?.id ?? 'new'}:${members.join(',')}`;
}

/**
 * Groups a batch: each member, oldest first, joins the cluster of its most
 * similar neighbour at or above the threshold — an existing consolidated
 * memory, or an earlier member of the batch — or starts a new cluster.
 * Similarities within the batch are computed here (a batch is bounded);
 * those to consolidated memories come from the store's vector index. New
 * clusters smaller than `minClusterSize` fall apart into single memories, as
 * do members that would join an existing memory when a pair is too small.
 *
 * @example
 * ```ts
 * const clusters = planClusters({ batch, existingNeighbours, existing, similarityThreshold: 0.75, minClusterSize: 2 });
 * ```
 */
export function planClusters(input: PlanInput): PlannedCluster[] {
  const { batch, existingNeighbours, existing, similarityThreshold, minClusterSize } = input;
  // Cluster slots: an existing memory's id as `e<id>`, a new cluster as `n<index>`.
  const slotOf = new Map<number, string>();
  const slots = new Map<string, { existing: PlanMemory | null; members: PlanMemory[] }>();
  batch.forEach((member, index) => {
    let bestSlot: string | null = null;
    let best = -Infinity;
    for (const hit of existingNeighbours.get(member.id) ?? []) {
      if (hit.similarity >= similarityThreshold && hit.similarity > best && existing.has(hit.id)) {
        best = hit.similarity;
        bestSlot = `e${hit.id}`;
      }
    }
    for (let j = 0; j < index; j++) {
      const earlier = batch[j] as PlanMemory;
      const similarity = cosine(member.embedding, earlier.embedding);
      if (similarity >= similarityThreshold && similarity > best) {
        best = similarity;
        bestSlot = slotOf.get(earlier.id) ?? null;
      }
    }
    const slot = bestSlot ?? `n${index}`;
    slotOf.set(member.id, slot);
    let entry = slots.get(slot);
    if (entry === undefined) {
      const rep = slot.startsWith('e') ? (existing.get(Number(slot.slice(1))) ?? null) : null;
      entry = { existing: rep, members: [] };
      slots.set(slot, entry);
    }
    entry.members.push(member);
  });
  const clusters: PlannedCluster[] = [];
  for (const { existing: rep, members } of slots.values()) {
    const size = members.length + (rep === null ? 0 : 1);
    if (size < minClusterSize) {
      for (const member of members) clusters.push({ existing: null, members: [member] });
    } else if (rep !== null) {
      clusters.push({ existing: rep, members });
    } else {
      clusters.push({ existing: null, members: medoidFirst(members) });
    }
  }
  return clusters;
}

/** The members with the medoid (highest summed similarity to the others; oldest on a tie) first. */
function medoidFirst(members: readonly PlanMemory[]): PlanMemory[] {
  if (members.length <= 2) return [...members];
  let bestIndex = 0;
  let best = -Infinity;
  members.forEach((candidate, i) => {
    let sum = 0;
    members.forEach((other, j) => {
      if (i !== j) sum += cosine(candidate.embedding, other.embedding);
    });
    if (sum > best + 1e-9) {
      best = sum;
      bestIndex = i;
    }
  });
  const medoid = members[bestIndex] as PlanMemory;
  return [medoid, ...members.filter((_, i) => i !== bestIndex)];
}
