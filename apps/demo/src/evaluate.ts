/**
 * Retrieval quality over the bundled corpus: recall@5 and MRR@10 of the
 * semantic, keyword, hybrid-weighted and hybrid-RRF legs, on every reachable
 * backend and every configured embedder. Prints a table and writes
 * bench/results/quality-<date>.{json,md}.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { readVariable } from '@athena/core-types';
import type { Store } from '@athena/core-types';
import { AthenaMemory, createEmbedderFromEnv, HashingEmbedder } from '@athena/search';
import type { Embedder } from '@athena/search';
import { reachableBackends } from './backends.js';
import { loadNotes, loadQueries } from './corpus.js';
import type { LabelledQuery } from './corpus.js';
import { comparePaired } from './paired.js';
import type { PairedComparison } from './paired.js';
import { RETRIEVAL_MODES as MODES, scoreQueries } from './retrieval-scores.js';
import type { QueryScore } from './retrieval-scores.js';
import { renderTable } from './table.js';

const SINGLE_LEGS = ['semantic', 'keyword'] as const;

interface Row {
  readonly backend: string;
  readonly embedder: string;
  readonly mode: string;
  readonly recallAt5: number;
  readonly mrrAt10: number;
  /** recall@5 per query kind. */
  readonly byKind: Partial<Record<LabelledQuery['kind'], number>>;
  /** Per query, in the order of queries.json. */
  readonly perQuery: readonly QueryScore[];
}

/** A hybrid mode against one single leg, on one backend and embedder. */
interface Comparison {
  readonly backend: string;
  readonly embedder: string;
  readonly hybrid: string;
  readonly leg: string;
  readonly recall: PairedComparison;
  readonly mrr: PairedComparison;
}

function embedders(): Embedder[] {
  const list: Embedder[] = [new HashingEmbedder({ dimension: 768 })];
  if (readVariable(process.env, 'ATHENA_EMBEDDER') === 'openai') list.push(createEmbedderFromEnv());
  return list;
}

async function evaluate(store: Store, embedder: Embedder, backend: string): Promise<Row[]> {
  const notes = loadNotes();
  const queries = loadQueries();
  const project = await store.projects.create({
    name: `quality-${embedder.modelId}`,
    path: `/quality/${embedder.modelId}`,
  });
  const memory = new AthenaMemory({ store, embedder });
  const ids = await memory.rememberMany(
    project.id,
    notes.map((note) => ({
      content: note.content,
      memoryType: note.memoryType,
      domain: note.domain,
      tags: note.tags,
    })),
  );
  const noteOf = new Map(ids.map((id, index) => [id, notes[index]?.id ?? '']));

  const rows: Row[] = [];
  for (const [mode, options] of Object.entries(MODES)) {
    const perQuery = await scoreQueries(memory, project.id, queries, options, (id) => {
      const note = noteOf.get(id);
      return note === undefined ? [] : [note];
    });
    const byKind: Row['byKind'] = {};
    for (const kind of new Set(queries.map((query) => query.kind))) {
      byKind[kind] = mean(
        perQuery.filter((_, i) => queries[i]?.kind === kind).map((s) => s.recallAt5),
      );
    }
    rows.push({
      backend,
      embedder: embedder.modelId,
      mode,
      recallAt5: mean(perQuery.map((s) => s.recallAt5)),
      mrrAt10: mean(perQuery.map((s) => s.reciprocalRank)),
      byKind,
      perQuery,
    });
  }
  return rows;
}

