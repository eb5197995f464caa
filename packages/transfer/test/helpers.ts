import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RECORD_TABLES } from '@athena/core-types';
import type {
  CreateGoalInput,
  CreateTaskInput,
  DependencyType,
  MemoryType,
  RecordOf,
  RecordTable,
  RecordEpisodeInput,
  RelationshipType,
  Store,
} from '@athena/core-types';
import { HashingEmbedder } from '@athena/search';
import { PostgresStore } from '@athena/store-postgres';
import { SqliteStore } from '@athena/store-sqlite';
import {
  dropSchema,
  freshSchema,
  openInTemporaryDirectory,
  TEST_DATABASE_URL,
} from '@athena/test-postgres';
import { REFERENCES } from '../src/references.js';

/** The dimension every test store uses. */
export const DIMENSION = 64;

/** A fresh store and how to throw it away. */
export interface Opened {
  readonly store: Store;
  readonly dispose: () => Promise<void>;
}

/** The backends a transfer runs between. */
export type BackendName = 'sqlite' | 'postgres';

/** A fresh, initialised store of `backend`. */
export async function openStore(backend: BackendName, dimension = DIMENSION): Promise<Opened> {
  if (backend === 'sqlite') {
    return openInTemporaryDirectory(
      'athena-transfer-',
      (dir) => new SqliteStore({ path: join(dir, 'memory.db'), embeddingDimension: dimension }),
    );
  }
  const schema = freshSchema('athena_transfer');
  const store = new PostgresStore({
    connectionString: TEST_DATABASE_URL,
    schema,
    embeddingDimension: dimension,
    poolMax: 4,
  });
  await store.init();
  return {
    store,
    dispose: async () => {
      await store.close();
      await dropSchema(schema);
    },
  };
}

interface Note {
  readonly content: string;
  readonly memoryType: MemoryType;
  readonly domain: string;
  readonly tags: readonly string[];
}

interface Session {
  readonly episodes: readonly (Omit<RecordEpisodeInput, 'timestamp'> & {
    readonly minutesAgo: number;
  })[];
  readonly goals: readonly (CreateGoalInput & { readonly key: string })[];
  readonly tasks: readonly (Omit<CreateTaskInput, 'goalId'> & { readonly goalKey: string })[];
}

