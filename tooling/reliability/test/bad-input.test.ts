import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AthenaError, LIMITS, encodeCursor } from '@athena/core-types';
import type { AthenaErrorCode, Store } from '@athena/core-types';
import { PostgresStore } from '@athena/store-postgres';
import { SqliteStore } from '@athena/store-sqlite';
import {
  adminQuery,
  describePostgres,
  dropSchema,
  freshSchema,
  TEST_DATABASE_URL,
} from '@athena/test-postgres';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { record } from '../src/report.js';

/**
 * The bad-input matrix: each kind of bad input a caller can hand the public
 * Store API, on every backend. Each must be refused with the same typed
 * error code on every backend, and must leave every table of the database
 * (side tables included: SQLite's vector and full-text tables, PostgreSQL's
 * `memory_text_index` and `memory_states`) exactly as it was.
 */

const DIMENSION = 8;

/** A unit vector along `axis`: a valid embedding. */
function unit(axis: number): number[] {
  const vector = new Array<number>(DIMENSION).fill(0);
  vector[axis] = 1;
  return vector;
}

/** Eight components, the first `first`, the rest zero. */
function firstIs(first: unknown): unknown[] {
  return [first, 0, 0, 0, 0, 0, 0, 0];
}

/** What the seed left in the store, for the bad inputs to aim at. */
interface Seed {
  readonly projectId: number;
  readonly otherProjectId: number;
  readonly memoryA: number;
  readonly memoryB: number;
  /** Superseded by `memoryA`. */
  readonly supersededMemory: number;
  /** A memory of the other project. */
  readonly otherMemory: number;
  readonly eventId: number;
  readonly goalId: number;
  readonly otherGoalId: number;
  readonly taskId: number;
  readonly proposedDecision: number;
  readonly validatedDecision: number;
  readonly rejectedDecision: number;
  readonly entityA: number;
  readonly entityB: number;
}

/** A small realistic project (and a second one) for updates, deletes and links to hit. */
async function seed(store: Store): Promise<Seed> {
  const project = await store.projects.create({ name: 'reliability', path: '/src/reliability' });
  const other = await store.projects.create({ name: 'other', path: '/src/other' });
  const p = project.id;
  const [memoryA, memoryB, supersededMemory] = await store.memories.storeMany(p, [
    { content: 'The build uses pnpm workspaces and turbo', embedding: unit(0), tags: ['build'] },
    { content: 'Tests run against real databases', embedding: unit(1), memoryType: 'pattern' },
    { content: 'The build used npm once', embedding: unit(2), domain: 'history' },
  ]);
  if (memoryA === undefined || memoryB === undefined || supersededMemory === undefined) {
    throw new Error('seed: storeMany returned too few ids');
  }
  await store.consolidation.transition(p, supersededMemory, 'superseded', {
    supersededBy: memoryA,
    reason: 'replaced',
  });
  const otherMemory = await store.memories.store(other.id, {
    content: 'A memory of another project',
    embedding: unit(3),
  });
  await store.relationships.link(p, {
    fromMemoryId: memoryA,
    toMemoryId: memoryB,
    relationshipType: 'reinforces',
    strength: 0.8,
  });
  const event = await store.episodes.record(p, {
    sessionId: 'session-1',
    eventType: 'test_run',
    content: 'Ran the reliability suite',
    outcome: 'success',
  });
  const goal = await store.goals.create(p, { title: 'Ship issue 18', priority: 8 });
  const otherGoal = await store.goals.create(other.id, { title: 'Another goal' });
  const task = await store.tasks.create(p, { title: 'Write the matrix', goalId: goal.id });
  const proposed = await store.decisions.create(p, { title: 'Use zod', confidence: 0.7 });
  const validated = await store.decisions.create(p, { title: 'Use vitest' });
  await store.decisions.validate(p, validated.id, 'works');
  const rejected = await store.decisions.create(p, { title: 'Use mocks' });
  await store.decisions.reject(p, rejected.id, 'never mock the database');
  await store.decisions.addScenario(p, proposed.id, {
    scenarioType: 'likely',
    description: 'Validation errors name the field',
  });
  const file = await store.code.replaceFile(p, 'src/a.ts', {
    entities: [
      { name: 'main', entityType: 'function', startLine: 1, endLine: 5, language: 'typescript' },
      { name: 'helper', entityType: 'function', startLine: 7, endLine: 9, language: 'typescript' },
    ],
    edges: [
      { from: { qualifiedName: 'main' }, to: { qualifiedName: 'helper' }, dependencyType: 'calls' },
    ],
    unresolved: [{ from: { qualifiedName: 'main' }, dependencyType: 'imports', target: 'lodash' }],
  });
  const [entityA, entityB] = file.entities;
  if (entityA === undefined || entityB === undefined) throw new Error('seed: no entities');
  return {
    projectId: p,
    otherProjectId: other.id,
    memoryA,
    memoryB,
    supersededMemory,
    otherMemory: otherMemory.id,
    eventId: event.id,
    goalId: goal.id,
    otherGoalId: otherGoal.id,
    taskId: task.id,
    proposedDecision: proposed.id,
    validatedDecision: validated.id,
    rejectedDecision: rejected.id,
    entityA: entityA.id,
    entityB: entityB.id,
  };
}

/** One kind of bad input: what the call is, and the code every backend must answer. */
interface BadInput {
  readonly kind: string;
  readonly code: AthenaErrorCode;
  readonly run: (store: Store, seed: Seed) => Promise<unknown>;
}

/** Lets a test hand the API a value its types forbid, as a JavaScript caller could. */
function bad<T = never>(value: unknown): T {
  return value as T;
}

const UNKNOWN = 987_654;
const LONG_CONTENT = 'x'.repeat(LIMITS.contentLength + 1);
const LONG_SHORT_TEXT = 'x'.repeat(LIMITS.shortText + 1);
const LONG_SEARCH = 'x'.repeat(LIMITS.searchTextLength + 1);
const MANY_WORDS = Array.from({ length: LIMITS.searchTerms + 1 }, (_, i) => `word${i}`).join(' ');
const memory = (extra: Record<string, unknown> = {}) =>
  bad({ content: 'a valid memory', embedding: unit(4), ...extra });

