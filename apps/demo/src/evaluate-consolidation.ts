/**
 * Consolidation quality over the labelled set (corpus/consolidation): on
 * every reachable backend and configured embedder, one worker consolidates
 * the set and the result is read back through the store contract and scored
 * on the held-out half (B-cubed clusters, duplicate detection, contradiction
 * detection, per kind of group); two worker processes at once consolidate it again
 * and every group is checked for exactly one representative; and the
 * retrieval evaluation runs before and after consolidating its corpus.
 * Prints tables and writes
 * bench/results/consolidation-quality-<date>-s<similarity>-d<duplicate>.{json,md}.
 *
 *   pnpm evaluate:consolidation [--similarity 0.68] [--duplicate 0.88] [--min-cluster 2]
 *                               [--backend sqlite|postgres|all] [--json]
 */
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createConsolidator, DEFAULT_CONSOLIDATOR_OPTIONS } from '@athena/consolidation';
import type { ConsolidatorOptions } from '@athena/consolidation';
import { readVariable } from '@athena/core-types';
import type { ConsolidationRunInput, Store } from '@athena/core-types';
import { AthenaMemory, createEmbedderFromEnv, HashingEmbedder } from '@athena/search';
import type { Embedder } from '@athena/search';
import { reachableBackends } from './backends.js';
import type { Backend, FreshDatabase } from './backends.js';
import { representedNotes } from './consolidation-outcome.js';
import {
  consolidateAll,
  listAll,
  loadSet,
  readOutcome,
  countRepresentatives,
  scoreSplit,
} from './consolidation-evaluation.js';
import type { RepresentativeCount, SplitScores } from './consolidation-evaluation.js';
import { loadConsolidationNotes, loadContradictions, loadNotes, loadQueries } from './corpus.js';
import type { ConsolidationNote, GroupKind, Note } from './corpus.js';
import type { WorkerProcessInput } from './consolidation-worker-process.js';
import { RETRIEVAL_MODES, scoreQueries } from './retrieval-scores.js';
import { renderTable } from './table.js';

const { values } = parseArgs({
  options: {
    similarity: { type: 'string' },
    duplicate: { type: 'string' },
    'min-cluster': { type: 'string' },
    backend: { type: 'string', default: 'all' },
    json: { type: 'boolean', default: false },
  },
});

/** The thresholds under evaluation: the package defaults unless given. */
const thresholds: ConsolidatorOptions = {
  similarityThreshold:
    values.similarity === undefined
      ? DEFAULT_CONSOLIDATOR_OPTIONS.similarityThreshold
      : Number(values.similarity),
  duplicateThreshold:
    values.duplicate === undefined
      ? DEFAULT_CONSOLIDATOR_OPTIONS.duplicateThreshold
      : Number(values.duplicate),
  minClusterSize:
    values['min-cluster'] === undefined
      ? DEFAULT_CONSOLIDATOR_OPTIONS.minClusterSize
      : Number(values['min-cluster']),
};

const KINDS: readonly GroupKind[] = ['duplicate', 'shared-terms', 'no-shared-terms', 'singleton'];

/** One backend × embedder: quality of one worker, representatives with two, retrieval before/after. */
interface Evaluation {
  readonly backend: string;
  readonly embedder: string;
  readonly heldOut: SplitScores;
  readonly runs: number;
  readonly superseded: number;
  /** Every group of the set (both halves) after one worker. */
  readonly oneWorker: RepresentativeCount;
  readonly twoWorkers: RepresentativeCount & {
    /** Groups whose count of representatives differs from the one-worker run's. */
    readonly differFromOneWorker: readonly string[];
    readonly leftUnconsolidated: number;
    readonly runsPerWorker: readonly number[];
    /** Memories each worker claimed: both must have worked for the check to mean anything. */
    readonly claimedPerWorker: readonly number[];
    readonly superseded: number;
    /** Failures the workers' run records hold. */
    readonly errors: readonly string[];
  };
  readonly retrieval: readonly RetrievalComparison[];
}