function corpus<T>(name: string): T {
  const url = new URL(`../../../apps/demo/corpus/${name}`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as T;
}

/** The demo's 241 notes and its recorded session, embedded with the hashing embedder. */
export async function loadDemoCorpus(store: Store): Promise<number> {
  const embedder = new HashingEmbedder({ dimension: store.embeddingDimension });
  const project = await store.projects.create({
    name: 'ledgerly-demo',
    path: '/demo/ledgerly',
    description: 'the demo corpus',
  });
  const notes = corpus<Note[]>('notes.json');
  const vectors = await embedder.embedMany(notes.map((note) => note.content));
  await store.memories.storeMany(
    project.id,
    notes.map((note, i) => ({
      content: note.content,
      memoryType: note.memoryType,
      domain: note.domain,
      tags: note.tags,
      embedding: vectors[i] as Float32Array,
      embeddingModel: embedder.modelId,
    })),
  );
  const session = corpus<Session>('session.json');
  const now = Date.parse('2025-11-20T12:00:00Z');
  await store.episodes.recordMany(
    project.id,
    session.episodes.map(({ minutesAgo, ...episode }) => ({
      ...episode,
      timestamp: new Date(now - minutesAgo * 60_000),
    })),
  );
  const goals = new Map<string, number>();
  for (const { key, ...goal } of session.goals) {
    goals.set(key, (await store.goals.create(project.id, goal)).id);
  }
  for (const { goalKey, ...task } of session.tasks) {
    await store.tasks.create(project.id, { ...task, goalId: goals.get(goalKey) ?? null });
  }
  return project.id;
}

/** mulberry32: the same seed gives the same data everywhere. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const RELATIONSHIPS: RelationshipType[] = [
  'reinforces',
  'contradicts',
  'extends',
  'depends_on',
  'caused_by',
];
const DEPENDENCIES: DependencyType[] = ['imports', 'calls', 'extends', 'implements', 'uses'];

/**
 * A project of generated data with every kind of row and state: `memories`
 * memories (random vectors, unicode content, tags), accesses, updates,
 * claims, consolidations, labile and superseded memories with their
 * transition log, relationships, episodes (some consolidated), a goal tree
 * three levels deep with tasks and sub-tasks, code entities with a
 * dependency graph (a cycle included) and pending edges, decisions superseded in a chain, with
 * scenarios.
 */
export async function generateProject(
  store: Store,
  options: { readonly name: string; readonly memories: number; readonly seed: number },
): Promise<number> {
  const random = seeded(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const project = await store.projects.create({ name: options.name, path: `/gen/${options.name}` });
  const p = project.id;
  const base = Date.parse('2024-06-01T00:00:00.000Z');
  const ids = await store.memories.storeMany(
    p,
    Array.from({ length: options.memories }, (_, i) => ({
      content: `memory ${i} of ${options.name}: ${['ünïcode ✓', 'emoji 🧠', 'tabs\tand\nlines', 'plain'][i % 4]} ${random().toString(36)}`,
      embedding: Float32Array.from({ length: store.embeddingDimension }, () => random() * 2 - 1),
      memoryType: pick(['fact', 'pattern', 'decision', 'context', 'code', 'insight'] as const),
      domain: i % 3 === 0 ? null : pick(['db', 'api', 'ui']),
      tags: i % 5 === 0 ? [] : [pick(['a', 'b', 'c']), `t${i % 7}`],
      embeddingModel: 'gen-model',
      usefulnessScore: Math.round(random() * 100) / 100,
      confidence: Math.round(random() * 100) / 100,
      sessionId: i % 4 === 0 ? `s${i % 3}` : null,
      createdAt: new Date(base + i * 61_001),
    })),
  );
  const at = (minutes: number) => new Date(base + minutes * 60_000 + 7);
  await store.memories.recordAccess(
    p,
    ids.filter((_, i) => i % 3 === 0),
    {
      retrieved: true,
      at: at(50_000),
    },
  );
  for (const id of ids.filter((_, i) => i % 17 === 0)) {
    await store.memories.update(p, id, { confidence: 0.25 });
  }
  const claimed = await store.consolidation.claimBatch(p, {
    worker: 'w1',
    limit: Math.floor(options.memories / 4),
    now: at(60_000),
  });
  for (const [i, memory] of claimed.entries()) {
    if (i % 4 === 3) continue; // stays claimed
    await store.consolidation.transition(p, memory.id, 'consolidated', {
      actor: 'w1',
      reason: 'batch',
      at: at(60_001),
    });
    if (i % 4 === 1) await store.consolidation.labilize(p, [memory.id], at(60_002));
  }
  const tail = ids.slice(-Math.floor(options.memories / 10));
  for (let i = 0; i + 1 < tail.length; i += 2) {
    await store.consolidation.transition(p, tail[i] as number, 'superseded', {
      supersededBy: tail[i + 1] as number,
      at: at(61_000),
    });
  }
  for (let i = 0; i < options.memories; i++) {
    const from = pick(ids);
    const to = pick(ids);
    if (from === to) continue;
    await store.relationships.link(p, {
      fromMemoryId: from,
      toMemoryId: to,
      relationshipType: pick(RELATIONSHIPS),
      strength: Math.round(random() * 100) / 100,
    });
  }
  const episodes = await store.episodes.recordMany(
    p,
    Array.from({ length: Math.floor(options.memories / 2) }, (_, i) => ({
      sessionId: `s${i % 3}`,
      eventType: pick(['action', 'error', 'test_run', 'observation'] as const),
      content: `event ${i}`,
      timestamp: at(i),
      durationMs: i % 2 === 0 ? i * 10 : null,
      outcome: pick(['success', 'failure', null] as const),
      context: { cwd: '/repo', files: [`f${i}.ts`], branch: i % 2 === 0 ? 'main' : null },
      filesChanged: i % 4,
      linesAdded: i,
      linesDeleted: i % 3,
      learned: i % 5 === 0 ? 'lesson' : null,
      surpriseScore: i % 2 === 0 ? 0.5 : null,
    })),
  );
  await store.episodes.markConsolidated(
    p,
    episodes.filter((_, i) => i % 3 === 0).map((e) => e.id),
    at(70_000),
  );
  await store.episodes.markConsolidated(
    p,
    episodes.filter((_, i) => i % 3 === 1).map((e) => e.id),
    { at: at(70_001), into: ids[0] as number },
  );
  for (let i = 0; i < 3; i++) {
    await store.consolidation.recordRun(p, {
      workerId: `worker-${i}`,
      startedAt: at(80_000 + i),
      finishedAt: at(80_000 + i + 0.5),
      claimed: 10 * i,
      clusters: i,
      created: i,
      superseded: 2 * i,
      linked: 3 * i,
      episodes: i,
      released: 0,
      closed: 0,
      fallbacks: 0,
      errors: i === 2 ? 1 : 0,
      error: i === 2 ? 'settle: boom' : null,
      phases: { claim: 1.5 * i, settle: 10.25 },
    });
  }
  const goals: number[] = [];
  for (let i = 0; i < 12; i++) {
    const parent = i < 3 ? null : (goals[Math.floor((i - 3) / 3)] as number);
    const goal = await store.goals.create(p, {
      title: `goal ${i}`,
      parentGoalId: parent,
      priority: 1 + (i % 10),
      progress: (i % 5) / 5,
      deadline: i % 2 === 0 ? at(100_000 + i) : null,
    });
    goals.push(goal.id);
    if (i % 4 === 0) await store.goals.update(p, goal.id, { status: 'completed' });
  }
  const tasks: number[] = [];
  for (let i = 0; i < 24; i++) {
    const task = await store.tasks.create(p, {
      title: `task ${i}`,
      goalId: i % 3 === 0 ? null : pick(goals),
      parentTaskId: i >= 6 && i % 2 === 0 ? (tasks[i - 6] as number) : null,
      dueAt: i % 2 === 0 ? at(200_000 + i) : null,
    });
    tasks.push(task.id);
    if (i % 5 === 0) await store.tasks.update(p, task.id, { status: 'completed' });
  }
  await store.goals.delete(p, goals[11] as number);
  const entities: number[] = [];
  for (let i = 0; i < 30; i++) {
    const entity = await store.code.upsertEntity(p, {
      filePath: `src/m${i % 6}.ts`,
      name: `fn${i}`,
      entityType: pick(['function', 'class', 'method'] as const),
      language: 'typescript',
      signature: `fn${i}(): void`,
      startLine: i + 1,
      endLine: i + 5,
      complexity: i / 3,
      memoryId: i % 4 === 0 ? pick(ids) : null,
    });
    entities.push(entity.id);
  }
  for (let i = 0; i < 60; i++) {
    const from = pick(entities);
    const to = pick(entities);
    if (from !== to) {
      await store.code.addDependency(p, {
        fromEntityId: from,
        toEntityId: to,
        dependencyType: pick(DEPENDENCIES),
      });
    }
  }
  // Same-named members told apart by their qualified names; edges to code not indexed yet stay pending.
  await store.code.replaceFile(p, 'src/workers.ts', {
    entities: [
      {
        name: 'run',
        qualifiedName: 'Worker.run',
        entityType: 'method',
        startLine: 3,
        exported: true,
      },
      {
        name: 'run',
        qualifiedName: 'Reader.run',
        entityType: 'method',
        startLine: 9,
        exported: false,
      },
    ],
    // What the indexer could not resolve is kept as written.
    unresolved: [
      {
        from: { qualifiedName: 'Worker.run' },
        dependencyType: 'calls',
        target: 'queue.take',
        line: 4,
      },
      { from: { qualifiedName: 'Reader.run' }, dependencyType: 'imports', target: './missing' },
    ],
    edges: [
      {
        from: { qualifiedName: 'Worker.run' },
        to: { qualifiedName: 'Queue.take' },
        dependencyType: 'calls',
      },
      {
        from: { qualifiedName: 'Reader.run' },
        to: { qualifiedName: 'Stream.read', filePath: 'src/stream.ts', entityType: 'method' },
        dependencyType: 'calls',
      },
    ],
  });
  let decision = await store.decisions.create(p, {
    title: 'decision 0',
    alternatives: ['x', 'y'],
  });
  for (let i = 1; i < 6; i++) {
    const { replacement } = await store.decisions.supersede(p, decision.id, {
      title: `decision ${i}`,
      rationale: `because ${i}`,
      confidence: i / 10,
    });
    await store.decisions.addScenario(p, replacement.id, {
      scenarioType: pick(['best_case', 'worst_case', 'likely', 'edge_case'] as const),
      description: `scenario ${i}`,
      probability: i / 10,
    });
    decision = replacement;
  }
  await store.decisions.validate(p, decision.id, 'confirmed');
  const rejected = await store.decisions.create(p, { title: 'rejected one' });
  await store.decisions.reject(p, rejected.id, 'no');
  return p;
}

/** Every record of `table` in `projectIds`, by id. */
async function allRecords<T extends RecordTable>(
  store: Store,
  table: T,
  projectIds: readonly number[],
): Promise<RecordOf<T>[]> {
  const out: RecordOf<T>[] = [];
  let after = 0;
  for (;;) {
    const page = await store.records.page(table, { after, limit: 1000, projectIds });
    out.push(...page);
    const last = page.at(-1);
    if (last === undefined) return out;
    after = last.id;
  }
}

/**
 * Every record of the given projects with ids replaced by their rank in
 * their table (references likewise), so two databases holding the same data
 * under different ids compare equal — and any other difference, in any
 * field, shows.
 */
export async function snapshot(
  store: Store,
  projectIds: readonly number[],
): Promise<Record<RecordTable, unknown[]>> {
  const records = {} as Record<RecordTable, Record<string, unknown>[]>;
  for (const table of RECORD_TABLES) {
    records[table] = (await allRecords(store, table, projectIds)) as unknown as Record<
      string,
      unknown
    >[];
  }
  const ranks = new Map<RecordTable, Map<unknown, number>>(
    RECORD_TABLES.map((table) => [table, new Map(records[table].map((r, i) => [r['id'], i]))]),
  );
  const rank = (table: RecordTable, id: unknown) =>
    id === null ? null : (ranks.get(table)?.get(id) ?? `missing ${table} ${String(id)}`);
  const out = {} as Record<RecordTable, unknown[]>;
  for (const table of RECORD_TABLES) {
    out[table] = records[table].map((record) => {
      const normal: Record<string, unknown> = { ...record, id: rank(table, record['id']) };
      if (table !== 'projects') normal['projectId'] = rank('projects', record['projectId']);
      for (const reference of REFERENCES[table]) {
        normal[reference.field] = rank(reference.table, record[reference.field]);
      }
      if (table === 'memories' || table === 'decisions') {
        normal['supersededBy'] = rank(table, record['supersededBy']);
      }
      if (table === 'memories')
        normal['embedding'] = Array.from(record['embedding'] as Float32Array);
      return normal;
    });
  }
  return out;
}