const round = (value: number) => Math.round(value * 10_000) / 10_000;
const mean = (values: readonly number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;

/** Every hybrid mode against each single leg, per backend and embedder. */
function compare(rows: readonly Row[]): Comparison[] {
  const comparisons: Comparison[] = [];
  for (const hybrid of rows.filter((row) => row.mode.startsWith('hybrid'))) {
    for (const leg of SINGLE_LEGS) {
      const single = rows.find(
        (row) =>
          row.backend === hybrid.backend && row.embedder === hybrid.embedder && row.mode === leg,
      );
      if (single === undefined) continue;
      comparisons.push({
        backend: hybrid.backend,
        embedder: hybrid.embedder,
        hybrid: hybrid.mode,
        leg,
        recall: comparePaired(
          hybrid.perQuery.map((s) => s.recallAt5),
          single.perQuery.map((s) => s.recallAt5),
        ),
        mrr: comparePaired(
          hybrid.perQuery.map((s) => s.reciprocalRank),
          single.perQuery.map((s) => s.reciprocalRank),
        ),
      });
    }
  }
  return comparisons;
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const backends = await reachableBackends();

  for (const embedder of embedders()) {
    for (const [backend, open] of backends) {
      rows.push(
        ...(await open(embedder.dimension, ({ store }) => evaluate(store, embedder, backend))),
      );
    }
  }

  const queries = loadQueries();
  const kinds = [...new Set(queries.map((query) => query.kind))];
  const pct = (value: number | undefined) => (value === undefined ? '–' : value.toFixed(3));
  const table = renderTable(rows, [
    { header: 'backend', value: (r) => r.backend },
    { header: 'embedder', value: (r) => r.embedder },
    { header: 'mode', value: (r) => r.mode },
    { header: 'recall@5', value: (r) => pct(r.recallAt5), align: 'right' },
    { header: 'MRR@10', value: (r) => pct(r.mrrAt10), align: 'right' },
    ...kinds.map((kind) => ({
      header: `r@5 ${kind}`,
      value: (r: Row) => pct(r.byKind[kind]),
      align: 'right' as const,
    })),
  ]);

  const comparisons = compare(rows);
  const signed = (value: number) => `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(3)}`;
  const delta = (c: PairedComparison) =>
    `${signed(c.meanDifference)} [${signed(c.interval[0])}, ${signed(c.interval[1])}]`;
  const tally = (c: PairedComparison) => `${c.wins}/${c.losses}`;
  const comparisonTable = renderTable(comparisons, [
    { header: 'backend', value: (c) => c.backend },
    { header: 'embedder', value: (c) => c.embedder },
    { header: 'hybrid', value: (c) => c.hybrid },
    { header: 'against', value: (c) => c.leg },
    { header: 'Δ recall@5 [95% CI]', value: (c) => delta(c.recall), align: 'right' },
    { header: 'won/lost', value: (c) => tally(c.recall), align: 'right' },
    { header: 'Δ MRR@10 [95% CI]', value: (c) => delta(c.mrr), align: 'right' },
    { header: 'won/lost', value: (c) => tally(c.mrr), align: 'right' },
  ]);

  const notes = loadNotes().length;
  const counts = kinds
    .map((kind) => `${queries.filter((query) => query.kind === kind).length} ${kind}`)
    .join(', ');
  const heading = `${queries.length} labelled queries (${counts}) over ${notes} notes`;
  const comparisonNote =
    'Hybrid against each single leg, per query: mean difference with a paired bootstrap 95% ' +
    'confidence interval (10 000 resamples of the queries), and the queries it won/lost.';
  console.log(`Retrieval quality: ${heading}\n`);
  console.log(table);
  console.log(`\n${comparisonNote}\n`);
  console.log(comparisonTable);

  const date = new Date().toISOString().slice(0, 10);
  const dir = new URL('../../../bench/results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  // Per-query scores as one [recall@5, reciprocal rank] pair per query id, on one line per row.
  const json = JSON.stringify(
    {
      date,
      queries: queries.length,
      notes,
      rows: rows.map(({ perQuery, ...row }) => ({
        ...row,
        perQuery: Object.fromEntries(
          perQuery.map((score, i) => [
            queries[i]?.id,
            [round(score.recallAt5), round(score.reciprocalRank)],
          ]),
        ),
      })),
      comparisons,
    },
    null,
    2,
  ).replace(/"perQuery": \{[^}]*\}/g, (block) => block.replace(/\s+/g, ' '));
  writeFileSync(new URL(`quality-${date}.json`, dir), `${json}\n`);
  writeFileSync(
    new URL(`quality-${date}.md`, dir),
    `# Retrieval quality (${date})\n\n${heading} (apps/demo/corpus); ` +
      'recall@5 and MRR@10 from `pnpm evaluate`.\n\n```\n' +
      table +
      `\n\`\`\`\n\n${comparisonNote}\n\n\`\`\`\n` +
      comparisonTable +
      '\n```\n',
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