const BAD_INPUTS: readonly BadInput[] = [
  // ------------------------------------------------------------------ ids
  { kind: 'id 0 (projects.touch)', code: 'validation', run: (s) => s.projects.touch(0) },
  {
    kind: 'id -1 (memories.get)',
    code: 'validation',
    run: (s, d) => s.memories.get(d.projectId, -1),
  },
  {
    kind: 'id 1.5 (memories.update)',
    code: 'validation',
    run: (s, d) => s.memories.update(d.projectId, 1.5, { content: 'changed' }),
  },
  { kind: 'id NaN (goals.get)', code: 'validation', run: (s, d) => s.goals.get(d.projectId, NaN) },
  {
    kind: "id as a string '1' (tasks.get)",
    code: 'validation',
    run: (s, d) => s.tasks.get(d.projectId, bad('1')),
  },
  {
    kind: 'id beyond 2^53 (memories.delete)',
    code: 'validation',
    run: (s, d) => s.memories.delete(d.projectId, 2 ** 53 + 2),
  },
  {
    kind: 'project id Infinity (memories.list)',
    code: 'validation',
    run: (s) => s.memories.list(Infinity),
  },
  {
    kind: 'one bad id in a list (memories.getMany)',
    code: 'validation',
    run: (s, d) => s.memories.getMany(d.projectId, [d.memoryA, -3]),
  },
  {
    kind: 'unknown memory id (memories.update)',
    code: 'not_found',
    run: (s, d) => s.memories.update(d.projectId, UNKNOWN, { content: 'changed' }),
  },
  {
    kind: 'memory id of another project (memories.update)',
    code: 'not_found',
    run: (s, d) => s.memories.update(d.projectId, d.otherMemory, { content: 'stolen' }),
  },
  {
    kind: 'unknown project (memories.store)',
    code: 'not_found',
    run: (s) => s.memories.store(UNKNOWN, memory()),
  },
  {
    kind: 'unknown project (projects.touch)',
    code: 'not_found',
    run: (s) => s.projects.touch(UNKNOWN),
  },
  {
    kind: 'unknown goal (goals.update)',
    code: 'not_found',
    run: (s, d) => s.goals.update(d.projectId, UNKNOWN, { status: 'active' }),
  },
  {
    kind: 'goal of another project (goals.update)',
    code: 'not_found',
    run: (s, d) => s.goals.update(d.projectId, d.otherGoalId, { status: 'active' }),
  },
  {
    kind: 'unknown task (tasks.update)',
    code: 'not_found',
    run: (s, d) => s.tasks.update(d.projectId, UNKNOWN, { status: 'completed' }),
  },
  {
    kind: 'unknown decision (decisions.validate)',
    code: 'not_found',
    run: (s, d) => s.decisions.validate(d.projectId, UNKNOWN),
  },
  {
    kind: 'link to a memory of another project',
    code: 'not_found',
    run: (s, d) =>
      s.relationships.link(d.projectId, {
        fromMemoryId: d.memoryA,
        toMemoryId: d.otherMemory,
        relationshipType: 'extends',
      }),
  },
  {
    kind: 'task under a goal of another project',
    code: 'not_found',
    run: (s, d) => s.tasks.create(d.projectId, { title: 'orphan', goalId: d.otherGoalId }),
  },
  {
    kind: 'sub-goal of an unknown goal',
    code: 'not_found',
    run: (s, d) => s.goals.create(d.projectId, { title: 'orphan', parentGoalId: UNKNOWN }),
  },
  {
    kind: 'events consolidated into an unknown memory',
    code: 'not_found',
    run: (s, d) => s.episodes.markConsolidated(d.projectId, [d.eventId], { into: UNKNOWN }),
  },
  {
    kind: 'dependency on an unknown entity',
    code: 'not_found',
    run: (s, d) =>
      s.code.addDependency(d.projectId, {
        fromEntityId: d.entityA,
        toEntityId: UNKNOWN,
        dependencyType: 'calls',
      }),
  },
  {
    kind: 'scenario of an unknown decision',
    code: 'not_found',
    run: (s, d) =>
      s.decisions.addScenario(d.projectId, UNKNOWN, { scenarioType: 'likely', description: 'x' }),
  },
  {
    kind: 'transition of an unknown memory',
    code: 'not_found',
    run: (s, d) => s.consolidation.transition(d.projectId, UNKNOWN, 'consolidating'),
  },
  // -------------------------------------------------------------- vectors
  {
    kind: 'embedding one component short (store)',
    code: 'dimension_mismatch',
    run: (s, d) => s.memories.store(d.projectId, memory({ embedding: unit(0).slice(1) })),
  },
  {
    kind: 'embedding one component too many (update)',
    code: 'dimension_mismatch',
    run: (s, d) => s.memories.update(d.projectId, d.memoryA, { embedding: [...unit(0), 1] }),
  },
  {
    kind: 'empty query vector (search.semantic)',
    code: 'dimension_mismatch',
    run: (s, d) => s.search.semantic(d.projectId, []),
  },
  {
    kind: 'NaN component',
    code: 'validation',
    run: (s, d) => s.memories.store(d.projectId, memory({ embedding: firstIs(NaN) })),
  },
  {
    kind: 'Infinity component',
    code: 'validation',
    run: (s, d) => s.memories.store(d.projectId, memory({ embedding: firstIs(Infinity) })),
  },
  {
    kind: '-Infinity component (update)',
    code: 'validation',
    run: (s, d) =>
      s.memories.update(d.projectId, d.memoryA, { embedding: bad(firstIs(-Infinity)) }),
  },
  {
    kind: 'all-zero embedding',
    code: 'validation',
    run: (s, d) => s.memories.store(d.projectId, memory({ embedding: firstIs(0) })),
  },
  {
    kind: 'embedding of length 1e-30',
    code: 'validation',
    run: (s, d) => s.memories.store(d.projectId, memory({ embedding: firstIs(1e-30) })),
  },
  {
    kind: 'embedding of length 3e38',
    code: 'validation',
    run: (s, d) => s.memories.store(d.projectId, memory({ embedding: firstIs(3e38) })),
  },
  {
    kind: 'component beyond the 32-bit float range (1e39)',
    code: 'validation',
    run: (s, d) => s.memories.store(d.projectId, memory({ embedding: firstIs(1e39) })),
  },
  {
    kind: 'strings as components',
    code: 'validation',
    run: (s, d) => s.memories.store(d.projectId, memory({ embedding: unit(0).map(String) })),
  },
  {
    kind: 'a string as embedding',
    code: 'validation',
    run: (s, d) => s.memories.store(d.projectId, memory({ embedding: 'abcdefgh' })),
  },
  {
    kind: 'null embedding',
    code: 'validation',
    run: (s, d) => s.memories.store(d.projectId, memory({ embedding: null })),
  },
  {
    kind: 'missing embedding',
    code: 'validation',
    run: (s, d) => s.memories.store(d.projectId, bad({ content: 'no vector' })),
  },
  {
    kind: 'NaN in a hybrid query vector',
    code: 'validation',
    run: (s, d) => s.search.hybrid(d.projectId, { embedding: bad(firstIs(NaN)), text: 'build' }),
  },
  // ---------------------------------------------------------------- texts
  {
    kind: 'blank content',
    code: 'validation',
    run: (s, d) => s.memories.store(d.projectId, memory({ content: '   ' })),
  },
  {
    kind: 'content over LIMITS.contentLength',
    code: 'validation',
    run: (s, d) => s.memories.store(d.projectId, memory({ content: LONG_CONTENT })),
  },
  {
    kind: 'content with NUL',
    code: 'validation',
    run: (s, d) => s.memories.store(d.projectId, memory({ content: 'a\u0000b' })),
  },
  {
    kind: 'content with a lone surrogate (update)',
    code: 'validation',
    run: (s, d) => s.memories.update(d.projectId, d.memoryA, { content: 'broken \uD800 text' }),
  },
  {
    kind: 'content as a number',
    code: 'validation',
    run: (s, d) => s.memories.store(d.projectId, memory({ content: 42 })),
  },
  {
    kind: 'empty project name',
    code: 'validation',
    run: (s) => s.projects.create({ name: '', path: '/src/empty-name' }),
  },
  {
    kind: 'project path over LIMITS.shortText',
    code: 'validation',
    run: (s) => s.projects.create({ name: 'long-path', path: LONG_SHORT_TEXT }),
  },
  {
    kind: 'lookup key with NUL (projects.getByPath)',
    code: 'validation',
    run: (s) => s.projects.getByPath('/src/\u0000'),
  },
  {
    kind: 'empty goal title',
    code: 'validation',
    run: (s, d) => s.goals.create(d.projectId, { title: '' }),
  },
  {
    kind: 'task title with a lone surrogate',
    code: 'validation',
    run: (s, d) => s.tasks.update(d.projectId, d.taskId, { title: 'task \uDC00' }),
  },
  {
    kind: 'tag over LIMITS.shortText',
    code: 'validation',
    run: (s, d) => s.memories.store(d.projectId, memory({ tags: [LONG_SHORT_TEXT] })),
  },
  {
    kind: 'more than LIMITS.tags tags',
    code: 'validation',
    run: (s, d) =>
      s.memories.update(d.projectId, d.memoryA, {
        tags: Array.from({ length: LIMITS.tags + 1 }, (_, i) => `tag${i}`),
      }),
  },
  {
    kind: 'empty episode session id',
    code: 'validation',
    run: (s, d) =>
      s.episodes.record(d.projectId, { sessionId: '', eventType: 'action', content: 'x' }),
  },
  {
    kind: 'decision title not a string',
    code: 'validation',
    run: (s, d) => s.decisions.create(d.projectId, { title: bad(['Use zod']) }),
  },
  {
    kind: 'blank keyword search text',
    code: 'validation',
    run: (s, d) => s.search.keyword(d.projectId, ' \t '),
  },
  {
    kind: 'keyword search text over LIMITS.searchTextLength',
    code: 'validation',
    run: (s, d) => s.search.keyword(d.projectId, LONG_SEARCH),
  },
  {
    kind: 'keyword search text over LIMITS.searchTerms words',
    code: 'validation',
    run: (s, d) => s.search.keyword(d.projectId, MANY_WORDS),
  },
  {
    kind: 'hybrid search text with NUL',
    code: 'validation',
    run: (s, d) => s.search.hybrid(d.projectId, { embedding: unit(0), text: 'build\u0000' }),
  },
  {
    kind: 'hybrid search text over LIMITS.searchTextLength',
    code: 'validation',
    run: (s, d) => s.search.hybrid(d.projectId, { embedding: unit(0), text: LONG_SEARCH }),
  },
  // ------------------------------------------------------- unknown fields
  {
    kind: "misspelled option 'treshold' (search.semantic)",
    code: 'validation',
    run: (s, d) => s.search.semantic(d.projectId, unit(0), bad({ treshold: 0.5 })),
  },
  {
    kind: "extra field 'importance' in a memory",
    code: 'validation',
    run: (s, d) => s.memories.store(d.projectId, memory({ importance: 0.9 })),
  },
  {
    kind: "misspelled option 'weight' (search.hybrid)",
    code: 'validation',
    run: (s, d) =>
      s.search.hybrid(d.projectId, { embedding: unit(0), text: 'build' }, bad({ weight: 0.5 })),
  },
  {
    kind: "misspelled option 'filter' (memories.list)",
    code: 'validation',
    run: (s, d) => s.memories.list(d.projectId, bad({ filter: { tags: ['build'] } })),
  },
  {
    kind: "misspelled filter 'memoryType'",
    code: 'validation',
    run: (s, d) => s.memories.count(d.projectId, bad({ memoryType: ['fact'] })),
  },
  {
    kind: "extra field 'owner' in a goal",
    code: 'validation',
    run: (s, d) => s.goals.create(d.projectId, bad({ title: 'Goal', owner: 'me' })),
  },
  {
    kind: "extra field 'kind' in a code entity",
    code: 'validation',
    run: (s, d) =>
      s.code.upsertEntity(
        d.projectId,
        bad({ filePath: 'src/b.ts', name: 'b', entityType: 'function', kind: 'fn' }),
      ),
  },
  {
    kind: "extra field 'weight' in a link",
    code: 'validation',
    run: (s, d) =>
      s.relationships.link(
        d.projectId,
        bad({
          fromMemoryId: d.memoryB,
          toMemoryId: d.memoryA,
          relationshipType: 'extends',
          weight: 1,
        }),
      ),
  },
  {
    kind: "unknown field 'state' in a task update",
    code: 'validation',
    run: (s, d) => s.tasks.update(d.projectId, d.taskId, bad({ state: 'completed' })),
  },
  // ---------------------------------------------------------------- enums
  {
    kind: "memory type 'note'",
    code: 'validation',
    run: (s, d) => s.memories.store(d.projectId, memory({ memoryType: 'note' })),
  },
  {
    kind: "content type 'html'",
    code: 'validation',
    run: (s, d) => s.memories.update(d.projectId, d.memoryA, { contentType: bad('html') }),
  },
  {
    kind: "consolidation state 'archived'",
    code: 'validation',
    run: (s, d) => s.consolidation.transition(d.projectId, d.memoryA, bad('archived')),
  },
  {
    kind: "relationship type 'related_to'",
    code: 'validation',
    run: (s, d) =>
      s.relationships.link(d.projectId, {
        fromMemoryId: d.memoryB,
        toMemoryId: d.memoryA,
        relationshipType: bad('related_to'),
      }),
  },
  {
    kind: "event type 'meeting'",
    code: 'validation',
    run: (s, d) =>
      s.episodes.record(d.projectId, { sessionId: 's', eventType: bad('meeting'), content: 'x' }),
  },
  {
    kind: "event outcome 'won'",
    code: 'validation',
    run: (s, d) =>
      s.episodes.record(d.projectId, {
        sessionId: 's',
        eventType: 'action',
        content: 'x',
        outcome: bad('won'),
      }),
  },
  {
    kind: "task status 'done'",
    code: 'validation',
    run: (s, d) => s.tasks.update(d.projectId, d.taskId, { status: bad('done') }),
  },
  {
    kind: "goal status 'finished'",
    code: 'validation',
    run: (s, d) => s.goals.update(d.projectId, d.goalId, { status: bad('finished') }),
  },
  {
    kind: "code entity type 'struct'",
    code: 'validation',
    run: (s, d) =>
      s.code.upsertEntity(d.projectId, {
        filePath: 'src/b.ts',
        name: 'b',
        entityType: bad('struct'),
      }),
  },
  {
    kind: "dependency type 'requires'",
    code: 'validation',
    run: (s, d) =>
      s.code.addDependency(d.projectId, {
        fromEntityId: d.entityB,
        toEntityId: d.entityA,
        dependencyType: bad('requires'),
      }),
  },
  {
    kind: "scenario type 'typical'",
    code: 'validation',
    run: (s, d) =>
      s.decisions.addScenario(d.projectId, d.proposedDecision, {
        scenarioType: bad('typical'),
        description: 'x',
      }),
  },
  {
    kind: "filter state 'dormant'",
    code: 'validation',
    run: (s, d) =>
      s.memories.list(d.projectId, { filters: { consolidationStates: bad(['dormant']) } }),
  },
  {
    kind: "list order 'random'",
    code: 'validation',
    run: (s, d) => s.memories.list(d.projectId, { order: bad('random') }),
  },
  {
    kind: "fusion mode 'max'",
    code: 'validation',
    run: (s, d) =>
      s.search.hybrid(d.projectId, { embedding: unit(0), text: 'build' }, { fusion: bad('max') }),
  },
  {
    kind: "traverse direction 'sideways'",
    code: 'validation',
    run: (s, d) => s.code.traverse(d.projectId, d.entityA, { direction: bad('sideways') }),
  },
  {
    kind: "decision status filter 'maybe'",
    code: 'validation',
    run: (s, d) => s.decisions.list(d.projectId, { statuses: bad(['maybe']) }),
  },
  // -------------------------------------------------------------- numbers
  {
    kind: 'limit 0 (search.semantic)',
    code: 'validation',
    run: (s, d) => s.search.semantic(d.projectId, unit(0), { limit: 0 }),
  },
  {
    kind: 'limit -1 (search.keyword)',
    code: 'validation',
    run: (s, d) => s.search.keyword(d.projectId, 'build', { limit: -1 }),
  },
  {
    kind: 'limit 1.5 (memories.list)',
    code: 'validation',
    run: (s, d) => s.memories.list(d.projectId, { limit: 1.5 }),
  },
  {
    kind: 'limit 10001 (search.hybrid)',
    code: 'validation',
    run: (s, d) =>
      s.search.hybrid(d.projectId, { embedding: unit(0), text: 'build' }, { limit: 10_001 }),
  },
  {
    kind: 'limit as a string',
    code: 'validation',
    run: (s, d) => s.memories.list(d.projectId, { limit: bad('10') }),
  },
  {
    kind: 'confidence 1.5',
    code: 'validation',
    run: (s, d) => s.memories.store(d.projectId, memory({ confidence: 1.5 })),
  },
  {
    kind: 'usefulness score -0.1',
    code: 'validation',
    run: (s, d) => s.memories.update(d.projectId, d.memoryA, { usefulnessScore: -0.1 }),
  },
  {
    kind: 'negative hybrid candidates',
    code: 'validation',
    run: (s, d) =>
      s.search.hybrid(d.projectId, { embedding: unit(0), text: 'build' }, { candidates: -5 }),
  },
  {
    kind: 'negative fusion weight',
    code: 'validation',
    run: (s, d) =>
      s.search.hybrid(
        d.projectId,
        { embedding: unit(0), text: 'build' },
        { weights: { semantic: -1, keyword: 0.3 } },
      ),
  },
  {
    kind: 'negative rrfK',
    code: 'validation',
    run: (s, d) =>
      s.search.hybrid(d.projectId, { embedding: unit(0), text: 'build' }, { rrfK: -1 }),
  },
  {
    kind: 'similarity threshold 2',
    code: 'validation',
    run: (s, d) => s.search.semantic(d.projectId, unit(0), { threshold: 2 }),
  },
  {
    kind: 'goal priority 11',
    code: 'validation',
    run: (s, d) => s.goals.update(d.projectId, d.goalId, { priority: 11 }),
  },
  {
    kind: 'goal progress 1.5',
    code: 'validation',
    run: (s, d) => s.goals.update(d.projectId, d.goalId, { progress: 1.5 }),
  },
  {
    kind: 'relationship strength 2',
    code: 'validation',
    run: (s, d) =>
      s.relationships.link(d.projectId, {
        fromMemoryId: d.memoryA,
        toMemoryId: d.memoryB,
        relationshipType: 'reinforces',
        strength: 2,
      }),
  },
  {
    kind: 'scenario probability -0.5',
    code: 'validation',
    run: (s, d) =>
      s.decisions.addScenario(d.projectId, d.proposedDecision, {
        scenarioType: 'likely',
        description: 'x',
        probability: -0.5,
      }),
  },
  {
    kind: 'impact depth over LIMITS.impactDepth',
    code: 'validation',
    run: (s, d) => s.code.impact(d.projectId, d.entityB, { maxDepth: LIMITS.impactDepth + 1 }),
  },
  {
    kind: 'claim limit 1001',
    code: 'validation',
    run: (s, d) => s.consolidation.claimBatch(d.projectId, { worker: 'w', limit: 1001 }),
  },
  {
    kind: 'negative lines added',
    code: 'validation',
    run: (s, d) =>
      s.episodes.record(d.projectId, {
        sessionId: 's',
        eventType: 'file_change',
        content: 'x',
        linesAdded: -1,
      }),
  },
  {
    kind: 'start line after end line',
    code: 'validation',
    run: (s, d) =>
      s.code.upsertEntity(d.projectId, {
        filePath: 'src/b.ts',
        name: 'b',
        entityType: 'function',
        startLine: 9,
        endLine: 3,
      }),
  },
  {
    kind: 'negative log position (changedSince)',
    code: 'validation',
    run: (s, d) => s.consolidation.changedSince(d.projectId, -1),
  },
  {
    kind: 'neighbour count 0',
    code: 'validation',
    run: (s, d) => s.search.neighbours(d.projectId, [d.memoryA], { k: 0 }),
  },
  // ---------------------------------------------------------------- dates
  {
    kind: 'Invalid Date (createdAt)',
    code: 'validation',
    run: (s, d) => s.memories.store(d.projectId, memory({ createdAt: new Date(NaN) })),
  },
  {
    kind: 'year 10000 (goal deadline)',
    code: 'validation',
    run: (s, d) =>
      s.goals.update(d.projectId, d.goalId, { deadline: new Date('+010000-01-01T00:00:00Z') }),
  },
  {
    kind: 'year 0 (task due date)',
    code: 'validation',
    run: (s, d) =>
      s.tasks.update(d.projectId, d.taskId, { dueAt: new Date('0000-06-01T00:00:00Z') }),
  },
  {
    kind: 'date as a string (event timestamp)',
    code: 'validation',
    run: (s, d) =>
      s.episodes.record(d.projectId, {
        sessionId: 's',
        eventType: 'action',
        content: 'x',
        timestamp: bad('2024-01-01'),
      }),
  },
  {
    kind: 'Invalid Date in a filter (createdAfter)',
    code: 'validation',
    run: (s, d) => s.memories.count(d.projectId, { createdAfter: new Date('not a date') }),
  },
  {
    kind: 'Invalid Date (recordAccess at)',
    code: 'validation',
    run: (s, d) => s.memories.recordAccess(d.projectId, [d.memoryA], { at: new Date(NaN) }),
  },
  {
    kind: 'date as a number (markConsolidated at)',
    code: 'validation',
    run: (s, d) => s.episodes.markConsolidated(d.projectId, [d.eventId], { at: bad(Date.now()) }),
  },
  // -------------------------------------------------------------- cursors
  {
    kind: 'cursor that is not base64 JSON',
    code: 'validation',
    run: (s, d) => s.memories.list(d.projectId, { after: '!!not a cursor!!' }),
  },
  {
    kind: 'cursor of the wrong arity',
    code: 'validation',
    run: (s, d) => s.memories.list(d.projectId, { after: encodeCursor([1, 2, 3]) }),
  },
  {
    kind: 'cursor with a non-integer value',
    code: 'validation',
    run: (s, d) =>
      s.episodes.list(d.projectId, {
        after: Buffer.from(JSON.stringify(['x', 1])).toString('base64url'),
      }),
  },
  {
    kind: 'cursor as a number',
    code: 'validation',
    run: (s, d) => s.memories.list(d.projectId, { after: bad(5) }),
  },
  // -------------------------------------------------------------- filters
  {
    kind: 'filter tags as a string',
    code: 'validation',
    run: (s, d) => s.search.keyword(d.projectId, 'build', { filters: { tags: bad('build') } }),
  },
  {
    kind: 'filters as an array',
    code: 'validation',
    run: (s, d) => s.memories.count(d.projectId, bad(['fact'])),
  },
  {
    kind: 'empty domain in a filter',
    code: 'validation',
    run: (s, d) => s.memories.count(d.projectId, { domains: [''] }),
  },
  // ---------------------------------------------------------- transitions
  {
    kind: 'transition unconsolidated → consolidated',
    code: 'invalid_transition',
    run: (s, d) => s.consolidation.transition(d.projectId, d.memoryA, 'consolidated'),
  },
  {
    kind: 'transition out of superseded',
    code: 'invalid_transition',
    run: (s, d) => s.consolidation.transition(d.projectId, d.supersededMemory, 'consolidating'),
  },
  {
    kind: 'one forbidden move in transitionMany',
    code: 'invalid_transition',
    run: (s, d) =>
      s.consolidation.transitionMany(d.projectId, [
        { memoryId: d.memoryA, to: 'consolidating' },
        { memoryId: d.memoryB, to: 'labile' },
      ]),
  },
  {
    kind: 'validate a validated decision',
    code: 'invalid_transition',
    run: (s, d) => s.decisions.validate(d.projectId, d.validatedDecision),
  },
  {
    kind: 'reject a rejected decision',
    code: 'invalid_transition',
    run: (s, d) => s.decisions.reject(d.projectId, d.rejectedDecision),
  },
  {
    kind: 'supersede a rejected decision',
    code: 'invalid_transition',
    run: (s, d) => s.decisions.supersede(d.projectId, d.rejectedDecision, { title: 'Use fakes' }),
  },
  {
    kind: 'supersede into a superseded memory',
    code: 'conflict',
    run: (s, d) =>
      s.consolidation.transition(d.projectId, d.memoryB, 'superseded', {
        supersededBy: d.supersededMemory,
      }),
  },
  {
    kind: 'superseded without a successor',
    code: 'validation',
    run: (s, d) => s.consolidation.transition(d.projectId, d.memoryB, 'superseded'),
  },
  {
    kind: 'superseded by itself',
    code: 'validation',
    run: (s, d) =>
      s.consolidation.transition(d.projectId, d.memoryB, 'superseded', { supersededBy: d.memoryB }),
  },
  // ----------------------------------------------------------- self-links
  {
    kind: 'memory linked to itself',
    code: 'validation',
    run: (s, d) =>
      s.relationships.link(d.projectId, {
        fromMemoryId: d.memoryA,
        toMemoryId: d.memoryA,
        relationshipType: 'extends',
      }),
  },
  {
    kind: 'entity depending on itself',
    code: 'validation',
    run: (s, d) =>
      s.code.addDependency(d.projectId, {
        fromEntityId: d.entityA,
        toEntityId: d.entityA,
        dependencyType: 'calls',
      }),
  },
  // ------------------------------------------------------------ conflicts
  {
    kind: 'duplicate project name',
    code: 'conflict',
    run: (s) => s.projects.create({ name: 'reliability', path: '/src/elsewhere' }),
  },
  {
    kind: 'duplicate project path',
    code: 'conflict',
    run: (s) => s.projects.create({ name: 'elsewhere', path: '/src/reliability' }),
  },
  // --------------------------------------------------------- transactions
  {
    kind: "transaction('not a function')",
    code: 'validation',
    run: (s) => s.transaction(bad('not a function')),
  },
  { kind: 'bulkLoad(42)', code: 'validation', run: (s) => s.bulkLoad(bad(42)) },
  // ----------------------------------------------------------------- bulk
  {
    kind: 'storeMany with one bad item',
    code: 'validation',
    run: (s, d) =>
      s.memories.storeMany(d.projectId, [memory(), memory(), memory({ memoryType: 'note' })]),
  },
  {
    kind: 'storeMany with one wrong-length vector',
    code: 'dimension_mismatch',
    run: (s, d) =>
      s.memories.storeMany(d.projectId, [memory(), memory({ embedding: unit(0).slice(2) })]),
  },
  {
    kind: 'storeMany given an object, not an array',
    code: 'validation',
    run: (s, d) => s.memories.storeMany(d.projectId, bad(memory())),
  },
  {
    kind: 'recordMany with one bad item',
    code: 'validation',
    run: (s, d) =>
      s.episodes.recordMany(d.projectId, [
        { sessionId: 's', eventType: 'action', content: 'ok' },
        { sessionId: 's', eventType: 'action', content: '' },
      ]),
  },
  {
    kind: 'replaceFile with a bad entity',
    code: 'validation',
    run: (s, d) =>
      s.code.replaceFile(d.projectId, 'src/a.ts', {
        entities: [
          { name: 'main', entityType: 'function' },
          { name: '', entityType: 'function' },
        ],
      }),
  },
  {
    kind: 'replaceFile with an edge from an entity not in the file',
    code: 'validation',
    run: (s, d) =>
      s.code.replaceFile(d.projectId, 'src/a.ts', {
        entities: [{ name: 'main', entityType: 'function' }],
        edges: [
          {
            from: { qualifiedName: 'ghost' },
            to: { qualifiedName: 'main' },
            dependencyType: 'calls',
          },
        ],
      }),
  },
  {
    kind: 'upsertEntities with a duplicate key',
    code: 'validation',
    run: (s, d) =>
      s.code.upsertEntities(d.projectId, [
        { filePath: 'src/c.ts', name: 'c', entityType: 'function' },
        { filePath: 'src/c.ts', name: 'c', entityType: 'function' },
      ]),
  },
  {
    kind: 'recordAccess with a zero id',
    code: 'validation',
    run: (s, d) => s.memories.recordAccess(d.projectId, [d.memoryA, 0]),
  },
  {
    kind: 'markConsolidated ids not an array',
    code: 'validation',
    run: (s, d) => s.episodes.markConsolidated(d.projectId, bad(d.eventId)),
  },
  // ---------------------------------------------------- all or nothing
  {
    kind: 'bad input after a write in a transaction',
    code: 'validation',
    run: (s, d) =>
      s.transaction(async (tx) => {
        await tx.memories.store(d.projectId, memory());
        await tx.goals.update(d.projectId, d.goalId, { status: 'active' });
        await tx.memories.store(d.projectId, memory({ confidence: 2 }));
      }),
  },
  {
    kind: 'bad input in a nested transaction after outer writes',
    code: 'validation',
    run: (s, d) =>
      s.transaction(async (tx) => {
        await tx.relationships.unlink(d.projectId, {
          fromMemoryId: d.memoryA,
          toMemoryId: d.memoryB,
          relationshipType: 'reinforces',
        });
        await tx.transaction((inner) => inner.tasks.create(d.projectId, { title: '' }));
      }),
  },
  {
    kind: 'unknown memory after writes in a transaction',
    code: 'not_found',
    run: (s, d) =>
      s.transaction(async (tx) => {
        await tx.memories.delete(d.projectId, d.memoryB);
        await tx.memories.update(d.projectId, UNKNOWN, { content: 'x' });
      }),
  },
  {
    kind: 'bulkLoad with a bad item after good ones',
    code: 'dimension_mismatch',
    run: (s, d) =>
      s.bulkLoad(async (tx) => {
        await tx.memories.storeMany(d.projectId, [memory(), memory(), memory(), memory()]);
        await tx.memories.store(d.projectId, memory({ embedding: [1, 2, 3] }));
      }),
  },
  {
    kind: 'supersede a decision with an invalid replacement',
    code: 'validation',
    run: (s, d) => s.decisions.supersede(d.projectId, d.proposedDecision, { title: '' }),
  },
  {
    kind: 'transitionMany with an unknown memory after valid moves',
    code: 'not_found',
    run: (s, d) =>
      s.consolidation.transitionMany(d.projectId, [
        { memoryId: d.memoryA, to: 'consolidating' },
        { memoryId: d.memoryA, to: 'consolidated' },
        { memoryId: UNKNOWN, to: 'consolidating' },
      ]),
  },
  {
    kind: 'superseded by a memory of another project',
    code: 'not_found',
    run: (s, d) =>
      s.consolidation.transition(d.projectId, d.memoryB, 'superseded', {
        supersededBy: d.otherMemory,
      }),
  },
  {
    kind: 'sub-task of an unknown task',
    code: 'not_found',
    run: (s, d) => s.tasks.create(d.projectId, { title: 'orphan', parentTaskId: UNKNOWN }),
  },
  {
    kind: 'replaceFile with an empty file path',
    code: 'validation',
    run: (s, d) =>
      s.code.replaceFile(d.projectId, '', { entities: [{ name: 'x', entityType: 'function' }] }),
  },
  {
    kind: 'replaceFile with an empty unresolved target',
    code: 'validation',
    run: (s, d) =>
      s.code.replaceFile(d.projectId, 'src/a.ts', {
        entities: [{ name: 'main', entityType: 'function' }],
        unresolved: [{ from: { qualifiedName: 'main' }, dependencyType: 'imports', target: '' }],
      }),
  },
  {
    kind: 'code entity tied to a memory of another project',
    code: 'not_found',
    run: (s, d) =>
      s.code.upsertEntity(d.projectId, {
        filePath: 'src/b.ts',
        name: 'b',
        entityType: 'function',
        memoryId: d.otherMemory,
      }),
  },
  // ----------------------------------------------------------- records
  {
    kind: "unknown record table 'users'",
    code: 'validation',
    run: (s) => s.records.page(bad('users')),
  },
  {
    kind: 'record import of a project whose name exists',
    code: 'conflict',
    run: async (s) => {
      const projects = await s.records.page('projects');
      return s.records.insert('projects', [bad({ ...projects[0], path: '/src/copy' })]);
    },
  },
  {
    kind: 'record import of a memory of an unknown project',
    code: 'not_found',
    run: async (s, d) => {
      const [first] = await s.records.page('memories', { projectIds: [d.projectId], limit: 1 });
      return s.records.insert('memories', [bad({ ...first, projectId: UNKNOWN })]);
    },
  },
  {
    kind: 'supersession link of a memory to itself',
    code: 'validation',
    run: (s, d) =>
      s.records.linkSupersession('memories', [{ id: d.memoryB, supersededBy: d.memoryB }]),
  },
  {
    kind: 'efSearch 0',
    code: 'validation',
    run: (s, d) => s.search.semantic(d.projectId, unit(0), { efSearch: 0 }),
  },
  {
    kind: 'project description with NUL',
    code: 'validation',
    run: (s) => s.projects.create({ name: 'nul', path: '/src/nul', description: 'a\u0000b' }),
  },
  // -------------------------------------------------- every area, more
  {
    kind: 'Float32Array query with NaN',
    code: 'validation',
    run: (s, d) => s.search.semantic(d.projectId, Float32Array.from(firstIs(NaN) as number[])),
  },
  {
    kind: 'sparse array as embedding (holes)',
    code: 'validation',
    run: (s, d) => s.memories.store(d.projectId, memory({ embedding: new Array(DIMENSION) })),
  },
  {
    kind: 'embedding of a million components',
    code: 'dimension_mismatch',
    run: (s, d) =>
      s.memories.store(d.projectId, memory({ embedding: new Float32Array(1_000_000).fill(1) })),
  },
  {
    kind: 'more ids than LIMITS.batch (getMany)',
    code: 'validation',
    run: (s, d) =>
      s.memories.getMany(
        d.projectId,
        Array.from({ length: LIMITS.batch + 1 }, (_, i) => i + 1),
      ),
  },
  {
    kind: 'fusion weights both 0',
    code: 'validation',
    run: (s, d) =>
      s.search.hybrid(
        d.projectId,
        { embedding: unit(0), text: 'build' },
        { weights: { semantic: 0, keyword: 0 } },
      ),
  },
  {
    kind: 'NaN similarity threshold',
    code: 'validation',
    run: (s, d) => s.search.semantic(d.projectId, unit(0), { threshold: NaN }),
  },
  {
    kind: 'NaN confidence (decision)',
    code: 'validation',
    run: (s, d) => s.decisions.create(d.projectId, { title: 'NaN', confidence: NaN }),
  },
  {
    kind: 'priority as a string',
    code: 'validation',
    run: (s, d) => s.tasks.create(d.projectId, { title: 'p', priority: bad('5') }),
  },
  {
    kind: 'limit Infinity',
    code: 'validation',
    run: (s, d) => s.code.hotspots(d.projectId, { limit: Infinity }),
  },
  {
    kind: 'negative duration',
    code: 'validation',
    run: (s, d) =>
      s.episodes.record(d.projectId, {
        sessionId: 's',
        eventType: 'action',
        content: 'x',
        durationMs: -5,
      }),
  },
  {
    kind: 'surprise score 2',
    code: 'validation',
    run: (s, d) =>
      s.episodes.record(d.projectId, {
        sessionId: 's',
        eventType: 'discovery',
        content: 'x',
        surpriseScore: 2,
      }),
  },
  {
    kind: 'event context files not a list',
    code: 'validation',
    run: (s, d) =>
      s.episodes.record(d.projectId, {
        sessionId: 's',
        eventType: 'action',
        content: 'x',
        context: { files: bad('src/a.ts') },
      }),
  },
  {
    kind: 'minimum priority 0 (goals.list)',
    code: 'validation',
    run: (s, d) => s.goals.list(d.projectId, { minPriority: 0 }),
  },
  {
    kind: "relationship direction 'up'",
    code: 'validation',
    run: (s, d) => s.relationships.list(d.projectId, d.memoryA, { direction: bad('up') }),
  },
  {
    kind: 'negative line (code.findEntities)',
    code: 'validation',
    run: (s, d) => s.code.findEntities(d.projectId, { line: -1 }),
  },
  {
    kind: 'claim without a worker',
    code: 'validation',
    run: (s, d) => s.consolidation.claimBatch(d.projectId, bad({ limit: 5 })),
  },
  {
    kind: 'claim lease 0 ms',
    code: 'validation',
    run: (s, d) => s.consolidation.claimBatch(d.projectId, { worker: 'w', leaseMs: 0 }),
  },
  {
    kind: 'negative reconsolidation window',
    code: 'validation',
    run: (s, d) => s.consolidation.reconsolidationWindow(d.projectId, { windowMinutes: -1 }),
  },
  {
    kind: 'Invalid Date (releaseExpired now)',
    code: 'validation',
    run: (s, d) => s.consolidation.releaseExpired(d.projectId, new Date(NaN)),
  },
  {
    kind: 'date as a string (labilize at)',
    code: 'validation',
    run: (s, d) => s.consolidation.labilize(d.projectId, [d.memoryA], bad('yesterday')),
  },
  {
    kind: "unknown state in changedSince 'archived'",
    code: 'validation',
    run: (s, d) => s.consolidation.changedSince(d.projectId, 0, bad(['archived'])),
  },
  {
    kind: 'empty string cursor',
    code: 'validation',
    run: (s, d) => s.memories.list(d.projectId, { after: '' }),
  },
  {
    kind: 'traverse without a direction',
    code: 'validation',
    run: (s, d) => s.code.traverse(d.projectId, d.entityA, bad({})),
  },
  {
    kind: 'empty name lookup (projects.getByName)',
    code: 'validation',
    run: (s) => s.projects.getByName(''),
  },
  {
    kind: 'id 0 (projects.delete)',
    code: 'validation',
    run: (s) => s.projects.delete(0),
  },
  {
    kind: "unknown stats option 'verbose'",
    code: 'validation',
    run: (s) => s.stats(bad({ verbose: true })),
  },
  {
    kind: 'decision alternative with a lone surrogate',
    code: 'validation',
    run: (s, d) => s.decisions.create(d.projectId, { title: 'alt', alternatives: ['\uD83D'] }),
  },
  {
    kind: 'retrieved flag as a string (recordAccess)',
    code: 'validation',
    run: (s, d) => s.memories.recordAccess(d.projectId, [d.memoryA], { retrieved: bad('yes') }),
  },
  {
    kind: 'run listing limit 0',
    code: 'validation',
    run: (s, d) => s.consolidation.listRuns(d.projectId, { limit: 0 }),
  },
  {
    kind: 'consolidation run with unknown fields',
    code: 'validation',
    run: (s, d) => s.consolidation.recordRun(d.projectId, bad({ clusters: 'many' })),
  },
  {
    kind: 'empty file path filter (unresolvedDependencies)',
    code: 'validation',
    run: (s, d) => s.code.unresolvedDependencies(d.projectId, { filePath: '' }),
  },
  {
    kind: 'sub-task of a task of another project',
    code: 'not_found',
    run: (s, d) => s.tasks.create(d.otherProjectId, { title: 'cross', parentTaskId: d.taskId }),
  },
  {
    kind: 'Invalid Date in episodes.list from',
    code: 'validation',
    run: (s, d) => s.episodes.list(d.projectId, { from: new Date(NaN) }),
  },
  {
    kind: 'filter tag with NUL',
    code: 'validation',
    run: (s, d) => s.memories.count(d.projectId, { tags: ['build\u0000'] }),
  },
  {
    kind: 'session filter with a lone surrogate (episodes.list)',
    code: 'validation',
    run: (s, d) => s.episodes.list(d.projectId, { sessionId: 'session-\uDBFF' }),
  },
  {
    kind: 'entity name lookup with NUL (code.findEntities)',
    code: 'validation',
    run: (s, d) => s.code.findEntities(d.projectId, { name: 'main\u0000' }),
  },
  {
    kind: 'year 10000 in a filter (createdBefore)',
    code: 'validation',
    run: (s, d) =>
      s.search.semantic(d.projectId, unit(0), {
        filters: { createdBefore: new Date('+010000-01-01T00:00:00Z') },
      }),
  },
  {
    kind: 'year 0 (memory createdAt)',
    code: 'validation',
    run: (s, d) =>
      s.memories.store(d.projectId, memory({ createdAt: new Date('0000-01-01T00:00:00Z') })),
  },
  {
    kind: 'empty domain (memory)',
    code: 'validation',
    run: (s, d) => s.memories.store(d.projectId, memory({ domain: '' })),
  },
  {
    kind: 'empty embedding model (update)',
    code: 'validation',
    run: (s, d) => s.memories.update(d.projectId, d.memoryA, { embeddingModel: '' }),
  },
  {
    kind: 'record page limit 10001',
    code: 'validation',
    run: (s) => s.records.page('memories', { limit: 10_001 }),
  },
  {
    kind: 'record page after -1',
    code: 'validation',
    run: (s) => s.records.page('episodes', { after: -1 }),
  },
  {
    kind: "record count of unknown table 'users'",
    code: 'validation',
    run: (s) => s.records.count(bad('users')),
  },
  {
    kind: 'record import of a memory with a wrong-length vector',
    code: 'dimension_mismatch',
    run: async (s, d) => {
      const [first] = await s.records.page('memories', { projectIds: [d.projectId], limit: 1 });
      return s.records.insert('memories', [
        bad({ ...first, embedding: new Float32Array(4).fill(1) }),
      ]);
    },
  },
  {
    kind: "record import of a memory in state 'archived'",
    code: 'validation',
    run: async (s, d) => {
      const [first] = await s.records.page('memories', { projectIds: [d.projectId], limit: 1 });
      return s.records.insert('memories', [bad({ ...first, consolidationState: 'archived' })]);
    },
  },
  {
    kind: 'record import of a relationship to itself',
    code: 'validation',
    run: async (s, d) => {
      const [first] = await s.records.page('relationships', { limit: 1 });
      return s.records.insert('relationships', [
        bad({ ...first, toMemoryId: d.memoryA, fromMemoryId: d.memoryA }),
      ]);
    },
  },
  {
    kind: 'supersession link to an unknown memory',
    code: 'not_found',
    run: (s, d) =>
      s.records.linkSupersession('memories', [{ id: d.memoryB, supersededBy: UNKNOWN }]),
  },
  {
    kind: 'nested transaction given a non-function',
    code: 'validation',
    run: (s) => s.transaction((tx) => tx.transaction(bad(null))),
  },
  {
    kind: 'year 10000 (markConsolidated at)',
    code: 'validation',
    run: (s, d) =>
      s.episodes.markConsolidated(d.projectId, [d.eventId], {
        at: new Date('+010000-01-01T00:00:00Z'),
      }),
  },
  {
    kind: 'keyword text as null',
    code: 'validation',
    run: (s, d) => s.search.keyword(d.projectId, bad(null)),
  },
  {
    kind: 'hybrid text as a number',
    code: 'validation',
    run: (s, d) => s.search.hybrid(d.projectId, { embedding: unit(0), text: bad(42) }),
  },
  {
    kind: 'update with a valid vector and blank content',
    code: 'validation',
    run: (s, d) => s.memories.update(d.projectId, d.memoryA, { embedding: unit(5), content: '' }),
  },
  {
    kind: 'replaceFile with two entities of one key',
    code: 'validation',
    run: (s, d) =>
      s.code.replaceFile(d.projectId, 'src/a.ts', {
        entities: [
          { name: 'main', entityType: 'function' },
          { name: 'main', entityType: 'function' },
        ],
      }),
  },
  {
    kind: "replaceFile edge of type 'requires'",
    code: 'validation',
    run: (s, d) =>
      s.code.replaceFile(d.projectId, 'src/a.ts', {
        entities: [
          { name: 'main', entityType: 'function' },
          { name: 'helper', entityType: 'function' },
        ],
        edges: [
          {
            from: { qualifiedName: 'main' },
            to: { qualifiedName: 'helper' },
            dependencyType: bad('requires'),
          },
        ],
      }),
  },
  {
    kind: 'upsertEntities with an unknown memory after a new entity',
    code: 'not_found',
    run: (s, d) =>
      s.code.upsertEntities(d.projectId, [
        { filePath: 'src/new.ts', name: 'fresh', entityType: 'function' },
        { filePath: 'src/new.ts', name: 'stale', entityType: 'function', memoryId: UNKNOWN },
      ]),
  },
  {
    kind: 'transitionMany superseded by another project after valid moves',
    code: 'not_found',
    run: (s, d) =>
      s.consolidation.transitionMany(d.projectId, [
        { memoryId: d.memoryA, to: 'consolidating' },
        { memoryId: d.memoryB, to: 'superseded', supersededBy: d.otherMemory },
      ]),
  },
  {
    kind: 'supersede a decision with an extra replacement field',
    code: 'validation',
    run: (s, d) =>
      s.decisions.supersede(d.projectId, d.proposedDecision, bad({ title: 'New', owner: 'me' })),
  },
  {
    kind: 'scenario description over LIMITS.contentLength',
    code: 'validation',
    run: (s, d) =>
      s.decisions.addScenario(d.projectId, d.proposedDecision, {
        scenarioType: 'likely',
        description: LONG_CONTENT,
      }),
  },
  {
    kind: 'id 1.5 (goals.delete)',
    code: 'validation',
    run: (s, d) => s.goals.delete(d.projectId, 1.5),
  },
  {
    kind: 'id -1 (code.deleteEntity)',
    code: 'validation',
    run: (s, d) => s.code.deleteEntity(d.projectId, -1),
  },
  {
    kind: "unlink of type 'related_to'",
    code: 'validation',
    run: (s, d) =>
      s.relationships.unlink(d.projectId, {
        fromMemoryId: d.memoryA,
        toMemoryId: d.memoryB,
        relationshipType: bad('related_to'),
      }),
  },
  {
    kind: 'NaN among ids (labilize)',
    code: 'validation',
    run: (s, d) => s.consolidation.labilize(d.projectId, [d.memoryA, NaN]),
  },
  {
    kind: 'neighbour ids not a list',
    code: 'validation',
    run: (s, d) => s.search.neighbours(d.projectId, bad(d.memoryA)),
  },
  {
    kind: "hotspot order 'fanIn ' (trailing space)",
    code: 'validation',
    run: (s, d) => s.code.hotspots(d.projectId, { orderBy: bad('fanIn ') }),
  },
  {
    kind: 'empty worker name',
    code: 'validation',
    run: (s, d) => s.consolidation.claimBatch(d.projectId, { worker: '' }),
  },
  {
    kind: 'Invalid Date (transition at)',
    code: 'validation',
    run: (s, d) =>
      s.consolidation.transition(d.projectId, d.memoryA, 'consolidating', { at: new Date(NaN) }),
  },
  {
    kind: 'project name with a lone surrogate',
    code: 'validation',
    run: (s) => s.projects.create({ name: 'proj\uD800', path: '/src/surrogate' }),
  },
  {
    kind: 'includeEmbedding as a string',
    code: 'validation',
    run: (s, d) => s.search.keyword(d.projectId, 'build', { includeEmbedding: bad('yes') }),
  },
  {
    kind: 'negative complexity',
    code: 'validation',
    run: (s, d) =>
      s.code.upsertEntity(d.projectId, {
        filePath: 'src/b.ts',
        name: 'b',
        entityType: 'function',
        complexity: -1,
      }),
  },
  {
    kind: 'exported as a string',
    code: 'validation',
    run: (s, d) =>
      s.code.upsertEntity(d.projectId, {
        filePath: 'src/b.ts',
        name: 'b',
        entityType: 'function',
        exported: bad('yes'),
      }),
  },
  {
    kind: "event type 'tool_call ' (trailing space)",
    code: 'validation',
    run: (s, d) =>
      s.episodes.record(d.projectId, {
        sessionId: 's',
        eventType: bad('tool_call '),
        content: 'x',
      }),
  },
  {
    kind: 'hybrid query without text',
    code: 'validation',
    run: (s, d) => s.search.hybrid(d.projectId, bad({ embedding: unit(0) })),
  },
];

