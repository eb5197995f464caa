import { LIMITS } from '@athena/core-types';
import type {
  Embedder,
  Memory,
  Neighbour,
  Repositories,
  Store,
  Transaction,
  TransitionChange,
} from '@athena/core-types';
import { decideMembers } from './decide-members.js';
import { normalizedText } from './text-signals.js';
import type { MemberDecision } from './decide-members.js';
import { clusterKey, planClusters } from './plan-clusters.js';
import type { PlannedCluster } from './plan-clusters.js';
import type { ResolvedConsolidatorOptions } from './consolidator-options.js';
import type { MemberRelation, Summarizer } from './summarizer.js';

/** The states of memories a batch member may join: consolidated knowledge. */
export const REPRESENTATIVE_STATES = Object.freeze([
  'consolidated',
  'labile',
  'reconsolidating',
] as const);

/** What a worker needs to consolidate. */
export interface WorkerContext {
  readonly store: Store;
  readonly embedder: Embedder;
  readonly summarizer: Summarizer | null;
  readonly options: ResolvedConsolidatorOptions;
}

/** Counters of one settled batch. */
export interface BatchOutcome {
  readonly clusters: number;
  readonly created: number;
  readonly superseded: number;
  readonly linked: number;
  readonly fallbacks: number;
  /** Milliseconds spent on the slow path (summaries and their embeddings). */
  readonly summarizeMs: number;
  readonly settleMs: number;
}

/** A summary prepared outside the transaction, with its vector. */
interface PreparedSummary {
  readonly summary: string;
  readonly embedding: Float32Array;
  readonly relations: ReadonlyMap<number, MemberRelation>;
}

/** Memories `ids` of the batch, as they stand, that this worker still holds. */
function stillMine(memories: readonly Memory[], workerId: string): Memory[] {
  return memories.filter(
    (m) => m.consolidationState === 'consolidating' && m.claimedBy === workerId,
  );
}

/**
 * The consolidated memories the batch resembles, through the store's vector
 * index (one statement for the whole batch), and their rows. Members that
 * repeat an earlier member's text word for word are not searched for.
 */
async function readExisting(
  repos: Repositories,
  projectId: number,
  batch: readonly Memory[],
  options: ResolvedConsolidatorOptions,
): Promise<{ neighbours: Map<number, Neighbour[]>; existing: Map<number, Memory> }> {
  // A member whose text repeats an earlier one of the batch needs no search
  // of its own: it joins that member's cluster (their similarity is 1).
  const firsts = new Map<string, number>();
  for (const member of batch) {
    const key = normalizedText(member.content);
    if (!firsts.has(key)) firsts.set(key, member.id);
  }
  const found = await repos.search.neighbours(projectId, [...firsts.values()], {
    k: options.neighbours,
    minSimilarity: options.similarityThreshold,
    states: REPRESENTATIVE_STATES,
  });
  const neighbours = new Map(found.map((entry) => [entry.memoryId, [...entry.neighbours]]));
  const ids = [...new Set(found.flatMap((entry) => entry.neighbours.map((n) => n.id)))];
  const rows = ids.length === 0 ? [] : await repos.memories.getMany(projectId, ids);
  return { neighbours, existing: new Map(rows.map((m) => [m.id, m])) };
}

function plan(
  batch: readonly Memory[],
  found: { neighbours: Map<number, Neighbour[]>; existing: Map<number, Memory> },
  options: ResolvedConsolidatorOptions,
): PlannedCluster[] {
  return planClusters({
    batch,
    existingNeighbours: found.neighbours,
    existing: found.existing,
    similarityThreshold: options.similarityThreshold,
    minClusterSize: options.minClusterSize,
  });
}

/**
 * The slow path, run before the transaction so that no lock waits on a
 * model: a summary (and its vector) for every cluster the plan merges. A
 * failure or a nonsensical answer keeps the heuristic for that cluster.
 */
