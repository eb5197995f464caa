/**
 * One consolidation pass over the labelled set, read back through the store
 * contract and scored: what `pnpm evaluate:consolidation` reports and what
 * the threshold search tunes.
 */
import type { Memory, Store } from '@athena/core-types';
import { AthenaMemory } from '@athena/search';
import type { Embedder } from '@athena/search';
import { bCubed } from './b-cubed.js';
import type { ClusterScores } from './b-cubed.js';
import { CLUSTER_LINK_TYPES, finalSuccessor, predictedClusters } from './consolidation-outcome.js';
import type { ConsolidationOutcome, OutcomeLink } from './consolidation-outcome.js';
import { contradictionScores } from './contradiction-scores.js';
import type { ContradictionScores } from './contradiction-scores.js';
import type { ConsolidationNote, ContradictionPair, GroupKind, Split } from './corpus.js';
import { duplicateScores } from './duplicate-scores.js';
import type { DuplicateScores } from './duplicate-scores.js';

/** What the evaluation needs of a consolidator: one pass, and how much it claimed. */
export interface ConsolidationPass {
  run(input: { readonly projectId: number }): Promise<{ readonly claimed: number }>;
}

/** Makes a consolidator over `store` (a second one gets its own store and worker id). */
export type MakeConsolidator = (store: Store, workerId: string) => ConsolidationPass;

/** Scores of one split, overall and per kind of group. */
export interface SplitScores {
  readonly split: Split | 'all';
  readonly clusters: ClusterScores;
  readonly clustersByKind: Readonly<Record<GroupKind, ClusterScores>>;
  readonly duplicates: DuplicateScores;
  readonly duplicatesByKind: Readonly<Record<GroupKind, DuplicateScores>>;
  readonly contradictions: ContradictionScores;
  /** Labelled contradicting pairs whose two notes ended in one cluster. */
  readonly contradictionsMerged: number;
  /** Groups of two or more notes, and how many representatives each ended with. */
  readonly representatives: RepresentativeCount;
}

/** How many groups ended with exactly one representative (see {@link representativesOf}). */
export interface RepresentativeCount {
  readonly groups: number;
  readonly exactlyOne: number;
  /** The same, per kind of group. */
  readonly byKind: Readonly<Partial<Record<GroupKind, { groups: number; exactlyOne: number }>>>;
  /** Group id → representatives, for the groups with more or fewer than one. */
  readonly others: Readonly<Record<string, number>>;
}

const KINDS: readonly GroupKind[] = ['duplicate', 'shared-terms', 'no-shared-terms', 'singleton'];

/** Stores the notes in corpus order; note id → memory id. */
export async function loadSet(
  store: Store,
  embedder: Embedder,
  projectId: number,
  notes: readonly ConsolidationNote[],
): Promise<Map<string, number>> {
  const memory = new AthenaMemory({ store, embedder });
  const ids = await memory.rememberMany(
    projectId,
    notes.map((note) => ({
      content: note.content,
      memoryType: note.memoryType,
      domain: note.domain,
      tags: note.tags,
    })),
  );
  return new Map(notes.map((note, index) => [note.id, ids[index] ?? -1]));
}

/** Runs passes until one claims nothing; the passes' records, in order. */
export async function consolidateAll<R extends { readonly claimed: number }>(
  consolidator: { run(input: { readonly projectId: number }): Promise<R> },
  projectId: number,
): Promise<R[]> {
  const runs: R[] = [];
  for (;;) {
    const run = await consolidator.run({ projectId });
    runs.push(run);
    if (run.claimed === 0) return runs;
  }
}

/** Every memory of a project, oldest first. */
export async function listAll(store: Store, projectId: number): Promise<Memory[]> {
  const memories: Memory[] = [];
  let after: string | null = null;
  do {
    const page = await store.memories.list(projectId, { limit: 1000, after, order: 'asc' });
    memories.push(...page.items);
    after = page.nextCursor;
  } while (after !== null);
  return memories;
}

/** What the pass left, read through the store contract. */
export async function readOutcome(
  store: Store,
  projectId: number,
  noteMemory: ReadonlyMap<string, number>,
): Promise<{ outcome: ConsolidationOutcome; memories: Memory[] }> {
  const memories = await listAll(store, projectId);
  const supersededBy = new Map<number, number>();
  const links: OutcomeLink[] = [];
  for (const memory of memories) {
    if (memory.supersededBy !== null) supersededBy.set(memory.id, memory.supersededBy);
    const outgoing = await store.relationships.list(projectId, memory.id, {
      direction: 'outgoing',
    });
    for (const link of outgoing)
      links.push({ from: link.fromMemoryId, to: link.toMemoryId, type: link.relationshipType });
  }
  return { outcome: { noteMemory, supersededBy, links }, memories };
}

