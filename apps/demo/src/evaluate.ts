/**
 * Retrieval quality over the bundled corpus: recall@5 and MRR@10 of the
 * semantic, keyword, hybrid-weighted and hybrid-RRF legs, on every reachable
 * backend and every configured embedder. Prints a table and writes
 * bench/results/quality-<date>.{json,md}.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store } from '@athena/core-types';
import { AthenaMemory, createEmbedderFromEnv, HashingEmbedder } from '@athena/search';
import type { Embedder, SearchOptions } from '@athena/search';
import { PostgresStore } from '@athena/store-postgres';
import { SqliteStore } from '@athena/store-sqlite';
import pg from 'pg';
import { loadNotes, loadQueries } from './corpus.js';
import type { LabelledQuery } from './corpus.js';
import { renderTable } from './table.js';

const MODES: Record<string, SearchOptions> = {
  semantic: { mode: 'semantic' },
  keyword: { mode: 'keyword' },
  'hybrid-weighted': { mode: 'hybrid', fusion: 'weighted' },
  'hybrid-rrf': { mode: 'hybrid', fusion: 'rrf' },
  // Not a default: shows how much the fusion weights matter with a lexical embedder.
  'hybrid-weighted-50/50': {
    mode: 'hybrid',
    fusion: 'weighted',
    weights: { semantic: 0.5, keyword: 0.5 },
  },
};

interface Row {
  readonly backend: string;
  readonly embedder: string;
  readonly mode: string;
  readonly recallAt5: number;
  readonly mrrAt10: number;
  /** recall@5 per query kind. */
  readonly byKind: Record<LabelledQuery['kind'], number>;
}

const POSTGRES_URL =
  process.env['ATHENA_DATABASE_URL'] ??
  process.env['ATHENA_TEST_DATABASE_URL'] ??
  'postgres://athena@127.0.0.1:5432/athena_test';

async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

function embedders(): Embedder[] {
  const list: Embedder[] = [new HashingEmbedder({ dimension: 768 })];
  if (process.env['ATHENA_EMBEDDER'] === 'openai') list.push(createEmbedderFromEnv());
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
    let recall = 0;
    let reciprocal = 0;
    const kindTotals: Record<string, { sum: number; count: number }> = {};
    for (const query of queries) {
      const hits = await memory.search(project.id, query.query, { ...options, limit: 10 });
      const found = hits.map((hit) => noteOf.get(hit.memory.id));
      const relevant = new Set(query.relevant);
      const top5 =
        found.slice(0, 5).filter((id) => id !== undefined && relevant.has(id)).length /
        relevant.size;
      const first = found.findIndex((id) => id !== undefined && relevant.has(id));
      recall += top5;
      reciprocal += first === -1 ? 0 : 1 / (first + 1);
      const kind = (kindTotals[query.kind] ??= { sum: 0, count: 0 });
      kind.sum += top5;
      kind.count += 1;
    }
    const byKind = Object.fromEntries(
      Object.entries(kindTotals).map(([kind, { sum, count }]) => [kind, sum / count]),
    ) as Row['byKind'];
    rows.push({
      backend,
      embedder: embedder.modelId,
      mode,
      recallAt5: recall / queries.length,
      mrrAt10: reciprocal / queries.length,
      byKind,
    });
  }
  return rows;
}

async function withSqlite<T>(dimension: number, fn: (store: Store) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'athena-quality-'));
  const store = new SqliteStore({ path: join(dir, 'quality.db'), embeddingDimension: dimension });
  await store.init();
  try {
    return await fn(store);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function withPostgres<T>(dimension: number, fn: (store: Store) => Promise<T>): Promise<T> {
  const schema = `athena_quality_${process.pid}`;
  const store = new PostgresStore({
    connectionString: POSTGRES_URL,
    schema,
    embeddingDimension: dimension,
  });
  await store.init();
  try {
    return await fn(store);
  } finally {
    await store.close();
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  }
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const backends: [string, typeof withSqlite][] = [['sqlite', withSqlite]];
  if (await postgresReachable()) backends.push(['postgres', withPostgres]);
  else
    console.warn(
      `PostgreSQL unreachable at ${POSTGRES_URL.replace(/:[^:@/]*@/, ':***@')}: SQLite only`,
    );

  for (const embedder of embedders()) {
    for (const [backend, open] of backends) {
      rows.push(...(await open(embedder.dimension, (store) => evaluate(store, embedder, backend))));
    }
  }

  const pct = (value: number) => value.toFixed(3);
  const table = renderTable(rows, [
    { header: 'backend', value: (r) => r.backend },
    { header: 'embedder', value: (r) => r.embedder },
    { header: 'mode', value: (r) => r.mode },
    { header: 'recall@5', value: (r) => pct(r.recallAt5), align: 'right' },
    { header: 'MRR@10', value: (r) => pct(r.mrrAt10), align: 'right' },
    { header: 'r@5 keyword', value: (r) => pct(r.byKind.keyword), align: 'right' },
    { header: 'r@5 paraphrase', value: (r) => pct(r.byKind.paraphrase), align: 'right' },
    { header: 'r@5 mixed', value: (r) => pct(r.byKind.mixed), align: 'right' },
  ]);
  const queries = loadQueries().length;
  const notes = loadNotes().length;
  console.log(`Retrieval quality: ${queries} labelled queries over ${notes} notes\n`);
  console.log(table);

  const date = new Date().toISOString().slice(0, 10);
  const dir = new URL('../../../bench/results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    new URL(`quality-${date}.json`, dir),
    `${JSON.stringify({ date, queries, notes, rows }, null, 2)}\n`,
  );
  writeFileSync(
    new URL(`quality-${date}.md`, dir),
    `# Retrieval quality (${date})\n\n${queries} labelled queries over ${notes} notes (apps/demo/corpus); ` +
      'recall@5 and MRR@10 from `pnpm evaluate`.\n\n```\n' +
      table +
      '\n```\n',
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
