import {
  ConflictError,
  InvalidTransitionError,
  NotFoundError,
  ValidationError,
} from '@athena/core-types';
import type { Memory } from '@athena/core-types';
import { windowOpen } from './close-expired-windows.js';
import type { WorkerContext } from './consolidate-batch.js';

/** What `consolidator.reconsolidate()` changes in a recalled memory. */
export interface ReconsolidateInput {
  readonly projectId: number;
  readonly memoryId: number;
  /** The updated content; re-embedded with the consolidator's embedder. */
  readonly content: string;
  /** Replaces the tags; default the old memory's. */
  readonly tags?: readonly string[];
  /** Replaces the confidence; default the old memory's. */
  readonly confidence?: number;
  /** Default now. */
  readonly now?: Date;
}

/** The memory before and after reconsolidation. */
export interface ReconsolidationResult {
  /** The old version, now `superseded` by `current`. */
  readonly previous: Memory;
  /** The new version, `consolidated`. */
  readonly current: Memory;
}

/**
 * Updates a recalled memory inside its reconsolidation window: the labile
 * memory moves to `reconsolidating`, a new memory with the updated content
 * (and the old one's type, domain, session and scores) is stored
 * `consolidated`, the old one is `superseded` by it — kept, with its
 * history — and its relationships are carried over to the new version. One
 * transaction under the project's consolidation lock. A memory that is not
 * labile is an `InvalidTransitionError`; one whose window has closed a
 * `ConflictError`.
 *
 * @example
 * ```ts
 * const { current } = await reconsolidate(ctx, { projectId, memoryId: 7, content: 'Use pnpm 9' });
 * ```
 */
export async function reconsolidate(
  ctx: WorkerContext,
  input: ReconsolidateInput,
): Promise<ReconsolidationResult> {
  const { store, embedder, options } = ctx;
  if (typeof input !== 'object' || input === null) {
    throw new ValidationError('invalid input: must be an object', [
      { path: 'input', message: 'must be an object' },
    ]);
  }
  const now = input.now ?? new Date();
  const embedding = await embedder.embed(input.content, { inputType: 'document' });
  return store.transaction(async (tx) => {
    await tx.consolidation.lock(input.projectId);
    const old = await tx.memories.get(input.projectId, input.memoryId);
    if (old === null) {
      throw new NotFoundError('memory', input.memoryId, {
        details: { projectId: input.projectId },
      });
    }
    if (old.consolidationState !== 'labile') {
      throw new InvalidTransitionError(old.consolidationState, 'reconsolidating', {
        details: {
          memoryId: old.id,
          reason: 'only a recalled (labile) memory can be reconsolidated',
        },
      });
    }
    if (!windowOpen(old, now, options.reconsolidationWindowMinutes)) {
      throw new ConflictError(
        `memory ${old.id}: its reconsolidation window closed (${options.reconsolidationWindowMinutes} minutes after its last retrieval)`,
        { details: { memoryId: old.id, lastRetrieved: old.lastRetrieved?.toISOString() ?? null } },
      );
    }
    const current = await tx.memories.store(input.projectId, {
      content: input.content,
      embedding,
      embeddingModel: embedder.modelId,
      contentType: old.contentType,
      memoryType: old.memoryType,
      domain: old.domain,
      tags: input.tags ?? old.tags,
      confidence: input.confidence ?? old.confidence,
      usefulnessScore: old.usefulnessScore,
      sessionId: old.sessionId,
      eventType: old.eventType,
      codeLanguage: old.codeLanguage,
      codeHash: old.codeHash,
    });
    const links = await tx.relationships.list(input.projectId, old.id);
    for (const link of links) {
      const from = link.fromMemoryId === old.id ? current.id : link.fromMemoryId;
      const to = link.toMemoryId === old.id ? current.id : link.toMemoryId;
      if (from === to) continue;
      await tx.relationships.link(input.projectId, {
        fromMemoryId: from,
        toMemoryId: to,
        relationshipType: link.relationshipType,
        strength: link.strength,
      });
    }
    await tx.consolidation.transitionMany(
      input.projectId,
      [
        { memoryId: old.id, to: 'reconsolidating' },
        { memoryId: current.id, to: 'consolidating' },
        { memoryId: current.id, to: 'consolidated' },
        { memoryId: old.id, to: 'superseded', supersededBy: current.id },
      ],
      { actor: options.workerId, reason: 'reconsolidated', at: now },
    );
    const [previous, settled] = await tx.memories.getMany(input.projectId, [old.id, current.id]);
    return { previous: previous as Memory, current: settled as Memory };
  });
}