/**
 * The memories that stand for `notes` after consolidation: each note's
 * final successor, followed along its clustering link (`reinforces`,
 * `extends`: the worker links a member to its cluster's representative) to
 * the memory it points to. A group is consolidated as the issue asks when
 * this set has exactly one memory.
 */
export function representativesOf(
  outcome: ConsolidationOutcome,
  notes: readonly string[],
): Set<number> {
  const clusterLink = new Map<number, number>();
  for (const link of outcome.links) {
    if (CLUSTER_LINK_TYPES.has(link.type)) clusterLink.set(link.from, link.to);
  }
  const representatives = new Set<number>();
  for (const note of notes) {
    const memory = outcome.noteMemory.get(note);
    if (memory === undefined) throw new RangeError(`note ${note} has no memory`);
    let current = finalSuccessor(outcome.supersededBy, memory);
    const seen = new Set<number>();
    for (
      let next = clusterLink.get(current);
      next !== undefined && !seen.has(current);
      next = clusterLink.get(current)
    ) {
      seen.add(current);
      current = finalSuccessor(outcome.supersededBy, next);
    }
    representatives.add(current);
  }
  return representatives;
}

/**
 * Per group of two or more notes among `notes`: how many memories stand for
 * it (see {@link representativesOf}); exactly one is what the issue asks.
 */
export function countRepresentatives(
  outcome: ConsolidationOutcome,
  notes: readonly ConsolidationNote[],
): RepresentativeCount {
  const groups = new Map<string, { kind: GroupKind; members: string[] }>();
  for (const note of notes) {
    if (note.kind === 'singleton') continue;
    const entry = groups.get(note.group) ?? { kind: note.kind, members: [] };
    entry.members.push(note.id);
    groups.set(note.group, entry);
  }
  const others: Record<string, number> = {};
  const byKind: Partial<Record<GroupKind, { groups: number; exactlyOne: number }>> = {};
  let exactlyOne = 0;
  for (const [group, { kind, members }] of groups) {
    const count = representativesOf(outcome, members).size;
    const tally = byKind[kind] ?? { groups: 0, exactlyOne: 0 };
    tally.groups += 1;
    if (count === 1) {
      exactlyOne += 1;
      tally.exactlyOne += 1;
    } else others[group] = count;
    byKind[kind] = tally;
  }
  return { groups: groups.size, exactlyOne, byKind, others };
}

/** Scores the outcome over the notes of one split (or all). */
export function scoreSplit(
  outcome: ConsolidationOutcome,
  notes: readonly ConsolidationNote[],
  pairs: readonly ContradictionPair[],
  split: Split | 'all',
): SplitScores {
  const evaluated = notes.filter((note) => split === 'all' || note.split === split);
  const ids = evaluated.map((note) => note.id);
  const gold = new Map(evaluated.map((note) => [note.id, note.group]));
  const predictedAll = predictedClusters(outcome);
  const predicted = new Map(ids.map((id) => [id, predictedAll.get(id) ?? id]));
  const ofKind = (kind: GroupKind) =>
    evaluated.filter((note) => note.kind === kind).map((note) => note.id);
  const labels = {
    group: new Map(notes.map((note) => [note.id, note.group])),
    duplicateGroups: new Set(
      notes.filter((note) => note.kind === 'duplicate').map((note) => note.group),
    ),
  };
  const byKind = <T>(score: (kind: GroupKind) => T) =>
    Object.fromEntries(KINDS.map((kind) => [kind, score(kind)])) as Record<GroupKind, T>;

  const splitPairs = pairs
    .filter((pair) => split === 'all' || pair.split === split)
    .map((pair) => pair.notes);

  return {
    split,
    clusters: bCubed(gold, predicted),
    clustersByKind: byKind((kind) => bCubed(gold, predicted, ofKind(kind))),
    duplicates: duplicateScores(outcome, labels, ids),
    duplicatesByKind: byKind((kind) => duplicateScores(outcome, labels, ofKind(kind))),
    contradictions: contradictionScores(outcome, splitPairs, ids),
    contradictionsMerged: splitPairs.filter(([a, b]) => predicted.get(a) === predicted.get(b))
      .length,
    representatives: countRepresentatives(outcome, evaluated),
  };
}
