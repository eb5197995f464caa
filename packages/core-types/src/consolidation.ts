import { ConflictError, InvalidTransitionError } from './errors.js';

/**
 * The life cycle of a memory, modelled on memory consolidation in the brain:
 * a fresh memory is `unconsolidated`; a worker claims it (`consolidating`)
 * and turns it into stable knowledge (`consolidated`). Retrieving a
 * consolidated memory makes it `labile` again for a while, during which it
 * may be updated (`reconsolidating`) before it settles (`consolidated`).
 * Any memory can be `superseded` by a newer one.
 */
export type ConsolidationState =
  'unconsolidated' | 'consolidating' | 'consolidated' | 'labile' | 'reconsolidating' | 'superseded';

/** Every consolidation state, in life-cycle order. */
export const CONSOLIDATION_STATES: readonly ConsolidationState[] = Object.freeze([
  'unconsolidated',
  'consolidating',
  'consolidated',
  'labile',
  'reconsolidating',
  'superseded',
]);

/**
 * The allowed transitions, as data. `consolidating → unconsolidated` is the
 * failed or expired claim; `superseded` is terminal.
 */
export const CONSOLIDATION_TRANSITIONS: Readonly<
  Record<ConsolidationState, readonly ConsolidationState[]>
> = Object.freeze({
  unconsolidated: Object.freeze(['consolidating', 'superseded'] as const),
  consolidating: Object.freeze(['consolidated', 'unconsolidated', 'superseded'] as const),
  consolidated: Object.freeze(['labile', 'superseded'] as const),
  labile: Object.freeze(['reconsolidating', 'superseded'] as const),
  reconsolidating: Object.freeze(['consolidated', 'superseded'] as const),
  superseded: Object.freeze([] as const),
});

/**
 * Whether a memory may move from `from` to `to`. Pure; no I/O.
 *
 * @example
 * ```ts
 * canTransition('consolidated', 'labile'); // true
 * canTransition('unconsolidated', 'consolidated'); // false: it must be claimed first
 * ```
 */
export function canTransition(from: ConsolidationState, to: ConsolidationState): boolean {
  return CONSOLIDATION_TRANSITIONS[from].includes(to);
}

/**
 * Throws {@link InvalidTransitionError} unless `from → to` is allowed.
 *
 * @example
 * ```ts
 * assertTransition(memory.consolidationState, 'consolidating');
 * ```
 */
export function assertTransition(
  from: ConsolidationState,
  to: ConsolidationState,
  details: Readonly<Record<string, unknown>> = {},
): void {
  if (!canTransition(from, to)) throw new InvalidTransitionError(from, to, { details });
}

/**
 * Checks the memory another one is to be superseded by: it must not be
 * superseded itself. `superseded` is terminal, so this keeps every chain of
 * successors acyclic (a cycle would need its last link to point at a memory
 * that already has a successor) and ending in a live memory.
 *
 * @throws {ConflictError} when `successor` is superseded.
 *
 * @example
 * ```ts
 * assertLiveSuccessor(memoryId, { id: 7, state: 'consolidated', supersededBy: null });
 * ```
 */
export function assertLiveSuccessor(
  memoryId: number,
  successor: {
    readonly id: number;
    readonly state: ConsolidationState;
    readonly supersededBy: number | null;
  },
): void {
  if (successor.state !== 'superseded') return;
  const next = successor.supersededBy === null ? '' : ` (by memory ${successor.supersededBy})`;
  throw new ConflictError(
    `memory ${memoryId} cannot be superseded by memory ${successor.id}: it is superseded itself${next}; supersede by a live memory`,
    { details: { memoryId, supersededBy: successor.id } },
  );
}

/** Whether `value` names a consolidation state. */
export function isConsolidationState(value: unknown): value is ConsolidationState {
  return typeof value === 'string' && (CONSOLIDATION_STATES as readonly string[]).includes(value);
}
