/**
 * The quick start: remember a corpus of engineering notes, record a coding
 * session, keep goals and tasks, then recall. Runs on embedded SQLite with no
 * server and no configuration; set ATHENA_DATABASE_URL to run it on PostgreSQL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findVariable } from '@athena/core-types';
import type { MemoryWithoutEmbedding } from '@athena/core-types';
import { createStore } from '@athena/factory';
import { AthenaMemory, createEmbedderFromEnv } from '@athena/search';
import type { RecallHit } from '@athena/search';
import { loadNotes, loadSession } from './corpus.js';
import { renderTable } from './table.js';

const QUERIES = [
  'why did we stop using pgbouncer transaction mode?',
  'ERR_STRIPE_IDEMPOTENCY',
  'how do we retry failed webhooks',
  'flaky end-to-end tests in CI',
  'what happened during the invoice PDF outage',
];

function fmt(value: number | null, digits = 3): string {
  return value === null ? '—' : value.toFixed(digits);
}

async function main(): Promise<void> {
  // A SQLite file the user named (ATHENA_SQLITE_PATH or its alias) is kept; otherwise a scratch one.
  const keep = findVariable(process.env, 'ATHENA_SQLITE_PATH') !== undefined;
  const scratch = keep ? undefined : mkdtempSync(join(tmpdir(), 'athena-demo-'));
  try {
    await quickStart(scratch);
  } finally {
    // Also when the store cannot be created (a server down with ATHENA_FALLBACK=none, a bad setting).
    if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
  }
}

/** The demo itself, on a SQLite file in `scratch` unless the environment names a database. */
async function quickStart(scratch: string | undefined): Promise<void> {
  const embedder = createEmbedderFromEnv();
  const store = await createStore({
    embeddingDimension: embedder.dimension,
    ...(scratch === undefined ? {} : { sqlite: { path: join(scratch, 'memory.db') } }),
  });
  const where = store.selection.sqlitePath ?? 'PostgreSQL';
  console.log(`Athena quick start: ${store.backend} (${store.selection.reason}) at ${where}`);
  console.log(`Embedder: ${embedder.modelId} (${embedder.dimension} dimensions)\n`);

  try {
    const existing = await store.projects.getByName('ledgerly-demo');
    if (existing !== null) await store.projects.delete(existing.id);
    const project = await store.projects.create({ name: 'ledgerly-demo', path: '/demo/ledgerly' });
    const memory = new AthenaMemory({ store, embedder });

    const notes = loadNotes();
    let started = performance.now();
    await memory.rememberMany(
      project.id,
      notes.map((note) => ({
        content: note.content,
        memoryType: note.memoryType,
        domain: note.domain,
        tags: note.tags,
      })),
    );
    console.log(
      `Remembered ${notes.length} notes in ${(performance.now() - started).toFixed(0)} ms`,
    );

    const session = loadSession();
    const now = Date.now();
    await store.episodes.recordMany(
      project.id,
      session.episodes.map(({ minutesAgo, ...episode }) => ({
        ...episode,
        timestamp: new Date(now - minutesAgo * 60_000),
      })),
    );
    const goalIds = new Map<string, number>();
    for (const { key, ...goal } of session.goals) {
      goalIds.set(key, (await store.goals.create(project.id, goal)).id);
    }
    for (const { goalKey, ...task } of session.tasks) {
      await store.tasks.create(project.id, { ...task, goalId: goalIds.get(goalKey) ?? null });
    }
    console.log(
      `Recorded ${session.episodes.length} episodes of session demo-session-1, ` +
        `${session.goals.length} goals and ${session.tasks.length} tasks\n`,
    );

    const active = await store.tasks.list(project.id, {
      statuses: ['in_progress', 'blocked', 'pending'],
    });
    console.log('Open tasks, by priority:');
    console.log(
      renderTable(active, [
        { header: 'prio', value: (t) => String(t.priority), align: 'right' },
        { header: 'status', value: (t) => t.status },
        { header: 'task', value: (t) => t.title, max: 70 },
      ]),
    );

    const errors = await store.episodes.list(project.id, {
      sessionId: 'demo-session-1',
      eventTypes: ['error', 'test_run'],
    });
    console.log('\nWhat went wrong in the session:');
    console.log(
      renderTable(errors.items, [
        { header: 'when', value: (e) => e.timestamp.toISOString().slice(11, 16) },
        { header: 'type', value: (e) => e.eventType },
        { header: 'outcome', value: (e) => e.outcome ?? '—' },
        { header: 'event', value: (e) => e.content, max: 80 },
      ]),
    );

    let first: RecallHit<MemoryWithoutEmbedding> | undefined;
    for (const query of QUERIES) {
      started = performance.now();
      // The agent needs the text and the scores, not the vectors.
      const hits = await memory.recall(project.id, query, { limit: 5, includeEmbedding: false });
      const elapsed = performance.now() - started;
      first ??= hits[0];
      console.log(`\nrecall("${query}")  ${hits.length} results in ${elapsed.toFixed(1)} ms`);
      console.log(
        renderTable(hits, [
          { header: '#', value: (h) => String(hits.indexOf(h) + 1), align: 'right' },
          { header: 'score', value: (h) => fmt(h.score, 4), align: 'right' },
          { header: 'semantic', value: (h) => fmt(h.breakdown.semantic), align: 'right' },
          { header: 'keyword', value: (h) => fmt(h.breakdown.keyword), align: 'right' },
          {
            header: 'ranks s/k',
            value: (h) => `${h.breakdown.semanticRank ?? '—'}/${h.breakdown.keywordRank ?? '—'}`,
          },
          { header: 'type', value: (h) => h.memory.memoryType },
          { header: 'domain', value: (h) => h.memory.domain ?? '' },
          { header: 'memory', value: (h) => h.memory.content, max: 72 },
        ]),
      );
    }
    if (first !== undefined) console.log(`\nWhy the first result ranked first:\n${first.explain}`);
  } finally {
    await store.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
