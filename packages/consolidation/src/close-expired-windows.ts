import type { Memory, Store } from '@athena/core-types';

/** Labile memories read per page by the sweep. */
const SWEEP_PAGE = 500;

/** Whether a labile memory's reconsolidation window is still open at `now`. */
export function windowOpen(memory: Memory, now: Date, windowMinutes: number): boolean {
  const retrieved = memory.lastRetrieved ?? memory.updatedAt;
  return retrieved.getTime() >= now.getTime() - windowMinutes * 60_000;
}

/**
 * The sweep: every labile memory whose window has closed (last retrieved
 * more than `windowMinutes` ago) settles back to `consolidated` through
 * `reconsolidating`, a page at a time, each page in one transaction under
 * the project's consolidation lock (re-read there, so a memory updated or
 * superseded meanwhile is left alone). Returns how many closed.
 *
 * @example
 * ```ts
 * const closed = await closeExpiredWindows(store, projectId, { windowMinutes: 60, actor: 'w1' });
 * ```
 */
export async function closeExpiredWindows(
  store: Store,
  projectId: number,
  options: { readonly windowMinutes: number; readonly actor: string; readonly now?: Date },
): Promise<number> {
  const now = options.now ?? new Date();
  let closed = 0;
  let after: string | null = null;
  do {
    const page = await store.memories.list(projectId, {
      filters: { consolidationStates: ['labile'] },
      order: 'asc',
      limit: SWEEP_PAGE,
      after,
    });
    after = page.nextCursor;
    const expired = page.items.filter((m) => !windowOpen(m, now, options.windowMinutes));
    if (expired.length === 0) continue;
    closed += await store.transaction(async (tx) => {
      await tx.consolidation.lock(projectId);
      const current = await tx.memories.getMany(
        projectId,
        expired.map((m) => m.id),
      );
      const still = current.filter(
        (m) => m.consolidationState === 'labile' && !windowOpen(m, now, options.windowMinutes),
      );
      await tx.consolidation.transitionMany(
        projectId,
        still.flatMap((m) => [
          { memoryId: m.id, to: 'reconsolidating' as const },
          { memoryId: m.id, to: 'consolidated' as const },
        ]),
        { actor: options.actor, reason: 'reconsolidation window closed', at: now },
      );
      return still.length;
    });
  } while (after !== null);
  return closed;
}