// ------------------------------------------------------------- snapshots

/** Every table of a database: name → row count and a digest of all its rows. */
type Snapshot = Record<string, { readonly rows: number; readonly digest: string }>;

/** A digest of rows that does not depend on their order. */
function digestRows(rows: readonly unknown[]): string {
  const lines = rows.map((row) => JSON.stringify(row)).sort();
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}

/** The key under which a snapshot holds the database's schema: tables, indexes, triggers. */
const SCHEMA = '(schema)';

/**
 * Every table of the SQLite file, read through a read-only connection of its
 * own: the real tables and the shadow tables behind the vector (vec0) and
 * full-text (FTS5) indexes (the virtual tables themselves are views of
 * those), plus `sqlite_master`, so a dropped or added index shows too.
 */
function sqliteSnapshot(db: Database.Database): Snapshot {
  const tables = db
    .prepare<[], { name: string }>(
      "select name from sqlite_master where type = 'table' and sql not like 'CREATE VIRTUAL TABLE%' order by name",
    )
    .all();
  const schema = db.prepare('select type, name, tbl_name, sql from sqlite_master').all();
  const snapshot: Snapshot = { [SCHEMA]: { rows: schema.length, digest: digestRows(schema) } };
  for (const { name } of tables) {
    const rows = db.prepare(`select * from "${name.replaceAll('"', '""')}"`).all();
    snapshot[name] = { rows: rows.length, digest: digestRows(rows) };
  }
  return snapshot;
}