/** The retrieval evaluation on one corpus before and after consolidating it. */
interface RetrievalComparison {
  readonly corpus: string;
  readonly liveBefore: number;
  readonly liveAfter: number;
  readonly superseded: number;
  readonly modes: readonly {
    readonly mode: string;
    readonly recallBefore: number;
    readonly recallAfter: number;
    readonly mrrBefore: number;
    readonly mrrAfter: number;
  }[];
}

const consolidator = (store: Store, embedder: Embedder, workerId: string) =>
  createConsolidator({ store, embedder, options: { ...thresholds, workerId, episodes: false } });

const mean = (values: readonly number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;

async function quality(
  store: Store,
  embedder: Embedder,
  notes: readonly ConsolidationNote[],
): Promise<Pick<Evaluation, 'heldOut' | 'runs' | 'superseded' | 'oneWorker'>> {
  const project = await store.projects.create({ name: 'consolidation-one', path: '/eval/one' });
  const noteMemory = await loadSet(store, embedder, project.id, notes);
  const runs: ConsolidationRunInput[] = await consolidateAll(
    consolidator(store, embedder, 'eval-one'),
    project.id,
  );
  const { outcome } = await readOutcome(store, project.id, noteMemory);
  return {
    heldOut: scoreSplit(outcome, notes, loadContradictions(), 'held-out'),
    oneWorker: countRepresentatives(outcome, notes),
    runs: runs.length,
    superseded: runs.reduce((sum, run) => sum + run.superseded, 0),
  };
}

/** What one worker process reports. */
interface WorkerReport {
  readonly runs: number;
  readonly claimed: number;
  readonly superseded: number;
  readonly errors: readonly string[];
}

/** Runs one worker in its own process (its own store) and reads its report. */
function workerProcess(input: WorkerProcessInput): Promise<WorkerReport> {
  const script = fileURLToPath(new URL('./consolidation-worker-process.ts', import.meta.url));
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', script, JSON.stringify(input)],
      { cwd: fileURLToPath(new URL('..', import.meta.url)), maxBuffer: 1 << 20 },
      (error, stdout, stderr) => {
        if (error !== null)
          reject(new Error(`worker ${input.workerId} failed: ${stderr}`, { cause: error }));
        else resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as WorkerReport);
      },
    );
  });
}

/** Two worker processes consolidate the whole set at once, each with its own store. */
async function twoWorkers(
  db: FreshDatabase,
  embedder: Embedder,
  notes: readonly ConsolidationNote[],
  oneWorker: RepresentativeCount,
): Promise<Evaluation['twoWorkers']> {
  const { store } = db;
  const project = await store.projects.create({ name: 'consolidation-two', path: '/eval/two' });
  const noteMemory = await loadSet(store, embedder, project.id, notes);
  const input = (workerId: string): WorkerProcessInput => ({
    location: db.location,
    dimension: embedder.dimension,
    projectId: project.id,
    workerId,
    embedder: embedder instanceof HashingEmbedder ? 'hashing' : embedder.modelId,
    thresholds,
  });
  const reports = await Promise.all([
    workerProcess(input('eval-a')),
    workerProcess(input('eval-b')),
  ]);
  const { outcome, memories } = await readOutcome(store, project.id, noteMemory);
  const count = countRepresentatives(outcome, notes);
  const groups = new Set(notes.filter((n) => n.kind !== 'singleton').map((n) => n.group));
  return {
    ...count,
    differFromOneWorker: [...groups].filter(
      (group) => (count.others[group] ?? 1) !== (oneWorker.others[group] ?? 1),
    ),
    leftUnconsolidated: memories.filter((m) =>
      ['unconsolidated', 'consolidating'].includes(m.consolidationState),
    ).length,
    runsPerWorker: reports.map((report) => report.runs),
    claimedPerWorker: reports.map((report) => report.claimed),
    superseded: reports.reduce((sum, report) => sum + report.superseded, 0),
    errors: reports.flatMap((report) => report.errors),
  };
}

