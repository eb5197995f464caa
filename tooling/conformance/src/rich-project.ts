import type { Store } from '@athena/core-types';
import { exactly, present, unitVector } from './fixtures.js';

/** A fixed instant the data set's times are built from. */
const BASE = new Date('2024-03-01T10:00:00.123Z');

const at = (minutes: number) => new Date(BASE.getTime() + minutes * 60_000);

/**
 * Fills a project with one of everything, through the ordinary API, so every
 * field a verbatim copy must keep has a non-default value somewhere:
 * explicit creation times, access counts, an update (version 2), a memory
 * consolidated then made labile, one still claimed (`consolidating` with a
 * lease), one superseded, the transition log, a relationship, a consolidated
 * episode with context, a goal tree, tasks under it (one completed), three code
 * entities (one describing a memory, one with a qualified name), a dependency
 * and a pending edge to code not indexed yet, a superseded decision,
 * a validated one and a scenario.
 *
 * @example
 * ```ts
 * await richProject(store, project.id);
 * ```
 */
export async function richProject(store: Store, projectId: number): Promise<void> {
  const p = projectId;
  const [m1, m4, m2, m3] = exactly(
    await store.memories.storeMany(p, [
      {
        content: 'The invoice service retries webhooks eight times',
        embedding: unitVector(0),
        memoryType: 'fact',
        domain: 'payments',
        tags: ['webhooks', 'retries'],
        embeddingModel: 'model-a',
        usefulnessScore: 0.4,
        confidence: 0.9,
        sessionId: 'session-1',
        eventType: 'observation',
        createdAt: at(0),
      },
      {
        content: 'Claimed and not yet consolidated',
        embedding: unitVector(3),
        memoryType: 'pattern',
        contentType: 'markdown',
        embeddingModel: 'model-a',
        createdAt: at(1),
      },
      {
        content: 'function retry(n) { return n * 2 }',
        embedding: unitVector(1),
        memoryType: 'code',
        contentType: 'code',
        codeLanguage: 'typescript',
        codeHash: 'abc123',
        embeddingModel: 'model-a',
        createdAt: at(2),
      },
      {
        content: 'Webhooks are retried five times (outdated)',
        embedding: unitVector(2),
        memoryType: 'decision',
        embeddingModel: 'model-a',
        createdAt: at(3),
      },
    ]),
    4,
  );
  await store.memories.recordAccess(p, [m1, m2], { retrieved: true, at: at(10) });
  await store.memories.recordAccess(p, [m1], { at: at(11) });
  await store.memories.update(p, m2, { confidence: 0.7, tags: ['code'] });
  const [claimed] = await store.consolidation.claimBatch(p, {
    worker: 'worker-1',
    limit: 1,
    now: at(20),
  });
  await store.consolidation.transition(p, present(claimed, 'claim').id, 'consolidated', {
    reason: 'stable',
    actor: 'worker-1',
    at: at(21),
  });
  await store.consolidation.labilize(p, [m1], at(22));
  await store.consolidation.claimBatch(p, { worker: 'worker-2', limit: 1, now: at(23) });
  await store.consolidation.transition(p, m3, 'superseded', {
    supersededBy: m2,
    reason: 'replaced',
    at: at(24),
  });
  await store.relationships.link(p, {
    fromMemoryId: m2,
    toMemoryId: m1,
    relationshipType: 'extends',
    strength: 0.8,
  });
  await store.relationships.link(p, {
    fromMemoryId: m4,
    toMemoryId: m1,
    relationshipType: 'depends_on',
  });
  const [episode] = await store.episodes.recordMany(p, [
    {
      sessionId: 'session-1',
      eventType: 'test_run',
      content: 'pnpm test: 1 failed',
      timestamp: at(30),
      durationMs: 4200,
      outcome: 'failure',
      context: { cwd: '/src/app', files: ['a.ts', 'b.ts'], task: 'fix retries', branch: 'main' },
      filesChanged: 2,
      linesAdded: 10,
      linesDeleted: 3,
      learned: 'retries need jitter',
      surpriseScore: 0.6,
      confidence: 0.8,
    },
    { sessionId: 'session-1', eventType: 'action', content: 'edited retry.ts', timestamp: at(31) },
  ]);
  await store.episodes.markConsolidated(p, [present(episode, 'episode').id], {
    at: at(32),
    into: m1,
  });
  await store.consolidation.recordRun(p, {
    workerId: 'worker-1',
    startedAt: at(33),
    finishedAt: at(34),
    claimed: 2,
    clusters: 1,
    created: 1,
    superseded: 1,
    linked: 1,
    episodes: 1,
    released: 0,
    closed: 0,
    fallbacks: 0,
    errors: 0,
    error: null,
    phases: { claim: 1.5, settle: 12.25 },
  });
  const root = await store.goals.create(p, {
    title: 'Reliable webhooks',
    priority: 8,
    deadline: at(1000),
  });
  const child = await store.goals.create(p, {
    title: 'Retry with jitter',
    parentGoalId: root.id,
    status: 'active',
    progress: 0.5,
  });
  const task = await store.tasks.create(p, {
    title: 'Write the retry test',
    goalId: child.id,
    priority: 9,
    dueAt: at(500),
  });
  await store.tasks.create(p, { title: 'Check jitter bounds', parentTaskId: task.id });
  await store.tasks.update(p, task.id, { status: 'completed' });
  const file = await store.code.upsertEntity(p, {
    filePath: 'src/retry.ts',
    name: 'src/retry.ts',
    entityType: 'file',
    language: 'typescript',
  });
  const fn = await store.code.upsertEntity(p, {
    filePath: 'src/retry.ts',
    name: 'retry',
    entityType: 'function',
    language: 'typescript',
    signature: 'retry(n: number): number',
    docstring: 'Doubles n.',
    startLine: 1,
    endLine: 3,
    complexity: 1.5,
    codeHash: 'abc123',
    memoryId: m2,
  });
  await store.code.addDependency(p, {
    fromEntityId: file.id,
    toEntityId: fn.id,
    dependencyType: 'imports',
  });
  // A method with a qualified name, and an edge to code not indexed yet: kept pending.
  await store.code.replaceFile(p, 'src/client.ts', {
    entities: [
      {
        name: 'send',
        qualifiedName: 'Client.send',
        entityType: 'method',
        language: 'typescript',
        exported: true,
      },
    ],
    unresolved: [
      {
        from: { qualifiedName: 'Client.send' },
        dependencyType: 'calls',
        target: 'transport.write',
        line: 4,
      },
    ],
    edges: [
      {
        from: { qualifiedName: 'Client.send' },
        to: { qualifiedName: 'Backoff.next', filePath: 'src/backoff.ts', entityType: 'method' },
        dependencyType: 'calls',
      },
    ],
  });
  const decision = await store.decisions.create(p, {
    title: 'Retry five times',
    rationale: 'enough',
    alternatives: ['three', 'ten'],
  });
  const { replacement } = await store.decisions.supersede(p, decision.id, {
    title: 'Retry eight times',
    confidence: 0.9,
  });
  await store.decisions.validate(p, replacement.id, 'incident review');
  await store.decisions.addScenario(p, replacement.id, {
    scenarioType: 'worst_case',
    description: 'the provider is down for an hour',
    probability: 0.1,
    impact: 'late invoices',
  });
}