/**
 * Every table of the PostgreSQL schema, in one statement, plus the schema's
 * index definitions (`bulkLoad` drops and rebuilds indexes).
 */
async function postgresSnapshot(schema: string, tables: readonly string[]): Promise<Snapshot> {
  const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;
  const perTable = tables.map(
    (name, i) =>
      `select $${i + 3}::text as name, count(*)::int as rows, ` +
      `md5(coalesce(string_agg(t::text, E'\\n' order by t::text), '')) as digest ` +
      `from ${quote(schema)}.${quote(name)} t`,
  );
  const indexes =
    `select $2::text as name, count(*)::int as rows, md5(coalesce(string_agg(indexdef, E'\\n' order by indexdef), '')) as digest ` +
    'from pg_indexes where schemaname = $1';
  const rows = await adminQuery<{ name: string; rows: number; digest: string }>(
    [indexes, ...perTable].join(' union all '),
    [schema, SCHEMA, ...tables],
  );
  return Object.fromEntries(
    rows.map(({ name, rows: count, digest }) => [name, { rows: count, digest }]),
  );
}

/** The tables whose rows differ between two snapshots (or that only one has). */
function changedTables(before: Snapshot, after: Snapshot): string[] {
  const tables = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return tables
    .filter(
      (table) =>
        before[table]?.digest !== after[table]?.digest ||
        before[table]?.rows !== after[table]?.rows,
    )
    .sort();
}

