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
import { cosine } from './cosine.js';
import { decideMembers, isDuplicate } from './decide-members.js';
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
  /** Milliseconds spent on the neighbour search, outside the lock. */
  readonly searchMs: number;
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

/** The states a memory's neighbour may have moved into since the search that found it. */
const SETTLED_STATES = Object.freeze([...REPRESENTATIVE_STATES, 'superseded'] as const);

/**
 * The consolidated neighbours of the batch, through the store's vector index
 * (one statement for the whole batch), by member id. Members that repeat an
 * earlier member's text word for word are not searched for: they join that
 * member's cluster (their similarity is 1).
 */
async function searchNeighbours(
  repos: Repositories,
  projectId: number,
  batch: readonly Memory[],
  options: ResolvedConsolidatorOptions,
): Promise<Map<number, Neighbour[]>> {
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
  return new Map(found.map((entry) => [entry.memoryId, [...entry.neighbours]]));
}

/** The rows of the neighbours found, by id. */
async function loadExisting(
  repos: Repositories,
  projectId: number,
  neighbours: ReadonlyMap<number, readonly Neighbour[]>,
): Promise<Map<number, Memory>> {
  const ids = [...new Set([...neighbours.values()].flatMap((list) => list.map((n) => n.id)))];
  const rows = ids.length === 0 ? [] : await repos.memories.getMany(projectId, ids);
  return new Map(rows.map((m) => [m.id, m]));
}

/** The links by which a cluster's members point at their representative. */
const JOINING_LINKS = Object.freeze(['reinforces', 'extends'] as const);

/**
 * Under the lock: the neighbours of a search made before it, brought up to
 * date. The search saw every transition up to `position` (the log position
 * read under this worker's previous hold of the lock); whatever another
 * worker settled since is in the log after it. So the candidates are the
 * neighbours found plus every memory settled since; each is re-read and its
 * similarity to each searched member computed exactly, in memory. A
 * candidate at or above the threshold stands for its cluster: it is that
 * cluster's representative, or it leads there — a superseded memory by
 * `supersededBy`, a member an earlier batch linked to its representative by
 * that link (a consolidated member must never become a second
 * representative of its cluster). The neighbour is the representative, at
 * the higher of the two similarities (the member's evidence of belonging);
 * a member that duplicates the memory it came through (identical text, or
 * at least `duplicateThreshold` similar) is recorded in `duplicates`, so
 * that it is superseded like a duplicate of the representative itself.
 */
async function recheckNeighbours(
  tx: Transaction,
  projectId: number,
  mine: readonly Memory[],
  searched: ReadonlyMap<number, readonly Neighbour[]>,
  position: number,
  options: ResolvedConsolidatorOptions,
): Promise<{
  neighbours: Map<number, Neighbour[]>;
  existing: Map<number, Memory>;
  duplicates: Map<number, number>;
}> {
  const inBatch = new Set(mine.map((m) => m.id));
  const changed = await tx.consolidation.changedSince(projectId, position, SETTLED_STATES);
  const foundIds = new Set([...searched.values()].flatMap((list) => list.map((n) => n.id)));
  const rows = await tx.memories.getMany(projectId, [...new Set([...foundIds, ...changed])]);
  const known = new Map(rows.map((m) => [m.id, m]));
  const newcomers = rows.filter((m) => !foundIds.has(m.id));
  const resolved = new Map<number, Memory | null>();
  const representativeOf = async (candidate: Memory): Promise<Memory | null> => {
    const cached = resolved.get(candidate.id);
    if (cached !== undefined) return cached;
    let current: Memory | null = candidate;
    const seen = new Set<number>();
    let found: Memory | null = null;
    while (current !== null && !seen.has(current.id) && !inBatch.has(current.id)) {
      seen.add(current.id);
      let next: number | null = null;
      if (current.consolidationState === 'superseded') {
        next = current.supersededBy;
      } else if (
        (REPRESENTATIVE_STATES as readonly string[]).includes(current.consolidationState)
      ) {
        const links = await tx.relationships.list(projectId, current.id, {
          direction: 'outgoing',
          types: JOINING_LINKS,
        });
        if (links.length === 0) {
          found = current;
          break;
        }
        next = links.reduce((a, b) => (b.strength > a.strength ? b : a)).toMemoryId;
      }
      if (next === null) break;
      const nextId: number = next;
      current = known.get(nextId) ?? (await tx.memories.get(projectId, nextId));
      if (current !== null) known.set(current.id, current);
    }
    resolved.set(candidate.id, found);
    return found;
  };
  const existing = new Map<number, Memory>();
  const neighbours = new Map<number, Neighbour[]>();
  const duplicates = new Map<number, number>();
  for (const member of mine) {
    const previous = searched.get(member.id);
    if (previous === undefined) continue;
    const candidates = [
      ...previous.map((n) => known.get(n.id)).filter((m) => m !== undefined),
      ...newcomers,
    ];
    const best = new Map<number, number>();
    for (const candidate of candidates) {
      const similarity = cosine(member.embedding, candidate.embedding);
      if (similarity < options.similarityThreshold) continue;
      const representative = await representativeOf(candidate);
      if (representative === null) continue;
      existing.set(representative.id, representative);
      if (
        representative.id !== candidate.id &&
        isDuplicate(member, candidate, options.duplicateThreshold)
      )
        duplicates.set(member.id, representative.id);
      const score =
        representative.id === candidate.id
          ? similarity
          : Math.max(similarity, cosine(member.embedding, representative.embedding));
      best.set(representative.id, Math.max(score, best.get(representative.id) ?? -Infinity));
    }
    neighbours.set(
      member.id,
      [...best]
        .map(([id, similarity]) => ({ id, similarity }))
        .sort((a, b) => b.similarity - a.similarity || a.id - b.id),
    );
  }
  return { neighbours, existing, duplicates };
}