/**
 * The retrieval evaluation over `corpus` before and after consolidating it.
 * `baseOf` maps a corpus note to the note the queries label (a duplicate to
 * its original); after consolidation a hit on a memory counts for every note
 * it stands for (its own, and those it superseded).
 */
async function retrieval(
  store: Store,
  embedder: Embedder,
  name: string,
  corpus: readonly { id: string; note: Note }[],
  baseOf: (id: string) => string,
): Promise<RetrievalComparison> {
  const queries = loadQueries();
  const project = await store.projects.create({ name: `retrieval-${name}`, path: `/eval/${name}` });
  const memory = new AthenaMemory({ store, embedder });
  const ids = await memory.rememberMany(
    project.id,
    corpus.map(({ note }) => ({
      content: note.content,
      memoryType: note.memoryType,
      domain: note.domain,
      tags: note.tags,
    })),
  );
  const noteMemory = new Map(corpus.map(({ id }, index) => [id, ids[index] ?? -1]));
  const own = new Map(corpus.map(({ id }, index) => [ids[index] ?? -1, [baseOf(id)]]));
  const score = async (notesOf: (id: number) => readonly string[]) => {
    const out: Record<string, { recall: number; mrr: number }> = {};
    for (const [mode, options] of Object.entries(RETRIEVAL_MODES)) {
      const scores = await scoreQueries(memory, project.id, queries, options, notesOf);
      out[mode] = {
        recall: mean(scores.map((s) => s.recallAt5)),
        mrr: mean(scores.map((s) => s.reciprocalRank)),
      };
    }
    return out;
  };
  const live = async () =>
    (await listAll(store, project.id)).filter((m) => m.consolidationState !== 'superseded').length;

  const liveBefore = await live();
  const before = await score((id) => own.get(id) ?? []);
  const runs: ConsolidationRunInput[] = await consolidateAll(
    consolidator(store, embedder, `eval-${name}`),
    project.id,
  );
  const { outcome } = await readOutcome(store, project.id, noteMemory);
  const represented = representedNotes(outcome);
  const after = await score((id) => (represented.get(id) ?? []).map(baseOf));
  return {
    corpus: name,
    liveBefore,
    liveAfter: await live(),
    superseded: runs.reduce((sum, run) => sum + run.superseded, 0),
    modes: Object.keys(RETRIEVAL_MODES).map((mode) => ({
      mode,
      recallBefore: before[mode]?.recall ?? 0,
      recallAfter: after[mode]?.recall ?? 0,
      mrrBefore: before[mode]?.mrr ?? 0,
      mrrAfter: after[mode]?.mrr ?? 0,
    })),
  };
}

async function evaluate(
  db: FreshDatabase,
  embedder: Embedder,
  backend: string,
): Promise<Evaluation> {
  const notes = loadConsolidationNotes();
  const one = await quality(db.store, embedder, notes);
  const two = await twoWorkers(db, embedder, notes, one.oneWorker);
  const shipped = loadNotes();
  // The shipped corpus holds no near-exact duplicates, so the second corpus adds the set's
  // duplicates of corpus notes (`-d` notes); a query labelled with a note counts its duplicate.
  const duplicates = notes.filter((note) => /-d\d+$/.test(note.id));
  const baseOf = (id: string) => id.replace(/-d\d+$/, '');
  const retrievalRows = [
    await retrieval(
      db.store,
      embedder,
      'shipped',
      shipped.map((note) => ({ id: note.id, note })),
      baseOf,
    ),
    await retrieval(
      db.store,
      embedder,
      `shipped+${duplicates.length}-duplicates`,
      [...shipped, ...duplicates].map((note) => ({ id: note.id, note })),
      baseOf,
    ),
  ];
  return { backend, embedder: embedder.modelId, ...one, twoWorkers: two, retrieval: retrievalRows };
}