// ----------------------------------------------------------------- matrix

/** How a backend is opened, snapshotted and torn down for the matrix. */
interface Backend {
  readonly store: Store;
  snapshot(): Promise<Snapshot>;
  /** Tables the snapshot must cover, side tables included. */
  readonly required: readonly string[];
  dispose(): Promise<void>;
}

/** The code each backend gave for each kind: backend → kind → code. */
const observed = new Map<string, Map<string, AthenaErrorCode>>();

function matrix(name: string, open: () => Promise<Backend>): void {
  const codes = new Map<string, AthenaErrorCode>();
  observed.set(name, codes);
  let backend: Backend;
  let data: Seed;
  beforeAll(async () => {
    backend = await open();
    await backend.store.init();
    data = await seed(backend.store);
  });
  afterAll(async () => {
    await backend.dispose();
  });

  it('the snapshot covers every table, side tables included, and the seed filled them', async () => {
    const snapshot = await backend.snapshot();
    for (const table of backend.required) expect(Object.keys(snapshot)).toContain(table);
    const empty = Object.entries(snapshot).filter(([, { rows }]) => rows === 0);
    expect(empty.length, `empty tables: ${empty.map(([table]) => table).join(', ')}`).toBeLessThan(
      Object.keys(snapshot).length / 4,
    );
  });

  it('the snapshot has a digest for every table', async () => {
    for (const [table, { digest }] of Object.entries(await backend.snapshot())) {
      expect(digest, table).toMatch(/^[0-9a-f]{32,64}$/);
    }
  });

  it('the snapshot sees a write to a memory in its side tables', async () => {
    const before = await backend.snapshot();
    const id = await backend.store.transaction(async (tx) => {
      const stored = await tx.memories.store(data.projectId, memory({ content: 'probe' }));
      return stored.id;
    });
    const after = await backend.snapshot();
    await backend.store.memories.delete(data.projectId, id);
    const changed = changedTables(before, after);
    for (const table of backend.required) expect(changed).toContain(table);
  });

  it.each(BAD_INPUTS.map((input) => [input.kind, input] as const))('%s', async (kind, input) => {
    const before = await backend.snapshot();
    const outcome: unknown = await input.run(backend.store, data).then(
      (value) => ({ resolved: value }),
      (error: unknown) => error,
    );
    expect(outcome, `${kind}: expected an AthenaError`).toBeInstanceOf(AthenaError);
    const error = outcome as AthenaError;
    expect(error.code, `${kind}: ${error.message}`).toBe(input.code);
    const after = await backend.snapshot();
    expect(changedTables(before, after), `${kind}: tables changed`).toEqual([]);
    codes.set(kind, error.code);
    record({ section: 'bad input', case: kind, backend: name, code: error.code, unchanged: true });
  });
}

