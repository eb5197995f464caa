import { readFileSync } from 'node:fs';
import type {
  CreateGoalInput,
  CreateTaskInput,
  MemoryType,
  RecordEpisodeInput,
} from '@athena/core-types';

/** One bundled engineering note. */
export interface Note {
  readonly id: string;
  readonly content: string;
  readonly memoryType: MemoryType;
  readonly domain: string;
  readonly tags: readonly string[];
}

/** One labelled retrieval query: which notes answer it. */
export interface LabelledQuery {
  readonly id: string;
  readonly query: string;
  readonly relevant: readonly string[];
  readonly kind: 'keyword' | 'paraphrase' | 'mixed' | 'fuzzy';
  /** Fuzzy queries: a misspelt term (`typo`) or another surface form of it (`form`). */
  readonly variant?: 'typo' | 'form';
}

/** What a group of the consolidation set holds (see corpus/consolidation/README.md). */
export type GroupKind = 'duplicate' | 'shared-terms' | 'no-shared-terms' | 'singleton';

/** Which half of the consolidation set a note belongs to. */
export type Split = 'tune' | 'held-out';

/** One note of the labelled consolidation set. */
export interface ConsolidationNote extends Note {
  /** Notes that state the same fact share a group. */
  readonly group: string;
  readonly kind: GroupKind;
  readonly split: Split;
}

/** Two notes that contradict each other. */
export interface ContradictionPair {
  readonly notes: readonly [string, string];
  readonly split: Split;
}

/** The demo coding session: episodes, goals and tasks. */
export interface Session {
  readonly episodes: readonly (Omit<RecordEpisodeInput, 'timestamp'> & {
    readonly minutesAgo: number;
  })[];
  readonly goals: readonly (CreateGoalInput & { readonly key: string })[];
  readonly tasks: readonly (Omit<CreateTaskInput, 'goalId'> & { readonly goalKey: string })[];
}

function load<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../corpus/${name}`, import.meta.url), 'utf8')) as T;
}

/** The 241 notes of the fictional Ledgerly project. */
export const loadNotes = (): Note[] => load<Note[]>('notes.json');
/** The labelled queries over those notes. */
export const loadQueries = (): LabelledQuery[] => load<LabelledQuery[]>('queries.json');
/** The labelled consolidation set: 318 notes in groups of one fact. */
export const loadConsolidationNotes = (): ConsolidationNote[] =>
  load<ConsolidationNote[]>('consolidation/notes.json');
/** The contradicting pairs of the consolidation set. */
export const loadContradictions = (): ContradictionPair[] =>
  load<{ contradictions: ContradictionPair[] }>('consolidation/contradictions.json').contradictions;
/** One recorded coding session. */
export const loadSession = (): Session => load<Session>('session.json');