function embedders(): Embedder[] {
  const list: Embedder[] = [new HashingEmbedder({ dimension: 768 })];
  if (readVariable(process.env, 'ATHENA_EMBEDDER') === 'openai') list.push(createEmbedderFromEnv());
  return list;
}

const f = (value: number) => value.toFixed(3);

function qualityTable(rows: readonly Evaluation[]): string {
  const lines = rows.flatMap((row) => [
    { row, kind: 'all' as const },
    ...KINDS.map((kind) => ({ row, kind })),
  ]);
  return renderTable(lines, [
    { header: 'backend', value: (l) => l.row.backend },
    { header: 'embedder', value: (l) => l.row.embedder },
    { header: 'kind', value: (l) => l.kind },
    {
      header: 'notes',
      value: (l) =>
        String(
          l.kind === 'all'
            ? l.row.heldOut.clusters.items
            : l.row.heldOut.clustersByKind[l.kind].items,
        ),
      align: 'right',
    },
    ...(['precision', 'recall', 'f1'] as const).map((key) => ({
      header: `B³ ${key === 'f1' ? 'F1' : key.slice(0, 1).toUpperCase()}`,
      value: (l: { row: Evaluation; kind: GroupKind | 'all' }) =>
        f(
          l.kind === 'all'
            ? l.row.heldOut.clusters[key]
            : l.row.heldOut.clustersByKind[l.kind][key],
        ),
      align: 'right' as const,
    })),
    {
      header: 'superseded',
      value: (l) =>
        String(
          (l.kind === 'all' ? l.row.heldOut.duplicates : l.row.heldOut.duplicatesByKind[l.kind])
            .superseded,
        ),
      align: 'right',
    },
    {
      header: 'dup P',
      value: (l) =>
        f(
          (l.kind === 'all' ? l.row.heldOut.duplicates : l.row.heldOut.duplicatesByKind[l.kind])
            .precision,
        ),
      align: 'right',
    },
    {
      header: 'dup R',
      value: (l) =>
        f(
          (l.kind === 'all' ? l.row.heldOut.duplicates : l.row.heldOut.duplicatesByKind[l.kind])
            .recall,
        ),
      align: 'right',
    },
    {
      header: 'reworded',
      value: (l) =>
        String(
          (l.kind === 'all' ? l.row.heldOut.duplicates : l.row.heldOut.duplicatesByKind[l.kind])
            .rewordings,
        ),
      align: 'right',
    },
    {
      header: 'lost facts',
      value: (l) =>
        String(
          (l.kind === 'all' ? l.row.heldOut.duplicates : l.row.heldOut.duplicatesByKind[l.kind])
            .wrong,
        ),
      align: 'right',
    },
  ]);
}

const representatives = (count: RepresentativeCount) =>
  `${count.exactlyOne}/${count.groups} (` +
  KINDS.filter((kind) => count.byKind[kind] !== undefined)
    .map((kind) => `${kind} ${count.byKind[kind]?.exactlyOne}/${count.byKind[kind]?.groups}`)
    .join(', ') +
  ')';

