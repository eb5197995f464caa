/**
 * Threshold search on the TUNE half of the labelled consolidation set only
 * (SQLite, hashing embedder): every pair of
 * similarity and duplicate thresholds of a small grid consolidates the whole
 * set in its own project, and is scored on the tune half. The winner
 * supersedes no note that is not a near duplicate (neither a different fact
 * nor a rewording) and has the best mean B-cubed F1 over duplicate and
 * shared-term groups; the held-out half is never looked at here.
 *
 *   pnpm --filter @athena/demo tune:consolidation [--min-cluster 2]
 *
 * Prints the ranked grid and writes bench/results/consolidation-tuning-<date>.md.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createConsolidator } from '@athena/consolidation';
import { HashingEmbedder } from '@athena/search';
import { SqliteStore } from '@athena/store-sqlite';
import { consolidateAll, loadSet, readOutcome, scoreSplit } from './consolidation-evaluation.js';
import type { SplitScores } from './consolidation-evaluation.js';
import { loadConsolidationNotes, loadContradictions } from './corpus.js';
import { renderTable } from './table.js';

const { values } = parseArgs({ options: { 'min-cluster': { type: 'string', default: '2' } } });
const minClusterSize = Number(values['min-cluster']);

const SIMILARITY = [0.55, 0.6, 0.62, 0.65, 0.68, 0.7, 0.75, 0.8];
const DUPLICATE = [0.8, 0.82, 0.85, 0.88, 0.9, 0.92, 0.95];

interface Trial {
  readonly similarity: number;
  readonly duplicate: number;
  readonly tune: SplitScores;
  /** Mean B-cubed F1 of duplicate and shared-term groups: the objective. */
  readonly objective: number;
}

async function main(): Promise<void> {
  const notes = loadConsolidationNotes();
  const pairs = loadContradictions();
  const embedder = new HashingEmbedder({ dimension: 768 });
  const dir = mkdtempSync(join(tmpdir(), 'athena-tune-'));
  const store = new SqliteStore({ path: join(dir, 'tune.db'), embeddingDimension: 768 });
  await store.init();
  const trials: Trial[] = [];
  try {
    for (const similarity of SIMILARITY) {
      for (const duplicate of DUPLICATE.filter((d) => d >= similarity)) {
        const project = await store.projects.create({
          name: `tune-${similarity}-${duplicate}`,
          path: `/tune/${similarity}/${duplicate}`,
        });
        const noteMemory = await loadSet(store, embedder, project.id, notes);
        const consolidator = createConsolidator({
          store,
          embedder,
          options: {
            similarityThreshold: similarity,
            duplicateThreshold: duplicate,
            minClusterSize,
            workerId: 'tune',
            episodes: false,
          },
        });
        await consolidateAll(consolidator, project.id);
        const { outcome } = await readOutcome(store, project.id, noteMemory);
        const tune = scoreSplit(outcome, notes, pairs, 'tune');
        trials.push({
          similarity,
          duplicate,
          tune,
          objective:
            (tune.clustersByKind.duplicate.f1 + tune.clustersByKind['shared-terms'].f1) / 2,
        });
        console.error(`similarity ${similarity}, duplicate ${duplicate}: done`);
      }
    }
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  // Disqualified: any supersede of a note that is not a duplicate (a lost fact or a lost
  // wording). Then the objective, the F1 of all notes, duplicate recall, and on a tie the higher
  // duplicate threshold: a supersede drops a wording, so the safer end of a plateau wins.
  const unsafe = (t: Trial) => Number(t.tune.duplicates.wrong + t.tune.duplicates.rewordings > 0);
  const ranked = [...trials].sort(
    (a, b) =>
      unsafe(a) - unsafe(b) ||
      b.objective - a.objective ||
      b.tune.clusters.f1 - a.tune.clusters.f1 ||
      b.tune.duplicates.recall - a.tune.duplicates.recall ||
      b.duplicate - a.duplicate,
  );
  const f = (value: number) => value.toFixed(3);
  const heading = `Threshold search on the tune half (${notes.filter((n) => n.split === 'tune').length} notes), minClusterSize ${minClusterSize}`;
  const table = renderTable(ranked, [
    { header: 'similarity', value: (t) => String(t.similarity), align: 'right' },
    { header: 'duplicate', value: (t) => String(t.duplicate), align: 'right' },
    { header: 'objective', value: (t) => f(t.objective), align: 'right' },
    { header: 'F1 dup', value: (t) => f(t.tune.clustersByKind.duplicate.f1), align: 'right' },
    {
      header: 'F1 shared',
      value: (t) => f(t.tune.clustersByKind['shared-terms'].f1),
      align: 'right',
    },
    {
      header: 'F1 none',
      value: (t) => f(t.tune.clustersByKind['no-shared-terms'].f1),
      align: 'right',
    },
    {
      header: 'P single',
      value: (t) => f(t.tune.clustersByKind.singleton.precision),
      align: 'right',
    },
    { header: 'F1 all', value: (t) => f(t.tune.clusters.f1), align: 'right' },
    { header: 'dup P', value: (t) => f(t.tune.duplicates.precision), align: 'right' },
    { header: 'dup R', value: (t) => f(t.tune.duplicates.recall), align: 'right' },
    { header: 'reworded', value: (t) => String(t.tune.duplicates.rewordings), align: 'right' },
    { header: 'lost facts', value: (t) => String(t.tune.duplicates.wrong), align: 'right' },
    {
      header: 'contra merged',
      value: (t) => String(t.tune.contradictionsMerged),
      align: 'right',
    },
    {
      header: 'contra found',
      value: (t) => `${t.tune.contradictions.detected}/${t.tune.contradictions.pairs}`,
      align: 'right',
    },
    {
      header: 'contradicts right',
      value: (t) => `${t.tune.contradictions.correctLinks}/${t.tune.contradictions.links}`,
      align: 'right',
    },
  ]);
  console.log(`${heading}\n\n${table}`);
  const date = new Date().toISOString().slice(0, 10);
  const results = new URL('../../../bench/results/', import.meta.url);
  mkdirSync(results, { recursive: true });
  writeFileSync(
    new URL(`consolidation-tuning-${date}.md`, results),
    `# Consolidation threshold search (${date})\n\n${heading}; hashing embedder, SQLite; ` +
      'ranked as `pnpm --filter @athena/demo tune:consolidation` ranks them (the first row wins).\n\n```\n' +
      table +
      '\n```\n',
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