async function prepareSummaries(
  ctx: WorkerContext,
  projectId: number,
  batch: readonly Memory[],
): Promise<{ summaries: Map<string, PreparedSummary>; fallbacks: number }> {
  const summaries = new Map<string, PreparedSummary>();
  const summarizer = ctx.summarizer;
  if (summarizer === null) return { summaries, fallbacks: 0 };
  const found = await readExisting(ctx.store, projectId, batch, ctx.options);
  let fallbacks = 0;
  for (const cluster of plan(batch, found, ctx.options)) {
    const items = [...(cluster.existing === null ? [] : [cluster.existing]), ...cluster.members];
    if (items.length < 2) continue;
    try {
      const answer = await summarizer.summarizeCluster(
        items.map((m) => ({ id: m.id, content: m.content })),
      );
      const embedding = await ctx.embedder.embed(answer.summary, { inputType: 'document' });
      const known = new Set(items.map((m) => m.id));
      const relations = new Map(
        answer.relations.filter((r) => known.has(r.id)).map((r) => [r.id, r.relation] as const),
      );
      summaries.set(clusterKey(cluster), { summary: answer.summary, embedding, relations });
    } catch (error) {
      fallbacks += 1;
      ctx.options.logger.warn('summarizer failed; keeping the heuristic result', {
        workerId: ctx.options.workerId,
        projectId,
        model: summarizer.modelId,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return { summaries, fallbacks };
}

function unionTags(memories: readonly { readonly tags: readonly string[] }[]): string[] {
  return [...new Set(memories.flatMap((m) => m.tags))].slice(0, LIMITS.tags);
}

/** Writes one planned cluster inside the settle transaction; returns its counters. */
async function settleCluster(
  tx: Transaction,
  ctx: WorkerContext,
  projectId: number,
  cluster: PlannedCluster,
  members: readonly Memory[],
  existing: Memory | null,
  prepared: PreparedSummary | undefined,
  changes: TransitionChange[],
): Promise<{ clusters: number; created: number; superseded: number; linked: number }> {
  const { options, embedder } = ctx;
  if (existing === null && members.length === 1 && cluster.members.length === 1) {
    changes.push({ memoryId: (members[0] as Memory).id, to: 'consolidated' });
    return { clusters: 0, created: 0, superseded: 0, linked: 0 };
  }
  const everyone = existing === null ? members : [existing, ...members];
  let representative: { id: number; content: string; embedding: Float32Array };
  let others: readonly Memory[];
  let created = 0;
  if (existing !== null) {
    const updated = await tx.memories.update(projectId, existing.id, {
      tags: unionTags(everyone),
      confidence: Math.max(...everyone.map((m) => m.confidence)),
      ...(prepared === undefined
        ? {}
        : {
            content: prepared.summary,
            embedding: prepared.embedding,
            embeddingModel: embedder.modelId,
          }),
    });
    representative = updated;
    others = members;
  } else if (prepared !== undefined) {
    const first = members[0] as Memory;
    const stored = await tx.memories.store(projectId, {
      content: prepared.summary,
      embedding: prepared.embedding,
      embeddingModel: embedder.modelId,
      memoryType: first.memoryType,
      contentType: first.contentType,
      domain: first.domain,
      tags: unionTags(members),
      confidence: Math.max(...members.map((m) => m.confidence)),
      usefulnessScore: Math.max(...members.map((m) => m.usefulnessScore)),
    });
    changes.push({ memoryId: stored.id, to: 'consolidating' });
    changes.push({ memoryId: stored.id, to: 'consolidated' });
    representative = stored;
    others = members;
    created = 1;
  } else {
    const first = members[0] as Memory;
    changes.push({ memoryId: first.id, to: 'consolidated' });
    representative = first;
    others = members.slice(1);
    created = 1;
  }
  const decisions: MemberDecision[] = decideMembers(representative, others, {
    duplicateThreshold: options.duplicateThreshold,
    ...(prepared === undefined ? {} : { relations: prepared.relations }),
  });
  let superseded = 0;
  let linked = 0;
  for (const decision of decisions) {
    if (decision.action === 'supersede') {
      changes.push({ memoryId: decision.id, to: 'superseded', supersededBy: representative.id });
      superseded += 1;
    } else {
      changes.push({ memoryId: decision.id, to: 'consolidated' });
    }
  }
  for (const decision of decisions) {
    if (decision.action !== 'link') continue;
    await tx.relationships.link(projectId, {
      fromMemoryId: decision.id,
      toMemoryId: representative.id,
      relationshipType: decision.relation,
      strength: Math.max(0, Math.min(1, decision.similarity)),
    });
    linked += 1;
  }
  return { clusters: 1, created, superseded, linked };
}

/**
 * Consolidates one claimed batch: the slow path first (outside any lock),
 * then, in one transaction holding the project's consolidation lock, the
 * batch is re-read (members whose claim lapsed to another worker are left
 * alone), clustered with the consolidated memories it resembles as they are
 * now, and every cluster written: representative, supersessions, links,
 * and the batch moved out of `consolidating`. A crash or a throw rolls the
 * whole batch back; its claim then lapses or is released by the caller.
 * `retrying` wraps the transaction (the caller retries transient failures:
 * contention for SQLite's write lock); it is repeated from the start.
 *
 * @example
 * ```ts
 * const outcome = await consolidateBatch(ctx, projectId, await store.consolidation.claimBatch(projectId, { worker }));
 * ```
 */
export async function consolidateBatch(
  ctx: WorkerContext,
  projectId: number,
  batch: readonly Memory[],
  retrying: <T>(phase: string, work: () => Promise<T>) => Promise<T> = (_phase, work) => work(),
): Promise<BatchOutcome> {
  const { store, options } = ctx;
  const summarizeStart = performance.now();
  const { summaries, fallbacks } = await prepareSummaries(ctx, projectId, batch);
  const settleStart = performance.now();
  const counts = await retrying('settle', () =>
    store.transaction(async (tx) => {
      await tx.consolidation.lock(projectId);
      const mine = stillMine(
        await tx.memories.getMany(
          projectId,
          batch.map((m) => m.id),
        ),
        options.workerId,
      );
      if (mine.length === 0) return { clusters: 0, created: 0, superseded: 0, linked: 0 };
      const found = await readExisting(tx, projectId, mine, options);
      const byId = new Map(mine.map((m) => [m.id, m]));
      const changes: TransitionChange[] = [];
      const totals = { clusters: 0, created: 0, superseded: 0, linked: 0 };
      for (const cluster of plan(mine, found, options)) {
        const members = cluster.members.map((m) => byId.get(m.id) as Memory);
        const existing =
          cluster.existing === null ? null : (found.existing.get(cluster.existing.id) ?? null);
        const done = await settleCluster(
          tx,
          ctx,
          projectId,
          cluster,
          members,
          existing,
          summaries.get(clusterKey(cluster)),
          changes,
        );
        totals.clusters += done.clusters;
        totals.created += done.created;
        totals.superseded += done.superseded;
        totals.linked += done.linked;
      }
      await tx.consolidation.transitionMany(projectId, changes, {
        actor: options.workerId,
        reason: 'consolidation',
      });
      return totals;
    }),
  );
  const end = performance.now();
  return {
    ...counts,
    fallbacks,
    summarizeMs: settleStart - summarizeStart,
    settleMs: end - settleStart,
  };
}