function otherTable(rows: readonly Evaluation[]): string {
  return renderTable(rows, [
    { header: 'backend', value: (r) => r.backend },
    { header: 'embedder', value: (r) => r.embedder },
    {
      header: 'contradictions found',
      value: (r) => `${r.heldOut.contradictions.detected}/${r.heldOut.contradictions.pairs}`,
      align: 'right',
    },
    {
      header: 'contradicts links right',
      value: (r) => `${r.heldOut.contradictions.correctLinks}/${r.heldOut.contradictions.links}`,
      align: 'right',
    },
    {
      header: 'pairs merged',
      value: (r) => `${r.heldOut.contradictionsMerged}/${r.heldOut.contradictions.pairs}`,
      align: 'right',
    },
    {
      header: 'one representative, 1 worker',
      value: (r) => representatives(r.oneWorker),
    },
    {
      header: '2 worker processes',
      value: (r) => representatives(r.twoWorkers),
    },
    {
      header: 'claimed by each',
      value: (r) => r.twoWorkers.claimedPerWorker.join(' + '),
      align: 'right',
    },
    {
      header: 'differ',
      value: (r) => String(r.twoWorkers.differFromOneWorker.length),
      align: 'right',
    },
    {
      header: 'superseded 1 / 2 workers',
      value: (r) => `${r.superseded} / ${r.twoWorkers.superseded}`,
      align: 'right',
    },
    {
      header: 'worker errors',
      value: (r) => String(r.twoWorkers.errors.length),
      align: 'right',
    },
    {
      header: 'left unconsolidated',
      value: (r) => String(r.twoWorkers.leftUnconsolidated),
      align: 'right',
    },
  ]);
}

function retrievalTable(rows: readonly Evaluation[]): string {
  const lines = rows.flatMap((row) =>
    row.retrieval.flatMap((comparison) =>
      comparison.modes.map((mode) => ({ row, comparison, mode })),
    ),
  );
  return renderTable(lines, [
    { header: 'backend', value: (l) => l.row.backend },
    { header: 'embedder', value: (l) => l.row.embedder },
    { header: 'corpus', value: (l) => l.comparison.corpus },
    {
      header: 'live before → after',
      value: (l) => `${l.comparison.liveBefore} → ${l.comparison.liveAfter}`,
      align: 'right',
    },
    { header: 'mode', value: (l) => l.mode.mode },
    {
      header: 'recall@5 before → after',
      value: (l) => `${f(l.mode.recallBefore)} → ${f(l.mode.recallAfter)}`,
      align: 'right',
    },
    {
      header: 'MRR@10 before → after',
      value: (l) => `${f(l.mode.mrrBefore)} → ${f(l.mode.mrrAfter)}`,
      align: 'right',
    },
  ]);
}

async function main(): Promise<void> {
  const chosen = values.backend ?? 'all';
  const backends: [string, Backend][] = (await reachableBackends()).filter(
    ([name]) => chosen === 'all' || chosen === name,
  );
  const rows: Evaluation[] = [];
  for (const embedder of embedders()) {
    for (const [backend, open] of backends) {
      rows.push(await open(embedder.dimension, (db) => evaluate(db, embedder, backend)));
    }
  }
  if (values.json) {
    console.log(JSON.stringify({ thresholds, rows }, null, 2));
    return;
  }
  const notes = loadConsolidationNotes();
  const heading =
    `${notes.length} notes, held-out half (${notes.filter((n) => n.split === 'held-out').length} notes); ` +
    `similarityThreshold ${thresholds.similarityThreshold}, duplicateThreshold ${thresholds.duplicateThreshold}, ` +
    `minClusterSize ${thresholds.minClusterSize}`;
  const tables = [qualityTable(rows), otherTable(rows), retrievalTable(rows)];
  console.log(`Consolidation quality: ${heading}\n`);
  console.log(tables.join('\n\n'));

  const date = new Date().toISOString().slice(0, 10);
  const name = `consolidation-quality-${date}-s${thresholds.similarityThreshold}-d${thresholds.duplicateThreshold}`;
  const dir = new URL('../../../bench/results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    new URL(`${name}.json`, dir),
    `${JSON.stringify({ date, thresholds, rows }, null, 2)}\n`,
  );
  writeFileSync(
    new URL(`${name}.md`, dir),
    `# Consolidation quality (${date})\n\n${heading} (apps/demo/corpus/consolidation); ` +
      'from `pnpm evaluate:consolidation`.\n\n```\n' +
      tables.join('\n```\n\n```\n') +
      '\n```\n',
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