describe('bad input: at least 90 distinct kinds', () => {
  it('lists each kind once', () => {
    const kinds = BAD_INPUTS.map((input) => input.kind);
    expect(new Set(kinds).size).toBe(kinds.length);
    expect(kinds.length).toBeGreaterThanOrEqual(90);
  });
});

describe('bad input: sqlite', () => {
  matrix('sqlite', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'athena-bad-input-'));
    const path = join(dir, 'athena.db');
    const store = new SqliteStore({ path, embeddingDimension: DIMENSION });
    let reader: Database.Database | undefined;
    return {
      store,
      required: ['memory_vectors', 'memory_fts_data', 'memory_bits', 'vec_memories_rowids'],
      snapshot: () => {
        reader ??= new Database(path, { readonly: true, fileMustExist: true });
        return Promise.resolve(sqliteSnapshot(reader));
      },
      dispose: async () => {
        reader?.close();
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  });
});

describePostgres('bad input: postgres', () => {
  matrix('postgres', async () => {
    const schema = freshSchema('athena_bad_input');
    const store = new PostgresStore({
      connectionString: TEST_DATABASE_URL,
      schema,
      embeddingDimension: DIMENSION,
    });
    let tables: string[] | undefined;
    return {
      store,
      required: ['memory_vectors', 'memory_embeddings', 'memory_text_index', 'memory_states'],
      snapshot: async () => {
        tables ??= (
          await adminQuery<{ table_name: string }>(
            "select table_name from information_schema.tables where table_schema = $1 and table_type = 'BASE TABLE' order by table_name",
            [schema],
          )
        ).map((row) => row.table_name);
        return postgresSnapshot(schema, tables);
      },
      dispose: async () => {
        await store.close();
        await dropSchema(schema);
      },
    };
  });
});

describe('bad input: every backend gives the same code', () => {
  it('for each kind that ran on more than one backend', () => {
    const [first, ...others] = [...observed.entries()];
    if (first === undefined) return;
    for (const [backend, codes] of others) {
      if (codes.size === 0) continue;
      expect(Object.fromEntries(codes), `${backend} against ${first[0]}`).toEqual(
        Object.fromEntries(first[1]),
      );
    }
  });
});