/**
 * The log position to search from: read under the project's consolidation
 * lock, so that every locked transaction committed before it is visible to
 * a search made after it, and every later one logs after it.
 */
export async function lockedLogPosition(store: Store, projectId: number): Promise<number> {
  return store.transaction(async (tx) => {
    await tx.consolidation.lock(projectId);
    return tx.consolidation.logPosition(projectId);
  });
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
  searched: Map<number, Neighbour[]>,
): Promise<{ summaries: Map<string, PreparedSummary>; fallbacks: number }> {
  const summaries = new Map<string, PreparedSummary>();
  const summarizer = ctx.summarizer;
  if (summarizer === null) return { summaries, fallbacks: 0 };
  const found = {
    neighbours: searched,
    existing: await loadExisting(ctx.store, projectId, searched),
  };
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
  duplicates: ReadonlyMap<number, number> = new Map(),
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
    duplicates: new Set(
      others.filter((m) => duplicates.get(m.id) === representative.id).map((m) => m.id),
    ),
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
 * Where the project's transition log stood when this worker last held the
 * consolidation lock (`null`: not yet read). {@link consolidateBatch} reads
 * it when it is `null` and advances it with every batch it settles.
 */
export interface LogMark {
  position: number | null;
}

/**
 * Consolidates one claimed batch. Outside any lock: the neighbour search
 * (the store's vector index, one statement for the batch) and the slow
 * path. Then, in one transaction holding the project's consolidation lock:
 * the batch is re-read (members whose claim lapsed to another worker are
 * left alone), the neighbours brought up to date with what other workers
 * settled since the search (`changedSince` the log position in `mark`),
 * the batch clustered with them, and every cluster written:
 * representative, supersessions, links, and the batch moved out of
 * `consolidating`. So the lock is held for the writes only, and workers
 * search in parallel. A crash or a throw rolls the whole batch back; its
 * claim then lapses or is released by the caller. `retrying` wraps the
 * store steps (the caller retries transient failures: contention for
 * SQLite's write lock); each is repeated from its start.
 *
 * @example
 * ```ts
 * const outcome = await consolidateBatch(ctx, projectId, await store.consolidation.claimBatch(projectId, { worker }), { position: null });
 * ```
 */
export async function consolidateBatch(
  ctx: WorkerContext,
  projectId: number,
  batch: readonly Memory[],
  mark: LogMark,
  retrying: <T>(phase: string, work: () => Promise<T>) => Promise<T> = (_phase, work) => work(),
): Promise<BatchOutcome> {
  const { store, options } = ctx;
  const searchStart = performance.now();
  const position =
    mark.position ?? (await retrying('search', () => lockedLogPosition(store, projectId)));
  const searched = await retrying('search', () =>
    searchNeighbours(store, projectId, batch, options),
  );
  const summarizeStart = performance.now();
  const { summaries, fallbacks } = await prepareSummaries(ctx, projectId, batch, searched);
  const settleStart = performance.now();
  const { totals: counts, reached } = await retrying('settle', () =>
    store.transaction(async (tx) => {
      await tx.consolidation.lock(projectId);
      const mine = stillMine(
        await tx.memories.getMany(
          projectId,
          batch.map((m) => m.id),
        ),
        options.workerId,
      );
      const totals = { clusters: 0, created: 0, superseded: 0, linked: 0 };
      if (mine.length === 0) {
        return { totals, reached: await tx.consolidation.logPosition(projectId) };
      }
      const found = await recheckNeighbours(tx, projectId, mine, searched, position, options);
      const byId = new Map(mine.map((m) => [m.id, m]));
      const changes: TransitionChange[] = [];
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
          found.duplicates,
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
      return { totals, reached: await tx.consolidation.logPosition(projectId) };
    }),
  );
  mark.position = reached;
  const end = performance.now();
  return {
    ...counts,
    fallbacks,
    searchMs: summarizeStart - searchStart,
    summarizeMs: settleStart - summarizeStart,
    settleMs: end - settleStart,
  };
}
